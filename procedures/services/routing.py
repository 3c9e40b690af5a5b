"""Routing and automatic assignment: on acceptance and on each forward or send-back, which agency and department
handle the step the dossier enters, and which officer.

Routing rules
-------------
A version's `routing_rules` is a JSON list, tried in order; the first rule that applies picks where the step goes.
A step no rule applies to goes to the step's own department (`ProcedureStep.department_code`) in the dossier's agency.

    {
      "name": "Đất ở phường Tây Hồ",           # optional, shown in the assignment event
      "steps": [2, 3],                          # optional: step positions the rule applies to (default: every step)
      "when": <condition>,                      # optional: no "when" always applies (a catch-all)
      "agency": "000.00.13.H26",                # optional: identity code of the agency that handles the step
      "department": "land"                      # optional: department code in that agency (default: the step's)
    }

Conditions, on the dossier's form answers (`data`):

    {"field": "land_type", "equals": "residential"}     the answer equals the value (a multi-select contains it)
    {"field": "land_type", "in": ["residential", "farm"]}
    {"commune": "00070"}  or  {"commune": ["00070", "00073"]}
        the commune of an address answer: of the field named by "field" if given, else of any address field
        (the applicant's commune as the form records it; 2-tier addresses since 2025)
    {"province": "01"}                                   likewise for the province
    {"all": [<condition>, ...]}, {"any": [<condition>, ...]}, {"not": <condition>}

A rule that names an agency moves the dossier to that agency (Decree 118/2025: a service centre receives dossiers
from anywhere in the province and the competent commune processes them); its staff then see it and the old agency's
no longer do, so such rules usually apply from step 2 ("steps": [2, 3]).

Assignment
----------
1. An officer named by the action (the reception officer who accepts, a forward that names the next officer) keeps it
   if they are an active officer of the target agency.
2. Returning to a step the dossier has already been through (send-back, or forward after a send-back) goes back to
   the officer who last held that step, if they still may.
3. Otherwise the least-loaded active officer of the target agency holding the step's role, among those of the target
   department (or, if it has none, those of the agency attached to no department). Load = open dossiers assigned
   (submitted, processing, awaiting payment or supplement, withdrawal requested). Ties go to whoever was assigned
   least recently (never first), then to the lowest user id: deterministic, and round-robin among equals.
   The officers' membership rows are locked (`select_for_update`), so two acceptances routed at the same moment are
   serialised and the second sees the first one's assignment.
4. Nobody: the dossier stays in the target agency with no assignee (and no department either when the department
   itself is missing), which is the coordination queue (`coordination_queue`, the officers' "Điều phối" queue); the
   step's event says `"unrouted": true` and why, and the agency's leaders and reception are told (notifications),
   so it is never nowhere.

Recording
---------
Every assignment is an event: the accept / forward / send_back event that enters the step carries it in its payload
(`routing_apply` returns the fragment the workflow service merges in):
    {"assignee": <user id or null>, "assignee_name": "...",
     "routing": {"rule": "explicit|previous|least_loaded|unrouted", "source": "step" | "rule 2: <name>",
                 "automatic": bool, "agency": "<identity code>", "department": "<code>" | null, "load": n,
                 "unrouted": true, "reason": "..."}}     # the last two only when nobody could take it
and a reassignment by a leader or reception is the workflow's own internal `assign` event ({"assignee": id, ...}).
Both shapes have "assignee" at the top, which is what the round-robin and the "previous holder" rule read, and what
notifications.services uses to tell an officer "assigned to you" (never for their own doing) or to tell the agency's
leaders and reception that a dossier waits in the coordination queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from citizens.models import StaffMembership, User
from citizens.roles import HANDLING_ROLES, Role
from procedures.enums import CLOCK_RUNNING, OPEN
from procedures.models import Agency, Department, Dossier, DossierEvent, ProcedureStep

EXPLICIT, PREVIOUS, LEAST_LOADED, UNROUTED = "explicit", "previous", "least_loaded", "unrouted"
# Events whose payload names the officer a dossier was given to.
ASSIGNING_ACTIONS = ("accept", "forward", "send_back", "assign")


@dataclass(frozen=True)
class RoutingDecision:
    """Where a step goes: agency, department and officer, and why (`rule`: explicit, previous, least_loaded or
    unrouted; `source`: "step" or the routing rule that picked the agency/department)."""

    agency: Agency
    department: Department | None
    assignee: User | None
    rule: str
    source: str = "step"
    reason: str = ""
    load: int | None = None

    @property
    def unrouted(self) -> bool:
        return self.assignee is None

    def as_payload(self) -> dict[str, Any]:
        """What the event entering the step records about the assignment (see the module docstring)."""
        routing: dict[str, Any] = {
            "rule": self.rule,
            "source": self.source,
            "automatic": self.rule != EXPLICIT,
            "agency": self.agency.identity_code,
            "department": self.department.code if self.department else None,
        }
        if self.load is not None:
            routing["load"] = self.load
        if self.unrouted:
            routing.update(unrouted=True, reason=self.reason)
        return {
            "assignee": self.assignee.pk if self.assignee else None,
            "assignee_name": str(self.assignee) if self.assignee else "",
            "routing": routing,
        }


# --- rules ----------------------------------------------------------------------------------------------------


def _same(value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return any(_same(item, expected) for item in value)
    if value == expected:
        return True
    # "5" in a rule matches the number 5 in an answer (and the reverse), but True never matches "True".
    return not isinstance(value, bool) and not isinstance(expected, bool) and str(value) == str(expected)


def _address_values(data: Mapping[str, Any], fields: list[dict], field: str | None, part: str) -> list[str]:
    keys = [field] if field else [f.get("key") for f in fields if f.get("type") == "address"]
    values = []
    for key in keys:
        answer = data.get(key)
        if isinstance(answer, Mapping) and answer.get(part):
            values.append(str(answer[part]))
    return values


def condition_matches(condition: Any, data: Mapping[str, Any], fields: list[dict]) -> bool:
    """Whether a rule's "when" holds for the form answers `data` (see the module docstring for the shapes)."""
    if condition is None or condition == {}:
        return True
    if not isinstance(condition, Mapping):
        return False
    if "all" in condition:
        return all(condition_matches(c, data, fields) for c in condition["all"] or [])
    if "any" in condition:
        return any(condition_matches(c, data, fields) for c in condition["any"] or [])
    if "not" in condition:
        return not condition_matches(condition["not"], data, fields)
    for part in ("commune", "province"):
        if part in condition:
            wanted = condition[part]
            wanted = {str(w) for w in (wanted if isinstance(wanted, list) else [wanted])}
            return any(value in wanted for value in _address_values(data, fields, condition.get("field"), part))
    key = condition.get("field")
    if not key or key not in data:
        return False
    value = data[key]
    if "equals" in condition:
        return _same(value, condition["equals"])
    if "in" in condition:
        return any(_same(value, option) for option in condition["in"] or [])
    return False


