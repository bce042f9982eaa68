"""The dashboard on the staff's and leaders' home pages: the latest summary, the
current period's figures and the trend of the last six periods."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dluan.periods import period_starts_back
from reports.models import OpinionReport, OpinionStream, ReportingTally
from reports.services import period_for
from reports.tests.factories import (
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)
from summaries import services
from summaries.models import Summary
from summaries.tests.samples import fig, sample_snapshot

S = OpinionReport.Status


@pytest.fixture
def periods(db):
    """The last six periods, oldest first; the last is today's."""
    return [period_for(day=start) for start in period_starts_back(_today(), 6)]


def _today():
    return timezone.localdate()


def made(unit, period, version=1, *, status=Summary.Status.DRAFT, by=None, **extra):
    """A compiled version with a hand-made snapshot in the compiled shape."""
    fields = {
        "unit": unit,
        "period": period,
        "version": version,
        "status": status,
        "snapshot": sample_snapshot(),
        "compiled_at": timezone.now(),
        "progress": 100,
    }
    if status == Summary.Status.APPROVED:
        fields |= {"approved_by": by, "approved_at": timezone.now()}
    fields.update(extra)
    return Summary.objects.create(**fields)


def directions(support, oppose, concern, unclear) -> dict:
    snapshot = sample_snapshot()
    snapshot["directions"] |= {
        "support": fig(support),
        "oppose": fig(oppose),
        "concern": fig(concern),
        "unclear": fig(unclear),
    }
    return snapshot


def panel_data(response) -> dict:
    [panel] = [
        panel
        for panel in response.context["panels"]
        if panel.template == "summaries/panels/summary.html"
    ]
    return panel.context


def by_testid(html: str, name: str) -> str:
    """The element marked ``data-testid=name`` (up to its first closing tag pair)."""
    match = re.search(rf'data-testid="{name}".*?</(p|div|table)>\s*</', html, re.S)
    assert match, name
    return match.group(0)


# --- The latest summary ------------------------------------------------------------


def test_staff_home_shows_the_latest_version_even_a_draft(
    client_of, staff, town, periods
):
    made(town, periods[-2], 1, status=Summary.Status.APPROVED, by=staff)
    newest = made(town, periods[-2], 2)
    made(town, periods[-3], 1)
    response = client_of(staff).get(reverse("home"))
    assert response.status_code == 200
    assert panel_data(response)["latest"] == newest
    block = by_testid(response.content.decode(), "dashboard-summary")
    assert f'href="{newest.get_absolute_url()}"' in block
    assert "Nháp" in block  # Vietnamese by default: the status "Draft"


def test_leader_home_shows_only_an_approved_summary(
    client_of, staff, leader, town, periods
):
    approved = made(
        town,
        periods[-2],
        1,
        status=Summary.Status.APPROVED,
        by=staff,
        pdf="summaries/brief.pdf",
        rendered_revision=0,
    )
    draft = made(town, periods[-2], 2)
    response = client_of(leader).get(reverse("home"))
    assert panel_data(response)["latest"] == approved
    page = response.content.decode()
    block = by_testid(page, "dashboard-summary")
    assert f'href="{approved.get_absolute_url()}"' in block
    assert draft.get_absolute_url() not in page
    download = reverse("summaries:summary-download", args=[approved.pk, "pdf"])
    assert f'href="{download}"' in page


def test_leader_home_without_an_approved_summary(client_of, leader, town, periods):
    draft = made(town, periods[-2], 1)
    response = client_of(leader).get(reverse("home"))
    assert panel_data(response)["latest"] is None
    page = response.content.decode()
    assert 'data-testid="dashboard-summary"' not in page
    assert draft.get_absolute_url() not in page
    assert reverse("summaries:summary-list") in page


def test_another_units_summary_is_not_on_the_home_page(
    client_of, staff, other_staff, town, other_town, periods
):
    made(other_town, periods[-2], 1, status=Summary.Status.APPROVED, by=other_staff)
    response = client_of(staff).get(reverse("home"))
    assert panel_data(response)["latest"] is None
    assert panel_data(response)["trend"]["has_data"] is False


