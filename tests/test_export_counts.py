"""Every export holds the rows of the page it came from: no more, no fewer.

For each export, the page is opened with filters and the export is downloaded
with the same query string, by the same person; its data rows must equal the
count the page shows, and nothing of another town may appear in it. (The report
queue has no export of its own: the period's reports leave as the summary's
workbook, checked last.)
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from collaborators.models import Collaborator, CollaboratorScore
from collaborators.tests.factories import CollaboratorFactory
from meetings.models import Invitation
from meetings.tests.factories import MeetingFactory
from reports.models import OpinionReport
from reports.services import period_for
from reports.services.discipline import discipline_compute
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory
from summaries import services as summary_services

YEAR = datetime.date.today().year
OUTSIDER = "Người Hương Thủy"


def sheets(content: bytes) -> list[list[tuple]]:
    """Each sheet's data rows (below its header), empty rows dropped."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [
        [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
        for sheet in book.worksheets
    ]


def body(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def network(commune, other_commune, other_town, collaborator, other_collaborator):
    """A town's roster and reports of a past period, and a second town's."""
    period = period_for(day=timezone.localdate() - datetime.timedelta(days=60))
    people = [
        collaborator.collaborator,
        other_collaborator.collaborator,
        CollaboratorFactory(unit=commune, is_party_member=True),
        CollaboratorFactory(unit=commune, status=Collaborator.Status.SUSPENDED),
        CollaboratorFactory(unit=other_commune, is_party_member=True),
    ]
    outsiders = [
        CollaboratorFactory(unit=other_town, full_name=f"{OUTSIDER} {n}")
        for n in range(3)
    ]
    statuses = [
        OpinionReport.Status.ACCEPTED,
        OpinionReport.Status.SUBMITTED,
        OpinionReport.Status.RETURNED,
        OpinionReport.Status.DRAFT,
        OpinionReport.Status.ARCHIVED,
    ]
    for person, status in zip(people + outsiders, statuses * 2, strict=False):
        report = OpinionReportFactory(
            author=person,
            period=period,
            occurred_on=period.start,
            status=status,
            title=f"Báo cáo của {person.full_name}",
        )
        OpinionStreamFactory(report=report)
    discipline_compute(period=period)
    for rank, person in enumerate(people + outsiders):
        CollaboratorScore.objects.create(
            collaborator=person,
            unit=person.unit,
            year=YEAR,
            parts={"reporting": 1.0},
            total=Decimal(90 - rank),
        )
    return {"period": period, "people": people, "outsiders": outsiders}


# --- Roster -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"unit": "commune"},
        {"status": "active"},
        {"party_member": "yes"},
        {"q": "Phan Van Tam"},
    ],
)
def test_roster_export_rows_equal_the_list(client_of, staff, network, commune, query):
    query = {
        key: commune.pk if value == "commune" else value for key, value in query.items()
    }
    client = client_of(staff)
    page = client.get(reverse("collaborators:collaborator-list"), query)
    count = page.context["page"].paginator.count
    export = client.get(reverse("collaborators:collaborator-export"), query)
    (rows,) = sheets(body(export))
    assert len(rows) == count
    assert count > 0
    assert not any(OUTSIDER in str(row) for row in rows)


def test_another_towns_staff_export_their_roster_only(client_of, other_staff, network):
    export = client_of(other_staff).get(reverse("collaborators:collaborator-export"))
    (rows,) = sheets(body(export))
    assert len(rows) == len(network["outsiders"])
    assert all(OUTSIDER in str(row) for row in rows)


# --- Emulation scores -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader"])
@pytest.mark.parametrize("by_unit", [False, True])
def test_score_export_rows_equal_the_ranking(
    client_of, network, commune, persona, by_unit, request
):
    client = client_of(request.getfixturevalue(persona))
    query = {"year": YEAR, **({"unit": commune.pk} if by_unit else {})}
    page = client.get(reverse("collaborators:scores"), query)
    count = page.context["page"].paginator.count
    (rows,) = sheets(body(client.get(reverse("collaborators:scores-export"), query)))
    assert len(rows) == count == (3 if by_unit else len(network["people"]))
    assert not any(OUTSIDER in str(row) for row in rows)


# --- Reporting discipline ---------------------------------------------------------------


@pytest.mark.parametrize("unit", ["town", "commune"])
def test_discipline_export_rows_equal_the_page(
    client_of, staff, network, unit, request
):
    query = {"period": network["period"].pk, "unit": request.getfixturevalue(unit).pk}
    client = client_of(staff)
    table = client.get(reverse("reports:discipline"), query).context["table"]
    workbook = sheets(body(client.get(reverse("reports:discipline-export"), query)))
    units = workbook[0]
    # The unit's own row, one per child unit, the total.
    assert len(units) == 1 + len(table["children"]) + 1
    assert units[-1][1] == table["total"].expected
    records = table["records"]
    if records is None:
        assert len(workbook) == 1
    else:
        assert len(workbook[1]) == len(records) > 0
    assert not any(OUTSIDER in str(row) for sheet in workbook for row in sheet)


# --- Briefing attendance -----------------------------------------------------------------


def test_attendance_export_rows_equal_the_meeting_page(
    client_of, staff, town, other_town, network
):
    meeting = MeetingFactory(unit=town, created_by=staff)
    for person in network["people"][:4]:
        Invitation.objects.create(meeting=meeting, collaborator=person)
    elsewhere = MeetingFactory(unit=other_town)
    for person in network["outsiders"]:
        Invitation.objects.create(meeting=elsewhere, collaborator=person)
    client = client_of(staff)
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    export = client.get(reverse("meetings:meeting-attendance-xlsx", args=[meeting.pk]))
    (rows,) = sheets(body(export))
    assert len(rows) == len(page.context["rows"]) == 4
    assert not any(OUTSIDER in str(row) for row in rows)


# --- The summary's workbook ---------------------------------------------------------------


def test_summary_workbook_lists_the_reports_the_queue_counts(
    client_of, staff, town, network
):
    period = network["period"]
    summary = summary_services.summary_compile(
        summary_id=summary_services.summary_request(
            unit=town, period=period, user=staff, enqueue=False
        ).pk,
        render_brief=False,
    )
    client = client_of(staff)
    queue = client.get(reverse("reports:report-queue"), {"period": period.pk})
    count = queue.context["page"].paginator.count
    export = client.get(
        reverse("summaries:summary-download", args=[summary.pk, "xlsx"])
    )
    reports = sheets(body(export))[-1]
    assert len(reports) == count == summary.snapshot["reports"]["total"]["value"] == 3
    titles = {row[6] for row in reports}
    assert not any(OUTSIDER in title for title in titles)