def matching_rule(rules: Iterable[Any], *, position: int, data: Mapping[str, Any], fields: list[dict]):
    """(index, rule) of the first rule that applies to step `position`, or None."""
    for index, rule in enumerate(rules or [], start=1):
        if not isinstance(rule, Mapping):
            continue
        steps = rule.get("steps")
        if steps and position not in steps:
            continue
        if condition_matches(rule.get("when"), data, fields):
            return index, rule
    return None


def routing_rules_problems(rules: Any) -> list[str]:
    """Why a version's routing rules are malformed (empty: they are fine); for the catalogue's publication checks."""
    if not isinstance(rules, list):
        return ["routing_rules phải là một danh sách."]
    problems = []
    for index, rule in enumerate(rules, start=1):
        where = f"Quy tắc điều phối {index}"
        if not isinstance(rule, Mapping):
            problems.append(f"{where}: phải là một đối tượng.")
            continue
        if not rule.get("agency") and not rule.get("department"):
            problems.append(f"{where}: cần “agency” hoặc “department”.")
        steps = rule.get("steps")
        if steps is not None and not (isinstance(steps, list) and all(isinstance(s, int) for s in steps)):
            problems.append(f"{where}: “steps” là danh sách số thứ tự bước.")
        problems += [f"{where}: {p}" for p in _condition_problems(rule.get("when"))]
    return problems


