"""Reads for a collaborator's filing: the areas they cover, their reports."""

from django.db.models import Q

from dluan.models import OrgUnit
from reports.models import (
    OpinionReport,
)

Status = OpinionReport.Status


def coverage_areas(collaborator):
    """Units a collaborator may report about: their coverage areas and below."""
    paths = [unit.path for unit in collaborator.coverage_areas.all()]
    if not paths:
        return OrgUnit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition, is_active=True).order_by("path")


def my_reports(user):
    return (
        OpinionReport.objects.visible_to(user)
        .exclude(status=Status.ARCHIVED)
        .select_related("period", "area", "issue")
        .order_by("-created_at", "-pk")
    )
