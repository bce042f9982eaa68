"""A collaborator's draft is theirs until submitted: 404 for everyone else.

Staff, leaders and admins of the draft's own unit included, on every path that
reaches a report by its id: the page, its attachments, the review actions, linking
it to an issue, the queue and the Django admin. A draft its author archived without
sending stays theirs too; a report archived after it was submitted does not.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from dluan.uploads import IMAGES, check_upload
from reports import services
from reports.models import Attachment, OpinionReport, ReportEvent
from reports.tests.conftest import jpeg_with_gps
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)

Status = OpinionReport.Status
MANAGERS = ["staff", "leader", "admin_user"]


@pytest.fixture
def draft(collaborator):
    """An autosaved draft with one stream and one photo."""
    report = OpinionReportFactory(
        author=collaborator.collaborator,
        title="Bản nháp chưa gửi về tranh chấp đất",
        status=Status.DRAFT,
        submitted_at=None,
    )
    OpinionStreamFactory(report=report)
    services.attachments_add(
        report=report,
        user=collaborator,
        files=[check_upload(jpeg_with_gps(), allowed=IMAGES)],
    )
    return report


@pytest.fixture
def attachment(draft):
    return Attachment.objects.get(report=draft)


def _detail(report):
    return reverse("reports:report-detail", args=[report.pk])


def test_author_reads_their_draft_and_its_photo(client_of, collaborator, draft):
    client = client_of(collaborator)
    assert client.get(_detail(draft)).status_code == 200
    photo = Attachment.objects.get(report=draft)
    download = client.get(reverse("reports:attachment-download", args=[photo.pk]))
    assert download.status_code == 200
    assert client.get(reverse("reports:report-edit", args=[draft.pk])).status_code == (
        200
    )


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_cannot_read_a_draft_or_its_photo(
    request, client_of, draft, attachment, persona
):
    client = client_of(request.getfixturevalue(persona))
    response = client.get(_detail(draft))
    assert response.status_code == 404
    assert draft.title not in response.content.decode()
    download = reverse("reports:attachment-download", args=[attachment.pk])
    assert client.get(download).status_code == 404


def test_other_collaborator_cannot_read_a_draft(
    client_of, other_collaborator, draft, attachment
):
    client = client_of(other_collaborator)
    assert client.get(_detail(draft)).status_code == 404
    download = reverse("reports:attachment-download", args=[attachment.pk])
    assert client.get(download).status_code == 404


def _review_posts(draft, issue, topic) -> list[tuple[str, dict]]:
    version = str(draft.version)
    return [
        ("reports:report-accept", {"version": version}),
        ("reports:report-return", {"version": version, "question": "Ở đâu?"}),
        ("reports:report-rumour", {"version": version, "is_rumour": "on"}),
        ("reports:report-retag", {"version": version, "topics": [topic.pk]}),
        (
            "reports:report-rate",
            {
                "version": version,
                "depth": "5",
                "balance": "5",
                "timeliness": "5",
                "usefulness": "5",
                "feedback": "Tốt",
            },
        ),
        ("reports:report-issue-link", {"issue": issue.pk}),
        ("reports:report-issue-unlink", {}),
        ("reports:report-issue-create", {"title": "Vụ việc", "severity": "2"}),
        ("reports:report-archive", {"version": version}),
    ]


@pytest.mark.parametrize("persona", ["staff", "admin_user"])
def test_review_actions_on_a_draft_answer_404_and_change_nothing(
    request, client_of, draft, town, persona
):
    user = request.getfixturevalue(persona)
    issue = IssueFactory(unit=town, created_by=user)
    topic = TopicFactory(name="Đất đai")
    client = client_of(user)
    for name, data in _review_posts(draft, issue, topic):
        response = client.post(reverse(name, args=[draft.pk]), data)
        assert response.status_code == 404, name
        assert draft.title not in response.content.decode(), name
    link = reverse("reports:issue-report-link", args=[issue.pk, draft.pk])
    assert client.post(link).status_code == 404
    after = OpinionReport.objects.get(pk=draft.pk)
    assert (after.status, after.version, after.issue_id) == (Status.DRAFT, 1, None)
    assert not after.is_rumour and after.quality_depth is None
    assert not after.topics.exists()
    assert not ReportEvent.objects.filter(report=draft).exclude(actor=draft.author.user)


def test_staff_read_the_report_once_it_is_submitted(
    client_of, collaborator, staff, draft, attachment
):
    services.report_submit(report=draft, user=collaborator, confirm_balance=True)
    client = client_of(staff)
    assert client.get(_detail(draft)).status_code == 200
    download = reverse("reports:attachment-download", args=[attachment.pk])
    assert client.get(download).status_code == 200


def test_a_draft_archived_unsent_stays_the_authors(
    client_of, collaborator, staff, draft
):
    services.report_archive(report=draft, user=collaborator)
    assert client_of(collaborator).get(_detail(draft)).status_code == 200
    client = client_of(staff)
    assert client.get(_detail(draft)).status_code == 404
    queue = client.get(reverse("reports:report-queue"), {"status": Status.ARCHIVED})
    assert draft.title not in queue.content.decode()


def test_a_report_archived_after_submission_stays_with_the_board(
    client_of, collaborator, staff
):
    report = OpinionReportFactory(author=collaborator.collaborator)
    services.report_archive(report=report, user=staff)
    assert client_of(staff).get(_detail(report)).status_code == 200


@pytest.mark.parametrize("persona", MANAGERS)
def test_issue_pages_and_search_do_not_show_a_draft(
    request, client_of, town, staff, collaborator, draft, persona
):
    issue = IssueFactory(unit=town, created_by=staff)
    # A draft joined to an issue (say, a returned report's issue kept): not shown.
    OpinionReport.objects.filter(pk=draft.pk).update(issue=issue)
    client = client_of(request.getfixturevalue(persona))
    page = client.get(reverse("reports:issue-detail", args=[issue.pk]))
    assert page.status_code == 200
    assert draft.title not in page.content.decode()
    search = client.get(
        reverse("reports:issue-detail", args=[issue.pk]), {"q": "tranh chấp"}
    )
    assert draft.title not in search.content.decode()
    unlink = reverse("reports:issue-report-unlink", args=[issue.pk, draft.pk])
    assert client.post(unlink).status_code == 404
    assert OpinionReport.objects.get(pk=draft.pk).issue_id == issue.pk


def test_the_admin_does_not_show_a_draft(client_of, admin_user, draft, attachment):
    client = client_of(admin_user)
    listing = client.get(reverse("admin:reports_opinionreport_changelist"))
    assert listing.status_code == 200
    assert draft.title not in listing.content.decode()
    change = client.get(
        reverse("admin:reports_opinionreport_change", args=[draft.pk]), follow=True
    )
    assert draft.title not in change.content.decode()
    photo = client.get(
        reverse("admin:reports_attachment_change", args=[attachment.pk]), follow=True
    )
    assert attachment.original_name not in photo.content.decode()
    streams = client.get(reverse("admin:reports_opinionstream_changelist"))
    assert draft.streams.get().summary not in streams.content.decode()


def test_the_queue_counts_no_draft(client_of, staff, collaborator, draft):
    submitted = OpinionReportFactory(
        author=collaborator.collaborator, submitted_at=timezone.now()
    )
    assert list(OpinionReport.objects.visible_to(staff)) == [submitted]
    assert set(OpinionReport.objects.visible_to(collaborator)) == {draft, submitted}
