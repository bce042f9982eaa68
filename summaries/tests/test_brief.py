"""The brief as PDF and Word: what a reader sees, and what the renderer never does.

The renderings are made once per module from unsaved objects (the formatters read
nothing from the database); one test renders a saved summary end to end.
"""

import datetime
import io
import shutil
import subprocess

import pytest
from django.utils import timezone, translation
from docx import Document

from dluan import pdf
from dluan.models import OrgUnit
from reports.models import ReportingPeriod
from reports.tests.factories import ReportingPeriodFactory
from summaries import charts
from summaries.brief import brief_document, change
from summaries.models import Summary
from summaries.renderers.pdf import render_summary_pdf
from summaries.renderers.word import render_summary_docx
from summaries.tests.samples import sample_snapshot
from tests.support.pdf import flat, pdf_text, squeezed

PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"
AUTHOR = "Trần Thị Hoa"
ISSUE = "Ô nhiễm mùi từ bãi rác Thủy Phương ảnh hưởng khu dân cư"
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TOPIC = '<b>&"'


def hostile_summary(base: str, **overrides) -> Summary:
    """A draft of Hương Trà's summary whose text tries markup and fetching."""
    snapshot = sample_snapshot()
    snapshot["topics"][2]["name"] = TOPIC
    fields = {
        "unit": OrgUnit(name="Thị xã Hương Trà"),
        "period": ReportingPeriod(
            start=datetime.date(2026, 9, 1),
            end=datetime.date(2026, 10, 31),
            deadline=datetime.date(2026, 10, 25),
        ),
        "status": Summary.Status.DRAFT,
        "snapshot": snapshot,
        "compiled_at": timezone.make_aware(datetime.datetime(2026, 10, 27, 8, 15)),
        "general_situation": f"Mở đầu {SCRIPT} giữa\n\nĐoạn hai {BREAKOUT} hết.",
        "prominent_opinion": (
            "Đường dẫn file:///etc/passwd và http://169.254.169.254/ "
            "và url(http://169.254.169.254/x) và "
            f'<img src="{base}/img.png"><link rel="stylesheet" href="{base}/a.css">'
        ),
        "forecast": f"<style>@import url({base}/b.css);</style>Dự báo ổn định.",
        "recommendations": "Đề nghị Ban Thường vụ chỉ đạo xử lý dứt điểm.",
        "quotes": [dict(sample_snapshot()["quote_candidates"][0], kind="stream")],
        "sign_for": "K/T TRƯỞNG BAN",
        "sign_title": "PHÓ TRƯỞNG BAN",
        "signer": "Nguyễn Văn An",
    }
    fields.update(overrides)
    return Summary(**fields)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def rendered(counting_server):
    """The hostile draft rendered once per format, and the internal version."""
    base, hits = counting_server
    fetcher = pdf.make_url_fetcher()
    fetched = []
    fetch = fetcher.fetch

    def spy(url, headers=None):
        fetched.append(url)
        return fetch(url, headers)

    fetcher.fetch = spy
    summary = hostile_summary(base, confidentiality=Summary.Confidentiality.SECRET)
    data = render_summary_pdf(summary, url_fetcher=fetcher)
    named = hostile_summary(base, include_names=True)
    return {
        "summary": summary,
        "pdf": data,
        "text": pdf_text(data),
        "layout": pdf_text(data, layout=True),
        "fetcher": fetcher,
        "fetched": fetched,
        "hits": hits,
        "named_text": pdf_text(render_summary_pdf(named)),
        "docx": render_summary_docx(summary),
        "named_docx": render_summary_docx(named),
    }


def test_pdf_has_the_party_heading_and_closing(rendered):
    text = rendered["text"]
    assert rendered["pdf"].startswith(b"%PDF")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "THỊ ỦY HƯƠNG TRÀ" in text
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in text
    assert "Hương Trà, ngày 27 tháng 10 năm 2026" in text
    assert "BÁO CÁO" in text
    assert "01/09/2026" in text and "31/10/2026" in text
    assert "-BC/BTGDVTU" in text
    assert "Nơi nhận:" in text
    assert "PHÓ TRƯỞNG BAN" in text and "Nguyễn Văn An" in text


