"""A province survey's communes read through its towns.

A province holds hundreds of communes: a table with a row for each cannot be read.
The cross-tab by commune and the quota fill of a province's survey show a row per
town (its communes' figures added up), each opening on its own communes.
"""

from dataclasses import dataclass

from django.http import Http404

from dluan.access import posted_int
from dluan.models import OrgUnit


@dataclass(frozen=True)
class Unit:
    """A unit's id and name, where the row needs nothing more."""

    pk: int
    name: str


def folds(survey) -> bool:
    """Whether the survey's communes are read town by town (a province's survey)."""
    return survey.unit.kind == OrgUnit.Kind.PROVINCE


def chosen_town(survey, value: str | None) -> OrgUnit | None:
    """The town of the survey's unit named by ``value`` (a query parameter), or
    None when none is named; 404 for a town outside the survey or a survey whose
    communes are not folded."""
    if not value:
        return None
    number = posted_int(value)
    if number is None or not folds(survey):
        raise Http404
    try:
        return OrgUnit.objects.get(
            pk=number,
            kind=OrgUnit.Kind.TOWN,
            path__startswith=survey.unit.path,
            depth=survey.unit.depth + 1,
        )
    except OrgUnit.DoesNotExist:
        raise Http404 from None


def town_of_communes(survey) -> tuple[dict[int, Unit], list[Unit]]:
    """commune id → its town (the unit just below the survey's), and the towns
    by name, in one query. A commune right below the survey's unit is its own."""
    unit = survey.unit
    position = unit.depth + 2  # "/1/5/12/".split("/") → ["", "1", "5", "12", ""]
    rows = list(
        OrgUnit.objects.filter(
            path__startswith=unit.path,
            kind__in=(OrgUnit.Kind.TOWN, OrgUnit.Kind.COMMUNE),
            depth__gt=unit.depth,
        ).values_list("pk", "name", "path", "kind")
    )
    names = {pk: name for pk, name, _path, _kind in rows}
    town_of: dict[int, Unit] = {}
    for pk, _name, path, kind in rows:
        if kind != OrgUnit.Kind.COMMUNE:
            continue
        top = int(path.split("/")[position])
        town_of[pk] = Unit(top, names.get(top, ""))
    towns = sorted(set(town_of.values()), key=lambda town: (town.name, town.pk))
    return town_of, towns
