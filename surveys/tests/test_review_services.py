"""Reviewing responses: who may, what is recorded, and bulk decisions in one UPDATE."""

import datetime
import uuid

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.models import Response, Survey
from surveys.services import review as services


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


def _entries(responses):
    return LogEntry.objects.filter(
        object_pk__in=[str(r.pk) for r in responses],
        action=LogEntry.Action.UPDATE,
        content_type__model="response",
    )


def test_staff_approve_a_response(survey, staff, commune, collaborator):
    (response,) = _responses(
        survey,
        1,
        commune=commune,
        collaborator=collaborator.collaborator,
        entered_by=collaborator,
    )
    # The request's actor, as auditlog's middleware sets it on a page.
    with set_actor(staff):
        services.response_review(
            response=response, user=staff, review="approved", comment=""
        )
    response.refresh_from_db()
    assert response.review == "approved"
    assert response.reviewed_by == staff
    assert response.reviewed_at is not None
    assert Survey.objects.get(pk=survey.pk).results_version == 1
    (entry,) = _entries([response])
    assert entry.actor == staff
    assert entry.changes_dict["review"] == ["pending", "approved"]


@pytest.mark.parametrize("review", ["rejected", "has_issues"])
def test_reject_and_has_issues_need_a_comment(survey, staff, commune, review):
    (response,) = _responses(survey, 1, commune=commune)
    with pytest.raises(ValidationError) as caught:
        services.response_review(
            response=response, user=staff, review=review, comment="   "
        )
    assert "comment" in caught.value.message_dict
    response.refresh_from_db()
    assert response.review == "pending"
    assert Survey.objects.get(pk=survey.pk).results_version == 0


def test_an_unknown_decision_is_refused(survey, staff, commune):
    (response,) = _responses(survey, 1, commune=commune)
    with pytest.raises(ValidationError):
        services.response_review(
            response=response, user=staff, review="pending", comment=""
        )


def test_leader_cannot_review(survey, leader, commune):
    (response,) = _responses(survey, 1, commune=commune)
    with pytest.raises(ValidationError):
        services.response_review(
            response=response, user=leader, review="approved", comment=""
        )
    response.refresh_from_db()
    assert response.review == "pending"


def test_other_towns_staff_cannot_review(survey, other_staff, commune):
    (response,) = _responses(survey, 1, commune=commune)
    with pytest.raises(ValidationError):
        services.response_review(
            response=response, user=other_staff, review="approved", comment=""
        )


def test_nobody_reviews_a_response_they_entered(survey, staff, commune):
    (response,) = _responses(survey, 1, commune=commune, entered_by=staff)
    with pytest.raises(ValidationError):
        services.response_review(
            response=response, user=staff, review="approved", comment=""
        )
    assert not services.can_review(staff, response)


def test_a_draft_is_not_reviewed(survey, staff, commune):
    (response,) = _responses(
        survey, 1, commune=commune, state=Response.State.DRAFT, submitted_at=None
    )
    with pytest.raises(ValidationError):
        services.response_review(
            response=response, user=staff, review="approved", comment=""
        )


def test_bulk_approval_of_every_unflagged_pending_response(
    survey, other_survey, staff, commune, django_assert_max_num_queries
):
    plain = _responses(survey, 30, commune=commune)
    fast = _responses(survey, 3, commune=commune, flag_fast=True)
    twins = _responses(survey, 2, commune=commune, flag_duplicate=True)
    rejected = _responses(
        survey, 2, commune=commune, review="rejected", review_comment="Sai địa bàn"
    )
    elsewhere = _responses(other_survey, 4, commune=commune)

    # Reads, one UPDATE, the after-read and one INSERT of entries, whatever the rows.
    with django_assert_max_num_queries(12):
        changed = services.responses_review_bulk(
            survey=survey,
            user=staff,
            review="approved",
            comment="",
            filters={"state": "pending", "flag": "none"},
        )

    assert changed == 30
    assert set(
        Response.objects.filter(pk__in=[r.pk for r in plain]).values_list(
            "review", flat=True
        )
    ) == {"approved"}
    untouched = fast + twins + elsewhere
    assert set(
        Response.objects.filter(pk__in=[r.pk for r in untouched]).values_list(
            "review", flat=True
        )
    ) == {"pending"}
    assert set(
        Response.objects.filter(pk__in=[r.pk for r in rejected]).values_list(
            "review", flat=True
        )
    ) == {"rejected"}
    # One audit entry per response changed, by the reviewer, with the change.
    entries = _entries(plain)
    assert entries.count() == 30
    assert {e.actor_id for e in entries} == {staff.pk}
    assert entries.first().changes_dict["review"] == ["pending", "approved"]
    assert not _entries(untouched + rejected).exists()
    assert Survey.objects.get(pk=survey.pk).results_version == 1


def test_bulk_decision_on_ticked_responses(survey, staff, commune, other_survey):
    mine = _responses(survey, 5, commune=commune)
    theirs = _responses(other_survey, 1, commune=commune)
    changed = services.responses_review_bulk(
        survey=survey,
        user=staff,
        review="has_issues",
        comment="Thiếu nghề nghiệp",
        ids=[mine[0].pk, mine[1].pk, theirs[0].pk],
    )
    assert changed == 2
    assert list(
        Response.objects.filter(review="has_issues")
        .order_by("pk")
        .values_list("pk", "review_comment")
    ) == [(mine[0].pk, "Thiếu nghề nghiệp"), (mine[1].pk, "Thiếu nghề nghiệp")]


def test_bulk_again_changes_nothing(survey, staff, commune):
    _responses(survey, 4, commune=commune)
    args = {"survey": survey, "user": staff, "review": "approved", "comment": ""}
    assert services.responses_review_bulk(filters={}, **args) == 4
    assert services.responses_review_bulk(filters={}, **args) == 0
    assert Survey.objects.get(pk=survey.pk).results_version == 1


def test_bulk_leaves_what_the_reviewer_entered(survey, staff, commune):
    _responses(survey, 2, commune=commune)
    (own,) = _responses(survey, 1, commune=commune, entered_by=staff)
    changed = services.responses_review_bulk(
        survey=survey, user=staff, review="approved", comment="", filters={}
    )
    assert changed == 2
    own.refresh_from_db()
    assert own.review == "pending"


def test_bulk_by_other_towns_staff_changes_nothing(survey, other_staff, commune):
    _responses(survey, 3, commune=commune)
    changed = services.responses_review_bulk(
        survey=survey, user=other_staff, review="approved", comment="", filters={}
    )
    assert changed == 0
    assert not Response.objects.filter(review="approved").exists()


def test_bulk_needs_a_scope_and_a_comment_to_reject(survey, staff, commune):
    _responses(survey, 2, commune=commune)
    with pytest.raises(ValidationError):
        services.responses_review_bulk(
            survey=survey, user=staff, review="approved", comment=""
        )
    with pytest.raises(ValidationError):
        services.responses_review_bulk(
            survey=survey, user=staff, review="rejected", comment="", filters={}
        )
    with pytest.raises(ValidationError):
        services.responses_review_bulk(
            survey=survey, user=staff, review="approved", comment="", ids=[]
        )
    assert not Response.objects.exclude(review="pending").exists()