def test_pdf_has_five_sections_in_order_and_page_numbers(rendered):
    with translation.override("vi"):
        sections = brief_document(rendered["summary"])["sections"]
    text = flat(rendered["text"])
    titles = [f"{s['number']}. {s['title'].upper()}" for s in sections]
    assert [s["number"] for s in sections] == ["I", "II", "III", "IV", "V"]
    positions = [text.find(title) for title in titles]
    assert -1 not in positions and positions == sorted(positions)
    pages = int(
        subprocess.run(  # noqa: S603 (a fixed tool on test data)
            [PDFINFO, "-"], input=rendered["pdf"], capture_output=True, check=True
        )
        .stdout.decode()
        .split("Pages:")[1]
        .split()[0]
    )
    assert pages > 1
    assert f"1/{pages}" in rendered["text"]
    assert f"{pages}/{pages}" in rendered["text"]


def test_pdf_states_the_figures_and_issues(rendered):
    text = flat(rendered["text"])
    assert " 86 " in text and " 71" in text
    assert ISSUE in text
    assert "Sạt lở bờ sông Bồ đoạn qua phường Hương Văn" in text
    assert "Phòng Tài nguyên và Môi trường" in text
    assert "Giao ban cộng tác viên dư luận xã hội kỳ tháng 9–10" in text
    assert "Phường Tứ Hạ" in text and "90,0%" in text
    # Direction labels and the topic table with its change.
    assert "Phản đối, bức xúc" in text
    assert "Môi trường" in text and "+19" in text and "\u22123" in text
    # The picked quote with its area and social groups.
    assert "mùi hôi nồng nặc" in text and "Phường Hương Văn" in text


def test_collaborators_names_only_in_the_internal_version(rendered):
    assert AUTHOR not in rendered["text"]
    assert AUTHOR not in docx_text(rendered["docx"])
    assert AUTHOR in rendered["named_text"]
    assert AUTHOR in docx_text(rendered["named_docx"])


def test_narrative_markup_is_literal_text_in_pdf_and_docx(rendered):
    text = flat(rendered["text"])
    assert SCRIPT in text
    assert BREAKOUT in text
    assert "file:///etc/passwd" in squeezed(text)
    assert "url(http://169.254.169.254/x)" in squeezed(text)
    words = docx_text(rendered["docx"])
    assert SCRIPT in words
    assert BREAKOUT in words
    assert "http://169.254.169.254/" in words


def test_rendering_fetches_nothing_but_the_fonts(rendered):
    assert rendered["fetcher"].refused == []
    assert rendered["hits"] == []
    assert rendered["fetched"]
    assert all(
        url.startswith(pdf.fonts_dir().as_uri()) and url.endswith(".ttf")
        for url in rendered["fetched"]
    )
    assert b"/Subtype /Image" not in rendered["pdf"]


def test_confidentiality_mark_appears_when_set(rendered):
    first_page = rendered["layout"].split("\f")[0]
    assert "TỐI MẬT" in first_page
    assert "TỐI MẬT" in docx_text(rendered["docx"])
    assert "MẬT" not in rendered["named_text"]


def test_chart_escapes_topic_names(rendered):
    svg = str(charts.topic_direction_stacked(rendered["summary"].snapshot))
    assert svg.startswith("<svg") and "<title>" in svg
    assert "&lt;b&gt;&amp;" in svg
    assert "<b>" not in svg
    assert "<script" not in svg and "href" not in svg
    assert TOPIC in flat(rendered["text"])


