"""Reads for the dashboard: who may see what, and the period figures, indicators, trends, heat-map and overdue list.

Every figure comes from the summary tables (dashboard.models): a period costs a fixed number of queries over
bounded numbers of rows — whole months from MonthlyStat, the partial months at the period's edges from DailyStat
(months or days × agencies × procedures), open dossiers only from DossierStat — never a scan of the dossiers
table. Definitions of every counter: dashboard.ledger's module docstring; in short, for a period [start, end] of
local dates:

* received: accepted during the period.
* carried over: accepted before the period and still open when it started (not completed, stopped or withdrawn).
* to process = received + carried over = processed + stopped + withdrawn + in progress at the end.
* in progress at the end of the period, split late / near due / not due. For a period that ends today or later the
  split is live (now, from the open dossiers); for a past period it is the state at the end of its last day, as
  the dossiers' current statutory due dates tell it.
* processed during the period, split early / on time / late; completed not collected: completed, result not yet
  handed over at the end of the period.
* late rate = (late in progress + processed late) / to process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from citizens.roles import Role
from dashboard import indicators, sources
from dashboard.ledger import COMPLETED, FLOW_COLUMNS, LATE, STOCK_COLUMNS, STOPPED, WITHDRAWN
from dashboard.models import OPEN, DailyStat, DossierStat, IndicatorOverride, MonthlyStat
from procedures.models import Agency, Field, OnlineLevel, Procedure, ProcedurePublication, Rating
from procedures.services.calendar import portal_tz, working_calendar

GROUPINGS_BY_ENTITY = ("agency", "field", "procedure")
GROUPINGS_BY_TIME = ("day", "week", "month")
GROUPINGS = GROUPINGS_BY_ENTITY + GROUPINGS_BY_TIME


# --- who may see what ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsAccess:
    """`all`: superusers and IOC viewers; `leader`: the agencies a user leads and the agencies under them;
    `public`: everyone else (anonymous included), who sees province- and agency-level figures only."""

    level: str
    agency_ids: frozenset[int] = frozenset()

    @property
    def is_staff_viewer(self) -> bool:
        return self.level in ("all", "leader")

    def covers(self, agency_ids: frozenset[int] | None) -> bool:
        """May see details (fields, procedures, days, the overdue list) of these agencies (None: the province)."""
        if self.level == "all":
            return True
        if self.level == "leader":
            return agency_ids is not None and agency_ids <= self.agency_ids
        return False


def _descendants(roots: Iterable[int]) -> frozenset[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk not in seen:
            seen.add(pk)
            stack.extend(children.get(pk, ()))
    return frozenset(seen)


def stats_access_for(user) -> StatsAccess:
    if user is None or not user.is_authenticated:
        return StatsAccess("public")
    if user.is_superuser:
        return StatsAccess("all")
    memberships = list(user.memberships.filter(is_active=True).values_list("role", "agency_id"))
    if any(role == Role.IOC_VIEWER for role, _ in memberships):
        return StatsAccess("all")
    led = [agency_id for role, agency_id in memberships if role == Role.LEADER]
    if led:
        return StatsAccess("leader", _descendants(led))
    return StatsAccess("public")


def agency_subtree(agency: Agency) -> frozenset[int]:
    """An agency and the agencies under it: `agency=<code>` covers them all."""
    return _descendants([agency.pk])


# --- scope and figures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    agency_ids: frozenset[int] | None = None  # None: the whole province
    field_id: int | None = None
    procedure_id: int | None = None

    def q(self) -> Q:
        q = Q()
        if self.agency_ids is not None:
            q &= Q(agency_id__in=sorted(self.agency_ids))
        if self.field_id is not None:
            q &= Q(field_id=self.field_id)
        if self.procedure_id is not None:
            q &= Q(procedure_id=self.procedure_id)
        return q

    def catalogue_q(self) -> Q:
        """The same scope over the catalogue (Procedure rows)."""
        q = Q()
        if self.agency_ids is not None:
            q &= Q(agency_id__in=sorted(self.agency_ids))
        if self.field_id is not None:
            q &= Q(field_id=self.field_id)
        if self.procedure_id is not None:
            q &= Q(pk=self.procedure_id)
        return q


STOCK_FIGURES = ("carried_over", "in_progress", "in_progress_late", "in_progress_near", "uncollected")
# Not a summary counter: dossiers of the period rated dissatisfied or with feedback, not already late (5.4).
EXTRA_FIGURES = ("complained",)
FIGURES = FLOW_COLUMNS + STOCK_FIGURES + EXTRA_FIGURES


class PeriodFigures(dict):
    """Counters of one scope over one period: the FLOW_COLUMNS summed over the period plus STOCK_FIGURES."""

    def __init__(self, values: Mapping[str, int] | None = None):
        super().__init__({name: 0 for name in FIGURES})
        if values:
            for name, value in values.items():
                if name in self:
                    self[name] = int(value or 0)

    def add(self, other: Mapping[str, int]) -> PeriodFigures:
        for name in FIGURES:
            self[name] += int(other.get(name) or 0)
        return self

    @property
    def processed(self) -> int:
        return self["completed_early"] + self["completed_on_time"] + self["completed_late"]

    @property
    def to_process(self) -> int:
        return self["received"] + self["carried_over"]

    def counters(self) -> dict:
        """The operational counters as the API and pages show them."""
        processed, to_process = self.processed, self.to_process
        late = self["in_progress_late"] + self["completed_late"]
        not_due = self["in_progress"] - self["in_progress_late"] - self["in_progress_near"]
        return {
            "submitted": self["submitted"],
            "refused": self["refused"],
            "received": self["received"],
            "received_online": self["received_online"],
            "carried_over": self["carried_over"],
            "to_process": to_process,
            "in_progress": {
                "total": self["in_progress"],
                "late": self["in_progress_late"],
                "near_due": self["in_progress_near"],
                "not_due": not_due,
            },
            "processed": {
                "total": processed,
                "early": self["completed_early"],
                "on_time": self["completed_on_time"],
                "late": self["completed_late"],
            },
            "stopped": self["stopped"],
            "withdrawn": self["withdrawn"],
            "delivered": self["delivered"],
            "completed_not_collected": self["uncollected"],
            "late_rate": _rate(late, to_process),
            "on_time_rate": _rate(self["completed_early"] + self["completed_on_time"], processed),
            "average_processing_days": _rate(self["processing_days"], processed, digits=1),
        }


def _rate(numerator: int, denominator: int, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def today_local(now: datetime) -> date:
    return now.astimezone(portal_tz()).date()


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class PeriodSplit:
    """How a period [start, end] reads the summaries: whole months from MonthlyStat, the rest from DailyStat, and
    the same for everything before `start` (the stock carried into the period)."""

    before_month: date  # MonthlyStat months strictly before this one are before the period
    before_days: tuple[date, date] | None  # DailyStat days of start's month before start
    months: tuple[date, date] | None  # MonthlyStat months inside the period (first days)
    days: tuple[tuple[date, date], ...]  # DailyStat day ranges inside the period (the partial months)


def split_period(start: date, end: date) -> PeriodSplit:
    first_full = start if start.day == 1 else next_month(start)
    last_full_end = end if next_month(end) - timedelta(days=1) == end else end.replace(day=1) - timedelta(days=1)
    days: list[tuple[date, date]] = []
    if first_full <= last_full_end:
        months = (first_full, last_full_end.replace(day=1))
        if start < first_full:
            days.append((start, first_full - timedelta(days=1)))
        if last_full_end < end:
            days.append((last_full_end + timedelta(days=1), end))
    else:
        months = None
        days.append((start, end))
    before_days = (start.replace(day=1), start - timedelta(days=1)) if start.day > 1 else None
    return PeriodSplit(start.replace(day=1), before_days, months, tuple(days))


def _sum_rows(queryset, date_field: str, inside: Q | None, before: Q | None, keys: tuple[str, ...]) -> list[dict]:
    aggregates = {}
    if inside is not None:
        aggregates.update({name: Sum(name, filter=inside) for name in FLOW_COLUMNS})
        aggregates.update({f"{name}__in": Sum(name, filter=inside) for name in STOCK_COLUMNS})
    if before is not None:
        aggregates.update({f"{name}__before": Sum(name, filter=before) for name in STOCK_COLUMNS})
    if not aggregates:
        return []
    where = (inside or Q(pk__in=[])) | (before or Q(pk__in=[]))
    queryset = queryset.filter(where)
    if keys:
        return list(queryset.values(*keys).annotate(**aggregates).order_by())
    return [queryset.aggregate(**aggregates)]


def _ranges(field: str, ranges) -> Q | None:
    q = None
    for low, high in ranges:
        part = Q(**{f"{field}__gte": low, f"{field}__lte": high})
        q = part if q is None else q | part
    return q


def period_sums(
    scope: Scope, start: date, end: date, keys: tuple[str, ...] = ("agency_id", "procedure_id", "field_id")
) -> list[dict]:
    """Per key: the flows over [start, end] (FLOW_COLUMNS), and each stock delta summed before `start`
    (`<name>__before`) and up to `end` (`<name>__end`). Two queries over bounded rows: whole months from
    MonthlyStat, partial months from DailyStat."""
    split = split_period(start, end)
    monthly = _sum_rows(
        MonthlyStat.objects.filter(scope.q()),
        "month",
        _ranges("month", [split.months] if split.months else []),
        Q(month__lt=split.before_month),
        keys,
    )
    daily = _sum_rows(
        DailyStat.objects.filter(scope.q()),
        "day",
        _ranges("day", split.days),
        _ranges("day", [split.before_days]) if split.before_days else None,
        keys,
    )
    merged: dict[tuple, dict] = {}
    for row in monthly + daily:
        key = tuple(row.get(k) for k in keys)
        target = merged.setdefault(key, {k: row.get(k) for k in keys})
        for name, value in row.items():
            if name not in keys and value:
                target[name] = target.get(name, 0) + int(value)
    for target in merged.values():
        for name in STOCK_COLUMNS:
            target[f"{name}__end"] = target.get(f"{name}__before", 0) + target.get(f"{name}__in", 0)
    return list(merged.values())


def _live_split(scope: Scope, now: datetime) -> dict[tuple, tuple[int, int, int]]:
    """Open dossiers now, per (agency, procedure, field): (open, late, near due)."""
    today = today_local(now)
    late = Q(late_at__lt=now)
    rows = (
        DossierStat.objects.filter(OPEN, scope.q())
        .values("agency_id", "procedure_id", "field_id")
        .annotate(
            open=Count("pk"), late=Count("pk", filter=late), near=Count("pk", filter=Q(near_day__lt=today) & ~late)
        )
        .order_by()
    )
    return {(r["agency_id"], r["procedure_id"], r["field_id"]): (r["open"], r["late"], r["near"]) for r in rows}


def _figures_from_sums(row: Mapping, live: tuple[int, int, int] | None, use_live: bool) -> PeriodFigures:
    figures = PeriodFigures({name: row.get(name) for name in FLOW_COLUMNS})
    figures["carried_over"] = int(row.get("open_delta__before") or 0)
    figures["uncollected"] = int(row.get("uncollected_delta__end") or 0)
    if use_live:
        figures["in_progress"], figures["in_progress_late"], figures["in_progress_near"] = live or (0, 0, 0)
    else:
        figures["in_progress"] = int(row.get("open_delta__end") or 0)
        figures["in_progress_late"] = int(row.get("late_delta__end") or 0)
        figures["in_progress_near"] = int(row.get("near_delta__end") or 0)
    return figures


@dataclass
class CatalogueEntry:
    id: int
    agency_id: int
    field_id: int
    online_level: str
    fee_bearing: bool
    full_online_eligible: bool = False
    complete: bool = False  # all seven components of Decree 63/2010 art. 8(2) (indicator 1.3)
    citizen: bool = False  # applicants include citizens
    population: bool = False  # connected to the population database
    announced: bool = False  # announced in the period (1.1)
    announced_on_time: bool = False
    to_publish: bool = False  # had to be published in the period (1.2)
    published_on_time: bool = False


def _catalogue(scope: Scope, start: date | None = None, end: date | None = None) -> list[CatalogueEntry]:
    """The procedures in scope with their indicator facts; with a period, their announcements in it. Two queries
    (three when the period has announcements: the working calendar)."""
    rows = (
        Procedure.objects.filter(scope.catalogue_q(), is_active=True, current_version__isnull=False)
        .annotate(steps=Count("current_version__steps"))
        .values_list(
            "pk",
            "agency_id",
            "field_id",
            "online_level",
            "current_version__fee",
            "current_version__cases",
            "full_online_eligible",
            "uses_population_data",
            "applicant_types",
            "name",
            "current_version__documents",
            "current_version__time_limit_value",
            "steps",
        )
        .order_by()
    )
    entries = []
    for pk, agency_id, field_id, level, fee, cases, eligible, population, applicants, name, docs, limit, steps in rows:
        case_fee = any(int(c.get("fee") or 0) > 0 for c in (cases or []) if isinstance(c, dict))
        complete = bool(name and steps and docs and limit and applicants and agency_id and level)
        citizen = "citizen" in (applicants or [])
        entries.append(
            CatalogueEntry(
                pk, agency_id, field_id, level, bool(fee) or case_fee, eligible, complete, citizen, population
            )
        )
    if start is not None and end is not None and entries:
        _publications(entries, start, end)
    return entries


def _publications(entries: list[CatalogueEntry], start: date, end: date) -> None:
    """Indicators 1.1 and 1.2 from the announcements dated in [start, end]: each procedure once, late once is late
    for the whole period."""
    by_id = {e.id: e for e in entries}
    rows = list(
        ProcedurePublication.objects.filter(
            procedure_id__in=list(by_id), decision_date__gte=start, decision_date__lte=end
        ).values_list("procedure_id", "decision_date", "legal_basis_effective_date", "published_on")
    )
    if not rows:
        return
    calendar = working_calendar()
    announced: dict[int, bool] = {}
    published: dict[int, bool] = {}
    for procedure_id, decided, effective, published_on in rows:
        on_time = (
            effective is not None and calendar.add_working_days(decided, indicators.ANNOUNCE_LEAD_DAYS) <= effective
        )
        announced[procedure_id] = announced.get(procedure_id, True) and on_time
        deadline = calendar.add_working_days(decided, indicators.PUBLISH_WITHIN_DAYS)
        in_time = published_on is not None and published_on <= deadline
        published[procedure_id] = published.get(procedure_id, True) and in_time
    for procedure_id, on_time in announced.items():
        entry = by_id[procedure_id]
        entry.announced, entry.announced_on_time = True, on_time
        entry.to_publish, entry.published_on_time = True, published[procedure_id]


def _catalogue_facts(
    entries: Iterable[CatalogueEntry],
    online_received: Mapping[int, int],
    communes: Iterable[int] | None = None,
    certified: Mapping[int, int] | None = None,
) -> indicators.Catalogue:
    entries = list(entries)
    online = [e for e in entries if e.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)]
    eligible = [e for e in entries if e.full_online_eligible]
    citizen = [e for e in entries if e.citizen]
    communes = None if communes is None else list(communes)
    return indicators.Catalogue(
        procedures=len(entries),
        online=len(online),
        full_online=sum(e.online_level == OnlineLevel.FULL for e in entries),
        full_online_eligible=len(eligible),
        eligible_full_online=sum(e.online_level == OnlineLevel.FULL for e in eligible),
        online_with_dossier=sum(1 for e in online if online_received.get(e.id, 0) > 0),
        complete_components=sum(e.complete for e in entries),
        citizen_procedures=len(citizen),
        population_connected=sum(e.population for e in citizen),
        announced=sum(e.announced for e in entries),
        announced_on_time=sum(e.announced_on_time for e in entries),
        to_publish=sum(e.to_publish for e in entries),
        published_on_time=sum(e.published_on_time for e in entries),
        communes=None if communes is None else len(communes),
        communes_certified=0 if communes is None else sum(1 for pk in communes if (certified or {}).get(pk, 0) > 0),
    )


def _communes(scope: Scope) -> list[int] | None:
    """Active commune-level agencies in scope (4.2b); None when the scope is a field or a procedure."""
    if scope.field_id is not None or scope.procedure_id is not None:
        return None
    q = Q(level=Agency.Level.COMMUNE, is_active=True)
    if scope.agency_ids is not None:
        q &= Q(pk__in=sorted(scope.agency_ids))
    return list(Agency.objects.filter(q).values_list("pk", flat=True))


def _moment(day: date) -> datetime:
    """The start of a local day."""
    return datetime.combine(day, datetime.min.time(), tzinfo=portal_tz())


def _complained(scope: Scope, start: date, end: date, now: datetime, feedback_ids: list) -> dict[tuple, int]:
    """Per (agency, procedure, field): dossiers handled in the period (2.1's population) that were rated dissatisfied
    or have feedback (a registered 5.4 source), and are not already late, so that 5.4 counts each dossier once.
    One query, led by the (small) set of dissatisfied ratings and feedback."""
    population, late = _handled_q(start, end, now)
    signal = _dissatisfied()
    if feedback_ids:
        signal |= Q(pk__in=feedback_ids)
    rows = (
        DossierStat.objects.filter(scope.q(), signal)
        .filter(population)
        .exclude(late)
        .values("agency_id", "procedure_id", "field_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["agency_id"], r["procedure_id"], r["field_id"]): r["n"] for r in rows}


def _dissatisfied() -> Q:
    """Dossiers rated dissatisfied, as a semi-join led by the (small) ratings table."""
    return Q(pk__in=Rating.objects.filter(satisfied=False).values("dossier_id"))


def _provided(
    scope: Scope, start: date, end: date
) -> tuple[dict[str, tuple[str, dict[int, sources.IndicatorFigure]]], list]:
    query = sources.SourceQuery(start, end, scope.agency_ids, scope.field_id, scope.procedure_id)
    figures = sources.read_figures(query)
    if scope.agency_ids is not None:
        figures = {
            code: (name, {pk: f for pk, f in per.items() if pk in scope.agency_ids})
            for code, (name, per) in figures.items()
        }
    return figures, sources.read_dossier_ids("5.4", query)


def _provided_measures(
    provided: Mapping[str, tuple[str, Mapping[int, sources.IndicatorFigure]]], agency_id: int | None = None
) -> dict[str, indicators.Measure]:
    """The province's (or one agency's) measure of each provided indicator."""
    out = {}
    for code, (name, per_agency) in provided.items():
        chosen = per_agency.values() if agency_id is None else [f for pk, f in per_agency.items() if pk == agency_id]
        out[code] = indicators.Measure(
            sum(f.numerator for f in chosen), sum(f.denominator for f in chosen), source=name
        )
    return out


def indicator_rules() -> tuple[indicators.Rule, ...]:
    """The rule table with the province's corrections (one query)."""
    return indicators.with_overrides(IndicatorOverride.objects.all())


