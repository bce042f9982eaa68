"""Hostile uploads through the real views: a report's attachments, a meeting's
reference documents and the roster import.

Each refusal shows a message and saves nothing: no row, no file under MEDIA_ROOT.
What is refused: anything whose content is not an accepted kind (HTML named .jpg,
SVG, which may carry script, is not accepted at all), a PDF that runs JavaScript
or a program when opened, a file over UPLOAD_MAX_BYTES, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a zip bomb and a package with ``../`` member names.
A JPEG with HTML appended (a polyglot) is a real image: it is accepted and stored
re-encoded, without the HTML.
"""

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from collaborators.models import Collaborator, ImportDraft
from meetings.models import ReferenceDocument
from meetings.tests.factories import InvitationFactory, MeetingFactory
from reports.models import Attachment, OpinionReport
from reports.tests.conftest import jpeg_with_gps, report_post

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)
PDF_JS = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PDF_LAUNCH = PDF_JS.replace(b"/S /JavaScript /JS (app.alert(1))", b"/S /Launch")
# The same action inside a compressed object stream: its names are not in the bytes.
PDF_HIDDEN_JS = (
    b"%PDF-1.5\n4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\n"
    b"stream\n"
    + zlib.compress(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")
    + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PDF_PLAIN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Điện thoại"])
    workbook.active.append(["Nguyễn Văn An", "0905123456"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def with_member(package: bytes, name: str, data: bytes = b"#!/bin/sh\n") -> bytes:
    """``package`` (a zip) with one more member, named as given."""
    buffer = io.BytesIO(package)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A valid-looking .xlsx of some 200 KB whose sheet expands to 200 MB."""
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = b" " * (1024 * 1024)
            for _ in range(200):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    return data


def polyglot_jpeg() -> bytes:
    """A real JPEG that a browser sniffing it could also read as HTML."""
    return jpeg_with_gps().read() + HTML


# --- Report attachments --------------------------------------------------------------


def attach(client, commune, name, data):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    post = report_post(commune, action="submit", attachments=upload)
    return client.post(reverse("reports:report-create"), post)


@pytest.fixture
def zips(bomb):
    return {
        "bomb.xlsx": bomb,
        "traversal.docx": with_member(docx_bytes(), "../../../tmp/evil.sh"),
        "absolute.xlsx": with_member(workbook_bytes(), "/etc/cron.d/evil"),
    }


REFUSED = {
    "anh.jpg": HTML,
    "hinh.svg": SVG,
    "hinh.jpg": SVG,
    "bao-cao.pdf": PDF_JS,
    "mo-file.pdf": PDF_LAUNCH,
    "an.pdf": PDF_HIDDEN_JS,
    "trang.html": HTML,
}


@pytest.mark.parametrize("name", [*REFUSED, "bomb.xlsx", "traversal.docx"])
def test_attachment_is_refused_with_a_message_and_nothing_saved(
    client_of, collaborator, commune, zips, name
):
    data = REFUSED.get(name) or zips[name]
    before = media_files()
    response = attach(client_of(collaborator), commune, name, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert errors
    assert errors[0] in response.content.decode()
    assert not OpinionReport.objects.exists()
    assert not Attachment.objects.exists()
    assert media_files() == before


def test_polyglot_jpeg_is_stored_as_a_plain_image(client_of, collaborator, commune):
    response = attach(client_of(collaborator), commune, "anh.jpg", polyglot_jpeg())
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"\xff\xd8")
    assert b"<script" not in data
    assert b"<!DOCTYPE" not in data


def test_plain_pdf_is_accepted(client_of, collaborator, commune):
    response = attach(client_of(collaborator), commune, "van-ban.pdf", PDF_PLAIN)
    assert response.status_code == 302
    assert Attachment.objects.get().content_type == "application/pdf"


def test_attachment_over_the_limit_is_refused(
    client_of, collaborator, commune, settings
):
    settings.UPLOAD_MAX_BYTES = 1000
    before = media_files()
    response = attach(
        client_of(collaborator), commune, "van-ban.pdf", PDF_PLAIN + b"0" * 2000
    )
    assert response.status_code == 200
    assert "1000" in str(response.context["form"].errors["attachments"][0]).replace(
        "\xa0", ""
    ).replace(".", "")
    assert not Attachment.objects.exists()
    assert media_files() == before


def test_body_over_the_memory_limit_is_a_bad_request_not_a_crash(
    client_of, collaborator, commune, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    post = report_post(commune, action="submit", description="x" * 200_000)
    response = client_of(collaborator).post(reverse("reports:report-create"), post)
    assert response.status_code in (400, 413)
    assert not OpinionReport.objects.exists()


def test_body_over_the_memory_limit_gets_a_page_in_vietnamese(
    client_of, collaborator, commune, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    post = report_post(commune, action="submit", description="x" * 200_000)
    response = client_of(collaborator).post(reverse("reports:report-create"), post)
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Bad Request" not in html


# --- Meeting documents -----------------------------------------------------------------


@pytest.fixture
def meeting(town, staff, collaborator):
    meeting = MeetingFactory(unit=town, created_by=staff)
    InvitationFactory(meeting=meeting, collaborator=collaborator.collaborator)
    return meeting


def hand_out(client, meeting, name, data):
    return client.post(
        reverse("meetings:document-create"),
        {
            "title": "Hướng dẫn tuyên truyền",
            "source": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
            "description": "",
            "file": SimpleUploadedFile(name, data),
            "meeting": meeting.pk,
        },
    )


@pytest.mark.parametrize(
    "name",
    [*REFUSED, "anh.jpg#polyglot", "bomb.xlsx", "traversal.docx", "absolute.xlsx"],
)
def test_document_is_refused_with_a_message_and_nothing_saved(
    client_of, staff, meeting, zips, name
):
    if name.endswith("#polyglot"):
        name, data = name.removesuffix("#polyglot"), polyglot_jpeg()
    else:
        data = REFUSED.get(name) or zips[name]
    before = media_files()
    response = hand_out(client_of(staff), meeting, name, data)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors
    assert errors[0] in response.content.decode()
    assert not ReferenceDocument.objects.exists()
    assert media_files() == before


def test_document_over_the_limit_is_refused(client_of, staff, meeting, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    before = media_files()
    response = hand_out(client_of(staff), meeting, "a.pdf", PDF_PLAIN + b"0" * 2000)
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ReferenceDocument.objects.exists()
    assert media_files() == before


# --- Roster import ------------------------------------------------------------------


def import_file(client, name, data):
    return client.post(
        reverse("collaborators:import-upload"),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bomb.xlsx", "The workbook expands to too much data to be read safely."),
        ("traversal.docx", "The workbook holds a path outside itself and was refused."),
        ("absolute.xlsx", "The workbook holds a path outside itself and was refused."),
        ("anh.jpg", "The file is not an .xlsx workbook."),
        ("hinh.svg", "The file is not an .xlsx workbook."),
    ],
)
def test_import_is_refused_with_a_message_and_nothing_kept(
    client_of, staff, zips, name, message
):
    data = zips.get(name) or REFUSED[name]
    if name == "traversal.docx":  # a workbook with a ../ member, named .xlsx
        name, data = "roster.xlsx", with_member(workbook_bytes(), "../evil.sh")
    client = client_of(staff)
    before = media_files()
    response = import_file(client, name, data)
    assert response.status_code == 200
    # Refused for what it is, before openpyxl reads a byte of the sheet.
    assert response.context["form"].errors["file"] == [vi(message)]
    assert vi(message) in response.content.decode()
    assert not ImportDraft.objects.exists()
    assert not Collaborator.objects.exclude(user__isnull=False).exists()
    assert media_files() == before


def test_import_over_the_limit_is_refused_before_it_is_read(
    client_of, staff, settings, monkeypatch
):
    settings.UPLOAD_MAX_BYTES = 1000
    read = []
    monkeypatch.setattr(
        "collaborators.views.imports.read_workbook", lambda upload: read.append(upload)
    )
    client = client_of(staff)
    response = import_file(client, "roster.xlsx", workbook_bytes())
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert read == []
    assert not ImportDraft.objects.exists()


def test_imported_text_loses_its_control_characters(client_of, staff, commune):
    """DEL and C1 controls fit in a workbook's XML; they never reach the roster."""
    from collaborators.spreadsheets import COLUMNS

    values = {
        "full_name": "Nguyễn\x7f Văn\x85 An",
        "gender": "Nam",
        "phone": "0905123456",
        "unit": "Phường Tứ Hạ",
        "occupation": "giáo\x9f viên",
    }
    workbook = Workbook()
    workbook.active.append([str(column.label) for column in COLUMNS])
    workbook.active.append([values.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_of(staff)
    response = import_file(client, "roster.xlsx", buffer.getvalue())
    columns = client.get(response["Location"]).context["form"]
    data = {name: field.initial for name, field in columns.fields.items()}
    preview = client.post(response["Location"], data)["Location"]
    assert client.post(preview, {"mode": "all"}).status_code == 302
    person = Collaborator.objects.get(phone="0905123456")
    assert (person.full_name, person.occupation) == ("Nguyễn Văn An", "giáo viên")
