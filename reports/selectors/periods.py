"""Reads for periods and topics: the topic tree, a unit's focus topics."""

from reports.models import (
    FocusTopic,
    ReportingPeriod,
    Topic,
)


def focus_topics_for(unit, period=None):
    """Focus topics of ``unit`` and its ancestors for ``period`` (default: current)."""
    period = period or ReportingPeriod.objects.current()
    if unit is None or period is None:
        return FocusTopic.objects.none()
    return (
        FocusTopic.objects.filter(period=period, unit_id__in=unit.path_ids)
        .select_related("topic", "unit")
        .order_by("topic__name")
    )


def topic_choices():
    """Active topics, parents before their children."""
    topics = list(Topic.objects.active().select_related("parent"))
    by_parent = {}
    for topic in topics:
        by_parent.setdefault(topic.parent_id, []).append(topic)
    ordered = []

    def walk(parent_id, depth):
        for topic in sorted(by_parent.get(parent_id, []), key=lambda t: t.name):
            topic.depth = depth
            ordered.append(topic)
            walk(topic.pk, depth + 1)

    walk(None, 0)
    # Active children of a retired parent still appear, at the top level.
    seen = {t.pk for t in ordered}
    ordered += [t for t in topics if t.pk not in seen]
    return ordered
