import datetime
import io
import itertools
import math
import threading

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import load_workbook

from collaborators.models import Collaborator
from dluan.xlsx import sheet_title
from reports.models import OpinionReport, OpinionStream
from reports.services import period_for
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)
from summaries.models import Summary
from summaries.renderers import xlsx
from summaries.renderers.xlsx import write_summary_workbook
from summaries.tests.samples import sample_snapshot

SHEETS = [
    _("Overview"),
    pgettext_lazy("sheet", "Topics by direction"),
    _("Issues"),
    _("Follow-ups"),
    pgettext_lazy("sheet", "Reporting discipline"),
    _("Opinion reports"),
]
HOSTILE_TITLE = '=HYPERLINK("http://x")'


@pytest.fixture
def period(db):
    return period_for(day=timezone.localdate() - datetime.timedelta(days=1))


def vi(message) -> str:
    """A message as the workbook says it: in Vietnamese once the catalogue has it."""
    with translation.override("vi"):
        return str(message)


def sheet(message) -> str:
    """A sheet's name as the workbook gives it (Excel allows 31 characters)."""
    return sheet_title(vi(message))


def make_summary(town, period, **extra):
    return Summary.objects.create(
        unit=town,
        period=period,
        status=Summary.Status.DRAFT,
        snapshot=sample_snapshot(),
        **extra,
    )


@pytest.fixture
def reports(collaborator, other_collaborator, other_staff, period, admin_user):
    """The period's reports: four counted, and four that are not."""
    author = collaborator.collaborator
    topic = TopicFactory(name="Môi trường")
    issue = IssueFactory(
        unit=author.unit, title="@SUM(A1) bãi rác", created_by=admin_user
    )
    hostile = OpinionReportFactory(
        author=author,
        title=HOSTILE_TITLE,
        proposals="\tgửi Ủy ban",
        issue=issue,
        urgency=OpinionReport.Urgency.VERY_URGENT,
        is_rumour=True,
        submitted_at=datetime.datetime(2026, 10, 1, 18, 30, tzinfo=datetime.UTC),
    )
    hostile.topics.add(topic)
    OpinionStreamFactory(report=hostile, summary="+cmd", position=1)
    OpinionStreamFactory(
        report=hostile,
        summary="Người dân\x07 lo ngại",
        direction=OpinionStream.Direction.CONCERN,
        position=2,
    )
    OpinionStreamFactory(report=hostile, summary="Bức xúc", position=3)
    returned = OpinionReportFactory(
        author=author, period=period, status=OpinionReport.Status.RETURNED
    )
    accepted = OpinionReportFactory(
        author=other_collaborator.collaborator,
        period=period,
        status=OpinionReport.Status.ACCEPTED,
    )
    submitted = OpinionReportFactory(author=author, period=period)
    # Not counted: a draft, an archived report, another period's, another town's.
    OpinionReportFactory(author=author, period=period, status="draft")
    OpinionReportFactory(author=author, period=period, status="archived")
    earlier = OpinionReportFactory(
        author=author, occurred_on=period.start - datetime.timedelta(days=1)
    )
    assert earlier.period != period
    elsewhere = Collaborator.objects.create(
        full_name="Võ Thị Lan", unit=other_staff.org_unit
    )
    OpinionReportFactory(author=elsewhere, period=period)
    return [hostile, returned, accepted, submitted]


def read(summary, **kwargs):
    buffer = io.BytesIO()
    count = write_summary_workbook(summary, buffer, **kwargs)
    buffer.seek(0)
    return count, load_workbook(buffer)


def report_sheet(workbook):
    rows = list(workbook[sheet(SHEETS[-1])].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row, strict=True)) for row in body]


def test_workbook_has_the_sheets_and_one_row_per_counted_report(town, period, reports):
    count, workbook = read(make_summary(town, period))

    assert workbook.sheetnames == [sheet(name) for name in SHEETS]
    _header, rows = report_sheet(workbook)
    assert count == 4
    assert [row[vi(_("Report ID"))] for row in rows] == sorted(r.pk for r in reports)
    hostile = rows[0]
    assert hostile["Ngày gửi"] == "02/10/2026"  # 18:30 UTC is the next day in Huế
    assert hostile["Loại"] == "Định kỳ"
    assert hostile["Trạng thái"] == "Đã gửi"
    assert hostile["Đơn vị"] == "Phường Tứ Hạ"
    assert hostile["Lĩnh vực"] == "Môi trường"
    assert hostile["Độ khẩn"] == "Hỏa tốc"
    assert hostile["Tin đồn"] == "có"
    assert hostile[vi(_("Number of opinion streams"))] == 3
    assert hostile["Xu hướng"] == "Phản đối, bức xúc: 2; Băn khoăn, lo ngại: 1"
    assert hostile["Nội dung dư luận"] == "'+cmd\nNgười dân lo ngại\nBức xúc"
    assert rows[1]["Trạng thái"] == "Trả lại bổ sung"
    assert rows[1]["Tin đồn"] == "không"


def test_hostile_values_come_back_as_text(town, period, reports):
    buffer = io.BytesIO()
    write_summary_workbook(make_summary(town, period), buffer)
    buffer.seek(0)
    reports_sheet = load_workbook(buffer)[sheet(SHEETS[-1])]
    cells = {cell.value: cell for row in reports_sheet.iter_rows() for cell in row}

    assert all(cell.data_type != "f" for cell in cells.values())
    assert "'" + HOSTILE_TITLE in cells
    assert "'@SUM(A1) bãi rác" in cells
    assert "'\tgửi Ủy ban" in cells
    assert not any("\x07" in str(value) for value in cells)


