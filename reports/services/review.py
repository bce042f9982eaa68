"""Review by board staff: accept, return, rumour, topics, quality rating, archive."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dluan.models import User
from dluan.services import notification_send
from reports.models import OpinionReport, ReportEvent

from .base import lock_report, record_event

Status = OpinionReport.Status


def _require_status(report: OpinionReport, allowed: set[str]) -> None:
    if report.status not in allowed:
        raise ValidationError(
            _("This action is not possible while the report is “%(status)s”."),
            params={"status": report.get_status_display()},
            code="status",
        )


def _reviewed(report: OpinionReport, user: User) -> None:
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.version += 1


@transaction.atomic
def report_accept(*, report: OpinionReport, user: User, version: int) -> OpinionReport:
    report = lock_report(report, version)
    _require_status(report, {Status.SUBMITTED})
    report.status = Status.ACCEPTED
    report.accepted_at = timezone.now()
    _reviewed(report, user)
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.ACCEPTED,
        from_status=Status.SUBMITTED,
    )
    return report


@transaction.atomic
def report_return(
    *, report: OpinionReport, user: User, version: int, question: str
) -> OpinionReport:
    """Send a submitted report back to its author with a question."""
    question = (question or "").strip()
    if not question:
        raise ValidationError(
            {"question": _("Write the question the collaborator should answer.")}
        )
    report = lock_report(report, version)
    _require_status(report, {Status.SUBMITTED})
    report.status = Status.RETURNED
    _reviewed(report, user)
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.RETURNED,
        from_status=Status.SUBMITTED,
        note=question,
    )
    notification_send(
        recipients=[report.author.user],
        title=gettext("Your report was returned: %(title)s") % {"title": report.title},
        body=question,
        url=reverse("reports:report-detail", args=[report.pk]),
    )
    return report


@transaction.atomic
def report_mark_rumour(
    *,
    report: OpinionReport,
    user: User,
    version: int,
    is_rumour: bool = True,
    note: str = "",
) -> OpinionReport:
    report = lock_report(report, version)
    _require_status(report, {Status.SUBMITTED, Status.ACCEPTED})
    report.is_rumour = is_rumour
    _reviewed(report, user)
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.RUMOUR,
        from_status=report.status,
        note=note or (gettext("Rumour") if is_rumour else gettext("Not a rumour")),
    )
    return report


@transaction.atomic
def report_retag(
    *, report: OpinionReport, user: User, version: int, topics
) -> OpinionReport:
    report = lock_report(report, version)
    _require_status(report, {Status.SUBMITTED, Status.ACCEPTED})
    topics = list(topics)
    report.topics.set(topics)
    _reviewed(report, user)
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.RETAGGED,
        from_status=report.status,
        note=", ".join(t.name for t in topics),
    )
    return report


@transaction.atomic
def report_rate(
    *,
    report: OpinionReport,
    user: User,
    version: int,
    depth: int,
    balance: int,
    timeliness: int,
    usefulness: int,
    feedback: str = "",
) -> OpinionReport:
    """Rate a report's quality 1–5 on four counts, with feedback the author reads."""
    scores = {
        "quality_depth": depth,
        "quality_balance": balance,
        "quality_timeliness": timeliness,
        "quality_usefulness": usefulness,
    }
    if any(not isinstance(v, int) or not 1 <= v <= 5 for v in scores.values()):
        raise ValidationError(_("Each rating is a whole number from 1 to 5."))
    report = lock_report(report, version)
    _require_status(report, {Status.SUBMITTED, Status.ACCEPTED})
    for key, value in scores.items():
        setattr(report, key, value)
    report.feedback = (feedback or "").strip()
    _reviewed(report, user)
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.RATED,
        from_status=report.status,
        note=f"{depth}/{balance}/{timeliness}/{usefulness}",
    )
    if report.feedback:
        notification_send(
            recipients=[report.author.user],
            title=gettext("Feedback on your report: %(title)s")
            % {"title": report.title},
            body=report.feedback,
            url=reverse("reports:report-detail", args=[report.pk]),
        )
    return report


@transaction.atomic
def report_archive(
    *, report: OpinionReport, user: User, version: int | None = None, note: str = ""
) -> OpinionReport:
    """Archive a report (never deleted). An author may archive only a draft."""
    report = lock_report(report, version)
    if user.is_collaborator:
        if report.author.user_id != user.pk:
            raise ValidationError(_("This is not your report."), code="owner")
        _require_status(report, {Status.DRAFT})
    else:
        _require_status(
            report, {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED}
        )
    from_status = report.status
    report.status = Status.ARCHIVED
    report.version += 1
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.ARCHIVED,
        from_status=from_status,
        note=note,
    )
    return report
