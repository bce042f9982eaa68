"""Each report's town (``OpinionReport.town``) kept in step with the org tree."""

from collections import defaultdict

from django.db import transaction

from dluan.models import OrgUnit
from reports.models import OpinionReport
from reports.models.filing import town_of


def report_towns_sync() -> int:
    """Give every report the town its unit lies in now; how many were changed.

    A unit moved to another town takes its reports with it (``unit_moved`` does
    so as it moves; this catches what changed the tree otherwise). Safe to run
    twice: a report already right is not written.
    """
    units_by_town = defaultdict(list)
    for unit in OrgUnit.objects.only("pk", "path"):
        units_by_town[town_of(unit)].append(unit.pk)
    changed = 0
    with transaction.atomic():
        for town, unit_ids in units_by_town.items():
            changed += _set_town(
                OpinionReport.objects.filter(unit_id__in=unit_ids), town
            )
    return changed


def unit_moved(sender, instance: OrgUnit, created: bool, **kwargs) -> None:
    """A saved unit's reports follow it to its town (``post_save`` of OrgUnit).

    Moving a unit saves each unit of its subtree with its new path, so each one's
    own reports are enough; one indexed update, none written when nothing moved.
    """
    if created or kwargs.get("raw"):
        return
    _set_town(OpinionReport.objects.filter(unit=instance), town_of(instance))


def _set_town(reports, town: int | None) -> int:
    return reports.exclude(town_id=town).update(town_id=town)