def test_collaborator_column_only_in_the_internal_version(town, period, reports):
    _, public = read(make_summary(town, period))
    _, internal = read(make_summary(town, period, version=2, include_names=True))

    header, rows = report_sheet(public)
    assert "Cộng tác viên" not in header
    assert not any(
        "Trần Thị Hoa" in str(value) for row in rows for value in row.values()
    )
    header, rows = report_sheet(internal)
    assert header[6] == "Cộng tác viên"
    assert [row["Cộng tác viên"] for row in rows] == [
        "Trần Thị Hoa",
        "Trần Thị Hoa",
        "Lê Văn Bình",
        "Trần Thị Hoa",
    ]


def test_snapshot_sheets_render_the_figures(town, period):
    _, workbook = read(make_summary(town, period))

    overview = {
        row[0]: row[1:]
        for row in workbook[sheet(SHEETS[0])].iter_rows(values_only=True)
    }
    assert overview["Đơn vị"][0] == "Thị xã Hương Trà"
    assert overview["Kỳ báo cáo"] == (
        "01/09/2026 – 31/10/2026",
        "01/07/2026 – 31/08/2026",
        None,
    )
    assert overview["Báo cáo dư luận xã hội"] == (86, 71, 15)
    assert overview["Tỷ lệ phản đối, lo ngại (%)"] == (54.7, 43.7, 11)
    topics = list(workbook[sheet(SHEETS[1])].iter_rows(values_only=True))
    assert topics[1] == ("Môi trường", 4, 20, 15, 1, 40, 21, 19)
    issues = list(workbook[sheet(SHEETS[2])].iter_rows(values_only=True))
    assert len(issues) == 1 + 3 + 3 + 3 + 1 + 1
    assert issues[1][3] == "Đang giải quyết"
    follow_ups = list(workbook[sheet(SHEETS[3])].iter_rows(values_only=True))
    assert [row[0] for row in follow_ups[1:]] == ["Đã giải quyết", "Quá hạn"]
    discipline = list(workbook[sheet(SHEETS[4])].iter_rows(values_only=True))
    assert discipline[1][:5] == ("Thị xã Hương Trà", 20, 15, 3, 2)
    assert [row[0] for row in discipline[3:]] == [
        "Phường Tứ Hạ",
        "Phường Hương Văn",
        "Xã Hương Toàn",
        "Xã Bình Tiến",
    ]


def test_a_control_character_would_break_openpyxl_unless_removed():
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    from dluan.xlsx import safe_cell

    sheet = Workbook().active
    with pytest.raises(IllegalCharacterError):
        sheet["A1"] = "chuông\x07"
    sheet["A2"] = safe_cell("chuông\x07\x1b\r\n\tcòn")
    assert sheet["A2"].value == "chuông\n\tcòn"


def test_progress_is_reported_per_batch(town, period, reports, monkeypatch):
    monkeypatch.setattr(xlsx, "BATCH_SIZE", 3)
    calls = []

    read(make_summary(town, period), progress=lambda *args: calls.append(args))

    assert calls == [(3, 4), (4, 4)]


# Outside the batches: the subtree's ids, the topics' names, the count, the
# reports' cursor; in each batch: its streams and its topics.
FIXED_QUERIES = 4
QUERIES_PER_BATCH = 2
BATCH = 16


@pytest.mark.parametrize("size", [5, 40])
def test_query_count_grows_per_batch_not_per_row(
    town, collaborator, period, size, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(xlsx, "BATCH_SIZE", BATCH)
    author = collaborator.collaborator
    topic = TopicFactory()
    for _number in range(size):
        report = OpinionReportFactory(author=author, period=period, issue=None)
        report.topics.add(topic)
        OpinionStreamFactory.create_batch(2, report=report)
    summary = make_summary(town, period)
    summary = Summary.objects.select_related("unit").get(pk=summary.pk)
    batches = math.ceil(size / BATCH)

    with django_assert_max_num_queries(FIXED_QUERIES + QUERIES_PER_BATCH * batches):
        count = write_summary_workbook(
            summary, io.BytesIO(), progress=lambda done, total: None
        )

    assert count == size


@pytest.mark.django_db(transaction=True)
def test_rows_read_ahead_in_a_thread_are_the_same_rows(
    town, period, reports, monkeypatch
):
    # Outside a transaction (a worker compiling), the next batch is read on a
    # connection of its own while this one is written: same rows, same order.
    monkeypatch.setattr(xlsx, "BATCH_SIZE", 3)

    def rows(read_ahead):
        with translation.override("vi"):
            return list(
                xlsx.ReportRows(
                    unit=town,
                    period_id=period.pk,
                    include_names=True,
                    read_ahead=read_ahead,
                )
            )

    plain = rows(read_ahead=False)
    assert len(plain) == 4
    assert rows(read_ahead=True) == plain
    assert not [t for t in threading.enumerate() if t.name == "xlsx-read-ahead"]


def test_read_ahead_raises_the_threads_error_and_stops_with_its_caller():
    def failing():
        yield 1
        yield 2
        raise ValueError("mất kết nối")

    seen = []
    with pytest.raises(ValueError, match="mất kết nối"):
        for item in xlsx.read_ahead(failing()):
            seen.append(item)
    assert seen == [1, 2]
    # A caller that stops early (the file could not be written) stops the thread.
    endless = xlsx.read_ahead(itertools.count())
    assert next(endless) == 0
    endless.close()
    assert not [t for t in threading.enumerate() if t.name == "xlsx-read-ahead"]
