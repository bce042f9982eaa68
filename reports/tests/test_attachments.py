import io

import html5lib
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dluan.uploads import IMAGES, check_upload
from reports import services
from reports.models import Attachment, OpinionReport, ReportEvent
from reports.tests.conftest import jpeg_with_gps, report_post
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory


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


# --- Removing an attachment -------------------------------------------------------------


def _report_with_files(collaborator, status=OpinionReport.Status.DRAFT, count=1):
    report = OpinionReportFactory(
        author=collaborator.collaborator,
        status=status,
        submitted_at=None if status == OpinionReport.Status.DRAFT else timezone.now(),
    )
    OpinionStreamFactory(report=report)
    attachments = services.attachments_add(
        report=report,
        user=collaborator,
        files=[
            check_upload(jpeg_with_gps(f"anh{index}.jpg"), allowed=IMAGES)
            for index in range(count)
        ],
    )
    return report, attachments


def _remove_url(attachment):
    return reverse("reports:attachment-remove", args=[attachment.pk])


@pytest.mark.parametrize(
    "status", [OpinionReport.Status.DRAFT, OpinionReport.Status.RETURNED]
)
def test_author_removes_attachment_and_the_file_is_kept(
    client_of, collaborator, staff, status
):
    report, (attachment, kept) = _report_with_files(collaborator, status, count=2)
    version = OpinionReport.objects.get(pk=report.pk).version
    client = client_of(collaborator)
    response = client.post(_remove_url(attachment))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report-edit", args=[report.pk])
    attachment.refresh_from_db()
    assert attachment.removed_by == collaborator
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)
    assert Attachment.objects.count() == 2
    event = ReportEvent.objects.get(action=ReportEvent.Action.ATTACHMENT_REMOVED)
    assert (event.report, event.actor, event.note) == (
        report,
        collaborator,
        attachment.original_name,
    )
    assert OpinionReport.objects.get(pk=report.pk).version == version + 1
    # The author sees only what is left, on the report and on the form.
    assert client.get(report.get_absolute_url()).context["attachments"] == [kept]
    edit = client.get(reverse("reports:report-edit", args=[report.pk]))
    assert edit.context["attachments"] == [kept]
    assert client.get(_download_url(attachment)).status_code == 404
    assert client.get(_download_url(kept)).status_code == 200


def _download_url(attachment):
    return reverse("reports:attachment-download", args=[attachment.pk])


def test_staff_see_removed_attachment_in_history_and_may_download_it(
    client_of, collaborator, staff
):
    # Returned to its author, who takes the file off (a draft is theirs alone).
    report, (attachment,) = _report_with_files(
        collaborator, OpinionReport.Status.RETURNED
    )
    client_of(collaborator).post(_remove_url(attachment))
    client = client_of(staff)
    page = client.get(report.get_absolute_url())
    assert page.context["attachments"] == []
    assert page.context["removed_attachments"] == [attachment]
    removals = [
        event
        for event in page.context["events"]
        if event.action == ReportEvent.Action.ATTACHMENT_REMOVED
    ]
    assert [event.note for event in removals] == [attachment.original_name]
    download = client.get(_download_url(attachment))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_collaborator_page_does_not_list_removed_attachments(client_of, collaborator):
    report, (attachment,) = _report_with_files(collaborator)
    client = client_of(collaborator)
    client.post(_remove_url(attachment))
    page = client.get(report.get_absolute_url())
    assert page.context["removed_attachments"] == []
    assert _download_url(attachment) not in page.content.decode()


@pytest.mark.parametrize(
    "status", [OpinionReport.Status.SUBMITTED, OpinionReport.Status.ACCEPTED]
)
def test_no_removal_once_submitted(client_of, collaborator, status):
    report, (attachment,) = _report_with_files(collaborator, status)
    response = client_of(collaborator).post(_remove_url(attachment))
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    assert not ReportEvent.objects.filter(
        action=ReportEvent.Action.ATTACHMENT_REMOVED
    ).exists()


@pytest.mark.parametrize(
    "persona", ["other_collaborator", "staff", "leader", "other_staff", "admin_user"]
)
def test_only_the_author_may_remove(request, client_of, collaborator, persona):
    _report, (attachment,) = _report_with_files(collaborator)
    user = request.getfixturevalue(persona)
    # Out of scope, or not a collaborator's action: 404 like any page not theirs.
    assert client_of(user).post(_remove_url(attachment)).status_code == 404
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    assert not ReportEvent.objects.filter(
        action=ReportEvent.Action.ATTACHMENT_REMOVED
    ).exists()


def test_remove_needs_login_and_post(client, client_of, collaborator):
    _report, (attachment,) = _report_with_files(collaborator)
    assert client_of(collaborator).get(_remove_url(attachment)).status_code == 405
    client.logout()
    response = client.post(_remove_url(attachment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_removing_twice_is_a_404_and_records_one_event(client_of, collaborator):
    _report, (attachment,) = _report_with_files(collaborator)
    client = client_of(collaborator)
    client.post(_remove_url(attachment))
    assert client.post(_remove_url(attachment)).status_code == 404
    assert (
        ReportEvent.objects.filter(action=ReportEvent.Action.ATTACHMENT_REMOVED).count()
        == 1
    )


def test_remove_service_refuses_someone_else(collaborator, other_collaborator):
    _report, (attachment,) = _report_with_files(collaborator)
    with pytest.raises(ValidationError):
        services.attachment_remove(attachment=attachment, user=other_collaborator)
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_edit_form_remove_buttons_are_valid_html(client_of, collaborator):
    report, attachments = _report_with_files(collaborator, count=2)
    response = client_of(collaborator).get(
        reverse("reports:report-edit", args=[report.pk])
    )
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    document = parser.parse(response.content.decode())
    assert parser.errors == []
    forms = {form.get("id"): form for form in document.iter("form") if form.get("id")}
    for attachment in attachments:
        button = document.find(
            f".//button[@data-testid='remove-attachment-{attachment.pk}']"
        )
        # Forms cannot nest: the button names its own form, which posts to remove.
        target = forms[button.get("form")]
        assert target.get("method") == "post"
        assert target.get("action") == _remove_url(attachment)


@pytest.mark.parametrize("count", [1, 5])
def test_report_page_query_count_with_removed_attachments(
    client_of, collaborator, staff, django_assert_num_queries, count
):
    report, attachments = _report_with_files(
        collaborator, OpinionReport.Status.RETURNED, count=count * 2
    )
    for attachment in attachments[:count]:
        services.attachment_remove(attachment=attachment, user=collaborator)
    # Resubmitted, as staff usually see it: the same page as the pinned one.
    OpinionReport.objects.filter(pk=report.pk).update(
        status=OpinionReport.Status.SUBMITTED
    )
    client = client_of(staff)
    client.get(report.get_absolute_url())
    # 13, and the audit trail's reading of the report's author and its insert.
    with django_assert_num_queries(15):
        response = client.get(report.get_absolute_url())
    assert len(response.context["attachments"]) == count
    assert len(response.context["removed_attachments"]) == count
