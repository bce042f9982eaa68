"""Reads for the interviewer's pages: the survey they collect for, their own work."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from dluan.access import require_collaborator
from dluan.models import OrgUnit
from surveys.models import Assignment, Response, Survey


@dataclass
class Interviewer:
    """The survey a collaborator collects for, and their roster record."""

    survey: Survey
    collaborator: object

    @property
    def communes(self):
        """The communes of their assignments in this survey (the respondent's
        commune is one of them)."""
        return OrgUnit.objects.filter(
            pk__in=Assignment.objects.filter(
                survey=self.survey, collaborator=self.collaborator
            ).values("commune_id")
        ).order_by("name")


def interviewer_for(user, pk: int) -> Interviewer:
    """The survey ``pk`` for a collaborator assigned to it, face to face; else 404.

    A closed survey still shows the collaborator's own work (the list); the
    form refuses new answers with the service's message.
    """
    require_collaborator(user)
    survey = get_object_or_404(
        Survey.objects.visible_to(user).with_related(),
        pk=pk,
        status__in=[Survey.Status.OPEN, Survey.Status.CLOSED],
    )
    if not survey.collects_face_to_face:
        raise Http404
    return Interviewer(survey=survey, collaborator=user.collaborator)


def my_drafts(user, survey: Survey):
    """The interviewer's drafts of a survey, newest first."""
    return (
        Response.objects.visible_to(user)
        .filter(survey=survey, state=Response.State.DRAFT)
        .select_related("commune")
        .order_by("-updated_at", "-pk")
    )


def my_submitted(user, survey: Survey):
    """The interviewer's submitted responses, newest first, with their review."""
    return (
        Response.objects.visible_to(user)
        .submitted()
        .filter(survey=survey)
        .select_related("commune")
        .order_by("-submitted_at", "-pk")
    )


def my_assignments(collaborator, survey: Survey):
    """The collaborator's assignments with their fill: submitted responses of the
    commune, not rejected (counted in the database)."""
    done = (
        Response.objects.filter(
            survey=survey,
            collaborator=collaborator,
            commune=OuterRef("commune"),
            state=Response.State.SUBMITTED,
        )
        .exclude(review=Response.Review.REJECTED)
        .order_by()
        .values("commune")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Assignment.objects.filter(survey=survey, collaborator=collaborator)
        .select_related("commune")
        .annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)))
        .order_by("commune__name")
    )
