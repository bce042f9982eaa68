"""What one request may make the server decode and store (issue 19, "Photos").

A photo over UPLOAD_MAX_IMAGE_PIXELS is refused from its header, never decoded; a
report holds at most REPORT_MAX_ATTACHMENTS files; a body over
UPLOAD_MAX_REQUEST_BYTES is refused by the first upload handler while it arrives
(before a byte is read when its Content-Length says so), with the 400 page in
Vietnamese naming the limit. Each refusal saves nothing.

By hand, on the 2-core test machine: ten 8,900 × 8,900 PNGs of some 250 KB on one
report took 24.9 s and were all stored before these limits; they are now refused in
0.45 s. Ten PNGs of 5,000 × 5,000 (just within the limit) are accepted in 9 s.
"""

import html
import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.test.client import (
    BOUNDARY,
    MULTIPART_CONTENT,
    FakePayload,
    encode_multipart,
)
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image, ImageFile

from dluan.uploads import (
    IMAGES,
    RequestSizeLimitHandler,
    UploadTooLarge,
    check_upload,
    megapixels,
)
from reports import services
from reports.forms import attachment_limits_text
from reports.models import Attachment, OpinionReport
from reports.tests.conftest import report_post
from reports.tests.factories import OpinionReportFactory

# --- Images ---------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(width: int, height: int, idat: bytes | None = None) -> bytes:
    """An RGB PNG of one colour, its rows compressed as they are made (a few
    hundred kilobytes for 8,900 × 8,900); ``idat`` replaces its pixel data."""
    if idat is None:
        row = b"\x00" + b"\xc8\x1e\x1e" * width
        packer = zlib.compressobj(9)
        idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


# A header saying 8,900 × 8,900 over pixel data that no decoder can read: refused
# for its size, it proves the size was read from the header alone.
HUGE_HEADER_GARBAGE_DATA = png(8900, 8900, idat=b"not zlib data" * 10)


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    data = png(8900, 8900)
    assert len(data) < 400 * 1024
    return data


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def decodes(monkeypatch) -> list:
    """Every image Pillow decodes (or verifies) during the test."""
    calls = []
    load, verify = ImageFile.ImageFile.load, ImageFile.ImageFile.verify

    def spy_load(image):
        calls.append(("load", image.size))
        return load(image)

    def spy_verify(image):
        calls.append(("verify", image.size))
        return verify(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)
    monkeypatch.setattr(ImageFile.ImageFile, "verify", spy_verify)
    return calls


def media_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def pixel_message(name: str) -> str:
    """The refusal as the collaborator reads it (the site answers in Vietnamese)."""
    with translation.override("vi"):
        return gettext(
            "The image “%(name)s” has more than %(limit)s megapixels. Send a "
            "smaller photo (most phones can reduce one when sharing it)."
        ) % {"name": name, "limit": megapixels(settings.UPLOAD_MAX_IMAGE_PIXELS)}


def file_report(client, commune, files, *, report=None, action="submit"):
    url = (
        reverse("reports:report-edit", args=[report.pk])
        if report
        else reverse("reports:report-create")
    )
    return client.post(url, report_post(commune, action=action, attachments=files))


def photos(data: bytes, count: int, suffix=".png") -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"anh-{n}{suffix}", data) for n in range(count)]


def test_ten_huge_photos_are_refused_without_being_decoded(
    client_of, collaborator, commune, huge_png, decodes
):
    before = media_files()
    response = file_report(client_of(collaborator), commune, photos(huge_png, 10))
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert errors == [pixel_message(f"anh-{n}.png") for n in range(10)]
    assert html.escape(errors[0]) in response.content.decode()
    assert decodes == []
    assert not OpinionReport.objects.exists()
    assert not Attachment.objects.exists()
    assert media_files() == before


def test_huge_header_is_refused_before_its_garbage_data_is_read(
    client_of, collaborator, commune, decodes
):
    files = photos(HUGE_HEADER_GARBAGE_DATA, 1)
    response = file_report(client_of(collaborator), commune, files)
    # Decoding would have failed on the data ("cannot be read"), not on the size.
    assert response.context["form"].errors["attachments"] == [
        pixel_message("anh-0.png")
    ]
    assert decodes == []
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("width", "height", "accepted"),
    [(1000, 1000, True), (1000, 1001, False), (4001, 250, False)],
)
def test_the_pixel_limit_counts_width_times_height(
    client_of, collaborator, commune, settings, width, height, accepted
):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    files = photos(jpeg(width, height), 1, suffix=".jpg")
    response = file_report(client_of(collaborator), commune, files)
    assert Attachment.objects.exists() is accepted
    if not accepted:
        assert response.context["form"].errors["attachments"] == [
            pixel_message("anh-0.jpg")
        ]


# --- Files per report --------------------------------------------------------------------