@dataclass
class Evaluation:
    """A scope's figures with its indicators and scores."""

    figures: PeriodFigures
    results: list[indicators.Result]
    groups: list[indicators.GroupResult]
    score: Fraction
    available: Fraction

    @property
    def score_percent(self) -> float | None:
        return round(float(self.score / self.available) * 100, 1) if self.available else None

    @property
    def band(self) -> tuple[str, str, str]:
        return indicators.band(self.score)


def evaluate(
    figures: PeriodFigures,
    catalogue: indicators.Catalogue,
    provided: Mapping[str, indicators.Measure] | None = None,
    rules: Iterable[indicators.Rule] = indicators.RULES,
) -> Evaluation:
    results = indicators.compute(figures, catalogue, provided, rules)
    groups = indicators.group_scores(results)
    score, available = indicators.total_score(groups)
    return Evaluation(figures, results, groups, score, available)


@dataclass
class Row:
    key: object
    code: str
    name: str
    evaluation: Evaluation | None = None
    figures: PeriodFigures | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class Overview:
    start: date
    end: date
    as_of: datetime
    live: bool
    scope: Scope
    total: Evaluation
    group_by: str | None = None
    rows: list[Row] = field(default_factory=list)


def stats_overview(
    *, scope: Scope, start: date, end: date, group_by: str | None = None, now: datetime | None = None
) -> Overview:
    """The period's counters and indicators for a scope, optionally broken down by agency / field / procedure
    (each row with its own indicators and score, ranked by score) or by day / week / month (counters only).

    Fixed number of queries: period sums, live split (when the period reaches today), catalogue and announcements
    (and the calendar when there are any), communes, dissatisfied dossiers, the province's rule corrections, and for
    an entity breakdown the names of its rows; plus one call of each registered indicator source."""
    now = now or timezone.now()
    today = today_local(now)
    use_live = end >= today
    sums = period_sums(scope, start, end)
    live = _live_split(scope, now) if use_live else {}
    catalogue = _catalogue(scope, start, end)
    communes = _communes(scope)
    provided, feedback_ids = _provided(scope, start, end)
    complained = _complained(scope, start, end, now, feedback_ids)
    rules = indicator_rules()

    online_received: dict[int, int] = defaultdict(int)
    per_key: dict[tuple, PeriodFigures] = {}
    for row in sums:
        key = (row["agency_id"], row["procedure_id"], row["field_id"])
        per_key[key] = _figures_from_sums(row, live.get(key), use_live)
        online_received[row["procedure_id"]] += int(row.get("received_online") or 0)
    for key, split in live.items():
        if key not in per_key:  # open dossiers of a key without DailyStat rows up to `end` cannot exist; be safe
            per_key[key] = _figures_from_sums({}, split, use_live)
    for key, count in complained.items():
        per_key.setdefault(key, PeriodFigures())["complained"] += count
    certified: dict[int, int] = defaultdict(int)
    for (agency_id, _p, _f), figures in per_key.items():
        certified[agency_id] += figures["certified_copy"]

    total = PeriodFigures()
    for figures in per_key.values():
        total.add(figures)
    overview = Overview(
        start=start,
        end=end,
        as_of=min(now, datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=portal_tz())),
        live=use_live,
        scope=scope,
        total=evaluate(
            total,
            _catalogue_facts(catalogue, online_received, communes, certified),
            _provided_measures(provided),
            rules,
        ),
        group_by=group_by,
    )
    if group_by in GROUPINGS_BY_ENTITY:
        overview.rows = _entity_rows(
            group_by, per_key, catalogue, online_received, rules, provided, set(communes or ()), certified
        )
    elif group_by in GROUPINGS_BY_TIME:
        overview.rows = stats_series(scope=scope, start=start, end=end, granularity=group_by, now=now, live=live)
    return overview


