"""The brief's charts (the generic bars are dluan.document.charts')."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dluan.document.charts import horizontal_bars, stacked_bars
from reports.models import OpinionStream

# Dark fills: white figures inside them and black labels beside them both read
# at a contrast above 4.5:1, and they stay apart when printed in grey.
DIRECTION_COLOURS = {
    "support": "#1b5e20",
    "oppose": "#b71c1c",
    "concern": "#bf360c",
    "unclear": "#546e7a",
}
DIRECTIONS = ("support", "oppose", "concern", "unclear")


def _direction_series() -> list[tuple[str, str]]:
    labels = OpinionStream.Direction
    return [(str(labels(code).label), DIRECTION_COLOURS[code]) for code in DIRECTIONS]


def direction_bars(snapshot: dict) -> SafeString:
    """The period's opinion streams by direction."""
    directions = snapshot.get("directions", {})
    items = [
        (label, (directions.get(code) or {}).get("value"))
        for code, (label, _colour) in zip(DIRECTIONS, _direction_series(), strict=True)
    ]
    return horizontal_bars(_("Opinion streams by direction"), items)


def topic_direction_stacked(snapshot: dict) -> SafeString:
    """Each topic's streams, split by direction."""
    rows = [
        (topic.get("name", ""), [int(topic.get(code) or 0) for code in DIRECTIONS])
        for topic in snapshot.get("topics", [])
    ]
    return stacked_bars(
        _("Opinion streams by topic and direction"), rows, _direction_series()
    )


def reporting_rates(snapshot: dict) -> SafeString:
    """The reporting rate of each sub-unit and of the whole unit, in per cent."""
    discipline = snapshot.get("discipline", {})
    items = [
        (child.get("name", ""), child.get("reporting_rate"))
        for child in discipline.get("children", [])
    ]
    total = discipline.get("total") or {}
    items.append((_("Whole unit"), total.get("reporting_rate")))
    return horizontal_bars(_("Reporting rate by unit"), items, maximum=100, suffix="%")
