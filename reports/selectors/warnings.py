"""Reads for early warnings: the list, its rows, the home panels."""

from django.db.models import F

from reports.models import (
    EarlyWarning,
    OpinionReport,
)


def warnings_list(user, *, kind: str = "", show: str = "open"):
    """Warnings in the user's scope: open ones first, then the newest."""
    queryset = EarlyWarning.objects.visible_to(user)
    if kind:
        queryset = queryset.filter(kind=kind)
    if show != "all":
        queryset = queryset.open()
    return queryset.order_by(
        F("acknowledged_at").desc(nulls_first=True), "-raised_at", "-pk"
    )


def warning_rows(keys):
    """A page's warnings (keys already scoped and filtered), with what they show."""
    return EarlyWarning.objects.filter(pk__in=keys).with_related()


def with_visible_reports(user, warnings) -> list:
    """``warnings`` with ``reports`` set: (id, title) of those the user may see."""
    warnings = list(warnings)
    ids = {pk for warning in warnings for pk in warning.report_ids}
    titles = dict(
        OpinionReport.objects.visible_to(user)
        .filter(pk__in=ids)
        .values_list("pk", "title")
        if ids
        else []
    )
    for warning in warnings:
        warning.reports = [
            (pk, titles[pk]) for pk in warning.report_ids if pk in titles
        ]
    return warnings


def open_warnings(user, limit=5):
    """The newest open warnings of the user's scope, for the home panels."""
    return (
        EarlyWarning.objects.visible_to(user)
        .open()
        .select_related("unit")
        .only("title", "raised_at", "unit__name")
        .order_by("-raised_at", "-pk")[:limit]
    )
