"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from django.utils.translation import gettext_lazy as _

from dluan.audit import EXPORT, VIEW, Audited

VIEWS = {
    "collaborators:collaborator-detail": Audited(
        VIEW, model="collaborators.Collaborator", author="user", label=("full_name",)
    ),
    "collaborators:collaborator-export": Audited(EXPORT, title=_("Roster workbook")),
    "collaborators:scores-export": Audited(
        EXPORT, title=_("Emulation scores workbook")
    ),
    "collaborators:scores-commendation": Audited(
        EXPORT, title=_("Commendation list (PDF)")
    ),
}

UNIT_LOOKUPS = {
    "collaborators.RegulationAcknowledgement": "collaborator__unit",
    "collaborators.TrainingAttendance": "session__unit",
}

LINKS = {
    "collaborators.Collaborator": "collaborators:collaborator-detail",
    "collaborators.Regulation": "collaborators:regulation-detail",
    "collaborators.TrainingSession": "collaborators:training-detail",
}
