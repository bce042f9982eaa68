"""The review pages: the list, bulk decisions, one response, its review, weights."""

import datetime
import uuid

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response, Survey, SurveyCell
from tests.support.pages import html_problems

HOSTILE = "<script>alert(1)</script>"


def _responses(survey, count, **fields):
    now = timezone.now()
    values = {
        "mode": Response.Mode.FACE_TO_FACE,
        "state": Response.State.SUBMITTED,
        "submitted_at": now,
        "started_at": now - datetime.timedelta(minutes=10),
        "ended_at": now,
        "sex": "female",
        "age_group": "30-44",
        **fields,
    }
    return Response.objects.bulk_create(
        Response(
            survey=survey,
            version=survey.current_version,
            client_id=uuid.uuid4(),
            **values,
        )
        for _ in range(count)
    )


@pytest.fixture
def answered(survey, commune, collaborator):
    """A response of the collaborator, entered too fast, with every kind answered."""
    now = timezone.now()
    (response,) = _responses(
        survey,
        1,
        commune=commune,
        sex="male",
        age_group="45-59",
        occupation="farmer",
        collaborator=collaborator.collaborator,
        entered_by=collaborator,
        started_at=now - datetime.timedelta(seconds=20),
        ended_at=now,
        flag_fast=True,
        flag_duplicate=True,
        fingerprint="same",
        answers={
            "satisfied": "other",
            "satisfied__other": HOSTILE,
            "channels": ["tv", "zalo"],
            "rating": "4",
            "grid": {"merge": "agree", "nodistrict": "unsure"},
            "age_years": "45",
            "zalo_group": "Tổ dân phố 5",
            "visited_on": "2026-11-03",
        },
    )
    return response


@pytest.fixture
def twin(survey, commune, collaborator):
    (response,) = _responses(
        survey,
        1,
        commune=commune,
        collaborator=collaborator.collaborator,
        entered_by=collaborator,
        flag_duplicate=True,
        fingerprint="same",
    )
    return response


def _list(survey):
    return reverse("surveys:response-list", args=[survey.pk])


def _detail(response):
    return reverse("surveys:response-detail", args=[response.survey_id, response.pk])


def _review(response):
    return reverse("surveys:response-review", args=[response.survey_id, response.pk])


def _bulk(survey):
    return reverse("surveys:response-bulk", args=[survey.pk])


def _weights(survey):
    return reverse("surveys:weights", args=[survey.pk])


def _no_html_problems(url, response):
    problems, _document = html_problems(url, response.content.decode())
    assert problems == []


# --- Who may see what ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff", 200),
        ("leader", 200),
        ("admin_user", 200),
        ("collaborator", 404),
        ("other_staff", 404),
        ("other_collaborator", 404),
    ],
)
def test_review_pages_access(request, client_of, answered, persona, status):
    client = client_of(request.getfixturevalue(persona))
    survey = answered.survey
    for url in (_list(survey), _detail(answered), _weights(survey)):
        assert client.get(url).status_code == status, url