def _entity_rows(
    group_by: str,
    per_key: Mapping[tuple, PeriodFigures],
    catalogue: list[CatalogueEntry],
    online_received: Mapping[int, int],
    rules: tuple[indicators.Rule, ...] = indicators.RULES,
    provided: Mapping | None = None,
    communes: set[int] | None = None,
    certified: Mapping[int, int] | None = None,
) -> list[Row]:
    position = {"agency": 0, "procedure": 1, "field": 2}[group_by]
    grouped: dict[int, PeriodFigures] = defaultdict(PeriodFigures)
    for key, figures in per_key.items():
        grouped[key[position]].add(figures)
    entries_by: dict[int, list[CatalogueEntry]] = defaultdict(list)
    for entry in catalogue:
        entries_by[{"agency": entry.agency_id, "procedure": entry.id, "field": entry.field_id}[group_by]].append(entry)
    keys = set(grouped) | set(entries_by)
    if group_by == "agency":
        names = {
            pk: (code, name)
            for pk, code, name in Agency.objects.filter(pk__in=keys).values_list("pk", "identity_code", "name")
        }
    elif group_by == "field":
        names = {
            pk: (code, name) for pk, code, name in Field.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        }
    else:
        names = {
            pk: (code, name)
            for pk, code, name in Procedure.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        }
    rows = []
    for key in keys:
        figures = grouped.get(key) or PeriodFigures()
        code, name = names.get(key, ("", ""))
        if group_by == "agency":
            facts = _catalogue_facts(entries_by.get(key, ()), online_received, [key] if key in (communes or ()) else [],
                                     certified)  # fmt: skip
            measures = _provided_measures(provided or {}, key)
        else:  # communes and provided figures are per agency: not split by field or procedure
            facts, measures = _catalogue_facts(entries_by.get(key, ()), online_received), {}
        rows.append(Row(key, code, name, evaluate(figures, facts, measures, rules), figures))
    # Ranking: best score first; then more on-time work; then name.
    rows.sort(
        key=lambda r: (-(r.evaluation.score_percent or -1), -(r.figures.counters()["on_time_rate"] or -1), r.name)
    )
    return rows


