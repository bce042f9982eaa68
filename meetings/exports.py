"""The minutes as PDF and the attendance sheet as .xlsx: one builder, one formatter each."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dluan import pdf
from dluan.xlsx import build_workbook
from meetings.models import Attendance, Meeting
from meetings.selectors import meeting_detail


def minutes_context(meeting: Meeting) -> dict:
    """What the minutes show: the document heading and the meeting's records."""
    detail = meeting_detail(meeting)
    when = timezone.localtime(meeting.starts_at)
    number = meeting.minutes_number or "      -BB/BTGDV"
    excused = [
        (invitation, row)
        for invitation, row in detail["rows"]
        if row is not None and row.status == Attendance.Status.EXCUSED
    ]
    absent = [
        invitation
        for invitation, row in detail["rows"]
        if row is not None and row.status == Attendance.Status.ABSENT
    ]
    doc = {
        "issuer_lines": pdf.issuer_lines(meeting.unit),
        # "Số" (number) belongs to the Party's document format, like the heading.
        "number": f"Số {number}",
        "place_date": pdf.place_and_date(meeting.unit, when.date()),
        "title": "BIÊN BẢN",
        "subject": meeting.title,
        "recipients": [
            _("Standing Committee (for report)"),
            _("Collaborators at the briefing"),
            _("Board files"),
        ],
        "sign_for": "",
        "sign_title": _("Chair of the meeting"),
        "signer": meeting.chair,
    }
    return {
        "doc": doc,
        "meeting": meeting,
        "when": when,
        "excused": excused,
        "absent": absent,
        **detail,
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    # An official document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        return pdf.render_pdf("meetings/minutes_pdf.html", minutes_context(meeting))


def minutes_filename(meeting: Meeting) -> str:
    return f"bien-ban-giao-ban-{timezone.localdate(meeting.starts_at):%Y%m%d}.pdf"


def attendance_rows(meeting: Meeting) -> list[list]:
    """One row per invitee: name, unit, answer, reason, attendance, reason."""
    detail = meeting_detail(meeting)
    rows = []
    for number, (invitation, record) in enumerate(detail["rows"], start=1):
        rows.append(
            [
                number,
                invitation.collaborator.full_name,
                str(invitation.collaborator.unit),
                invitation.get_response_display(),
                invitation.reason,
                record.get_status_display() if record else "",
                record.reason if record else "",
            ]
        )
    return rows


def attendance_xlsx(meeting: Meeting) -> bytes:
    header = [
        _("No."),
        _("Collaborator"),
        _("Unit"),
        _("Answer"),
        _("Reason given"),
        _("Attendance"),
        _("Reason for absence"),
    ]
    return build_workbook([(_("Attendance"), header, attendance_rows(meeting))])


def attendance_filename(meeting: Meeting) -> str:
    return f"diem-danh-giao-ban-{timezone.localdate(meeting.starts_at):%Y%m%d}.xlsx"
