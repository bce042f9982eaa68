"""Issue pages: who may and who may not, the list, following up, directions and
resolving, stale edits, and counting only what the viewer may see."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Direction, FollowUp, Issue, OpinionReport
from reports.tests.factories import (
    FollowUpFactory,
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
)


def test_issue_pages_who_may_not(client, client_of, linked, other_staff, db):
    url = reverse("reports:issue-detail", args=[linked.pk])
    assert client.get(url).status_code == 302
    assert client_of(other_staff).get(url).status_code == 404


def test_collaborator_without_reports_in_it_gets_404(client_of, issue, collaborator):
    url = reverse("reports:issue-detail", args=[issue.pk])
    assert client_of(collaborator).get(url).status_code == 404


def test_collaborator_sees_own_reports_and_outcome_only(
    client_of, linked, collaborator, report, other_report
):
    response = client_of(collaborator).get(
        reverse("reports:issue-detail", args=[linked.pk])
    )
    assert response.status_code == 200
    assert response.context["reports"] == [report]
    assert "follow_ups" not in response.context
    body = response.content.decode()
    assert other_report.title not in body
    listing = client_of(collaborator).get(reverse("reports:issue-list"))
    assert list(listing.context["page"]) == [linked]


def test_staff_and_leader_see_all_reports_and_chart(client_of, linked, staff, leader):
    for user in (staff, leader):
        response = client_of(user).get(
            reverse("reports:issue-detail", args=[linked.pk])
        )
        assert len(response.context["reports"]) == 2
        chart = json.loads(
            response.content.decode()
            .split('id="direction-mix" type="application/json">')[1]
            .split("</script>")[0]
        )
        oppose = next(d for d in chart["datasets"] if d["key"] == "oppose")
        assert sum(oppose["data"]) == 2


@pytest.mark.parametrize("count", [1, 5])
def test_issue_page_query_count_does_not_grow(
    client_of, staff, collaborator, issue, django_assert_num_queries, count
):
    for _index in range(count):
        report = OpinionReportFactory(author=collaborator.collaborator)
        OpinionStreamFactory(report=report)
        OpinionStreamFactory(report=report, direction="support")
        services.report_link_issue(report=report, issue=issue, user=staff)
        FollowUpFactory(issue=issue, created_by=staff)
        Direction.objects.create(issue=issue, author=staff, text="Chỉ đạo")
    client = client_of(staff)
    url = reverse("reports:issue-detail", args=[issue.pk])
    client.get(url)
    # 12, and the count of the issue's reports for their pages.
    with django_assert_num_queries(13):
        response = client.get(url)
    assert len(response.context["reports"]) == count


def test_issue_page_lists_every_report_a_page_at_a_time(
    client_of, staff, collaborator, issue
):
    from reports.views.issues import ISSUE_REPORTS_PAGE_SIZE

    linked = set()
    for _index in range(ISSUE_REPORTS_PAGE_SIZE + 2):
        report = OpinionReportFactory(author=collaborator.collaborator)
        services.report_link_issue(report=report, issue=issue, user=staff)
        linked.add(report.pk)
    client = client_of(staff)
    url = reverse("reports:issue-detail", args=[issue.pk])
    first = client.get(url)
    assert len(first.context["reports"]) == ISSUE_REPORTS_PAGE_SIZE
    body = first.content.decode()
    assert f">{len(linked)}</span>" in body
    assert "?page=2" in body
    second = client.get(url, {"page": 2})
    shown = {r.pk for r in first.context["reports"]} | {
        r.pk for r in second.context["reports"]
    }
    assert shown == linked


def test_issue_list_who_may(client_of, issue, staff, other_staff):
    assert list(
        client_of(staff).get(reverse("reports:issue-list")).context["page"]
    ) == [issue]
    assert (
        list(client_of(other_staff).get(reverse("reports:issue-list")).context["page"])
        == []
    )


def test_create_issue_from_page(client_of, staff, commune):
    response = client_of(staff).post(
        reverse("reports:issue-create"),
        {
            "title": "Tín dụng đen",
            "description": "",
            "severity": 3,
            "areas": [commune.pk],
        },
    )
    issue = Issue.objects.get()
    assert response["Location"] == reverse("reports:issue-detail", args=[issue.pk])
    assert issue.unit == staff.org_unit
    assert list(issue.areas.all()) == [commune]


@pytest.mark.parametrize("persona", ["collaborator", "leader"])
def test_create_issue_refused(request, client_of, persona):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(reverse("reports:issue-create")).status_code == 404


def test_open_issue_from_report_then_unlink(client_of, staff, report):
    client = client_of(staff)
    response = client.post(
        reverse("reports:report-issue-create", args=[report.pk]),
        {"title": "Cát sông Bồ", "severity": 3},
    )
    issue = Issue.objects.get()
    assert response["Location"] == issue.get_absolute_url()
    report.refresh_from_db()
    assert report.issue == issue
    client.post(reverse("reports:issue-report-unlink", args=[issue.pk, report.pk]))
    report.refresh_from_db()
    assert report.issue is None


def test_link_to_existing_issue_within_scope(
    client_of, staff, report, issue, other_town
):
    from reports.tests.factories import IssueFactory

    foreign = IssueFactory(unit=other_town, created_by=staff)
    client = client_of(staff)
    response = client.post(
        reverse("reports:report-issue-link", args=[report.pk]), {"issue": foreign.pk}
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.issue is None
    client.post(
        reverse("reports:report-issue-link", args=[report.pk]), {"issue": issue.pk}
    )
    report.refresh_from_db()
    assert report.issue == issue


def test_followup_add_and_respond(client_of, staff, issue):
    client = client_of(staff)
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    client.post(
        reverse("reports:followup-create", args=[issue.pk]),
        {"agency": "Công an thị xã", "request": "Tuần tra", "due_date": due},
    )
    follow_up = FollowUp.objects.get()
    today = timezone.localdate().isoformat()
    client.post(
        reverse("reports:followup-respond", args=[follow_up.pk]),
        {
            f"f{follow_up.pk}-response": "Đã bắt 3 ghe",
            f"f{follow_up.pk}-responded_on": today,
        },
    )
    follow_up.refresh_from_db()
    assert follow_up.response == "Đã bắt 3 ghe"


def test_followup_bad_input_saves_nothing(client_of, staff, issue):
    response = client_of(staff).post(
        reverse("reports:followup-create", args=[issue.pk]),
        {"agency": "", "request": ""},
    )
    assert response.status_code == 400
    assert not FollowUp.objects.exists()


def test_followup_refused_to_leader_and_other_staff(
    client_of, leader, other_staff, issue
):
    data = {"agency": "A", "request": "B", "due_date": "2030-01-01"}
    for user in (leader, other_staff):
        url = reverse("reports:followup-create", args=[issue.pk])
        assert client_of(user).post(url, data).status_code == 404
    assert not FollowUp.objects.exists()


def test_direction_by_leader_only(client_of, leader, staff, collaborator, issue):
    url = reverse("reports:direction-create", args=[issue.pk])
    assert client_of(staff).post(url, {"text": "X"}).status_code == 404
    assert client_of(collaborator).post(url, {"text": "X"}).status_code == 404
    client_of(leader).post(url, {"text": "Xử lý dứt điểm"})
    assert Direction.objects.get().author == leader


def test_resolve_via_page_needs_outcome_then_notifies(
    client_of,
    staff,
    linked,
    collaborator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client = client_of(staff)
    url = reverse("reports:issue-edit", args=[linked.pk])
    data = {
        "version": linked.version,
        "title": linked.title,
        "description": "",
        "status": "resolved",
        "severity": 2,
        "outcome": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["edit_form"].errors["outcome"]
    data["outcome"] = "Đã xử lý xong."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    linked.refresh_from_db()
    assert linked.status == Issue.Status.RESOLVED
    assert collaborator.email in [m.to[0] for m in mailoutbox]
    page = client_of(collaborator).get(
        reverse("reports:issue-detail", args=[linked.pk])
    )
    assert "Đã xử lý xong." in page.content.decode()


def test_stale_issue_edit_is_a_conflict(client_of, staff, issue):
    client = client_of(staff)
    url = reverse("reports:issue-edit", args=[issue.pk])
    data = {
        "version": issue.version,
        "title": "Mới",
        "description": "",
        "status": "new",
        "severity": 2,
        "outcome": "",
    }
    client.post(url, data)
    client.post(url, {**data, "title": "Cũ"})
    issue.refresh_from_db()
    assert issue.title == "Mới"


def test_report_links_to_issue_hidden_from_other_collaborator(
    client_of, linked, other_collaborator, report
):
    url = reverse("reports:report-detail", args=[report.pk])
    assert client_of(other_collaborator).get(url).status_code == 404
    assert (
        OpinionReport.objects.visible_to(other_collaborator)
        .filter(pk=report.pk)
        .count()
        == 0
    )


# --- A follow-up moves the status on: a stale edit cannot put it back -------------------


def test_stale_edit_after_a_follow_up_is_a_conflict(client_of, staff, issue):
    client = client_of(staff)
    page = client.get(reverse("reports:issue-detail", args=[issue.pk]))
    stale_version = page.context["edit_form"].initial["version"]
    due = (timezone.localdate() + datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    client.post(
        reverse("reports:followup-create", args=[issue.pk]),
        {"agency": "Công an thị xã", "request": "Tuần tra", "due_date": due},
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLING
    client.post(
        reverse("reports:issue-edit", args=[issue.pk]),
        {
            "version": stale_version,
            "title": "Sửa từ trang cũ",
            "description": "",
            "status": "new",
            "severity": 2,
            "outcome": "",
        },
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLING
    assert issue.title != "Sửa từ trang cũ"


def test_stale_edit_after_a_report_joins_is_a_conflict(client_of, staff, issue, report):
    client = client_of(staff)
    page = client.get(reverse("reports:issue-detail", args=[issue.pk]))
    stale_version = page.context["edit_form"].initial["version"]
    client.post(reverse("reports:issue-report-link", args=[issue.pk, report.pk]))
    client.post(
        reverse("reports:issue-edit", args=[issue.pk]),
        {
            "version": stale_version,
            "title": "Sửa từ trang cũ",
            "description": "",
            "status": "monitoring",
            "severity": 2,
            "outcome": "",
        },
    )
    issue.refresh_from_db()
    assert (issue.status, issue.last_seen) == (Issue.Status.NEW, report.occurred_on)


# --- The issue page and list count only what the viewer may see -------------------------


@pytest.fixture
def mixed_issue(issue, report, admin_user, other_town):
    """The town's issue, holding its own report and one from another town."""
    from conftest import _collaborator_user

    stranger = _collaborator_user("ctv_khac", other_town, "Lê Văn Nam")
    foreign = OpinionReportFactory(author=stranger.collaborator)
    OpinionStreamFactory(report=foreign)
    OpinionStreamFactory(report=foreign, direction="support")
    for linked_report in (report, foreign):
        services.report_link_issue(report=linked_report, issue=issue, user=admin_user)
    return issue


