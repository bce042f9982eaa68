"""The meeting's files download under their dated names and stay out of caches."""

import pytest
from django.urls import reverse
from django.utils import timezone


@pytest.mark.parametrize(
    ("url_name", "prefix", "extension", "content_type"),
    [
        ("meetings:meeting-minutes-pdf", "bien-ban-giao-ban", "pdf", "application/pdf"),
        (
            "meetings:meeting-attendance-xlsx",
            "diem-danh-giao-ban",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_meeting_file_downloads_under_its_name_and_is_not_cached(
    client_of, staff, meeting, url_name, prefix, extension, content_type
):
    response = client_of(staff).get(reverse(url_name, args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    name = f"{prefix}-{timezone.localdate(meeting.starts_at):%Y%m%d}.{extension}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]
