"""The dashboard on the staff's and leaders' home pages."""

from dluan.registry import Panel
from summaries import selectors


def panels(request) -> list[Panel]:
    user = request.user
    if user.is_collaborator or user.org_unit_id is None:
        return []
    data = selectors.dashboard(user)
    if data is None:
        return []
    return [
        Panel("summaries/panels/summary.html", data, order=5),
        Panel("summaries/panels/trend.html", data, order=6),
    ]