def test_anonymous_is_sent_to_sign_in(client, answered):
    survey = answered.survey
    for url in (_list(survey), _detail(answered), _weights(survey)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    response = client.post(_review(answered), {"review": "approved"})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.review == "pending"


@pytest.mark.parametrize("persona", ["leader", "other_staff", "collaborator"])
def test_only_staff_of_the_town_decide(request, client_of, answered, persona):
    client = client_of(request.getfixturevalue(persona))
    survey = answered.survey
    SurveyCell.objects.create(
        survey=survey,
        commune=answered.commune,
        sex="male",
        age_group="45-59",
        population=100,
    )
    Response.objects.filter(pk=answered.pk).update(review="approved")
    assert (
        client.post(
            _review(answered), {"review": "rejected", "comment": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            _bulk(survey),
            {"review": "rejected", "comment": "x", "scope": "filtered"},
        ).status_code
        == 404
    )
    assert client.post(_weights(survey)).status_code == 404
    answered.refresh_from_db()
    assert answered.review == "approved"
    assert Survey.objects.get(pk=survey.pk).weighting == ""


def test_posting_pages_answer_get_with_405(client_of, staff, answered):
    client = client_of(staff)
    assert client.get(_review(answered)).status_code == 405
    assert client.get(_bulk(answered.survey)).status_code == 405


def test_a_draft_has_no_review_page(client_of, staff, survey, commune):
    (draft,) = _responses(
        survey, 1, commune=commune, state=Response.State.DRAFT, submitted_at=None
    )
    assert client_of(staff).get(_detail(draft)).status_code == 404


def test_a_response_of_another_survey_is_not_found_under_this_one(
    client_of, staff, answered, town
):
    from surveys.tests.factories import SurveyFactory

    second = SurveyFactory(unit=town, created_by=staff)
    url = reverse("surveys:response-detail", args=[second.pk, answered.pk])
    assert client_of(staff).get(url).status_code == 404


# --- The list ----------------------------------------------------------------------


def test_list_shows_submitted_responses_with_their_flags(
    client_of, staff, answered, twin, survey, commune
):
    _responses(
        survey, 1, commune=commune, state=Response.State.DRAFT, submitted_at=None
    )
    url = _list(survey)
    response = client_of(staff).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="response-row"') == 2
    assert "Phường Tứ Hạ" in page
    assert "Trần Thị Hoa" in page
    assert "0 min 20 s" in page or "0 phút 20 giây" in page
    assert f'data-testid="response-{answered.pk}"' in page
    assert 'name="ids"' in page  # staff may tick
    _no_html_problems(url, response)


def test_leader_reads_the_list_without_the_bulk_form(client_of, leader, answered):
    page = client_of(leader).get(_list(answered.survey)).content.decode()
    assert f'data-testid="response-{answered.pk}"' in page
    assert 'data-testid="bulk-form"' not in page
    assert 'name="ids"' not in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"flag": "fast"}, {"answered"}),
        ({"flag": "duplicate"}, {"answered", "twin"}),
        ({"flag": "none"}, {"plain"}),
        ({"state": "approved"}, {"plain"}),
        ({"mode": "online"}, set()),
    ],
)
def test_list_filters(client_of, staff, answered, twin, survey, commune, query, shown):
    (plain,) = _responses(survey, 1, commune=commune, review="approved")
    names = {answered.pk: "answered", twin.pk: "twin", plain.pk: "plain"}
    page = client_of(staff).get(_list(survey), query).content.decode()
    assert {
        name for pk, name in names.items() if f'data-testid="response-{pk}"' in page
    } == shown


def test_list_filters_by_commune_and_interviewer(
    client_of, staff, answered, survey, other_commune, collaborator
):
    from surveys.tests.factories import AssignmentFactory

    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=answered.commune
    )
    (elsewhere,) = _responses(survey, 1, commune=other_commune)
    client = client_of(staff)
    page = client.get(_list(survey), {"commune": other_commune.pk}).content.decode()
    assert f'data-testid="response-{elsewhere.pk}"' in page
    assert f'data-testid="response-{answered.pk}"' not in page
    page = client.get(
        _list(survey), {"interviewer": collaborator.collaborator.pk}
    ).content.decode()
    assert f'data-testid="response-{answered.pk}"' in page
    assert f'data-testid="response-{elsewhere.pk}"' not in page


def test_list_query_count_does_not_grow_with_rows(
    client_of, staff, survey, commune, collaborator, django_assert_num_queries
):
    client = client_of(staff)
    _responses(survey, 3, commune=commune, collaborator=collaborator.collaborator)
    client.get(_list(survey))  # warm the session and the content types
    with django_assert_num_queries(11) as few:
        client.get(_list(survey))
    _responses(survey, 40, commune=commune, collaborator=collaborator.collaborator)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(_list(survey))
    assert response.content.decode().count('data-testid="response-row"') == 25


# --- Bulk decisions --------------------------------------------------------------


