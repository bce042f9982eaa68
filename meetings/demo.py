"""Demo briefings of Hương Trà: two held with attendance and minutes, two planned, documents.

Safe to run twice: meetings and documents are looked up by unit and title first.
Works whether or not the reports demo made reports and issues.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape

from collaborators.models import Collaborator
from collaborators.scoring import scores_compute
from dluan.pdf import render_html_to_pdf
from meetings import services
from meetings.models import (
    Attendance,
    DocumentReceipt,
    Invitation,
    Meeting,
    ReferenceDocument,
)
from reports.models import Issue

PLACE = "Hội trường Thị ủy Hương Trà"
CHAIR = "Trần Văn Hùng"
SECRETARY = "Nguyễn Thị Hoài Trang"

HELD = [
    {
        "title": "Hội nghị giao ban cộng tác viên dư luận xã hội định kỳ",
        "days_ago": 55,
        "reported": (
            "Các cộng tác viên phản ánh: nhân dân phấn khởi trước việc khởi công tuyến "
            "đường Độc Lập nối dài; băn khoăn về tiến độ cấp giấy chứng nhận quyền sử "
            "dụng đất ở phường Hương Văn; bức xúc vì tình trạng khai thác cát trái phép "
            "trên sông Bồ đoạn qua Tứ Hạ gây sạt lở bờ sông."
        ),
        "guidance": (
            "Đề nghị cộng tác viên tiếp tục nắm bắt tâm tư của nhân dân về việc sắp xếp "
            "đơn vị hành chính; chủ động tuyên truyền, không chia sẻ thông tin chưa được "
            "kiểm chứng trên mạng xã hội; báo cáo đột xuất ngay khi có vụ việc phức tạp."
        ),
        "conclusions": (
            "Đồng chí Trưởng ban kết luận: ghi nhận tinh thần trách nhiệm của đội ngũ "
            "cộng tác viên; yêu cầu nâng cao chất lượng báo cáo, phản ánh cả luồng ý kiến "
            "trái chiều; Ban sẽ tổng hợp kiến nghị gửi Thường trực Thị ủy."
        ),
        "action": (
            "Kiến nghị UBND thị xã chỉ đạo lực lượng chức năng tuần tra, xử lý ghe hút "
            "cát trái phép trên sông Bồ",
            "UBND thị xã Hương Trà",
        ),
    },
    {
        "title": "Hội nghị giao ban đột xuất về dư luận quanh việc sạt lở bờ sông Hương",
        "days_ago": 9,
        "reported": (
            "Dư luận tại phường Hương Hồ và xã Hương Thọ lo ngại tình trạng sạt lở bờ "
            "sông Hương sau đợt mưa lớn; một số ý kiến cho rằng chính quyền chậm hỗ trợ "
            "các hộ phải di dời."
        ),
        "guidance": (
            "Cộng tác viên thông tin kịp thời các biện pháp hỗ trợ của thị xã đến nhân "
            "dân; lắng nghe, phản ánh trung thực tâm tư của các hộ bị ảnh hưởng."
        ),
        "conclusions": (
            "Giao Ban Tuyên giáo và Dân vận phối hợp UBND các xã, phường theo dõi sát "
            "diễn biến dư luận, báo cáo Thường trực Thị ủy trước ngày 30 của tháng."
        ),
        "action": (
            "Đề nghị Phòng Nông nghiệp và Môi trường khảo sát, đề xuất phương án kè "
            "chống sạt lở",
            "Phòng Nông nghiệp và Môi trường thị xã",
        ),
    },
]
PLANNED_TITLE = "Hội nghị giao ban đột xuất về công tác chuẩn bị Tết Nguyên đán"
DOCUMENTS = [
    (
        "Hướng dẫn định hướng dư luận xã hội về sắp xếp đơn vị hành chính",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    ),
    (
        "Tài liệu tuyên truyền phòng, chống tín dụng đen",
        "Công an thị xã Hương Trà",
    ),
]


def _at(days: int, hour: int = 8) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def _demo_pdf(title: str, source: str) -> bytes:
    return render_html_to_pdf(
        "<html><head><meta charset='utf-8'><style>@font-face{font-family:N;"
        "src:url(noto-serif/NotoSerif-Regular.ttf)}body{font-family:N}</style>"
        f"</head><body><h1>{escape(title)}</h1><p>{escape(source)}</p>"
        "<p>Tài liệu dùng cho cộng tác viên dư luận xã hội (dữ liệu mẫu).</p>"
        "</body></html>"
    )


def _held(ctx, spec, index) -> Meeting:
    meeting = Meeting.objects.filter(unit=ctx.town, title=spec["title"]).first()
    if meeting is not None:
        return meeting
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.AD_HOC,
        unit=ctx.town,
        title=spec["title"],
        starts_at=_at(-spec["days_ago"]),
        place=PLACE,
        chair=CHAIR,
        secretary=SECRETARY,
        created_by=ctx.staff,
    )
    collaborators = list(Collaborator.objects.active().in_subtree(ctx.town))
    sent = meeting.starts_at - datetime.timedelta(days=5)
    Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, collaborator=c, sent_at=sent)
            for c in collaborators
        ]
    )
    services.agenda_accept_proposal(meeting=meeting, user=ctx.staff)
    services.agenda_item_add(
        meeting=meeting,
        user=ctx.staff,
        title="Triển khai nhiệm vụ nắm bắt dư luận thời gian tới",
    )
    entries = {}
    for number, person in enumerate(collaborators):
        if number % 7 == 3:
            entries[person.pk] = (Attendance.Status.EXCUSED, "Đi công tác")
        elif number % 11 == 5:
            entries[person.pk] = (Attendance.Status.ABSENT, "")
        else:
            entries[person.pk] = (Attendance.Status.PRESENT, "")
    services.attendance_record(meeting=meeting, user=ctx.staff, entries=entries)
    services.minutes_save(
        meeting=meeting,
        user=ctx.staff,
        minutes_number=f"{index + 1:02d}-BB/BTGDVTU",
        secretary=SECRETARY,
        reported_summary=spec["reported"],
        guidance=spec["guidance"],
        conclusions=spec["conclusions"],
    )
    issue = Issue.objects.in_subtree(ctx.town).open().first()
    description, agency = spec["action"]
    services.meeting_action_add(
        meeting=meeting,
        user=ctx.staff,
        description=description,
        agency=agency,
        due_date=timezone.localdate() + datetime.timedelta(days=20),
        issue=issue,
        make_follow_up=issue is not None,
    )
    return meeting


def _documents(ctx, meeting: Meeting) -> None:
    for index, (title, source) in enumerate(DOCUMENTS):
        if ReferenceDocument.objects.filter(unit=ctx.town, title=title).exists():
            continue
        data = _demo_pdf(title, source)
        document = ReferenceDocument(
            unit=ctx.town,
            title=title,
            source=source,
            original_name=f"tai-lieu-{index + 1}.pdf",
            content_type="application/pdf",
            size=len(data),
            meeting=meeting if index == 0 else None,
            uploaded_by=ctx.staff,
        )
        document.file.save(document.original_name, ContentFile(data), save=False)
        document.save()
        recipients = list(Collaborator.objects.active().in_subtree(ctx.town))
        if index == 1:
            recipients = recipients[:6]
        DocumentReceipt.objects.bulk_create(
            [
                DocumentReceipt(
                    document=document,
                    collaborator=c,
                    read_at=timezone.now() if number % 3 == 0 else None,
                )
                for number, c in enumerate(recipients)
            ]
        )


def seed(ctx) -> None:
    held = [_held(ctx, spec, index) for index, spec in enumerate(HELD)]
    created = services.meeting_ensure_periodic()
    if not Meeting.objects.filter(unit=ctx.town, title=PLANNED_TITLE).exists():
        meeting = services.meeting_schedule(
            user=ctx.staff,
            kind=Meeting.Kind.AD_HOC,
            title=PLANNED_TITLE,
            starts_at=_at(5, 14),
            place=PLACE,
            chair=CHAIR,
        )
        services.agenda_accept_proposal(meeting=meeting, user=ctx.staff)
        services.invitations_set(
            meeting=meeting,
            user=ctx.staff,
            collaborators=Collaborator.objects.active().in_subtree(ctx.town),
        )
        invitations = list(meeting.invitations.sent().select_related("collaborator"))
        for number, invitation in enumerate(invitations[:8]):
            user = invitation.collaborator.user
            if user is None:
                continue
            if number % 4 == 3:
                services.invitation_respond(
                    invitation=invitation,
                    user=user,
                    response=Invitation.Response.CANNOT_ATTEND,
                    reason="Trùng lịch họp chi bộ",
                )
            else:
                services.invitation_respond(
                    invitation=invitation,
                    user=user,
                    response=Invitation.Response.ATTEND,
                )
    _documents(ctx, held[-1])
    ctx.log(
        f"Meetings: {Meeting.objects.count()} briefings ({created} periodic created), "
        f"{ReferenceDocument.objects.count()} documents."
    )
    # Meetings are the last layer: every part of the emulation score is in now.
    scored = scores_compute(year=timezone.localdate().year)
    ctx.log(f"Emulation scores: {scored} collaborators scored.")
