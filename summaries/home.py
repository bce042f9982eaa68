"""The dashboard on the staff's and leaders' home pages."""

from django.urls import reverse

from dluan.registry import Panel
from summaries import selectors


def panels(request) -> list[Panel]:
    user = request.user
    if user.is_collaborator or user.org_unit_id is None:
        return []
    data = selectors.dashboard(user)
    if data is None:
        return []
    # The figures and the trend's cells link to the queue: its address is looked
    # up once, not once a cell.
    data["queue_url"] = reverse("reports:report-queue")
    return [
        Panel("summaries/panels/summary.html", data, order=5),
        Panel("summaries/panels/trend.html", data, order=6),
    ]