def test_bulk_approves_every_unflagged_pending_response(
    client_of, staff, answered, twin, survey, commune
):
    plain = _responses(survey, 12, commune=commune)
    response = client_of(staff).post(
        _bulk(survey),
        {
            "review": "approved",
            "comment": "",
            "scope": "filtered",
            "state": "pending",
            "flag": "none",
        },
    )
    assert response.status_code == 302
    assert "state=pending" in response["Location"]
    assert Response.objects.filter(review="approved").count() == 12
    answered.refresh_from_db()
    assert answered.review == "pending"
    entries = LogEntry.objects.filter(
        content_type__model="response",
        action=LogEntry.Action.UPDATE,
        object_pk__in=[str(r.pk) for r in plain],
    )
    assert entries.count() == 12
    assert {entry.actor_id for entry in entries} == {staff.pk}
    page = client_of(staff).get(response["Location"]).content.decode()
    assert "12" in page


def test_bulk_on_ticked_responses(client_of, staff, answered, twin):
    response = client_of(staff).post(
        _bulk(answered.survey),
        {
            "review": "has_issues",
            "comment": HOSTILE,
            "scope": "checked",
            "ids": [answered.pk, "abc", "²"],
        },
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    twin.refresh_from_db()
    assert (answered.review, answered.review_comment) == ("has_issues", HOSTILE)
    assert twin.review == "pending"


@pytest.mark.parametrize(
    "data",
    [
        {"review": "rejected", "comment": "", "scope": "filtered"},
        {"review": "approved", "comment": "", "scope": "checked"},
        {"review": "nonsense", "comment": "", "scope": "filtered"},
        {"review": "approved", "scope": "filtered", "commune": "999999"},
    ],
)
def test_bad_bulk_changes_nothing(client_of, staff, answered, data):
    response = client_of(staff).post(_bulk(answered.survey), data)
    assert response.status_code == 400
    assert not Response.objects.exclude(review="pending").exists()
    assert 'data-testid="bulk-form"' in response.content.decode()


# --- One response ----------------------------------------------------------------


def test_detail_shows_answers_as_labels_and_flags_explained(
    client_of, staff, answered, twin
):
    url = _detail(answered)
    response = client_of(staff).get(url)
    page = response.content.decode()
    assert "Khác (ghi rõ): &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE not in page
    assert "Truyền hình" in page and "Zalo, Facebook" in page
    assert "Sắp xếp đơn vị hành chính cấp xã: <strong>Tán thành</strong>" in page
    assert "Không tổ chức cấp huyện: <strong>Băn khoăn</strong>" in page
    assert "03/11/2026" in page
    assert "Tổ dân phố 5" in page
    assert "Nông dân" in page or "Farmer, fisher" in page
    assert f"#{twin.pk}" in page  # the near-identical response is named
    assert 'data-testid="flags"' in page
    assert 'data-testid="review-form"' in page
    _no_html_problems(url, response)


def test_detail_is_recorded_in_the_audit_trail(client_of, staff, answered):
    client_of(staff).get(_detail(answered))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(answered.pk), actor=staff
    ).exists()


def test_leader_reads_without_the_review_form(client_of, leader, answered):
    page = client_of(leader).get(_detail(answered)).content.decode()
    assert "Tổ dân phố 5" in page
    assert 'data-testid="review-form"' not in page


