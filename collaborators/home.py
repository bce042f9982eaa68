"""Home-page panels of the roster: figures for managers, profile and regulation for a CTV."""

from django.utils import timezone

from collaborators import selectors
from collaborators.models import Collaborator
from dluan.figures import kept, scope_key
from dluan.registry import Panel


def panels(request) -> list[Panel]:
    user = request.user
    regulation = selectors.regulation_in_force(user=user)
    if user.is_collaborator:
        collaborator = Collaborator.objects.filter(user=user).first()
        return [
            Panel(
                "collaborators/panels/collaborator.html",
                {
                    "collaborator": collaborator,
                    "regulation": regulation,
                    "acknowledgement": selectors.acknowledgement_of(
                        collaborator=collaborator, regulation=regulation
                    ),
                },
                order=90,
            )
        ]
    return [
        Panel(
            "collaborators/panels/roster.html",
            {
                "counts": kept(
                    "roster",
                    (
                        scope_key(user),
                        regulation and regulation.pk,
                        timezone.localdate(),
                    ),
                    lambda: selectors.roster_counts(user=user, regulation=regulation),
                ),
                "regulation": regulation,
                "days": selectors.TERM_ENDING_DAYS,
            },
            order=10,
        )
    ]
