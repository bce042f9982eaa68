"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from dluan.audit import DOWNLOAD, Audited

_MEETING = {"model": "meetings.Meeting", "author": "created_by", "label": ("title",)}

VIEWS = {
    "meetings:meeting-minutes-pdf": Audited(DOWNLOAD, **_MEETING),
    "meetings:meeting-attendance-xlsx": Audited(DOWNLOAD, **_MEETING),
}

LINKS = {
    "meetings.Meeting": "meetings:meeting-detail",
    "meetings.ReferenceDocument": "meetings:document-detail",
}
