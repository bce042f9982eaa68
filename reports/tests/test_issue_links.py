"""Linking reports to an issue from its page: the search for linkable reports
(without diacritics, staff only, a fixed number of queries), linking one, refused
where it must be, and a report in an issue the staff cannot see stays there."""

import pytest
from django.urls import reverse

from reports import selectors, services
from reports.models import Issue, OpinionReport, ReportEvent
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
)

# --- Adding reports from the issue page -------------------------------------------------


def _search(client, issue, query):
    return client.get(reverse("reports:issue-detail", args=[issue.pk]), {"q": query})


def _link_url(issue, report):
    return reverse("reports:issue-report-link", args=[issue.pk, report.pk])


def test_search_finds_linkable_reports_without_diacritics(
    client_of, staff, collaborator, other_town, issue
):
    from conftest import _collaborator_user

    author = collaborator.collaborator
    wanted = OpinionReportFactory(author=author, title="Ghe hút cát trên sông Bồ")
    accepted = OpinionReportFactory(
        author=author, title="Hút cát ban đêm", status=OpinionReport.Status.ACCEPTED
    )
    elsewhere = IssueFactory(unit=issue.unit, created_by=staff)
    moved = OpinionReportFactory(author=author, title="Cát tặc", issue=elsewhere)
    OpinionReportFactory(author=author, title="Cát đã gộp", issue=issue)
    for status in ("draft", "returned", "archived"):
        OpinionReportFactory(author=author, title=f"Cát {status}", status=status)
    OpinionReportFactory(
        author=author, title="Sạt lở bờ sông", description="Bờ sông sạt lở."
    )
    stranger = _collaborator_user("ctv_khac", other_town, "Lê Văn Nam")
    OpinionReportFactory(author=stranger.collaborator, title="Cát ở thị xã khác")
    response = _search(client_of(staff), issue, "CAT")
    assert response.status_code == 200
    assert {r.pk for r in response.context["candidates"]} == {
        wanted.pk,
        accepted.pk,
        moved.pk,
    }
    assert _link_url(issue, wanted) in response.content.decode()
    assert not response.context["more"]


def test_issue_page_without_query_runs_no_search(client_of, staff, issue, report):
    response = client_of(staff).get(reverse("reports:issue-detail", args=[issue.pk]))
    assert response.context["can_link"]
    assert response.context["candidates"] is None
    assert _search(client_of(staff), issue, "  ").context["candidates"] is None


@pytest.mark.parametrize("persona", ["leader", "collaborator"])
def test_search_box_is_for_staff_only(request, client_of, linked, persona):
    user = request.getfixturevalue(persona)
    response = _search(client_of(user), linked, "cat")
    assert response.status_code == 200
    assert "candidates" not in response.context
    assert 'id="report-search"' not in response.content.decode()


def test_no_search_box_on_a_closed_issue(client_of, staff, issue, report):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.CLOSED)
    response = _search(client_of(staff), issue, "cat")
    assert not response.context["can_link"]
    assert "candidates" not in response.context


@pytest.mark.parametrize("count", [3, 30])
def test_search_results_query_count_does_not_grow(
    client_of, staff, collaborator, issue, django_assert_num_queries, count
):
    for _index in range(count):
        report = OpinionReportFactory(author=collaborator.collaborator)
        OpinionStreamFactory(report=report)
    client = client_of(staff)
    _search(client, issue, "khai thac")
    with django_assert_num_queries(13):
        response = _search(client, issue, "khai thac")
    limit = selectors.ISSUE_SEARCH_LIMIT
    assert len(response.context["candidates"]) == min(count, limit)
    assert response.context["more"] == (count > limit)


def test_searching_changes_nothing_and_the_page_is_sound(
    client_of, staff, issue, report
):
    from tests.support.pages import html_problems

    events = ReportEvent.objects.count()
    response = _search(client_of(staff), issue, "khai thac")
    assert [r.pk for r in response.context["candidates"]] == [report.pk]
    assert ReportEvent.objects.count() == events
    assert not OpinionReport.objects.filter(issue=issue).exists()
    problems, _document = html_problems("search", response.content.decode())
    assert problems == []