def _condition_problems(condition: Any) -> list[str]:
    if condition is None or condition == {}:
        return []
    if not isinstance(condition, Mapping):
        return ["điều kiện “when” phải là một đối tượng."]
    for combinator in ("all", "any"):
        if combinator in condition:
            parts = condition[combinator]
            if not isinstance(parts, list):
                return [f"“{combinator}” phải là danh sách điều kiện."]
            return [p for part in parts for p in _condition_problems(part)]
    if "not" in condition:
        return _condition_problems(condition["not"])
    if "commune" in condition or "province" in condition:
        return []
    if not condition.get("field") or not ({"equals", "in"} & set(condition)):
        return ["điều kiện cần “field” với “equals” hoặc “in”, hoặc “commune”/“province”."]
    return []


# --- the decision ---------------------------------------------------------------------------------------------


def dossier_route(
    *, dossier: Dossier, step: ProcedureStep, now: datetime | None = None, assignee: User | None = None
) -> RoutingDecision:
    """Decide where `dossier` goes for `step` (which it is entering) and who gets it. Changes nothing: apply the
    decision with `routing_apply`, which returns what the step's event records. Locks the candidate officers'
    membership rows until the caller's transaction ends, so concurrent routings into the same pool are serialised."""
    now = now or timezone.now()
    with transaction.atomic():
        return _route(dossier=dossier, step=step, now=now, assignee=assignee)


