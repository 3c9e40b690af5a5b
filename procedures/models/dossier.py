from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.hashchain import GENESIS, link_hash
from procedures.enums import CLOCK_RUNNING, WORK, Channel, Outcome, Status, ordered
from procedures.keyset import FAR_FUTURE, column, nullable

__all__ = ["Channel", "Dossier", "DossierCodeSequence", "DossierEvent", "DossierPause", "Outcome", "Status"]

# The queues' state sets (procedures.enums WORK and CLOCK_RUNNING) as tuples in a fixed order: the partial indexes
# below are built on them, so their order is part of the migration.
WORK_STATUSES = (
    Status.SUBMITTED,
    Status.PROCESSING,
    Status.AWAITING_PAYMENT,
    Status.WITHDRAWAL_REQUESTED,
    Status.SUPPLEMENT_REQUESTED,
    Status.COMPLETED,
)
CLOCK_STATUSES = (Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED)
assert frozenset(WORK_STATUSES) == WORK and frozenset(CLOCK_STATUSES) == CLOCK_RUNNING

# Sort keys of the dossier lists (procedures.keyset): every staff list and queue is ordered by (due date, filing
# time, id), an applicant's list by (created_at, id) descending. No due date yet (a new filing) sorts after every
# dated one, as NULLS LAST would; the indexes below are built on these very expressions, so a page is one index seek.
DUE_KEY = nullable("due_at", "datetime", FAR_FUTURE)
SUBMITTED_KEY = nullable("submitted_at", "datetime", FAR_FUTURE)
CREATED_KEY = column("created_at", "datetime")
CODE_KEY = nullable("code", "str", "")
ID_KEY = column("id", "uuid")
_QUEUE_ORDER = (DUE_KEY.expression, SUBMITTED_KEY.expression, F("id"))


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user) -> DossierQuerySet:
        """What a user may see: their own as applicant, their agencies' (filed, not drafts) as staff."""
        if not user or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.exclude(Q(status=Status.DRAFT) & ~Q(applicant=user))
        from citizens.roles import DOSSIER_VIEWER_ROLES

        agency_ids = list(
            user.memberships.filter(is_active=True, role__in=DOSSIER_VIEWER_ROLES).values_list("agency_id", flat=True)
        )
        # Staff never see a citizen's online draft; paper dossiers reception is digitising are theirs to finish.
        staff = Q(agency_id__in=agency_ids) & (~Q(status=Status.DRAFT) | ~Q(channel=Channel.ONLINE))
        return self.filter(Q(applicant=user) | staff)