def test_collaborator_home_has_no_dashboard(client_of, collaborator, town, periods):
    made(town, periods[-2], 1)
    response = client_of(collaborator).get(reverse("home"))
    assert response.status_code == 200
    templates = [panel.template for panel in response.context["panels"]]
    assert not [name for name in templates if name.startswith("summaries/")]
    assert 'data-testid="dashboard-figures"' not in response.content.decode()


# --- The current period's figures --------------------------------------------------


@pytest.fixture
def current_reports(periods, town, collaborator, other_collaborator, other_staff):
    """Three reports counted in today's period (one urgent); the rest are not."""
    from collaborators.tests.factories import CollaboratorFactory

    current, previous = periods[-1], periods[-2]
    mine, theirs = collaborator.collaborator, other_collaborator.collaborator
    day = current.start

    def report(author, period=current, **fields):
        fields.setdefault("occurred_on", period.start)
        return OpinionReportFactory(author=author, period=period, **fields)

    report(mine, status=S.SUBMITTED, occurred_on=day)
    report(theirs, status=S.ACCEPTED, kind=OpinionReport.Kind.URGENT, urgency=2)
    report(mine, status=S.ACCEPTED)
    # Not counted: a draft, a report of the period before, one from another town.
    report(mine, status=S.DRAFT, submitted_at=None)
    report(mine, period=previous, status=S.ACCEPTED)
    outsider = CollaboratorFactory(unit=other_staff.org_unit)
    report(outsider, status=S.SUBMITTED, kind=OpinionReport.Kind.URGENT, urgency=2)
    for unit, state, count in (
        (mine.unit, "on_time", 3),
        (theirs.unit, "late", 1),
        (theirs.unit, "missing", 1),
        (other_staff.org_unit, "missing", 7),
    ):
        ReportingTally.objects.create(
            period=current, unit=unit, state=state, count=count
        )
    return current


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_current_figures_equal_the_hand_made_data(
    request, client_of, current_reports, persona
):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("home"))
    data = panel_data(response)
    assert data["current"] == current_reports
    figures = data["figures"]
    assert figures["reported"] == 3
    assert figures["waiting"] == 1
    assert figures["accepted"] == 2
    assert figures["returned"] == 0
    assert figures["urgent"] == 1
    assert (figures["expected"], figures["done"]) == (5, 4)
    assert figures["reporting_rate"] == 80.0
    block = by_testid(response.content.decode(), "dashboard-figures")
    shown = re.findall(r'fw-semibold">([^<]+)<', block)
    assert shown == ["3", "2", "1", "80,0 %"]  # Vietnamese decimal comma


def test_current_figures_link_to_the_report_queue_by_period(
    client_of, staff, current_reports
):
    page = client_of(staff).get(reverse("home")).content.decode()
    block = by_testid(page, "dashboard-figures")
    queue = reverse("reports:report-queue")
    pk = current_reports.pk
    assert f'href="{queue}?period={pk}"' in block
    assert f'href="{queue}?period={pk}&amp;status=accepted"' in block
    assert f'href="{queue}?period={pk}&amp;kind=urgent"' in block
    assert f'href="{reverse("reports:discipline")}?period={pk}"' in block
    # The links lead to the period's reports in the queue.
    client = client_of(staff)
    response = client.get(f"{queue}?period={pk}&kind=urgent")
    assert response.context["form"].is_valid()
    assert len(response.context["page"].object_list) == 1
    response = client.get(f"{queue}?period={pk}&status=accepted")
    assert len(response.context["page"].object_list) == 2


# --- The trend ---------------------------------------------------------------------


