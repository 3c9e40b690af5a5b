from procedures.models.agency import Agency, Department
from procedures.models.calendar import CalendarOverride
from procedures.models.catalogue import (
    Field,
    OnlineLevel,
    Procedure,
    ProcedurePublication,
    ProcedureStep,
    ProcedureVersion,
    VersionStatus,
)
from procedures.models.document import Document, DocumentKind
from procedures.models.dossier import (
    Channel,
    Dossier,
    DossierCodeSequence,
    DossierEvent,
    DossierPause,
    Outcome,
    Status,
)
from procedures.models.idempotency import IdempotencyKey
from procedures.models.rating import Rating

__all__ = [
    "Agency",
    "CalendarOverride",
    "Channel",
    "Department",
    "Document",
    "DocumentKind",
    "Dossier",
    "DossierCodeSequence",
    "DossierEvent",
    "DossierPause",
    "Field",
    "IdempotencyKey",
    "OnlineLevel",
    "Outcome",
    "Procedure",
    "ProcedurePublication",
    "ProcedureStep",
    "ProcedureVersion",
    "Rating",
    "Status",
    "VersionStatus",
]
