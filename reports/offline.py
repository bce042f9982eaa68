"""The report pages a collaborator's phone keeps offline: the form and their drafts."""

from django.urls import reverse

from dluan.offline import DRAFT_PAGES
from reports.models import OpinionReport


def pages(user) -> list[str]:
    if not getattr(user, "is_collaborator", False):
        return []
    drafts = (
        OpinionReport.objects.visible_to(user)
        .filter(status__in=[OpinionReport.Status.DRAFT, OpinionReport.Status.RETURNED])
        .order_by("-updated_at", "-pk")
        .values_list("pk", flat=True)[:DRAFT_PAGES]
    )
    return [reverse("reports:report-create")] + [
        reverse("reports:report-edit", args=[pk]) for pk in drafts
    ]