def test_trend_lists_six_periods_with_figures_from_compiled_snapshots(
    client_of, staff, town, periods, collaborator
):
    # One compiled for real: two opposed streams and one supportive, 2 periods ago.
    topic = TopicFactory(name="Môi trường, sạt lở")
    for direction in (
        OpinionStream.Direction.OPPOSE,
        OpinionStream.Direction.OPPOSE,
        OpinionStream.Direction.SUPPORT,
    ):
        report = OpinionReportFactory(
            author=collaborator.collaborator,
            period=periods[-3],
            occurred_on=periods[-3].start,
            status=S.ACCEPTED,
            reviewed_at=timezone.now(),
        )
        report.topics.add(topic)
        OpinionStreamFactory(report=report, direction=direction)
    queued = services.summary_request(
        unit=town, period=periods[-3], user=staff, enqueue=False
    )
    real = services.summary_compile(summary_id=queued.pk)
    assert real.status == Summary.Status.DRAFT
    # Hand-made ones: in the oldest period an approved version wins over a newer
    # draft; a failed one in the period before today's counts for nothing.
    made(
        town,
        periods[0],
        1,
        status=Summary.Status.APPROVED,
        by=staff,
        snapshot=directions(7, 5, 3, 1),
    )
    made(town, periods[0], 2, snapshot=directions(70, 50, 30, 10))
    made(town, periods[-2], 1, status=Summary.Status.FAILED, snapshot={})

    response = client_of(staff).get(reverse("home"))
    trend = panel_data(response)["trend"]
    assert trend["has_data"] is True
    rows = {row["period"]: row for row in trend["table"]}
    assert [row["period"] for row in trend["table"]] == periods
    assert [row["label"] for row in trend["table"]] == [
        f"{period.start:%m/%Y}" for period in periods
    ]
    assert rows[periods[0]]["directions"] == {
        "support": 7,
        "oppose": 5,
        "concern": 3,
        "unclear": 1,
    }
    assert rows[periods[-3]]["directions"] == {
        "support": 1,
        "oppose": 2,
        "concern": 0,
        "unclear": 0,
    }
    for period in (periods[1], periods[2], periods[-2], periods[-1]):
        assert rows[period]["compiled"] is False
        assert set(rows[period]["directions"].values()) == {None}
    assert rows[periods[0]]["reporting_rate"] == 90.0  # the sample's discipline
    assert "Môi trường, sạt lở" in trend["topics"]

    page = response.content.decode()
    table = by_testid(page, "trend-table")
    body = table.split("<tbody>")[1]
    assert body.count("<tr>") == 6
    for period in periods:
        assert f">{period.start:%m/%Y}</th>" in body
    queue = reverse("reports:report-queue")
    assert f'href="{queue}?period={periods[-3].pk}&amp;direction=oppose">2</a>' in body
    assert f'href="{queue}?period={periods[0].pk}&amp;direction=support">7</a>' in body
    # The charts read the same figures out of the page's JSON.
    assert 'id="summary-trend"' in page
    assert 'id="trend-directions-chart"' in page


def test_trend_without_compiled_summaries(client_of, leader, town, periods):
    made(town, periods[-2], 1)  # a draft: not for the leader
    response = client_of(leader).get(reverse("home"))
    trend = panel_data(response)["trend"]
    assert trend["has_data"] is False
    assert len(trend["table"]) == 6
    assert 'data-testid="trend-table"' not in response.content.decode()


# --- Queries -----------------------------------------------------------------------


def _grow(size, *, periods, town, staff, collaborator):
    """``size`` compiled summaries over the six periods and ``size`` reports in
    today's period, each with a stream."""
    author = collaborator.collaborator
    top = {}
    for index in range(size):
        period = periods[index % len(periods)]
        top[period.pk] = Summary.objects.filter(unit=town, period=period).count() + 1
        approved = index % 2 == 0
        made(
            town,
            period,
            top[period.pk],
            status=Summary.Status.APPROVED if approved else Summary.Status.DRAFT,
            by=staff if approved else None,
        )
        report = OpinionReportFactory(
            author=author,
            period=periods[-1],
            kind=OpinionReport.Kind.URGENT if index % 3 == 0 else "periodic",
            status=S.ACCEPTED if index % 2 else S.SUBMITTED,
        )
        OpinionStreamFactory(report=report)


def _queries(client) -> int:
    client.get(reverse("home"))  # the session and caches warmed
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_home_query_count_does_not_grow_with_summaries_and_reports(
    request, client_of, periods, town, staff, leader, collaborator, persona
):
    user = request.getfixturevalue(persona)
    people = {"periods": periods, "town": town, "staff": staff}
    _grow(2, collaborator=collaborator, **people)
    small = _queries(client_of(user))
    assert Summary.objects.count() == 2
    _grow(10, collaborator=collaborator, **people)
    assert Summary.objects.count() == 12
    assert OpinionReport.objects.filter(period=periods[-1]).count() == 12
    assert _queries(client_of(user)) == small
    data = panel_data(client_of(user).get(reverse("home")))
    assert data["figures"]["reported"] == 12
    assert data["trend"]["has_data"] is True
