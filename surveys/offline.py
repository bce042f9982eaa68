"""The survey pages a collaborator's phone keeps offline: for each open survey they
are assigned (face to face), its interview list and its offline interview form."""

from contextlib import suppress

from django.urls import NoReverseMatch, reverse

from surveys.models import Survey


def pages(user) -> list[str]:
    if not getattr(user, "is_collaborator", False):
        return []
    surveys = (
        Survey.objects.visible_to(user)
        .open()
        .filter(mode__in=[Survey.Mode.FACE_TO_FACE, Survey.Mode.BOTH])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    urls = []
    for pk in surveys:
        urls.append(reverse("surveys:interview-list", args=[pk]))
        with suppress(NoReverseMatch):  # built with the server's side of issue 22
            urls.append(reverse("surveys:interview-offline", args=[pk]))
    return urls
