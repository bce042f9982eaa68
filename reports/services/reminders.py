"""Deadline reminders to collaborators and the weekly digest of who is missing.

Each job is safe to run twice, or twice at once: every notice carries a key that the
database accepts once per recipient (see ``dluan.services.notification_send``).
"""

import datetime
from bisect import bisect_left

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from collaborators.models import Collaborator
from dluan.models import User
from dluan.services import notification_send
from reports.models import OpinionReport, ReportingPeriod

# A periodic report in one of these states counts as filed; drafts and archived
# reports do not.
FILED_STATUSES = [
    OpinionReport.Status.SUBMITTED,
    OpinionReport.Status.RETURNED,
    OpinionReport.Status.ACCEPTED,
]
DIGEST_MAX_NAMES = 20


def reminder_days_before() -> int:
    return settings.REMINDER_DAYS_BEFORE_DEADLINE


def reminder_days_after() -> int:
    return settings.REMINDER_DAYS_AFTER_DEADLINE


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def not_filed(*, period: ReportingPeriod):
    """Active collaborators who have not filed ``period``'s periodic report."""
    filed = OpinionReport.objects.filter(
        author=OuterRef("pk"),
        period=period,
        kind=OpinionReport.Kind.PERIODIC,
        status__in=FILED_STATUSES,
    )
    return Collaborator.objects.active().filter(~Exists(filed))


def _remind(*, period: ReportingPeriod, key: str, title: str, body: str) -> int:
    missing = list(
        not_filed(period=period)
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user")
    )
    created = 0
    for wants_email in (True, False):
        created += len(
            notification_send(
                recipients=[
                    c.user for c in missing if c.reminder_emails == wants_email
                ],
                title=title,
                body=body,
                url=reverse("reports:report-create"),
                key=key,
                email=wants_email,
            )
        )
    return created


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind who has not filed, a few days before the deadline and the day after.

    Returns how many notifications were created (none for those already reminded).
    """
    today = today or timezone.localdate()
    created = 0
    before = today + datetime.timedelta(days=reminder_days_before())
    for period in ReportingPeriod.objects.filter(deadline=before):
        values = {"period": str(period), "deadline": _date(period.deadline)}
        created += _remind(
            period=period,
            key=f"reminder:before:{period.pk}",
            title=gettext(
                "Your report for the period %(period)s is due on %(deadline)s"
            )
            % values,
            body=gettext(
                "You have not filed your periodic report for this period yet. "
                "Please file it by %(deadline)s."
            )
            % values,
        )
    after = today - datetime.timedelta(days=reminder_days_after())
    for period in ReportingPeriod.objects.filter(deadline=after):
        values = {"period": str(period), "deadline": _date(period.deadline)}
        created += _remind(
            period=period,
            key=f"reminder:after:{period.pk}",
            title=gettext("Your report for the period %(period)s is overdue") % values,
            body=gettext(
                "The deadline was %(deadline)s and your periodic report has not "
                "been filed. Please file it as soon as you can."
            )
            % values,
        )
    return created


def missing_digest_send(*, today: datetime.date | None = None) -> int:
    """On Mondays, tell each unit's staff who in its subtree has not filed yet.

    Only once the current period's deadline is past or within the reminder window;
    one notice per staff user and week.
    """
    today = today or timezone.localdate()
    if today.weekday() != 0:
        return 0
    period = ReportingPeriod.objects.current(today)
    if period is None or period.deadline > today + datetime.timedelta(
        days=reminder_days_before()
    ):
        return 0
    staff_by_unit: dict[str, list[User]] = {}
    for user in User.objects.filter(
        role=User.Role.STAFF, is_active=True, org_unit__isnull=False
    ).select_related("org_unit"):
        staff_by_unit.setdefault(user.org_unit.path, []).append(user)
    if not staff_by_unit:
        return 0
    # One query for the whole tree, in path order: a subtree is then one slice.
    missing = list(
        not_filed(period=period)
        .order_by("unit__path", "full_name", "pk")
        .values_list("unit__path", "full_name")
    )
    paths = [path for path, _name in missing]
    year, week, _day = today.isocalendar()
    key = f"digest:{period.pk}:{year}-W{week:02d}"
    created = 0
    for unit_path, staff in staff_by_unit.items():
        # "~" sorts after the digits and "/" that make up a path.
        rows = missing[
            bisect_left(paths, unit_path) : bisect_left(paths, unit_path + "~")
        ]
        if not rows:
            continue
        names = sorted(name for _path, name in rows)[:DIGEST_MAX_NAMES]
        values = {
            "count": len(rows),
            "period": str(period),
            "deadline": _date(period.deadline),
            "names": "; ".join(names),
        }
        body = gettext("Period %(period)s, due %(deadline)s: %(names)s") % values
        if len(rows) > len(names):
            body += " " + gettext("and %(more)s more.") % {
                "more": len(rows) - len(names)
            }
        created += len(
            notification_send(
                recipients=staff,
                title=ngettext(
                    "Weekly digest: %(count)s collaborator has not filed the report",
                    "Weekly digest: %(count)s collaborators have not filed the report",
                    len(rows),
                )
                % values,
                body=body,
                url=reverse("collaborators:collaborator-list"),
                key=key,
            )
        )
    return created