def test_docx_holds_heading_sections_tables_and_recipients(rendered):
    document = Document(io.BytesIO(rendered["docx"]))
    heading = document.tables[1]
    assert "THỊ ỦY HƯƠNG TRÀ" in heading.cell(0, 0).text
    right = heading.cell(0, 1).paragraphs
    assert right[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right[0].runs[0].underline
    assert any("ngày 27 tháng 10 năm 2026" in p.text for p in right)
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    for number in ("I", "II", "III", "IV", "V"):
        assert any(text.startswith(f"{number}. ") for text in texts)
    topics = next(
        t
        for t in document.tables
        if len(t.rows) > 1 and t.rows[1].cells[0].text == "Môi trường"
    )
    assert [row.cells[0].text for row in topics.rows[1:]] == [
        "Môi trường",
        "Đất đai, giải phóng mặt bằng",
        TOPIC,
    ]
    assert topics.rows[1].cells[5].text == "40"
    closing = document.tables[-1].cell(0, 0).text
    assert "Nơi nhận:" in closing
    assert len(closing.splitlines()) == 4
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_change_is_signed_with_a_true_minus():
    with translation.override("en"):
        assert change(86, 71) == "+15"
        assert change(30, 33) == "\u22123"
        assert change(5, 5) == "unchanged"
        assert change(90.0, 85.0, rate=True) == "+5.0 pp"
        assert change(5, None) == "—"


def test_empty_narrative_is_a_placeholder_in_a_draft_only():
    summary = hostile_summary("http://127.0.0.1:9", forecast="")
    with translation.override("en"):
        draft = brief_document(summary)
        summary.status = Summary.Status.APPROVED
        approved = brief_document(summary)
    forecast = draft["sections"][3]["parts"]
    assert forecast[0]["paragraphs"] == [{"text": "(Not written yet)", "italic": True}]
    assert approved["sections"][3]["parts"] == []
    assert approved["draft"] is False


def test_saved_summary_renders_with_its_number_and_recipients(town, staff):
    period = ReportingPeriodFactory(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )
    summary = Summary.objects.create(
        unit=town,
        period=period,
        status=Summary.Status.APPROVED,
        snapshot=sample_snapshot(),
        general_situation="Tình hình ổn định.",
        number="12-BC/BTGDVTU",
        recipients="Thường trực Thị ủy (để b/c)\n\nLưu VT",
        signer="Nguyễn Văn An",
        approved_by=staff,
        # 23:30 UTC is already the next day in Vietnam.
        approved_at=datetime.datetime(2026, 11, 2, 23, 30, tzinfo=datetime.UTC),
    )
    text = pdf_text(render_summary_pdf(summary))
    assert "Số 12-BC/BTGDVTU" in text
    assert "Hương Trà, ngày 03 tháng 11 năm 2026" in text
    assert "- Thường trực Thị ủy (để b/c)" in text and "- Lưu VT" in text
    assert "(Not written yet)" not in text and "(Chưa viết)" not in text
    assert "MẬT" not in text


def test_section_titles_are_in_vietnamese(rendered):
    """Turn on once summaries' msgids are in the vi catalogue (/tmp/h1_vi.json)."""
    text = flat(rendered["text"])
    for title in (
        "I. TÌNH HÌNH CHUNG",
        "II. DƯ LUẬN XÃ HỘI NỔI BẬT THEO LĨNH VỰC",
        "III. THEO DÕI GIẢI QUYẾT VÀ GIAO BAN",
        "IV. DỰ BÁO",
        "V. KIẾN NGHỊ, ĐỀ XUẤT VỚI BAN THƯỜNG VỤ",
    ):
        assert title in text
    assert "Tình hình dư luận xã hội kỳ từ 01/09/2026 đến 31/10/2026" in text
    assert "Trong kỳ, mạng lưới cộng tác viên gửi 86 báo cáo" in text
    assert "(kỳ trước 71, tăng 15)" in text
    assert "Dự thảo" in text
    words = docx_text(rendered["docx"])
    assert "I. TÌNH HÌNH CHUNG" in words
    assert "Các đồng chí Ủy viên Ban Thường vụ" in words
