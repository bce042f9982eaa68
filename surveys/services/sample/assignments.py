"""Assignments: each commune's quota shared among the collaborators serving it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.audit_bulk import BulkChanges
from surveys import stats
from surveys.forms.respondent import survey_communes
from surveys.models import Assignment, Response, Survey, SurveyCell
from surveys.services.sample.base import _check_changeable


def eligible_collaborators(survey: Survey, commune=None):
    """Active collaborators of the survey's communes (their unit or a coverage
    area), or of ``commune`` alone."""
    communes = (
        [commune.pk]
        if commune is not None
        else list(survey_communes(survey).values_list("pk", flat=True))
    )
    return (
        Collaborator.objects.active()
        .filter(Q(unit_id__in=communes) | Q(coverage_areas__in=communes))
        .distinct()
        .order_by("full_name", "pk")
    )


def serves(collaborator: Collaborator, commune) -> bool:
    return collaborator.status == Collaborator.Status.ACTIVE and (
        collaborator.unit_id == commune.pk
        or collaborator.coverage_areas.filter(pk=commune.pk).exists()
    )


def assignments_auto(*, survey: Survey, user) -> list:
    """Share each commune's quota equally among its collaborators.

    Returns the communes with a quota and nobody to collect it. A collaborator no
    longer serving a commune keeps their assignment with no interview to make.
    """
    _check_changeable(survey)
    communes = list(survey_communes(survey))
    quotas: dict[int, int] = {}
    for cell in SurveyCell.objects.filter(survey=survey).only("commune_id", "quota"):
        quotas[cell.commune_id] = quotas.get(cell.commune_id, 0) + cell.quota
    serving: dict[int, list[int]] = {}
    for collaborator in eligible_collaborators(survey).prefetch_related(
        "coverage_areas"
    ):
        places = {collaborator.unit_id} | {
            area.pk for area in collaborator.coverage_areas.all()
        }
        for commune in communes:
            if commune.pk in places:
                serving.setdefault(commune.pk, []).append(collaborator.pk)
    uncovered = []
    with transaction.atomic():
        existing = {
            (a.commune_id, a.collaborator_id): a
            for a in Assignment.objects.select_for_update().filter(survey=survey)
        }
        new, changed = [], []
        for commune in communes:
            quota = quotas.get(commune.pk, 0)
            people = serving.get(commune.pk, [])
            if quota and not people:
                uncovered.append(commune)
            shares = stats.allocate(quota, dict.fromkeys(people, 1), equal=True)
            for collaborator_id, target in shares.items():
                assignment = existing.get((commune.pk, collaborator_id))
                if assignment is None:
                    if target:
                        new.append(
                            Assignment(
                                survey=survey,
                                commune=commune,
                                collaborator_id=collaborator_id,
                                target=target,
                            )
                        )
                elif assignment.target != target:
                    assignment.target = target
                    changed.append(assignment)
        for (commune_id, collaborator_id), assignment in existing.items():
            if collaborator_id not in serving.get(commune_id, []) and assignment.target:
                assignment.target = 0
                changed.append(assignment)
        by_target: dict[int, list[int]] = {}
        for assignment in changed:
            by_target.setdefault(assignment.target, []).append(assignment.pk)
        with BulkChanges(actor=user) as bulk:
            bulk.create(new)
            for target, pks in by_target.items():
                bulk.update(Assignment.objects.filter(pk__in=pks), target=target)
    return uncovered


def assignment_save(
    *, survey: Survey, commune, collaborator: Collaborator, target: int, user
) -> Assignment:
    """Give ``collaborator`` ``target`` interviews in ``commune`` (add or change)."""
    _check_changeable(survey)
    if not serves(collaborator, commune):
        raise ValidationError(
            {
                "collaborator": _(
                    "This collaborator does not serve this commune: choose one whose "
                    "unit or coverage area it is."
                )
            }
        )
    with transaction.atomic():
        assignment, _created = Assignment.objects.update_or_create(
            survey=survey,
            commune=commune,
            collaborator=collaborator,
            defaults={"target": target},
        )
    return assignment


def assignment_remove(*, survey: Survey, assignment: Assignment, user) -> bool:
    """Remove an assignment; one whose collaborator has answers there is kept with
    no interview to make (their answers stay theirs to see). True if removed."""
    _check_changeable(survey)
    with transaction.atomic():
        has_answers = Response.objects.filter(
            survey=survey,
            collaborator_id=assignment.collaborator_id,
            commune_id=assignment.commune_id,
        ).exists()
        if has_answers:
            Assignment.objects.filter(pk=assignment.pk).update(target=0)
            return False
        assignment.delete()
    return True
