"""The PDF renderer against hostile text: URLs in a report or a narrative fetch
nothing, and a pathological document stops at a limit instead of taking the worker.

The renderer runs in a forked child with a time limit and a memory cap
(``dluan.pdf``); the forms cap the length of every long text
(``dluan.forms.LONG_TEXT_MAX``), so a document stays small enough to render.
"""

import datetime
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dluan import pdf
from dluan.forms import LONG_TEXT_MAX
from meetings import exports as meeting_exports
from meetings import services as meeting_services
from meetings.tests.factories import MeetingFactory
from reports.models import OpinionReport
from reports.services import period_for
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory
from summaries import services as summary_services
from summaries.models import Summary
from summaries.renderers.pdf import render_summary_pdf
from summaries.tests.samples import sample_snapshot
from tests.support.pdf import pdf_text, squeezed


def payloads(base: str) -> list[str]:
    return [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        '<img src="file:///etc/passwd">',
        f'<img src="{base}/img.png">',
        f"<style>body {{ background: url({base}/bg.png) }}</style>",
        f'<link rel="stylesheet" href="{base}/a.css">',
        f"url({base}/css.png)",
    ]


class RecordingFetcher:
    """The real fetcher, remembering every URL it was asked for."""

    def __init__(self):
        self.fetcher = pdf.make_url_fetcher()
        self.asked: list[str] = []

    def __call__(self, url, *args, **kwargs):
        self.asked.append(url)
        return self.fetcher(url, *args, **kwargs)

    def outside_fonts(self) -> list[str]:
        root = pdf.fonts_dir().as_uri() + "/"
        return [url for url in self.asked if not url.startswith(root)]


@pytest.fixture
def period(db):
    return period_for(day=timezone.localdate() - datetime.timedelta(days=60))


@pytest.fixture
def summary(period, town, collaborator, staff, counting_server):
    """A compiled draft whose report and narrative hold every URL payload."""
    base, _hits = counting_server
    text = " ".join(payloads(base))
    report = OpinionReportFactory(
        author=collaborator.collaborator,
        period=period,
        occurred_on=period.start,
        title="Đường dẫn lạ",
        proposals=text,
        status=OpinionReport.Status.ACCEPTED,
        reviewed_at=timezone.now(),
    )
    stream = OpinionStreamFactory(report=report, summary=text)
    queued = summary_services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    compiled = summary_services.summary_compile(summary_id=queued.pk)
    candidates = compiled.snapshot["quote_candidates"]
    quotes = [dict(q, kind="stream") for q in candidates if q["stream_id"] == stream.pk]
    assert quotes
    return summary_services.summary_edit(
        summary=compiled,
        user=staff,
        data={"general_situation": text, "prominent_opinion": text, "quotes": quotes},
    )


def test_brief_with_urls_renders_and_fetches_nothing(summary, counting_server):
    base, hits = counting_server
    fetcher = RecordingFetcher()
    data = render_summary_pdf(summary, url_fetcher=fetcher)
    text = squeezed(pdf_text(data))
    for payload in payloads(base):
        assert squeezed(payload) in text
    assert fetcher.asked  # the fonts
    assert fetcher.outside_fonts() == []
    assert fetcher.fetcher.refused == []
    assert hits == []
    assert b"/Subtype /Image" not in data
    assert "root:x:0" not in text
    # The way the worker renders it (a forked child) fetches nothing either.
    assert squeezed(payloads(base)[1]) in squeezed(
        pdf_text(render_summary_pdf(summary))
    )
    assert hits == []


def test_minutes_with_urls_render_and_fetch_nothing(
    client_of, staff, town, counting_server
):
    base, hits = counting_server
    meeting = MeetingFactory(unit=town, created_by=staff, title="Giao ban tháng")
    text = " ".join(payloads(base))
    meeting_services.minutes_save(
        meeting=meeting, user=staff, reported_summary=text, conclusions=text
    )
    response = client_of(staff).get(
        reverse("meetings:meeting-minutes-pdf", args=[meeting.pk])
    )
    assert response.status_code == 200
    assert squeezed(payloads(base)[4]) in squeezed(pdf_text(response.getvalue()))
    assert hits == []
    fetcher = RecordingFetcher()
    meeting.refresh_from_db()
    html = render_to_string(
        "meetings/minutes_pdf.html", meeting_exports.minutes_context(meeting)
    )
    pdf.render_html_to_pdf(html, url_fetcher=fetcher)
    assert fetcher.outside_fonts() == []
    assert hits == []


