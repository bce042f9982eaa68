"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from dluan.audit import DOWNLOAD, VIEW, Audited

_MEETING = {"model": "meetings.Meeting", "author": "created_by", "label": ("title",)}

VIEWS = {
    # The pages that show what its files hold (minutes, conclusions, who came
    # and why not), and the forms that render the meeting again when refused.
    "meetings:meeting-detail": Audited(VIEW, **_MEETING),
    "meetings:meeting-minutes": Audited(VIEW, **_MEETING),
    "meetings:meeting-attendance": Audited(VIEW, **_MEETING),
    "meetings:action-create": Audited(VIEW, **_MEETING),
    "meetings:invitation-respond": Audited(VIEW, **_MEETING),
    "meetings:meeting-minutes-pdf": Audited(DOWNLOAD, **_MEETING),
    "meetings:meeting-attendance-xlsx": Audited(DOWNLOAD, **_MEETING),
}

LINKS = {
    "meetings.Meeting": "meetings:meeting-detail",
    "meetings.ReferenceDocument": "meetings:document-detail",
}
