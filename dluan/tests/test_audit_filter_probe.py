"""The audit trail's "who" filter tells staff nothing about accounts outside their units.

A name nobody has, and the name of an account of another town that never touched
the reader's units, get the same answer. Names the reader can already see (people
of their subtree, or anyone whose entries their trail holds) filter the trail.
"""

import pytest
from django.urls import reverse

from dluan.models import User
from dluan.tests.factories import UserFactory
from reports.tests.factories import OpinionReportFactory

URL = reverse("audit-trail")


@pytest.fixture
def report(collaborator):
    return OpinionReportFactory(
        author=collaborator.collaborator, title="Sạt lở bờ sông Bồ"
    )


@pytest.fixture
def seen(client_of, staff, report):
    client_of(staff).get(reverse("reports:report-detail", args=[report.pk]))


def _answer(client, username: str):
    """What the page says about a name: the filter's errors and the rows it lists."""
    response = client.get(URL, {"actor": username})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('data-testid="audit-entries"')
    entries = html[start : html.index("</table>", start)]
    return response.context["form"].errors.get("actor"), entries


@pytest.fixture
def far_collaborator(other_town):
    return UserFactory(
        username="ctv_huongthuy", role=User.Role.COLLABORATOR, org_unit=other_town
    )


def test_unknown_and_outside_names_get_the_same_answer(
    client_of, staff, other_staff, far_collaborator, seen
):
    client = client_of(staff)
    unknown = _answer(client, "khong-co-ai")
    assert unknown[0]  # a message, and no entries
    for outsider in (other_staff, far_collaborator):
        assert _answer(client, outsider.username) == unknown
        assert _answer(client, outsider.username.upper()) == unknown


def test_a_name_of_the_readers_units_filters_the_trail(
    client_of, staff, collaborator, report, seen
):
    client = client_of(staff)
    errors, entries = _answer(client, staff.username)
    assert errors is None
    assert report.title in entries
    # Someone of the subtree with no entries yet: found, nothing listed.
    errors, entries = _answer(client, collaborator.username)
    assert errors is None
    assert report.title not in entries


def test_an_outsider_whose_entries_the_reader_sees_can_be_picked(
    client_of, admin_user, staff, report, seen
):
    # The administrator (of the province) read the town's report: the town's
    # trail shows it already, so the filter may name them.
    client_of(admin_user).get(reverse("reports:report-detail", args=[report.pk]))
    errors, entries = _answer(client_of(staff), admin_user.username)
    assert errors is None
    assert report.title in entries
    assert admin_user.full_name in entries


def test_administrators_filter_by_anyone(client_of, admin_user, other_staff, seen):
    errors, _entries = _answer(client_of(admin_user), other_staff.username)
    assert errors is None
