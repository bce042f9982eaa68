"""``seed_demo --scale small``: the province the benchmark runs on, in miniature."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from collaborators.models import Collaborator, RosterEvent
from dluan.demo import DEMO_PASSWORD
from dluan.models import OrgUnit, User
from dluan.scale import PROVINCE_NAME, SIZES
from meetings.models import Attendance, Meeting
from reports.models import Issue, OpinionReport, OpinionStream, ReportEvent, Topic
from reports.selectors import report_queue

pytestmark = pytest.mark.django_db

Status = OpinionReport.Status


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module's tests, which only read it (each test's own
    writes are rolled back); emptied when the module ends."""
    out = StringIO()
    try:
        with django_db_blocker.unblock():
            call_command("seed_demo", scale="small", stdout=out)
        yield out.getvalue()
    finally:  # also after a seeding that failed half-way
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def test_the_province_has_its_towns_communes_and_people(seeded):
    size = SIZES["small"]
    province = OrgUnit.objects.get(name=PROVINCE_NAME, parent=None)
    assert province.children.count() == size.towns
    assert OrgUnit.objects.filter(depth=2, path__startswith=province.path).count() == (
        size.communes
    )
    assert Collaborator.objects.count() == size.collaborators
    # Every collaborator has an account; the dismissed ones cannot sign in.
    assert User.objects.filter(role=User.Role.COLLABORATOR).count() == (
        size.collaborators
    )
    assert not Collaborator.objects.filter(
        status=Collaborator.Status.DISMISSED, user__isnull=False
    ).exists()
    assert RosterEvent.objects.filter(kind=RosterEvent.Kind.APPOINT).count() == (
        size.collaborators
    )
    assert "Seeded in" in seeded


@pytest.mark.parametrize(
    ("username", "role", "depth"),
    [
        ("tinh_canbo", User.Role.STAFF, 0),
        ("tinh_lanhdao", User.Role.LEADER, 0),
        ("huyen_canbo", User.Role.STAFF, 1),
        ("huyen_lanhdao", User.Role.LEADER, 1),
        ("xa_canbo", User.Role.STAFF, 2),
        ("ctv00001", User.Role.COLLABORATOR, 2),
    ],
)
def test_benchmark_personas_sign_in(seeded, client, username, role, depth):
    user = User.objects.get(username=username)
    assert (user.role, user.org_unit.depth) == (role, depth)
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_the_town_staff_and_commune_staff_share_a_subtree(seeded):
    town_staff = User.objects.get(username="huyen_canbo")
    commune_staff = User.objects.get(username="xa_canbo")
    collaborator = User.objects.get(username="ctv00001")
    assert town_staff.org_unit.contains(commune_staff.org_unit)
    assert town_staff.org_unit.contains(collaborator.org_unit)
    assert collaborator.collaborator.status == Collaborator.Status.ACTIVE


def test_reports_have_a_realistic_shape(seeded):
    size = SIZES["small"]
    reports = OpinionReport.objects.all()
    total = reports.count()
    assert size.reports * 0.85 <= total <= size.reports * 1.1
    statuses = Counter(reports.values_list("status", flat=True))
    # Mostly accepted; some waiting, returned, archived and unsent drafts.
    assert statuses[Status.ACCEPTED] > total / 2
    for status in (Status.SUBMITTED, Status.RETURNED, Status.ARCHIVED, Status.DRAFT):
        assert 0 < statuses[status] < total / 4, status
    urgent = reports.filter(kind=OpinionReport.Kind.URGENT).count()
    assert 0 < urgent < total / 10
    # One topic and one to three streams each.
    through = OpinionReport.topics.through.objects
    assert through.count() == total
    per_report = Counter(OpinionStream.objects.values_list("report", flat=True))
    assert set(per_report.values()) <= {1, 2, 3} and len(per_report) == total
    # Every report sent has the event that sent it; drafts have none.
    sent = reports.exclude(status=Status.DRAFT).count()
    assert (
        ReportEvent.objects.filter(action=ReportEvent.Action.SUBMITTED).count() == sent
    )
    # Some topics draw far more reports than others.
    by_topic = Counter(through.values_list("topic", flat=True))
    counts = sorted(by_topic.values(), reverse=True)
    assert Topic.objects.count() >= 40
    assert counts[0] > 5 * counts[len(counts) // 2]


def test_issues_group_reports_from_their_town(seeded):
    issues = Issue.objects.all()
    assert issues.count() == SIZES["small"].issues
    linked = OpinionReport.objects.exclude(issue=None)
    assert linked.count() > 0
    for report in linked.select_related("issue__unit", "unit")[:50]:
        assert report.issue.unit.contains(report.unit)
        assert report.status in {Status.SUBMITTED, Status.ACCEPTED}


def test_each_town_holds_a_briefing_every_period(seeded):
    size = SIZES["small"]
    assert Meeting.objects.count() == size.towns * size.periods
    assert Meeting.objects.filter(status=Meeting.Status.PLANNED).count() == size.towns
    assert Attendance.objects.filter(status=Attendance.Status.PRESENT).exists()


def test_the_queue_search_finds_sand_mining(seeded):
    staff = User.objects.get(username="tinh_canbo")
    found = report_queue(staff, {"q": "khai thac cat"})
    assert found.exists()
    assert all("khai thac cat" in r.search_text for r in found[:20])


def test_running_it_again_changes_nothing(seeded):
    before = OpinionReport.objects.count(), User.objects.count()
    out = StringIO()
    call_command("seed_demo", scale="small", stdout=out)
    assert "seeded already" in out.getvalue()
    assert (OpinionReport.objects.count(), User.objects.count()) == before