def _chart_total(response):
    return sum(
        sum(dataset["data"]) for dataset in response.context["chart"]["datasets"]
    )


def test_issue_page_shows_only_what_the_viewer_may_see(
    client_of, staff, admin_user, mixed_issue, report, commune, other_town
):
    url = reverse("reports:issue-detail", args=[mixed_issue.pk])
    response = client_of(staff).get(url)
    assert response.context["reports"] == [report]
    assert _chart_total(response) == 1
    assert response.context["areas"] == [commune]
    assert other_town.name not in response.content.decode()
    response = client_of(admin_user).get(url)
    assert len(response.context["reports"]) == 2
    assert _chart_total(response) == 3
    assert set(response.context["areas"]) == {commune, other_town}


def test_issue_list_counts_only_reports_the_viewer_may_see(
    client_of, staff, admin_user, mixed_issue
):
    url = reverse("reports:issue-list")
    [row] = client_of(staff).get(url).context["page"]
    assert row.report_count == 1
    [row] = client_of(admin_user).get(url).context["page"]
    assert row.report_count == 2


@pytest.mark.parametrize("count", [1, 5])
def test_issue_list_query_count_does_not_grow(
    client_of, staff, collaborator, town, django_assert_num_queries, count
):
    for _index in range(count):
        issue = IssueFactory(unit=town, created_by=staff)
        report = OpinionReportFactory(author=collaborator.collaborator)
        services.report_link_issue(report=report, issue=issue, user=staff)
    client = client_of(staff)
    url = reverse("reports:issue-list")
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert [row.report_count for row in response.context["page"]] == [1] * count
