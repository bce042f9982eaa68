"""Reads for a collaborator's filing: the areas they cover, their reports."""

from django.db.models import Q, prefetch_related_objects

from dluan.models import OrgUnit
from reports.models import (
    OpinionReport,
)

Status = OpinionReport.Status


def coverage_paths(collaborator) -> list[str]:
    """The paths of a collaborator's coverage areas, read once per collaborator
    object: the report form and the service that saves it ask both."""
    prefetch_related_objects([collaborator], "coverage_areas")
    return [unit.path for unit in collaborator.coverage_areas.all()]


def coverage_areas(collaborator):
    """Units a collaborator may report about: their coverage areas and below."""
    paths = coverage_paths(collaborator)
    if not paths:
        return OrgUnit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition, is_active=True).order_by("path")


def covers(collaborator, area: OrgUnit) -> bool:
    """``area`` (as read) is one of :func:`coverage_areas`, without asking again."""
    return area.is_active and any(
        area.path.startswith(path) for path in coverage_paths(collaborator)
    )


def my_reports(user):
    return (
        OpinionReport.objects.visible_to(user)
        .exclude(status=Status.ARCHIVED)
        .select_related("period", "area", "issue")
        .order_by("-created_at", "-pk")
    )
