"""Issues: grouping reports, follow-ups with agencies, leaders' directions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dluan.models import User
from dluan.services import notification_send
from reports.models import Direction, FollowUp, Issue, OpinionReport, ReportEvent

from .base import ConflictError, lock_report, record_event, users_over

ISSUE_FIELDS = ("title", "description", "status", "severity", "outcome")


@transaction.atomic
def issue_refresh_seen(*, issue: Issue) -> Issue:
    """First and last seen from the linked reports; their areas join the issue's.

    A change bumps the version, so an edit form opened before it is refused.
    """
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    rows = list(
        OpinionReport.objects.filter(issue=locked)
        .exclude(status=OpinionReport.Status.ARCHIVED)
        .values_list("occurred_on", "submitted_at", "created_at", "area_id")
    )
    days = [
        occurred or timezone.localdate(submitted or created)
        for occurred, submitted, created, _area in rows
    ]
    first_seen = min(days) if days else None
    last_seen = max(days) if days else None
    areas = {area for *_rest, area in rows if area}
    new_areas = (
        areas - set(locked.areas.values_list("pk", flat=True)) if areas else set()
    )
    if (first_seen, last_seen) != (locked.first_seen, locked.last_seen) or new_areas:
        locked.first_seen, locked.last_seen = first_seen, last_seen
        locked.version += 1
        locked.save(update_fields=["first_seen", "last_seen", "version", "updated_at"])
        if new_areas:
            locked.areas.add(*new_areas)
    issue.first_seen, issue.last_seen = locked.first_seen, locked.last_seen
    issue.version = locked.version
    return issue


def _lock_issues(*issues: Issue | None) -> None:
    """Lock the issues' rows in one order, so two moves cannot deadlock."""
    pks = sorted({issue.pk for issue in issues if issue is not None})
    list(Issue.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def _check_issue_scope(report: OpinionReport, user: User) -> None:
    """Refuse to move a report out of an issue the user may not see."""
    if (
        report.issue_id is not None
        and not Issue.objects.visible_to(user).filter(pk=report.issue_id).exists()
    ):
        raise ValidationError(
            _(
                "This report belongs to an issue outside your unit; only the board "
                "staff responsible for that issue can move it."
            ),
            code="issue_scope",
        )


@transaction.atomic
def issue_create(
    *,
    user: User,
    title: str,
    description: str = "",
    severity: int = Issue.Severity.MEDIUM,
    status: str = Issue.Status.NEW,
    topics=(),
    areas=(),
    report: OpinionReport | None = None,
) -> Issue:
    """Open an issue in the user's unit, optionally from one report."""
    unit = user.org_unit or (report.unit if report else None)
    if unit is None:
        raise ValidationError(_("Your account has no unit; an issue needs one."))
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the issue a title.")})
    issue = Issue.objects.create(
        unit=unit,
        title=title,
        description=description or "",
        severity=severity,
        status=status,
        created_by=user,
    )
    issue.topics.set(topics)
    issue.areas.set(areas)
    if report is not None:
        issue.topics.add(*report.topics.all())
        report_link_issue(report=report, issue=issue, user=user)
    return issue


@transaction.atomic
def issue_update(*, issue: Issue, user: User, version: int, **fields) -> Issue:
    """Change an issue's text, status or severity; resolving it tells the reporters."""
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    if locked.version != version:
        raise ConflictError()
    old_status = locked.status
    for key in ISSUE_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key] if fields[key] is not None else "")
    resolved = locked.status == Issue.Status.RESOLVED
    if resolved and not locked.outcome.strip():
        raise ValidationError(
            {"outcome": _("Describe the outcome before marking the issue resolved.")}
        )
    if resolved and old_status != Issue.Status.RESOLVED:
        locked.resolved_at = timezone.now()
    locked.version += 1
    locked.save()
    if "topics" in fields:
        locked.topics.set(fields["topics"])
    if resolved and old_status != Issue.Status.RESOLVED:
        _notify_reporters(locked)
    return locked


def _notify_reporters(issue: Issue) -> None:
    recipients = User.objects.filter(
        collaborator__reports__issue=issue, is_active=True
    ).distinct()
    notification_send(
        recipients=recipients,
        title=gettext("An issue you reported on was resolved: %(title)s")
        % {"title": issue.title},
        body=issue.outcome,
        url=reverse("reports:issue-detail", args=[issue.pk]),
    )


