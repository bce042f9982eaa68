"""Home-page panels: invitations and documents for collaborators, upcoming meetings for
staff; each reads only the fields its panel shows."""

from django.utils import timezone

from dluan.registry import Panel
from meetings.models import DocumentReceipt, Invitation, Meeting


def panels(request) -> list[Panel]:
    user = request.user
    if user.is_collaborator:
        invitations = list(
            Invitation.objects.visible_to(user)
            .filter(
                meeting__status=Meeting.Status.PLANNED,
                meeting__starts_at__gte=timezone.now(),
            )
            .select_related("meeting")
            .only(
                "response",
                "meeting__title",
                "meeting__starts_at",
                "meeting__place",
            )
            .order_by("meeting__starts_at")[:5]
        )
        unread = list(
            DocumentReceipt.objects.visible_to(user)
            .unread()
            .select_related("document")
            .only("document__title", "document__source")
            .order_by("-created_at")[:5]
        )
        result = []
        if invitations:
            result.append(
                Panel(
                    "meetings/panel_invitations.html", {"invitations": invitations}, 20
                )
            )
        if unread:
            result.append(
                Panel("meetings/panel_documents.html", {"receipts": unread}, 30)
            )
        return result
    # The panel shows each meeting's title, time and unit: only those are read.
    upcoming = list(
        Meeting.objects.visible_to(user)
        .upcoming()
        .select_related("unit")
        .only("title", "starts_at", "unit__name")[:5]
    )
    return [Panel("meetings/panel_upcoming.html", {"meetings": upcoming}, 40)]