def _route(*, dossier: Dossier, step: ProcedureStep, now: datetime, assignee: User | None) -> RoutingDecision:
    version = dossier.procedure_version
    agency, department_code, source = dossier.agency, step.department_code, "step"
    match = matching_rule(
        version.routing_rules, position=step.position, data=dossier.data or {}, fields=version.form_fields
    )
    if match is not None:
        index, rule = match
        source = f"rule {index}" + (f": {rule['name']}" if rule.get("name") else "")
        if rule.get("agency"):
            target = Agency.objects.filter(identity_code=rule["agency"], is_active=True).first()
            if target is None:
                return RoutingDecision(
                    agency=dossier.agency,
                    department=None,
                    assignee=None,
                    rule=UNROUTED,
                    source=source,
                    reason=f"Quy tắc điều phối chỉ đến cơ quan {rule['agency']} nhưng cơ quan này không tồn tại "
                    "hoặc đã ngừng hoạt động.",
                )
            agency = target
        department_code = rule.get("department") or department_code
    department = Department.objects.filter(agency=agency, code=department_code).first()
    if department is None:
        return RoutingDecision(
            agency=agency,
            department=None,
            assignee=None,
            rule=UNROUTED,
            source=source,
            reason=f"{agency.name} không có phòng ban “{department_code}”.",
        )

    # Separation of duties: nobody handles a dossier they filed themselves; it goes to someone else.
    if assignee is not None and assignee.pk != dossier.applicant_id and _is_officer_of(assignee, agency):
        return RoutingDecision(agency=agency, department=department, assignee=assignee, rule=EXPLICIT, source=source)

    candidates = _candidates(agency=agency, department=department, role=step.role)
    candidates.pop(dossier.applicant_id, None)
    if not candidates:
        return RoutingDecision(
            agency=agency,
            department=department,  # known, only nobody to take it: the department's queue shows it too
            assignee=None,
            rule=UNROUTED,
            source=source,
            reason=f"Không có cán bộ đang hoạt động có vai trò “{Role(step.role).label}” tại {department.name}.",
        )
    previous = _previous_handler(dossier, step.position)
    if previous in candidates:
        return RoutingDecision(
            agency=agency, department=department, assignee=candidates[previous], rule=PREVIOUS, source=source
        )
    loads = dict(
        Dossier.objects.filter(assignee_id__in=list(candidates), status__in=OPEN)
        .exclude(pk=dossier.pk)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    last = _last_assigned(list(candidates), now=now)
    never = datetime.min.replace(tzinfo=now.tzinfo)
    chosen = min(candidates, key=lambda user_id: (loads.get(user_id, 0), last.get(user_id) or never, user_id))
    return RoutingDecision(
        agency=agency,
        department=department,
        assignee=candidates[chosen],
        rule=LEAST_LOADED,
        source=source,
        load=loads.get(chosen, 0),
    )


def _is_officer_of(user: User, agency: Agency) -> bool:
    return (
        user.is_active
        and StaffMembership.objects.filter(user=user, agency=agency, is_active=True, role__in=HANDLING_ROLES).exists()
    )


def _candidates(*, agency: Agency, department: Department, role: str) -> dict[int, User]:
    """Active officers of the pool, by user id: the department's holders of the role or, if it has none, the
    agency's holders attached to no department. Locks the role's membership rows of the agency (in id order, so
    concurrent routings cannot deadlock)."""
    pool = list(
        StaffMembership.objects.select_for_update(of=("self",))
        .filter(agency=agency, role=role)
        .select_related("user")
        .order_by("pk")
    )
    active = [m for m in pool if m.is_active and m.user.is_active]
    members = [m for m in active if m.department_id == department.pk] or [m for m in active if m.department_id is None]
    return {m.user_id: m.user for m in sorted(members, key=lambda m: m.user_id)}


def _previous_handler(dossier: Dossier, position: int) -> int | None:
    """Who last held step `position` of this dossier (by the latest event that gave it to someone at that step)."""
    if not dossier.pk:
        return None
    payloads = (
        DossierEvent.objects.filter(dossier=dossier, action__in=ASSIGNING_ACTIONS, step=position)
        .order_by("-at", "-id")
        .values_list("payload", flat=True)[:20]
    )
    for payload in payloads:
        user_id = (payload or {}).get("assignee")
        if isinstance(user_id, int) and not isinstance(user_id, bool):
            return user_id
    return None


def _last_assigned(user_ids: list[int], *, now: datetime) -> dict[int, datetime]:
    """When each officer was last given a dossier (within the round-robin window), from the events that did it.
    Older assignments count as never: fairness over the last weeks is what matters, and the window keeps this
    query to recent events."""
    window = settings.ROUTING_ROUND_ROBIN_WINDOW_DAYS
    rows = (
        DossierEvent.objects.filter(
            action__in=ASSIGNING_ACTIONS, at__gte=now - timedelta(days=window), payload__assignee__in=user_ids
        )
        .values_list("payload__assignee")
        .annotate(last=Max("at"))
        .order_by()
    )
    return {int(user_id): last for user_id, last in rows if user_id is not None}


# --- applying and recording -----------------------------------------------------------------------------------


def routing_apply(*, dossier: Dossier, decision: RoutingDecision) -> dict[str, Any]:
    """Set the dossier's agency, department and assignee from `decision` (the caller saves the dossier) and return
    the payload fragment that records the assignment in the event of the action entering the step."""
    if decision.agency.pk != dossier.agency_id:
        dossier.agency = decision.agency
    dossier.department = decision.department
    dossier.assignee = decision.assignee
    return decision.as_payload()


# --- reads ----------------------------------------------------------------------------------------------------


def coordination_queue(*, agency_ids: Iterable[int] | None = None) -> QuerySet[Dossier]:
    """Dossiers being processed that nobody holds or no department handles: what routing could not place (and any
    dossier left so by hand), by due date. The same set as the officers' "Điều phối" queue
    (workspace.selectors); the agency's leaders and reception assign them (the workflow's `assign`)."""
    queryset = Dossier.objects.filter(status__in=CLOCK_RUNNING).filter(
        Q(department__isnull=True) | Q(assignee__isnull=True)
    )
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    return queryset.select_related("procedure", "agency", "department").order_by("due_at", "submitted_at", "id")