# --- Pathological documents -----------------------------------------------------------


def huge_table(rows: int) -> str:
    cells = "".join(
        f"<tr><td>{n}</td><td>Dư luận xã hội</td></tr>" for n in range(rows)
    )
    return f"<html><body><table>{cells}</table></body></html>"


def test_a_document_past_the_time_limit_stops_with_a_clear_error(settings):
    settings.PDF_RENDER_TIME_LIMIT = 1
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(
        pdf.PDFRenderError, match="quá dài, không thể in ra PDF"
    ) as stopped:
        pdf.render_html_to_pdf(huge_table(100_000))
    assert stopped.value.reason == "time"
    # The child took the work; this process did not grow with the document.
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100 * 1024


def test_a_document_past_the_memory_cap_stops_with_a_clear_error():
    # In a process of its own, like a web or Celery worker: the suite's process
    # runs browser and server threads, and a child forked from a threaded process
    # may wait on a lock another thread held (it would stop on the time limit).
    probe = (
        "import django; django.setup()\n"
        "from dluan import pdf\n"
        "try:\n"
        "    pdf.render_html_to_pdf('<p>' + 'Dư luận ' * 400_000 + '</p>')\n"
        "except pdf.PDFRenderError as error:\n"
        "    print(error.reason, str(error))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dluan.settings",
        "DEBUG": "1",
        "PDF_RENDER_MEMORY_MB": "8",
        "PDF_RENDER_TIME_LIMIT": "60",
    }
    out = subprocess.run(  # noqa: S603 (our own code, fixed arguments)
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith("memory "), out


def test_a_document_past_the_size_limit_is_not_rendered(settings):
    settings.PDF_MAX_HTML_CHARS = 100_000
    with pytest.raises(pdf.PDFRenderError):
        pdf.render_html_to_pdf("<p>" + "x" * 100_001 + "</p>")


def test_a_normal_document_renders_in_the_child():
    data = pdf.render_html_to_pdf("<html><body><p>Xin chào Huế</p></body></html>")
    assert data.startswith(b"%PDF")
    assert "XinchàoHuế" in squeezed(pdf_text(data))


def test_a_two_megabyte_narrative_is_refused_with_a_message(
    client_of, staff, town, period
):
    summary = Summary.objects.create(
        unit=town,
        period=period,
        status=Summary.Status.DRAFT,
        snapshot=sample_snapshot(),
        general_situation="Ổn định.",
    )
    url = reverse("summaries:summary-edit", args=[summary.pk])
    before = (summary.revision, summary.general_situation)
    response = client_of(staff).post(
        url,
        {
            "revision": summary.revision,
            "general_situation": "Dư luận " * (2 * 1024 * 1024 // 8),
            "prominent_opinion": "",
            "forecast": "",
            "recommendations": "",
            "confidentiality": Summary.Confidentiality.NONE,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["general_situation"]
    assert str(LONG_TEXT_MAX) in errors[0].replace(".", "").replace(",", "")
    summary.refresh_from_db()
    assert (summary.revision, summary.general_situation) == before


def test_a_render_that_fails_says_so(monkeypatch):
    def broken(html, fetcher):
        raise RuntimeError("a bug in the renderer")

    monkeypatch.setattr(pdf, "_warmed", True)
    monkeypatch.setattr(pdf, "_write_pdf", broken)
    with pytest.raises(pdf.PDFRenderError, match="Không tạo được tệp PDF"):
        pdf.render_html_to_pdf("<p>Một lỗi</p>")


def test_a_pdf_past_its_limits_sends_the_reader_back_with_the_reason(
    client_of, staff, settings
):
    from collaborators.tests.factories import CollaboratorFactory

    settings.PDF_MAX_HTML_CHARS = 1_000
    CollaboratorFactory(unit=staff.org_unit)
    client = client_of(staff)
    page = "/collaborators/scores/"
    response = client.get(
        "/collaborators/scores/commendation.pdf",
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{page}"
    shown = client.get(page).content.decode()
    assert "Văn bản quá dài, không thể in ra PDF" in shown
