"""Reporting periods, topics and focus topics."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit, User
from dluan.periods import period_bounds
from dluan.search import fold, nfc
from reports.models import FocusTopic, ReportingPeriod, Topic
from reports.topics import DEFAULT_TOPICS

# Reports may tell of what happened since 1 January this many years ago.
YEARS_BACK = 5
# Periods are made ahead of time, up to the end of this many years after today's.
YEARS_AHEAD = 2


def earliest_report_day(today: datetime.date | None = None) -> datetime.date:
    """The earliest date a report may give for what it tells of."""
    today = today or timezone.localdate()
    return datetime.date(today.year - YEARS_BACK, 1, 1)


def check_not_future(day: datetime.date | None) -> None:
    """Refuse a date after today: what a report or an answer tells of has happened."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


def check_report_day(day: datetime.date | None) -> None:
    """Refuse a report date in the future or before the earliest one allowed."""
    check_not_future(day)
    check_not_too_old(day)


def check_not_too_old(day: datetime.date | None) -> None:
    """Refuse a report date before the earliest one allowed."""
    earliest = earliest_report_day()
    if day is not None and day < earliest:
        raise ValidationError(
            _("The date cannot be earlier than %(date)s."),
            code="too_old",
            params={"date": earliest.strftime("%d/%m/%Y")},
        )


def period_for(
    *, day: datetime.date, today: datetime.date | None = None
) -> ReportingPeriod:
    """The period holding ``day``, created when it does not exist yet."""
    today = today or timezone.localdate()
    if not (
        earliest_report_day(today)
        <= day
        <= datetime.date(today.year + YEARS_AHEAD, 12, 31)
    ):
        raise ValidationError(
            _("There is no reporting period for %(date)s."),
            code="period_range",
            params={"date": f"{day.day:02d}/{day.month:02d}/{day.year:04d}"},
        )
    start, end, deadline = period_bounds(day)
    period = ReportingPeriod.objects.filter(start=start).first()
    if period is not None:
        return period
    try:
        with transaction.atomic():
            return ReportingPeriod.objects.create(
                start=start, end=end, deadline=deadline
            )
    except IntegrityError:
        # Another process created it between our read and write.
        return ReportingPeriod.objects.get(start=start)


def periods_ensure_ahead(
    *, today: datetime.date | None = None, ahead: int = 1, behind: int = 0
) -> list[ReportingPeriod]:
    """The current period and ``ahead`` periods after it (and ``behind`` before)."""
    today = today or timezone.localdate()
    current = period_for(day=today, today=today)
    periods = [current]
    day = current.end
    for _index in range(ahead):
        day = day + datetime.timedelta(days=1)
        period = period_for(day=day, today=today)
        periods.append(period)
        day = period.end
    day = current.start
    for _index in range(behind):
        day = day - datetime.timedelta(days=1)
        period = period_for(day=day, today=today)
        periods.insert(0, period)
        day = period.start
    return periods


def _check_topic_name(name: str, parent: Topic | None, exclude_pk=None) -> str:
    name = nfc(name).strip()
    if not name:
        raise ValidationError({"name": _("Give the topic a name.")})
    siblings = Topic.objects.filter(parent=parent).exclude(pk=exclude_pk)
    if any(
        fold(other) == fold(name) for other in siblings.values_list("name", flat=True)
    ):
        raise ValidationError(
            {"name": _("A topic with this name already exists here.")}
        )
    return name


@transaction.atomic
def topic_create(*, name: str, parent: Topic | None = None) -> Topic:
    name = _check_topic_name(name, parent)
    return Topic.objects.create(name=name, parent=parent)


@transaction.atomic
def topic_update(*, topic: Topic, name: str, parent: Topic | None) -> Topic:
    if parent is not None and (parent.pk == topic.pk or parent.parent_id == topic.pk):
        raise ValidationError({"parent": _("A topic cannot be placed under itself.")})
    topic.name = _check_topic_name(name, parent, exclude_pk=topic.pk)
    topic.parent = parent
    topic.save()
    return topic


@transaction.atomic
def topic_set_active(*, topic: Topic, active: bool) -> Topic:
    topic.is_active = active
    topic.save(update_fields=["is_active"])
    return topic


@transaction.atomic
def topics_seed_defaults() -> int:
    """Create the article's topics that are missing; returns how many were created."""
    created = 0
    for parent_name, children in DEFAULT_TOPICS:
        parent, made = Topic.objects.get_or_create(parent=None, name=nfc(parent_name))
        created += made
        for child in children:
            _topic, made = Topic.objects.get_or_create(parent=parent, name=nfc(child))
            created += made
    return created


@transaction.atomic
def focus_topics_set(
    *,
    period: ReportingPeriod,
    unit: OrgUnit,
    topics,
    user: User,
) -> list[FocusTopic]:
    """Make ``topics`` the focus topics of ``unit`` for ``period``, exactly."""
    wanted = {topic.pk: topic for topic in topics}
    current = FocusTopic.objects.filter(period=period, unit=unit)
    current.exclude(topic_id__in=wanted).delete()
    have = set(current.values_list("topic_id", flat=True))
    FocusTopic.objects.bulk_create(
        [
            FocusTopic(period=period, unit=unit, topic=topic)
            for pk, topic in wanted.items()
            if pk not in have
        ]
    )
    return list(FocusTopic.objects.filter(period=period, unit=unit))
