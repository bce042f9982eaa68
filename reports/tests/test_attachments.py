import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from reports.models import Attachment, OpinionReport
from reports.tests.conftest import jpeg_with_gps, report_post


def _file(client, commune, upload):
    data = report_post(commune, action="submit", attachments=upload)
    return client.post(reverse("reports:report-create"), data)


def test_photo_is_stored_without_gps_and_downloaded_as_attachment(
    client_of, collaborator, commune, staff
):
    response = _file(client_of(collaborator), commune, jpeg_with_gps())
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as stored:
        exif = Image.open(io.BytesIO(stored.read())).getexif()
    assert 0x8825 not in exif  # GPS
    assert 0x010F not in exif  # camera make
    download = client_of(staff).get(
        reverse("reports:attachment-download", args=[attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_attachment_is_hidden_from_others(
    client_of, collaborator, commune, other_collaborator, other_staff
):
    _file(client_of(collaborator), commune, jpeg_with_gps())
    url = reverse("reports:attachment-download", args=[Attachment.objects.get().pk])
    assert client_of(other_collaborator).get(url).status_code == 404
    assert client_of(other_staff).get(url).status_code == 404


def test_anonymous_cannot_download(client, collaborator, commune, client_of):
    _file(client_of(collaborator), commune, jpeg_with_gps())
    client.logout()
    url = reverse("reports:attachment-download", args=[Attachment.objects.get().pk])
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "anh.jpg",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            content_type="image/jpeg",
        ),
        SimpleUploadedFile(
            "hinh.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            content_type="image/svg+xml",
        ),
    ],
    ids=["html-renamed-jpg", "svg-with-script"],
)
def test_disguised_files_are_refused_and_nothing_is_saved(
    client_of, collaborator, commune, upload
):
    response = _file(client_of(collaborator), commune, upload)
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not OpinionReport.objects.exists()
    assert not Attachment.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=500)
def test_oversized_file_is_refused(client_of, collaborator, commune):
    big = SimpleUploadedFile("to.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    response = _file(client_of(collaborator), commune, big)
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Attachment.objects.exists()