def test_staff_reject_with_a_comment(client_of, staff, answered):
    client = client_of(staff)
    response = client.post(
        _review(answered), {"review": "rejected", "comment": HOSTILE}
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.review == "rejected"
    assert answered.reviewed_by == staff
    assert Survey.objects.get(pk=answered.survey_id).results_version == 1
    page = client.get(_detail(answered)).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    history = page.split('data-testid="history"')[1]
    assert "Nguyễn Văn An" in history


def test_reject_without_a_comment_is_a_400_and_changes_nothing(
    client_of, staff, answered
):
    url = _review(answered)
    response = client_of(staff).post(url, {"review": "rejected", "comment": " "})
    assert response.status_code == 400
    assert 'data-testid="review-form"' in response.content.decode()
    assert "is-invalid" in response.content.decode()
    answered.refresh_from_db()
    assert answered.review == "pending"
    _no_html_problems(url, response)


def test_staff_cannot_review_what_they_entered(client_of, staff, survey, commune):
    (own,) = _responses(survey, 1, commune=commune, entered_by=staff)
    client = client_of(staff)
    assert 'data-testid="review-form"' not in client.get(_detail(own)).content.decode()
    assert client.post(_review(own), {"review": "approved"}).status_code == 404
    own.refresh_from_db()
    assert own.review == "pending"


def test_detail_query_count_is_pinned(
    client_of, staff, answered, twin, django_assert_num_queries
):
    client = client_of(staff)
    client.get(_detail(answered))
    # Session, user and unit, the subtree, survey, response, questions, choices,
    # the twins, the history, the notifications badge, the access record (2).
    with django_assert_num_queries(13):
        client.get(_detail(answered))


# --- Weights ---------------------------------------------------------------------


@pytest.fixture
def populated(survey, commune, other_commune):
    for unit, sex, people in [
        (commune, "male", 300),
        (commune, "female", 200),
        (other_commune, "male", 100),
        (other_commune, "female", 400),
    ]:
        SurveyCell.objects.create(
            survey=survey, commune=unit, sex=sex, age_group="30-44", population=people
        )
    for unit, sex, count in [
        (commune, "male", 5),
        (commune, "female", 10),
        (other_commune, "male", 5),
        (other_commune, "female", 20),
    ]:
        _responses(survey, count, commune=unit, sex=sex, review="approved")
    return survey


def test_staff_compute_the_weights(
    client_of, staff, populated, django_capture_on_commit_callbacks
):
    client = client_of(staff)
    url = _weights(populated)
    page = client.get(url).content.decode()
    assert 'data-testid="not-weighed"' in page
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url)
    assert response.status_code == 302
    assert len(queued) == 1
    # No broker in the tests: the task ran inline, once the request committed.
    populated.refresh_from_db()
    assert populated.weighting == "post-stratification"
    response = client.get(url)
    page = response.content.decode()
    assert 'data-testid="weights-summary"' in page
    assert 'data-testid="weights-deff"' in page
    assert "1,28" in page or "1.28" in page  # deff computed by hand
    assert "31" in page.split('data-testid="weights-effective"')[1][:20]
    # Tứ Hạ's men: 30 % of the population, 5 of 40 approved (12.5 %), weight 2.4.
    cells = page.split('data-testid="weight-cells"')[1]
    assert "30,0 %" in cells or "30.0 %" in cells
    assert "12,5 %" in cells or "12.5 %" in cells
    assert "2,400" in cells or "2.400" in cells
    assert client.get(url, {"status": "1"}).json() == {"running": False}
    _no_html_problems(url, response)


def test_weights_page_says_while_it_runs(client_of, leader, populated):
    from django.core.cache import cache

    from surveys.services.weighting import running_key

    cache.set(running_key(populated.pk), "queued")
    try:
        client = client_of(leader)
        page = client.get(_weights(populated)).content.decode()
        assert 'data-testid="weighing"' in page
        assert 'data-testid="weigh"' not in page  # leaders read only
        assert client.get(_weights(populated), {"status": "1"}).json() == {
            "running": True
        }
    finally:
        cache.delete(running_key(populated.pk))


def test_weights_without_a_population_is_a_400(client_of, staff, survey, commune):
    _responses(survey, 3, commune=commune, review="approved")
    response = client_of(staff).post(_weights(survey))
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.weighting == ""


def test_a_large_bulk_decision_runs_in_the_background(
    client_of, staff, survey, commune, monkeypatch, django_capture_on_commit_callbacks
):
    from surveys.services import review as services

    monkeypatch.setattr(services, "INLINE_LIMIT", 3)
    plain = _responses(survey, 5, commune=commune)
    client = client_of(staff)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            _bulk(survey),
            {"review": "approved", "comment": "", "scope": "filtered", "flag": "none"},
        )
    assert response.status_code == 302
    assert len(queued) == 1  # the task, run inline (no broker in the tests)
    assert Response.objects.filter(review="approved").count() == 5
    assert (
        LogEntry.objects.filter(
            content_type__model="response",
            action=LogEntry.Action.UPDATE,
            object_pk__in=[str(r.pk) for r in plain],
            actor=staff,
        ).count()
        == 5
    )
    # Run again, it changes nothing.
    from surveys.tasks import responses_review_bulk_task

    assert responses_review_bulk_task(survey.pk, staff.pk, "approved", "", {}) == 0
