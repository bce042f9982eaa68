"""Rejected survey responses lower the collaborator's ``quality`` score part."""

import datetime
import uuid

import pytest
from django.utils import timezone

from dluan.registry import score_parts
from reports.models import OpinionReport
from reports.tests.factories import OpinionReportFactory
from surveys import scoring
from surveys.models import Response

YEAR = timezone.localdate().year


def _reviewed(survey, collaborator, review, count, *, year=YEAR):
    when = timezone.make_aware(datetime.datetime(year, 3, 10, 9, 0))
    Response.objects.bulk_create(
        Response(
            survey=survey,
            version=survey.current_version,
            mode=Response.Mode.FACE_TO_FACE,
            client_id=uuid.uuid4(),
            state=Response.State.SUBMITTED,
            submitted_at=when,
            collaborator=collaborator,
            review=review,
        )
        for _ in range(count)
    )


def _rated_report(author, rating):
    OpinionReportFactory(
        author=author,
        status=OpinionReport.Status.ACCEPTED,
        accepted_at=timezone.make_aware(datetime.datetime(YEAR, 2, 1, 9, 0)),
        quality_depth=rating,
        quality_balance=rating,
        quality_timeliness=rating,
        quality_usefulness=rating,
    )


def test_quality_blends_report_quality_with_responses_not_rejected(
    survey, collaborator
):
    ctv = collaborator.collaborator
    _rated_report(ctv, 5)  # report quality (5 − 1) / 4 = 1
    _reviewed(survey, ctv, "approved", 6)
    _reviewed(survey, ctv, "has_issues", 1)  # reviewed, not rejected
    _reviewed(survey, ctv, "rejected", 3)
    _reviewed(survey, ctv, "pending", 5)  # not reviewed: left out
    _reviewed(survey, ctv, "rejected", 4, year=YEAR - 1)  # another year
    # 7 of 10 reviewed not rejected: (1 + 0.7) / 2 = 0.85.
    assert scoring.parts(YEAR, [ctv.pk])["quality"][ctv.pk] == pytest.approx(0.85)
    # As the emulation score reads it: surveys replace the reports' figure.
    assert score_parts(YEAR, [ctv.pk])["quality"][ctv.pk] == pytest.approx(0.85)


def test_quality_from_responses_alone_without_a_rated_report(survey, collaborator):
    ctv = collaborator.collaborator
    _reviewed(survey, ctv, "approved", 3)
    _reviewed(survey, ctv, "rejected", 1)
    assert score_parts(YEAR, [ctv.pk])["quality"][ctv.pk] == pytest.approx(0.75)


def test_collaborator_without_survey_responses_keeps_the_report_figure(
    survey, collaborator, other_collaborator
):
    ctv, other = collaborator.collaborator, other_collaborator.collaborator
    _rated_report(other, 3)  # (3 − 1) / 4 = 0.5
    _reviewed(survey, ctv, "rejected", 2)
    parts = score_parts(YEAR, [ctv.pk, other.pk])
    assert parts["quality"][other.pk] == pytest.approx(0.5)
    assert parts["quality"][ctv.pk] == pytest.approx(0.0)
    assert other.pk not in scoring.parts(YEAR, [ctv.pk, other.pk])["quality"]


def test_no_reviewed_responses_no_part(survey, collaborator):
    _reviewed(survey, collaborator.collaborator, "pending", 3)
    assert scoring.parts(YEAR) == {}


def test_scoring_is_a_few_aggregate_queries(
    survey, collaborator, other_collaborator, django_assert_num_queries
):
    for user in (collaborator, other_collaborator):
        _reviewed(survey, user.collaborator, "approved", 5)
        _reviewed(survey, user.collaborator, "rejected", 5)
    # One GROUP BY here, then reports' two.
    with django_assert_num_queries(3):
        quality = scoring.parts(YEAR)["quality"]
    assert quality == {
        collaborator.collaborator.pk: pytest.approx(0.5),
        other_collaborator.collaborator.pk: pytest.approx(0.5),
    }