def test_staff_links_a_report_from_the_issue_page(client_of, staff, issue, report):
    response = client_of(staff).post(_link_url(issue, report), {"q": "khai thác"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("reports:issue-detail", args=[issue.pk]) + "?q=khai+th%C3%A1c"
    )
    report.refresh_from_db()
    issue.refresh_from_db()
    assert report.issue == issue
    assert issue.last_seen == report.occurred_on
    event = ReportEvent.objects.get(report=report, action=ReportEvent.Action.LINKED)
    assert (event.actor, event.note) == (staff, issue.title)


def test_moving_a_report_refreshes_the_issue_it_left(client_of, staff, issue, report):
    elsewhere = IssueFactory(unit=issue.unit, created_by=staff)
    services.report_link_issue(report=report, issue=elsewhere, user=staff)
    elsewhere.refresh_from_db()
    assert elsewhere.last_seen == report.occurred_on
    client_of(staff).post(_link_url(issue, report))
    elsewhere.refresh_from_db()
    assert elsewhere.last_seen is None
    report.refresh_from_db()
    assert report.issue == issue


@pytest.mark.parametrize("persona", ["collaborator", "leader", "other_staff"])
def test_link_refused_to_others(request, client_of, issue, report, persona):
    user = request.getfixturevalue(persona)
    assert client_of(user).post(_link_url(issue, report)).status_code == 404
    report.refresh_from_db()
    assert report.issue is None


def test_link_needs_login_and_post(client, client_of, staff, issue, report):
    assert client_of(staff).get(_link_url(issue, report)).status_code == 405
    client.logout()
    assert client.post(_link_url(issue, report)).status_code == 302
    report.refresh_from_db()
    assert report.issue is None


def test_link_refuses_reports_out_of_scope_or_archived(
    client_of, staff, issue, other_town
):
    from conftest import _collaborator_user

    stranger = _collaborator_user("ctv_khac", other_town, "Lê Văn Nam")
    foreign = OpinionReportFactory(author=stranger.collaborator)
    archived = OpinionReportFactory(
        author=stranger.collaborator, status=OpinionReport.Status.ARCHIVED
    )
    client = client_of(staff)
    assert client.post(_link_url(issue, foreign)).status_code == 404
    assert client.post(_link_url(issue, archived)).status_code == 404
    assert not OpinionReport.objects.filter(issue=issue).exists()


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_link_refuses_unsubmitted_reports(
    client_of, staff, collaborator, issue, status
):
    report = OpinionReportFactory(author=collaborator.collaborator, status=status)
    response = client_of(staff).post(_link_url(issue, report))
    # A draft is its author's alone: out of the board's scope.
    assert response.status_code == (404 if status == "draft" else 302)
    report.refresh_from_db()
    assert report.issue is None
    assert not ReportEvent.objects.filter(action=ReportEvent.Action.LINKED).exists()


def test_link_refused_on_a_closed_issue(client_of, staff, issue, report):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.RESOLVED)
    client_of(staff).post(_link_url(issue, report))
    report.refresh_from_db()
    assert report.issue is None


# --- A report in an issue the staff cannot see stays there ------------------------------


@pytest.fixture
def province_issue(province, admin_user, report):
    """A province-level issue the superuser put the Tứ Hạ report into."""
    issue = IssueFactory(unit=province, created_by=admin_user)
    services.report_link_issue(report=report, issue=issue, user=admin_user)
    return issue


def _stays_in(report, issue):
    report.refresh_from_db()
    assert report.issue_id == issue.pk
    assert not ReportEvent.objects.filter(
        report=report, action=ReportEvent.Action.UNLINKED
    ).exists()


def test_staff_cannot_unlink_a_report_from_an_issue_they_cannot_see(
    client_of, staff, report, province_issue
):
    client = client_of(staff)
    url = reverse("reports:issue-detail", args=[province_issue.pk])
    assert client.get(url).status_code == 404
    response = client.post(reverse("reports:report-issue-unlink", args=[report.pk]))
    assert response.status_code == 302
    _stays_in(report, province_issue)


def test_staff_cannot_move_a_report_out_of_an_issue_they_cannot_see(
    client_of, staff, report, issue, province_issue
):
    client = client_of(staff)
    client.post(
        reverse("reports:report-issue-link", args=[report.pk]), {"issue": issue.pk}
    )
    _stays_in(report, province_issue)
    response = client.post(_link_url(issue, report))
    assert response.status_code == 302
    _stays_in(report, province_issue)
    client.post(
        reverse("reports:report-issue-create", args=[report.pk]),
        {"title": "Vấn đề mới", "severity": 2},
    )
    _stays_in(report, province_issue)
    assert set(Issue.objects.all()) == {issue, province_issue}
    issue.refresh_from_db()
    assert issue.last_seen is None


def test_superuser_may_still_move_the_report(
    client_of, admin_user, report, issue, province_issue
):
    client_of(admin_user).post(_link_url(issue, report))
    report.refresh_from_db()
    assert report.issue == issue