@transaction.atomic
def report_link_issue(
    *, report: OpinionReport, issue: Issue, user: User
) -> OpinionReport:
    """Put a report into an issue, moving it from the one it was in."""
    report = lock_report(report, None)
    if not Issue.objects.visible_to(user).filter(pk=issue.pk).exists():
        raise ValidationError(
            _("You can only add reports to issues of your unit."), code="issue_scope"
        )
    _check_issue_scope(report, user)
    if report.status not in {
        OpinionReport.Status.SUBMITTED,
        OpinionReport.Status.ACCEPTED,
    }:
        raise ValidationError(
            _("Only submitted or accepted reports can be added to an issue.")
        )
    if report.issue_id == issue.pk:
        return report
    previous = report.issue
    _lock_issues(issue, previous)
    report.issue = issue
    report.version += 1
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.LINKED,
        from_status=report.status,
        note=issue.title,
    )
    issue_refresh_seen(issue=issue)
    if previous is not None:
        # Moved from another issue: that one's first and last seen change too.
        issue_refresh_seen(issue=previous)
    return report


@transaction.atomic
def report_unlink_issue(*, report: OpinionReport, user: User) -> OpinionReport:
    """Take a report out of its issue."""
    report = lock_report(report, None)
    issue = report.issue
    if issue is None:
        return report
    _check_issue_scope(report, user)
    report.issue = None
    report.version += 1
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.UNLINKED,
        from_status=report.status,
        note=issue.title,
    )
    issue_refresh_seen(issue=issue)
    return report


@transaction.atomic
def followup_create(
    *, issue: Issue, agency: str, request: str, due_date: datetime.date, user: User
) -> FollowUp:
    """Ask an agency to act on an issue by a date."""
    errors = {}
    if not (agency or "").strip():
        errors["agency"] = _("Name the responsible agency.")
    if not (request or "").strip():
        errors["request"] = _("Say what the agency is asked to do.")
    if due_date is None:
        errors["due_date"] = _("Give a due date.")
    if errors:
        raise ValidationError(errors)
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    follow_up = FollowUp.objects.create(
        issue=locked,
        agency=agency.strip(),
        request=request.strip(),
        due_date=due_date,
        created_by=user,
    )
    if locked.status == Issue.Status.NEW:
        # A version bump: an edit form opened before this cannot put "new" back.
        locked.status = Issue.Status.HANDLING
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        issue.status, issue.version = locked.status, locked.version
    return follow_up


@transaction.atomic
def followup_respond(
    *, follow_up: FollowUp, response: str, responded_on: datetime.date, user: User
) -> FollowUp:
    """Record the agency's response and its date."""
    if not (response or "").strip():
        raise ValidationError({"response": _("Write the agency's response.")})
    if responded_on is None or responded_on > timezone.localdate():
        raise ValidationError({"responded_on": _("The date cannot be in the future.")})
    follow_up.response = response.strip()
    follow_up.responded_on = responded_on
    follow_up.save(update_fields=["response", "responded_on"])
    return follow_up


@transaction.atomic
def direction_create(
    *, issue: Issue, user: User, text: str, due_date: datetime.date | None = None
) -> Direction:
    """A leader's direction on an issue; the unit's staff are told."""
    if not (user.is_leader or user.is_superuser):
        raise ValidationError(_("Only leaders give directions."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the direction.")})
    direction = Direction.objects.create(
        issue=issue, author=user, text=text.strip(), due_date=due_date
    )
    notification_send(
        recipients=users_over(issue.unit, [User.Role.STAFF]),
        title=gettext("New direction on: %(title)s") % {"title": issue.title},
        body=direction.text,
        url=reverse("reports:issue-detail", args=[issue.pk]),
    )
    return direction


def followups_flag_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate each overdue follow-up once: leaders and staff of its unit are told."""
    today = today or timezone.localdate()
    flagged = 0
    pending = (
        FollowUp.objects.overdue(on=today)
        .filter(escalated_at__isnull=True)
        .select_related("issue__unit")
    )
    for follow_up in pending:
        with transaction.atomic():
            row = (
                FollowUp.objects.select_for_update()
                .filter(pk=follow_up.pk, escalated_at__isnull=True)
                .first()
            )
            if row is None:
                continue
            row.escalated_at = timezone.now()
            row.save(update_fields=["escalated_at"])
            issue = follow_up.issue
            notification_send(
                recipients=users_over(issue.unit, [User.Role.LEADER, User.Role.STAFF]),
                title=gettext("Follow-up overdue: %(agency)s")
                % {"agency": follow_up.agency},
                body=gettext("%(request)s (due %(due)s) on the issue “%(issue)s”.")
                % {
                    "request": follow_up.request,
                    "due": follow_up.due_date.strftime("%d/%m/%Y"),
                    "issue": issue.title,
                },
                url=reverse("reports:issue-detail", args=[issue.pk]),
            )
            flagged += 1
    return flagged
