"""The API's surveys: their weighted results as the results page has them (small
cells hidden), their approved responses (answers only), who may read them, and
the audit trail's records."""

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.test import Client

from surveys.models import Response, Survey
from surveys.selectors import results as selectors
from surveys.tests.factories import AssignmentFactory
from surveys.tests.results_data import hand_set, respond
from tests.support.api import api_client


@pytest.fixture
def planned(survey):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100)
    survey.refresh_from_db()
    hand_set(survey)
    cache.clear()
    return survey


def _question(results, name):
    return next(q for q in results["questions"] if q["question"] == name)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_results_are_the_pages_figures_with_small_cells_hidden(
    request, persona, planned
):
    client = api_client(request.getfixturevalue(persona))
    body = client.get(f"/api/v1/surveys/{planned.pk}/results/").json()
    page = selectors.survey_results(planned)
    assert body["n"] == page["n"] == 25
    assert body["method"] == page["method"] and "Kish" in body["method"]
    rows = {row["value"]: row for row in _question(body, "satisfied")["rows"]}
    expected = {r["value"]: r for r in _question(page, "satisfied")["rows"]}
    assert rows["yes"]["count"] == 12
    assert rows["yes"]["weighted_percent"] == pytest.approx(
        expected["yes"]["weighted_percent"]
    )
    assert rows["other"]["count"] is None and rows["other"]["shown"] is False
    online = client.get(f"/api/v1/surveys/{planned.pk}/results/", {"mode": "online"})
    assert online.json()["n"] == 0
    bad = client.get(f"/api/v1/surveys/{planned.pk}/results/", {"mode": "x"})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_responses_are_approved_answers_only(planned, staff):
    rejected = respond(planned, {"q-satisfied": "yes"}, review=Response.Review.REJECTED)
    client = api_client(staff)
    url = f"/api/v1/surveys/{planned.pk}/responses/"
    first = client.get(url, {"page_size": 20}).json()
    rows = first["results"]
    assert set(rows[0]) == {"id", "survey", "answers"}
    rest = client.get(first["next"]).json()
    ids = [row["id"] for row in rows + rest["results"]]
    assert len(ids) == len(set(ids)) == 25 and rejected.pk not in ids
    assert rest["next"] is None
    assert any(row["answers"].get("satisfied") == "no" for row in rows)
    csv = client.get(url, {"format": "csv"}).content.decode("utf-8")
    assert csv.startswith("\ufeffid,survey,answers.")


@pytest.mark.django_db
def test_who_may_not(planned, other_staff, client_of, collaborator):
    AssignmentFactory(
        survey=planned, collaborator=collaborator.collaborator, commune=planned.unit
    )
    urls = [
        f"/api/v1/surveys/{planned.pk}/",
        f"/api/v1/surveys/{planned.pk}/results/",
        f"/api/v1/surveys/{planned.pk}/responses/",
    ]
    other = api_client(other_staff)
    assert [other.get(url).status_code for url in urls] == [404, 404, 404]
    assert other.get("/api/v1/surveys/").json()["results"] == []
    # Even a collaborator assigned to the survey: no API.
    session = client_of(collaborator)
    assert [session.get(url).status_code for url in urls] == [404, 404, 404]
    assert [Client().get(url).status_code for url in urls] == [401, 401, 401]


@pytest.mark.django_db
def test_reads_are_recorded_as_the_pages_are(planned, leader):
    client = api_client(leader)
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    client.get("/api/v1/surveys/")
    client.get(f"/api/v1/surveys/{planned.pk}/results/")
    assert not accesses.exists()  # aggregate figures, as the results page
    client.get(f"/api/v1/surveys/{planned.pk}/responses/")
    entry = accesses.get()
    assert entry.additional_data["kind"] == "export"
    assert entry.actor == leader


@pytest.mark.django_db
def test_a_page_of_responses_costs_the_same_queries_whatever_its_rows(
    survey, staff, django_assert_num_queries
):
    client = api_client(staff)
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    client.get(url)  # the key's use is noted once a minute
    for _ in range(2):
        respond(survey, {"q-satisfied": "yes"})
    # The key with its owner, the survey, the subtree's unit ids, the
    # responses, and the export's record in the audit trail.
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["results"]) == 2
    for _ in range(5):
        respond(survey, {"q-satisfied": "no"})
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["results"]) == 7
