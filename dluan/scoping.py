"""The one scoping mechanism: ``Model.objects.visible_to(user)``.

Staff and leaders see the records of their unit's subtree; collaborators see their
own records; superusers see everything; anyone else sees nothing.
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
        return self.filter(**{f"{self.unit_path_lookup}__startswith": unit.path})

    def owned_by(self, user):
        if self.owner_lookup is None:
            return self.none()
        return self.filter(**{self.owner_lookup: user})

    def with_related(self):
        """Eager loading for list and detail pages; models override."""
        return self
