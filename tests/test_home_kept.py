"""What the home pages keep for HOME_FIGURES_SECONDS, and whose it is: the trend
of summaries per unit and role, the regulation with the roster's figures; and
what a collaborator's home reads once."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaborators.models import RegulationAcknowledgement
from collaborators.tests.factories import RegulationFactory
from dluan.periods import period_starts_back
from reports.services import period_for
from summaries.models import Summary
from summaries.tests.samples import sample_snapshot


@pytest.fixture
def keep_figures(settings):
    settings.HOME_FIGURES_SECONDS = 1
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def periods(db):
    return [
        period_for(day=start) for start in period_starts_back(timezone.localdate(), 6)
    ]


def compiled(unit, period, *, status, by=None):
    return Summary.objects.create(
        unit=unit,
        period=period,
        status=status,
        snapshot=sample_snapshot(),
        compiled_at=timezone.now(),
        progress=100,
        **(
            {"approved_by": by, "approved_at": timezone.now()}
            if status == Summary.Status.APPROVED
            else {}
        ),
    )


def panel(response, name):
    return next(
        p.context for p in response.context["panels"] if p.template.endswith(name)
    )


def has_trend(client) -> bool:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return panel(response, "trend.html")["trend"]["has_data"]


def test_the_trend_is_kept_apart_for_staff_and_leaders_then_read_again(
    keep_figures, client_of, staff, leader, town, periods
):
    compiled(town, periods[-2], status=Summary.Status.DRAFT)
    # Staff see every version; leaders only the approved: each their own trend.
    assert has_trend(client_of(staff))
    assert not has_trend(client_of(leader))
    compiled(town, periods[-3], status=Summary.Status.APPROVED, by=staff)
    assert not has_trend(client_of(leader))  # kept within the window
    time.sleep(1.1)
    assert has_trend(client_of(leader))


def test_the_regulation_is_kept_with_the_roster_figures(
    keep_figures, client_of, staff, town, collaborator
):
    client = client_of(staff)
    first = panel(client.get(reverse("home")), "roster.html")
    assert first["regulation"] is None
    regulation = RegulationFactory(unit=town, effective_date=timezone.localdate())
    kept = panel(client.get(reverse("home")), "roster.html")
    assert kept["regulation"] is None
    time.sleep(1.1)
    again = panel(client.get(reverse("home")), "roster.html")
    assert again["regulation"] == regulation
    # Counted against the regulation it is shown with.
    assert again["counts"]["not_acknowledged"] == 1


def test_a_collaborators_home_reads_its_roster_record_once(
    client_of, collaborator, town
):
    regulation = RegulationFactory(unit=town)
    RegulationAcknowledgement.objects.create(
        collaborator=collaborator.collaborator, regulation=regulation
    )
    client = client_of(collaborator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="acknowledged"' in body
    assert collaborator.collaborator.unit.name in body
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "collaborators_collaborator"' in q["sql"]
        or 'FROM "collaborators_regulationacknowledgement"' in q["sql"]
    ]
    assert len(reads) == 1, reads
