"""The one scoping mechanism: ``Model.objects.visible_to(user)``.

Staff and leaders see the records of their unit's subtree; collaborators see their
own records; superusers see everything; anyone else sees nothing.

A subtree is filtered by its units' ids (``unit_id IN (…)``), read once per unit
object (the root of the whole tree filters nothing): the planner then knows how many rows a town or a commune holds, from the
column's own statistics, and picks an index that suits a commune as well as a
province. A join on the units' paths hides that from it.
"""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which unit owns a row and which user is its owner.

    Subclasses set ``unit_path_lookup`` (the path of the row's org unit, e.g.
    ``"unit__path"``) and ``owner_lookup`` (the user who owns a row, e.g.
    ``"author__user"``; ``None`` when collaborators see none of these rows).
    """

    unit_path_lookup: str = "unit__path"
    owner_lookup: str | None = None

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_collaborator:
            return self.owned_by(user)
        if user.org_unit_id is None:
            return self.none()
        return self.in_subtree(user.org_unit)

    def in_subtree(self, unit):
        if self.unit_path_lookup == "path":  # the org units themselves
            return self.filter(path__startswith=unit.path)
        return self.filter(
            in_subtree(self.unit_path_lookup.removesuffix("__path"), unit)
        )

    def owned_by(self, user):
        if self.owner_lookup is None:
            return self.none()
        return self.filter(**{self.owner_lookup: user})

    def with_related(self):
        """Eager loading for list and detail pages; models override."""
        return self


def in_subtree(lookup: str, unit) -> models.Q:
    """``Q(<lookup>__in=<the subtree's ids>)``: rows whose unit is in ``unit``'s subtree.

    The root of the only tree (a province's board) holds every unit: its rows are
    those with a unit at all. A list of hundreds of ids would cost each query more
    than it filters.
    """
    ids = subtree_ids(unit)
    # Ids put on the unit by a caller (reports' discipline table) say nothing of it.
    if getattr(unit, "_subtree_is_all", False):
        return models.Q(**{f"{lookup}__isnull": False})
    return models.Q(**{f"{lookup}__in": ids})


def subtree_ids(unit) -> list[int]:
    """Ids of ``unit`` and every unit below it; read once per unit object."""
    ids = getattr(unit, "_subtree_ids", None)
    if ids is None:
        ids = list(
            type(unit)
            .objects.filter(path__startswith=unit.path)
            .order_by()
            .values_list("pk", flat=True)
        )
        unit._subtree_ids = ids
        # Only a root can hold every unit: one count says whether it does.
        unit._subtree_is_all = (
            unit.parent_id is None and len(ids) == type(unit).objects.count()
        )
    return ids
