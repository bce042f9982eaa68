"""At 360 px: staff find who has not reported; a collaborator sees the reminder."""

import datetime

import pytest
from django.utils import timezone

from collaborators.models import RosterEvent
from collaborators.scoring import scores_compute
from conftest import PHONE, browser_login, screenshot
from reports import services
from reports.models import ReportingPeriod
from reports.tests.factories import OpinionReportFactory, ReportingPeriodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def past_period(db):
    """A period whose deadline passed ten days ago."""
    today = timezone.localdate()
    deadline = today - datetime.timedelta(days=10)
    return ReportingPeriodFactory(
        start=deadline - datetime.timedelta(days=50),
        end=deadline + datetime.timedelta(days=5),
        deadline=deadline,
    )


def _appoint(person, actor, day):
    RosterEvent.objects.create(
        collaborator=person,
        kind=RosterEvent.Kind.APPOINT,
        date=day,
        status_after=person.status,
        created_by=actor,
    )


def test_staff_drill_into_a_commune_and_see_who_is_missing(
    browser_context,
    live_server,
    staff,
    collaborator,
    other_collaborator,
    commune,
    past_period,
):
    long_ago = past_period.start - datetime.timedelta(days=400)
    for user in (collaborator, other_collaborator):
        _appoint(user.collaborator, staff, long_ago)
    on_time = timezone.make_aware(
        datetime.datetime.combine(past_period.deadline, datetime.time(9))
    )
    OpinionReportFactory(
        author=other_collaborator.collaborator,
        period=past_period,
        occurred_on=past_period.start,
        submitted_at=on_time,
    )
    services.discipline_compute(period=past_period)

    page = browser_context(PHONE).new_page()
    browser_login(page, staff.username)
    page.goto(f"/reports/discipline/?period={past_period.pk}")
    units = page.locator("[data-testid=discipline-units]")
    assert "50,0" in units.inner_text() or "50.0" in units.inner_text()
    screenshot(page, "discipline-01-town")
    page.get_by_role("link", name=commune.name).click()
    page.wait_for_load_state("networkidle")
    people = page.locator("[data-testid=discipline-people]")
    row = people.locator("tr", has_text=collaborator.collaborator.full_name)
    assert "Chưa báo cáo" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "discipline-02-commune")
    row.get_by_role("link").click()
    page.wait_for_url(f"**/collaborators/{collaborator.collaborator.pk}/")


def test_collaborator_sees_the_reminder_on_a_phone(
    browser_context, live_server, staff, collaborator
):
    today = timezone.localdate()
    period = services.period_for(day=today)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        deadline=today + datetime.timedelta(days=3)
    )
    _appoint(collaborator.collaborator, staff, today - datetime.timedelta(days=400))
    assert services.reminders_send(today=today) == 1

    page = browser_context(PHONE).new_page()
    browser_login(page, collaborator.username)
    page.goto("/notifications/")
    deadline = (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    assert f"hạn nộp ngày {deadline}" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "discipline-03-collaborator-reminder")

    # Their emulation score, with its parts, on the same phone.
    scores_compute(year=today.year)
    page.goto("/collaborators/scores/")
    main = page.locator("main").inner_text()
    assert "Điểm thi đua" in main and "Tỷ lệ báo cáo" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "discipline-04-collaborator-score")