# --- trends ---


def bucket_start(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _bucket_label(start: date, granularity: str) -> str:
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return f"{start:%Y-%m}"
    return start.isoformat()


def stats_series(
    *, scope: Scope, start: date, end: date, granularity: str, now: datetime | None = None, live: dict | None = None
) -> list[Row]:
    """The counters per day, ISO week or month of [start, end] (buckets after today are left out). A few queries:
    the stock before the period, the per-day (or per-month, for whole months) sums, and the live split when the
    period reaches today."""
    now = now or timezone.now()
    today = today_local(now)
    last = min(end, today)
    if last < start:
        return []
    split = split_period(start, last)
    base = {name: 0 for name in STOCK_COLUMNS}
    for row in period_sums(scope, start, start, keys=()):
        for name in STOCK_COLUMNS:
            base[name] += int(row.get(f"{name}__before") or 0)
    names = FLOW_COLUMNS + STOCK_COLUMNS
    per_month: dict[date, dict] = {}
    if granularity == "month" and split.months:
        per_month = {
            row["month"]: row
            for row in MonthlyStat.objects.filter(scope.q(), month__gte=split.months[0], month__lte=split.months[1])
            .values("month")
            .annotate(**{name: Sum(name) for name in names})
            .order_by()
        }
        day_ranges = split.days
    else:
        day_ranges = ((start, last),)
    per_day = (
        {
            row["day"]: row
            for row in DailyStat.objects.filter(scope.q(), _ranges("day", day_ranges))
            .values("day")
            .annotate(**{name: Sum(name) for name in names})
            .order_by()
        }
        if day_ranges
        else {}
    )
    live_total = None
    if end >= today:
        split_live = live if live is not None else _live_split(scope, now)
        live_total = tuple(sum(values[i] for values in split_live.values()) for i in range(3))
    stock = dict(base)
    rows: list[Row] = []
    day = start
    while day <= last:
        b_start = max(bucket_start(day, granularity), start)
        b_end = min(
            last,
            next_month(b_start) - timedelta(days=1)
            if granularity == "month"
            else bucket_start(day, granularity) + timedelta(days=6 if granularity == "week" else 0),
        )
        figures = PeriodFigures()
        figures["carried_over"] = stock["open_delta"]
        whole_month = b_start.day == 1 and b_start in per_month and b_end == next_month(b_start) - timedelta(days=1)
        sources = (
            [per_month[b_start]]
            if whole_month
            else [
                per_day[d]
                for d in (b_start + timedelta(days=i) for i in range((b_end - b_start).days + 1))
                if d in per_day
            ]
        )
        for values in sources:
            for name in FLOW_COLUMNS:
                figures[name] += int(values.get(name) or 0)
            for name in STOCK_COLUMNS:
                stock[name] += int(values.get(name) or 0)
        figures["uncollected"] = stock["uncollected_delta"]
        if live_total is not None and b_end >= today:
            figures["in_progress"], figures["in_progress_late"], figures["in_progress_near"] = live_total
        else:
            figures["in_progress"] = stock["open_delta"]
            figures["in_progress_late"] = stock["late_delta"]
            figures["in_progress_near"] = stock["near_delta"]
        label = _bucket_label(b_start, granularity)
        rows.append(Row(label, label, label, figures=figures, start=b_start, end=b_end))
        day = b_end + timedelta(days=1)
    return rows


# --- heat-map ---


@dataclass
class HeatRow:
    agency_id: int
    code: str
    name: str
    cells: list[tuple[int, float | None]]  # (processed, on-time rate) per month
    processed: int
    on_time_rate: float | None


def month_starts(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def stats_heatmap(*, scope: Scope, start: date, end: date) -> tuple[list[date], list[HeatRow]]:
    """On-time rate of processed dossiers per agency and month; worst agencies first. Three queries."""
    split = split_period(start, end)
    sums = {"early": Sum("completed_early"), "on_time": Sum("completed_on_time"), "late": Sum("completed_late")}
    rows: list[dict] = []
    if split.months:
        rows += list(
            MonthlyStat.objects.filter(scope.q(), month__gte=split.months[0], month__lte=split.months[1])
            .values("agency_id", "month")
            .annotate(**sums)
            .order_by()
        )
    if split.days:
        rows += list(
            DailyStat.objects.filter(scope.q(), _ranges("day", split.days))
            .annotate(month=TruncMonth("day"))
            .values("agency_id", "month")
            .annotate(**sums)
            .order_by()
        )
    months = month_starts(start, end)
    cells: dict[int, dict[date, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        good = int(row["early"] or 0) + int(row["on_time"] or 0)
        processed, previous_good = cells[row["agency_id"]].get(month, (0, 0))
        cells[row["agency_id"]][month] = (processed + good + int(row["late"] or 0), previous_good + good)
    names = {
        pk: (code, name)
        for pk, code, name in Agency.objects.filter(pk__in=list(cells)).values_list("pk", "identity_code", "name")
    }
    out = []
    for agency_id, by_month in cells.items():
        line = []
        for month in months:
            processed, good = by_month.get(month, (0, 0))
            line.append((processed, _rate(good, processed)))
        processed = sum(p for p, _ in by_month.values())
        good = sum(g for _, g in by_month.values())
        code, name = names.get(agency_id, ("", ""))
        out.append(HeatRow(agency_id, code, name, line, processed, _rate(good, processed)))
    out.sort(key=lambda r: (r.on_time_rate if r.on_time_rate is not None else 2, r.name))
    return months, out


# --- overdue list ---


def stats_overdue(*, scope: Scope, now: datetime | None = None) -> QuerySet[DossierStat]:
    """Open dossiers that are late now, longest overdue first, with who holds each (one query per page)."""
    now = now or timezone.now()
    return (
        DossierStat.objects.filter(OPEN, scope.q(), late_at__lt=now)
        .select_related("dossier", "dossier__procedure", "dossier__agency", "dossier__department", "dossier__assignee")
        .only(
            "late_at",
            "statutory_due_at",
            "extended",
            "supplement_count",
            "dossier__id",
            "dossier__code",
            "dossier__status",
            "dossier__due_at",
            "dossier__procedure__code",
            "dossier__procedure__name",
            "dossier__agency__identity_code",
            "dossier__agency__name",
            "dossier__department__name",
            "dossier__assignee__full_name",
            "dossier__assignee__email",
        )
        .order_by("late_at", "pk")
    )


def overdue_rows(stats: Iterable[DossierStat], *, now: datetime | None = None, calendar=None) -> list[dict]:
    """Plain rows for the API, the page and the exports. `days_late`: working days since the dossier became late."""
    now = now or timezone.now()
    tz = portal_tz()
    calendar = calendar or working_calendar()
    today = now.astimezone(tz).date()
    out = []
    for stat in stats:
        dossier = stat.dossier
        late_day = stat.late_at.astimezone(tz).date()
        assignee = dossier.assignee
        out.append(
            {
                "id": str(dossier.id),
                "code": dossier.code,
                "status": dossier.status,
                "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
                "agency": {"code": dossier.agency.identity_code, "name": dossier.agency.name},
                "department": dossier.department.name if dossier.department else None,
                "assignee": (assignee.full_name or assignee.email) if assignee else None,
                "due_at": dossier.due_at.astimezone(tz).isoformat() if dossier.due_at else None,
                "statutory_due_at": stat.statutory_due_at.astimezone(tz).isoformat() if stat.statutory_due_at else None,
                "late_since": stat.late_at.astimezone(tz).isoformat(),
                "extended": stat.extended,
                "days_late": max(calendar.working_days_between(late_day, today), 1 if now > stat.late_at else 0),
            }
        )
    return out


# --- indicator drill-down -------------------------------------------------------------------------------------------

DOSSIER_DRILLS = ("2.1", "2.2", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5b", "5.4")
PROCEDURE_DRILLS = ("1.1", "1.2", "1.3", "3.1", "3.2", "4.5a")


def _handled_q(start: date, end: date, now: datetime) -> tuple[Q, Q]:
    """(population, late) of indicator 2.1 over DossierStat: dossiers handled in [start, end], and of them those
    late when they ended or at the period's end."""
    start_m, end_m = _moment(start), _moment(end + timedelta(days=1))
    closed_in = Q(closed_at__gte=start_m, closed_at__lt=end_m)
    open_at_end = Q(closed_at__isnull=True) | Q(closed_at__gte=end_m)
    ended_late = Q(overdue_since__isnull=False) | Q(supplement_count__gt=1)
    late = (
        (closed_in & Q(closed_kind=COMPLETED, completion=LATE))
        | (closed_in & Q(closed_kind__in=(STOPPED, WITHDRAWN)) & ended_late)
        | (open_at_end & Q(late_at__lt=min(end_m, now)))
    )
    population = Q(accepted_at__lt=end_m) & (closed_in | open_at_end) & ~Q(closed_kind="refused")
    return population, late


def indicator_dossiers(
    *, code: str, scope: Scope, start: date, end: date, now: datetime | None = None
) -> QuerySet[DossierStat]:
    """The dossiers behind a ledger indicator (its denominator), each with `counted` (in the numerator), oldest
    first. One query per page (plus the paginator's count)."""
    from django.db.models import BooleanField, ExpressionWrapper

    now = now or timezone.now()
    start_m, end_m = _moment(start), _moment(end + timedelta(days=1))
    received = Q(accepted_at__gte=start_m, accepted_at__lt=end_m)
    e_result_ok = Q(requires_paper_result=False) | Q(has_result_doc=True)
    if code in ("2.1", "5.4"):
        population, late = _handled_q(start, end, now)
        counted = ~late
        if code == "5.4":
            feedback = sources.read_dossier_ids(
                "5.4", sources.SourceQuery(start, end, scope.agency_ids, scope.field_id, scope.procedure_id)
            )
            signal = _dissatisfied() | (Q(pk__in=feedback) if feedback else Q(pk__in=[]))
            counted &= ~signal
    elif code == "2.2":
        population, counted = received & Q(closed_kind=COMPLETED), Q(closed_kind=COMPLETED)
    elif code == "4.1":
        population = Q(closed_kind=COMPLETED, completed_at__gte=start_m, completed_at__lt=end_m)
        population &= Q(requires_paper_result=True)
        counted = Q(has_result_doc=True)
    else:
        population = received
        counted = {
            "3.3": Q(channel="online") & e_result_ok,
            "4.2": Q(has_input_docs=True) & e_result_ok,
            "4.3": Q(has_reused_doc=True),
            "4.4": Q(has_store_doc=True),
            "4.5b": Q(has_population_doc=True),
        }[code]
    return (
        DossierStat.objects.filter(scope.q(), population)
        .annotate(counted=ExpressionWrapper(counted, output_field=BooleanField()))
        .select_related("dossier", "procedure", "agency")
        .only(
            "accepted_at",
            "completed_at",
            "closed_at",
            "closed_kind",
            "completion",
            "statutory_due_at",
            "late_at",
            "processing_days",
            "channel",
            "dossier__id",
            "dossier__code",
            "dossier__status",
            "procedure__code",
            "procedure__name",
            "agency__identity_code",
            "agency__name",
        )
        .order_by("accepted_at", "pk")
    )


def indicator_procedures(*, code: str, scope: Scope, start: date, end: date) -> list[dict]:
    """The procedures behind a catalogue indicator, each with `counted`. Three queries at most."""
    entries = _catalogue(scope, start, end)
    if code == "3.2":
        received = DailyStat.objects.filter(scope.q(), day__gte=start, day__lte=end, received_online__gt=0)
        online_ids = set(received.values_list("procedure_id", flat=True).distinct())
    pick = {
        "1.1": (lambda e: e.announced, lambda e: e.announced_on_time),
        "1.2": (lambda e: e.to_publish, lambda e: e.published_on_time),
        "1.3": (lambda e: True, lambda e: e.complete),
        "3.1": (lambda e: True, lambda e: e.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)),
        "3.2": (
            lambda e: e.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL),
            lambda e: e.id in online_ids,
        ),
        "4.5a": (lambda e: e.citizen, lambda e: e.population),
    }[code]
    chosen = [e for e in entries if pick[0](e)]
    names = {
        pk: (c, n)
        for pk, c, n in Procedure.objects.filter(pk__in=[e.id for e in chosen]).values_list("pk", "code", "name")
    }
    rows = [{"code": names[e.id][0], "name": names[e.id][1], "counted": bool(pick[1](e))} for e in chosen]
    return sorted(rows, key=lambda r: r["code"])
