"""Every file the roster hands out is a download that no cache keeps, named as
before: the roster, the import template, the scores workbook and the commendation
list, the regulation's file (dluan.downloads)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collaborators.services import regulation_create

YEAR = timezone.localdate().year


def _is_download(response, name: str) -> bytes:
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("url_name", "query", "name", "magic"),
    [
        (
            "collaborator-export",
            {},
            f"danh-sach-ctv-{timezone.localdate():%Y%m%d}.xlsx",
            b"PK",
        ),
        ("import-template", {}, "mau-danh-sach-ctv.xlsx", b"PK"),
        ("scores-export", {"year": YEAR}, f"diem-thi-dua-{YEAR}.xlsx", b"PK"),
        (
            "scores-commendation",
            {"year": YEAR},
            f"de-nghi-khen-thuong-{YEAR}.pdf",
            b"%PDF",
        ),
    ],
)
def test_roster_files_are_downloads_no_cache_keeps(
    client_of, staff, collaborator, url_name, query, name, magic
):
    response = client_of(staff).get(reverse(f"collaborators:{url_name}"), query)
    assert _is_download(response, name).startswith(magic)


def test_the_regulation_file_is_a_download_no_cache_keeps(
    client_of, staff, collaborator
):
    content = b"%PDF-1.4 quy che"
    regulation = regulation_create(
        actor=staff,
        data={
            "title": "Quy chế",
            "version": "1",
            "effective_date": timezone.localdate(),
        },
        file=None,
    )
    regulation.file.save("quy-che.pdf", SimpleUploadedFile("quy-che.pdf", content))
    response = client_of(collaborator).get(
        reverse("collaborators:regulation-download", args=[regulation.pk])
    )
    name = regulation.file.name.rsplit("/", 1)[-1]
    assert _is_download(response, name) == content
