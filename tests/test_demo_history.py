"""The demo shows something true on every page of issue 8: discipline figures that
differ, every kind of early warning, reminders sent; and seeding twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from reports.models import EarlyWarning, OpinionReport, ReportingRecord

pytestmark = pytest.mark.django_db

State = ReportingRecord.State


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module (seeding takes seconds); emptied at its end."""
    try:
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ),
            django_db_blocker.unblock(),
        ):
            call_command("seed_demo", stdout=StringIO())
        yield
    finally:  # also after a seeding that failed half-way
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def test_every_kind_of_early_warning_appears(demo):
    kinds = set(EarlyWarning.objects.values_list("kind", flat=True))
    assert kinds == set(EarlyWarning.Kind.values)


def test_discipline_is_neither_all_done_nor_all_missing(demo):
    states = set(
        ReportingRecord.objects.exclude(state=State.NOT_EXPECTED).values_list(
            "state", flat=True
        )
    )
    assert {State.ON_TIME, State.LATE, State.MISSING} <= states
    # Six finished periods and the current one, with a queue to review.
    assert ReportingRecord.objects.values("period").distinct().count() == 7
    assert OpinionReport.objects.filter(status=OpinionReport.Status.SUBMITTED).exists()
    assert OpinionReport.objects.filter(status=OpinionReport.Status.RETURNED).exists()


def test_seeding_again_adds_nothing(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = (
        OpinionReport.objects.count(),
        EarlyWarning.objects.count(),
        ReportingRecord.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    after = (
        OpinionReport.objects.count(),
        EarlyWarning.objects.count(),
        ReportingRecord.objects.count(),
    )
    assert after == before
