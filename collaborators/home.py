"""Home-page panels of the roster: figures for managers, profile and regulation for a CTV."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from collaborators import selectors
from collaborators.models import Collaborator, RegulationAcknowledgement
from dluan.figures import kept, scope_key
from dluan.registry import Panel


def _record_of(user, regulation) -> Collaborator | None:
    """The user's roster record with its unit and when it acknowledged
    ``regulation`` (``acknowledged_at``, None if not), in one query.

    The record is kept on the user as ``user.collaborator``: the other apps'
    panels read it from there.
    """
    queryset = Collaborator.objects.select_related("unit").filter(user=user)
    if regulation is not None:
        queryset = queryset.annotate(
            acknowledged_at=Subquery(
                RegulationAcknowledgement.objects.filter(
                    collaborator=OuterRef("pk"), regulation=regulation
                ).values("acknowledged_at")[:1]
            )
        )
    collaborator = queryset.first()
    if collaborator is not None:
        user.collaborator = collaborator
    return collaborator


def _collaborator_panel(user) -> Panel:
    regulation = selectors.regulation_in_force(user=user)
    collaborator = _record_of(user, regulation)
    acknowledged_at = getattr(collaborator, "acknowledged_at", None)
    return Panel(
        "collaborators/panels/collaborator.html",
        {
            "collaborator": collaborator,
            "regulation": regulation,
            "acknowledgement": (
                {"acknowledged_at": acknowledged_at} if acknowledged_at else None
            ),
        },
        order=90,
    )


def _roster_figures(user) -> dict:
    regulation = selectors.regulation_in_force(user=user)
    return {
        "counts": selectors.roster_counts(user=user, regulation=regulation),
        "regulation": regulation,
    }


def panels(request) -> list[Panel]:
    user = request.user
    if user.is_collaborator:
        return [_collaborator_panel(user)]
    # The regulation in force is kept with the figures counted against it: the
    # managers of one unit read the same versions.
    figures = kept(
        "roster", (scope_key(user), timezone.localdate()), lambda: _roster_figures(user)
    )
    return [
        Panel(
            "collaborators/panels/roster.html",
            {**figures, "days": selectors.TERM_ENDING_DAYS},
            order=10,
        )
    ]