class Dossier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=32, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("người nộp")
    )
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers")
    procedure_version = models.ForeignKey("procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("cơ quan xử lý")
    )
    department = models.ForeignKey(
        "procedures.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("cán bộ xử lý"),
    )
    case_code = models.CharField(_("trường hợp"), max_length=50, blank=True)
    data = models.JSONField(_("dữ liệu biểu mẫu"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(_("kênh nộp"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    current_step = models.PositiveSmallIntegerField(_("bước hiện tại"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("ngày hẹn trả ban đầu"), null=True, blank=True)
    completed_at = models.DateTimeField(_("ngày xử lý xong"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    # A supplement request remembers where the dossier returns to and when the clock stopped.
    paused_at = models.DateTimeField(null=True, blank=True)
    resume_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    # A withdrawal request remembers the state it returns to if reception refuses it.
    withdrawal_from = models.CharField(max_length=24, choices=Status.choices, blank=True)
    supplement_items = models.JSONField(_("nội dung yêu cầu bổ sung"), default=list, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    fee_amount = models.PositiveBigIntegerField(_("số tiền phải nộp"), default=0)
    paid_at = models.DateTimeField(_("ngày thanh toán"), null=True, blank=True)
    delivery_channel = models.CharField(_("hình thức trả kết quả"), max_length=12, blank=True)
    version = models.PositiveIntegerField(_("phiên bản dữ liệu"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when retention emptied an abandoned draft (form data and files removed; the history stays).
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            # One index per staff list / queue: its filter's columns, then the sort keys (due, filed, id), so that a
            # page is an index seek whatever its depth (tests/workspace/test_keyset_plans.py checks them by EXPLAIN).
            # All filed dossiers of an agency ("tat-ca", the API's staff list).
            models.Index(F("agency"), *_QUEUE_ORDER, name="dossier_agency_due_idx", condition=~Q(status="draft")),
            # One state of an agency ("tiep-nhan", "rut-ho-so", "tra-ket-qua", the API's ?status=).
            models.Index(F("agency"), F("status"), *_QUEUE_ORDER, name="dossier_agency_status_due_idx"),
            # The clock is running ("sap-den-han", "qua-han").
            models.Index(
                F("agency"), *_QUEUE_ORDER, name="dossier_clock_due_idx", condition=Q(status__in=CLOCK_STATUSES)
            ),
            # Running but nobody's ("dieu-phoi").
            models.Index(
                F("agency"),
                *_QUEUE_ORDER,
                name="dossier_dispatch_idx",
                condition=Q(status__in=CLOCK_STATUSES) & (Q(department__isnull=True) | Q(assignee__isnull=True)),
            ),
            # An officer's and a department's work ("cua-toi", "phong-ban").
            models.Index(
                F("assignee"), *_QUEUE_ORDER, name="dossier_assignee_work_idx", condition=Q(status__in=WORK_STATUSES)
            ),
            models.Index(
                F("department"),
                *_QUEUE_ORDER,
                name="dossier_department_work_idx",
                condition=Q(status__in=WORK_STATUSES),
            ),
            # An applicant's list, newest first (read backwards).
            models.Index(F("applicant"), F("created_at"), F("id"), name="dossier_applicant_seek_idx"),
            models.Index(fields=["procedure", "status"], name="dossier_procedure_idx"),
            # Overdue sweeps only touch open dossiers.
            models.Index(
                fields=["due_at"],
                name="dossier_open_due_idx",
                condition=Q(status__in=ordered(CLOCK_RUNNING)),
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(self.id)


class DossierEvent(models.Model):
    """Append-only history of a dossier: every action, who did it, and the state it moved between."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    internal = models.BooleanField(default=False, help_text="Visible to staff only (comments, assignment).")
    at = models.DateTimeField(db_index=True)
    # Hash chain per dossier (portal.hashchain): every writer already holds the dossier's row lock when it appends,
    # so chaining per dossier costs no extra lock, where one global chain would serialise every dossier's writes.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="event_dossier_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # The log is append-only; on PostgreSQL a trigger enforces the same for raw SQL.
        if not self._state.adding:
            raise RuntimeError("Dossier events are append-only.")
        previous = DossierEvent.objects.filter(dossier_id=self.dossier_id).order_by("-id").values_list("hash").first()
        self.prev_hash = previous[0] if previous else GENESIS
        self.hash = link_hash(self.prev_hash, self.chain_content())
        super().save(*args, **kwargs)

    def chain_content(self) -> dict:
        return {
            "dossier": str(self.dossier_id),
            "actor": self.actor_id,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "step": self.step,
            "comment": self.comment,
            "payload": self.payload,
            "internal": self.internal,
            "at": self.at,
        }

    def delete(self, *args, **kwargs):
        raise RuntimeError("Dossier events are append-only.")


class DossierPause(models.Model):
    """A period the due-date clock stood still while the applicant supplemented."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    working_days = models.PositiveIntegerField(default=0)
    items = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} paused {self.started_at:%Y-%m-%d}"


class DossierCodeSequence(models.Model):
    """Per-agency, per-day counter behind dossier codes; the row lock serialises concurrent filings."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="code_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%Y-%m-%d}: {self.last}"
