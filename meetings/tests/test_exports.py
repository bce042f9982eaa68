import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meetings import services
from meetings.models import Attendance
from reports.tests.factories import IssueFactory
from tests.support.pdf import pdf_text

PDFFONTS = shutil.which("pdffonts") or "/usr/bin/pdffonts"
REPORTED = "Nhân dân phường Tứ Hạ phấn khởi trước việc đầu tư đường Độc Lập."
GUIDANCE = "Đề nghị cộng tác viên tiếp tục nắm bắt tâm tư về giải phóng mặt bằng."
CONCLUSIONS = "Đồng chí Trưởng ban kết luận: ưu tiên theo dõi sạt lở bờ sông Hương."


@pytest.fixture
def recorded(meeting, staff, town, collaborator, other_collaborator):
    services.agenda_item_add(
        meeting=meeting, user=staff, title="Dư luận về giá điện tăng"
    )
    services.attendance_record(
        meeting=meeting,
        user=staff,
        entries={
            collaborator.collaborator.pk: (Attendance.Status.PRESENT, ""),
            other_collaborator.collaborator.pk: (
                Attendance.Status.EXCUSED,
                "Đi tập huấn ở Huế",
            ),
        },
    )
    services.meeting_action_add(
        meeting=meeting,
        user=staff,
        description="Kiến nghị kiểm tra đê bao sông Bồ",
        agency="Phòng Nông nghiệp thị xã",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        issue=IssueFactory(unit=town, created_by=staff),
    )
    services.minutes_save(
        meeting=meeting,
        user=staff,
        minutes_number="05-BB/BTGDVTU",
        secretary="Lê Thị Thu",
        reported_summary=REPORTED,
        guidance=GUIDANCE,
        conclusions=CONCLUSIONS,
    )
    return meeting


def test_minutes_pdf_keeps_the_vietnamese_intact(client_of, staff, recorded):
    response = client_of(staff).get(
        reverse("meetings:meeting-minutes-pdf", args=[recorded.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.getvalue(), layout=True).split())
    for expected in (
        REPORTED,
        GUIDANCE,
        CONCLUSIONS,
        "THỊ ỦY HƯƠNG TRÀ",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BIÊN BẢN",
        "Số 05-BB/BTGDVTU",
        "Nơi nhận:",
        "Trần Văn Hùng",
        "Đi tập huấn ở Huế",
        "Dư luận về giá điện tăng",
        "Kiến nghị kiểm tra đê bao sông Bồ",
        "Hương Trà, ngày",
    ):
        assert expected in text, expected


def test_minutes_pdf_embeds_the_vendored_font(client_of, staff, recorded):
    data = (
        client_of(staff)
        .get(reverse("meetings:meeting-minutes-pdf", args=[recorded.pk]))
        .getvalue()
    )
    fonts = subprocess.run(  # noqa: S603 (a fixed tool on test data)
        [PDFFONTS, "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Noto-Serif" in fonts


def test_attendance_sheet_lists_each_invitee(
    client_of, leader, recorded, collaborator, other_collaborator
):
    response = client_of(leader).get(
        reverse("meetings:meeting-attendance-xlsx", args=[recorded.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    names = [row[1] for row in rows]
    assert sorted(names) == sorted(
        [collaborator.full_name, other_collaborator.full_name]
    )
    reasons = {row[1]: row[6] for row in rows}
    assert reasons[other_collaborator.full_name] == "Đi tập huấn ở Huế"


def test_minutes_pdf_leaves_out_a_dropped_agenda_item(client_of, staff, meeting):
    services.agenda_item_add(meeting=meeting, user=staff, title="Giá lúa vụ Đông Xuân")
    dropped = services.agenda_item_add(
        meeting=meeting, user=staff, title="Lễ hội đền Huyền Trân"
    )
    services.agenda_item_drop(item=dropped, user=staff)
    response = client_of(staff).get(
        reverse("meetings:meeting-minutes-pdf", args=[meeting.pk])
    )
    text = " ".join(pdf_text(response.getvalue(), layout=True).split())
    assert "Giá lúa vụ Đông Xuân" in text
    assert "Huyền Trân" not in text