def test_a_new_report_with_too_many_files_saves_nothing(
    client_of, collaborator, commune, settings, decodes
):
    settings.REPORT_MAX_ATTACHMENTS = 3
    response = file_report(
        client_of(collaborator), commune, photos(jpeg(20, 20), 4, ".jpg")
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["attachments"]
    assert "3" in message and "4" in message
    assert html.escape(message) in response.content.decode()
    assert decodes == []  # counted before a single file is opened
    assert not OpinionReport.objects.exists()
    assert not Attachment.objects.exists()


def test_files_already_on_the_report_count_towards_the_limit(
    client_of, collaborator, commune, settings
):
    settings.REPORT_MAX_ATTACHMENTS = 3
    client = client_of(collaborator)
    file_report(client, commune, photos(jpeg(20, 20), 2, ".jpg"), action="save")
    report = OpinionReport.objects.get()
    version = report.version

    response = file_report(
        client, commune, photos(jpeg(20, 20), 2, ".jpg"), report=report, action="save"
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["attachments"]
    assert "3" in message and "4" in message
    report.refresh_from_db()
    assert report.version == version
    assert report.attachments.count() == 2

    # Removing one makes room for the two.
    client.post(
        reverse("reports:attachment-remove", args=[report.attachments.first().pk])
    )
    response = file_report(
        client, commune, photos(jpeg(20, 20), 2, ".jpg"), report=report, action="save"
    )
    assert response.status_code == 302
    assert report.attachments.present().count() == 3


def test_the_service_refuses_too_many_files_whoever_calls_it(
    collaborator, commune, settings
):
    settings.REPORT_MAX_ATTACHMENTS = 1
    report = OpinionReportFactory(author=collaborator.collaborator, unit=commune)
    checked = [
        check_upload(SimpleUploadedFile(f"a{n}.jpg", jpeg(10, 10)), allowed=IMAGES)
        for n in range(2)
    ]
    with pytest.raises(ValidationError) as refused:
        services.attachments_add(report=report, user=collaborator, files=checked)
    assert "attachments" in refused.value.message_dict
    assert not report.attachments.exists()


def test_the_filing_form_states_the_limits(client_of, collaborator, settings):
    settings.REPORT_MAX_ATTACHMENTS = 7
    settings.UPLOAD_MAX_REQUEST_BYTES = 20 * 1024 * 1024
    response = client_of(collaborator).get(reverse("reports:report-create"))
    text = str(attachment_limits_text())
    assert html.escape(text) in response.content.decode()
    assert "7" in text
    assert filesizeformat(settings.UPLOAD_MAX_BYTES) in text
    assert filesizeformat(20 * 1024 * 1024) in text
    assert "25" in text  # megapixels


# --- Bytes per request -----------------------------------------------------------------


class CountingPayload(FakePayload):
    """The request body as the server reads it, counting what was read."""

    read_bytes = 0

    def read(self, size=-1, /):
        data = super().read(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1, /):
        data = super().readline(size)
        self.read_bytes += len(data)
        return data


@pytest.fixture
def stored(monkeypatch) -> list:
    """The bytes each temporary upload file was given."""
    sizes = []
    receive = TemporaryFileUploadHandler.receive_data_chunk
    new_file = TemporaryFileUploadHandler.new_file

    def spy_new_file(handler, *args, **kwargs):
        sizes.append(0)
        return new_file(handler, *args, **kwargs)

    def spy_receive(handler, raw_data, start):
        sizes[-1] += len(raw_data)
        return receive(handler, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", spy_new_file)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy_receive)
    return sizes


def test_a_body_over_the_cap_is_refused_before_it_is_read(
    client_of, collaborator, commune, settings, stored
):
    settings.UPLOAD_MAX_REQUEST_BYTES = 200_000
    upload = SimpleUploadedFile("van-ban.pdf", b"%PDF-1.4\n" + b"0" * 1_000_000)
    body = encode_multipart(BOUNDARY, report_post(commune, attachments=upload))
    payload = CountingPayload(body)
    before = media_files()
    response = client_of(collaborator).generic(
        "POST",
        reverse("reports:report-create"),
        body,
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": payload},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="vi"' in page
    assert 'data-testid="upload-limit"' in page
    with translation.override("vi"):
        assert filesizeformat(200_000) in page
    assert payload.read_bytes == 0
    assert stored == []
    assert not OpinionReport.objects.exists()
    assert media_files() == before


def test_a_body_within_the_cap_is_read_and_saved(
    client_of, collaborator, commune, settings
):
    settings.UPLOAD_MAX_REQUEST_BYTES = 200_000
    upload = SimpleUploadedFile("van-ban.pdf", b"%PDF-1.4\n" + b"0" * 100_000)
    response = file_report(client_of(collaborator), commune, [upload])
    assert response.status_code == 302
    assert Attachment.objects.get().size > 100_000


def test_a_meeting_document_over_the_cap_gets_the_400_page(client_of, staff, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 100_000
    response = client_of(staff).post(
        reverse("meetings:document-create"),
        {
            "title": "Hướng dẫn",
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 200_000),
        },
    )
    assert response.status_code == 400
    assert 'data-testid="upload-limit"' in response.content.decode()


def test_the_handler_stops_a_body_longer_than_declared_once_past_the_cap(
    settings, stored
):
    """A body whose length was not (or wrongly) declared is counted as it arrives:
    reading stops one chunk past the cap, and no file is stored beyond it."""
    settings.UPLOAD_MAX_REQUEST_BYTES = 300_000
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 5_000_000)
    body = encode_multipart(BOUNDARY, {"file": upload})
    payload = CountingPayload(body)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": "1000"}
    handlers = [RequestSizeLimitHandler(), TemporaryFileUploadHandler()]
    parser = MultiPartParser(meta, payload, handlers)
    with pytest.raises(UploadTooLarge):
        parser.parse()
    chunk = TemporaryFileUploadHandler.chunk_size
    assert payload.read_bytes <= 300_000 + 2 * chunk
    assert stored and sum(stored) <= 300_000


# --- Settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"UPLOAD_MAX_IMAGE_PIXELS": "25MP"}, "UPLOAD_MAX_IMAGE_PIXELS"),
        ({"REPORT_MAX_ATTACHMENTS": "0"}, "REPORT_MAX_ATTACHMENTS"),
        ({"UPLOAD_MAX_REQUEST_BYTES": "1000"}, "UPLOAD_MAX_REQUEST_BYTES"),
    ],
)
def test_a_bad_limit_stops_start_up_naming_it(environment, named):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "0",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "dluan.example.vn",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import dluan.settings"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert named in result.stderr.splitlines()[-1]
