"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from django.utils.translation import gettext_lazy as _

from dluan.audit import EXPORT, VIEW, Audited

# Every page about one roster record: its profile, its form (phone, e-mail,
# address), the sign-in pages (e-mail, username), a roster decision's form and
# the emulation score.
_COLLABORATOR = Audited(
    VIEW, model="collaborators.Collaborator", author="user", label=("full_name",)
)

VIEWS = {
    "collaborators:collaborator-detail": _COLLABORATOR,
    "collaborators:collaborator-edit": _COLLABORATOR,
    "collaborators:collaborator-event-create": _COLLABORATOR,
    "collaborators:signin-give": _COLLABORATOR,
    "collaborators:signin-reset": _COLLABORATOR,
    "collaborators:score-detail": _COLLABORATOR,
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
