"""A unit's home figures are counted once and kept HOME_FIGURES_SECONDS, per unit."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.tests.factories import OpinionReportFactory


@pytest.fixture
def keep_figures(settings):
    settings.HOME_FIGURES_SECONDS = 1
    cache.clear()
    yield
    cache.clear()


def waiting(response) -> int:
    queue = next(
        p for p in response.context["panels"] if p.template.endswith("staff_queue.html")
    )
    return queue.context["counts"]["submitted"]


def period_reported(response) -> int:
    panel = next(
        p for p in response.context["panels"] if p.template.endswith("summary.html")
    )
    return panel.context["figures"]["reported"]


def home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, len(queries)


def test_a_units_figures_are_kept_briefly_then_counted_again(
    keep_figures, client_of, staff, collaborator
):
    OpinionReportFactory(author=collaborator.collaborator)
    client = client_of(staff)
    first, counted = home(client)
    assert waiting(first) == 1
    OpinionReportFactory(author=collaborator.collaborator)
    # Within the window the figures are not counted again: the queue, the roster
    # and the period's figures cost no query.
    kept, queries = home(client)
    assert waiting(kept) == 1
    assert queries <= counted - 3
    time.sleep(1.1)
    again, _queries = home(client)
    assert waiting(again) == 2


def test_kept_figures_belong_to_their_unit(
    keep_figures, client_of, staff, other_staff, leader, collaborator
):
    OpinionReportFactory(author=collaborator.collaborator)
    assert waiting(home(client_of(staff))[0]) == 1
    # Staff of another town see their own unit's count, not the one just kept.
    assert waiting(home(client_of(other_staff))[0]) == 0
    # The period's figures are the unit's, kept once for its staff and leaders.
    OpinionReportFactory(author=collaborator.collaborator)
    assert period_reported(home(client_of(leader))[0]) == 1
    assert period_reported(home(client_of(other_staff))[0]) == 0


def test_with_no_keeping_every_request_counts(settings, client_of, staff, collaborator):
    settings.HOME_FIGURES_SECONDS = 0
    client = client_of(staff)
    OpinionReportFactory(author=collaborator.collaborator)
    assert waiting(home(client)[0]) == 1
    OpinionReportFactory(author=collaborator.collaborator)
    assert waiting(home(client)[0]) == 2
