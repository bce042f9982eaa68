"""Filing: drafts saved as the collaborator writes, attachments, submission."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.models import User
from dluan.services import notification_send
from dluan.uploads import CheckedFile
from reports.models import Attachment, OpinionReport, OpinionStream, ReportEvent

from .base import lock_report, record_event, users_over
from .discipline import discipline_compute
from .periods import check_not_too_old, period_for

REPORT_FIELDS = (
    "kind",
    "title",
    "area",
    "occurred_on",
    "description",
    "proposals",
    "urgency",
)
STREAM_FIELDS = (
    "summary",
    "direction",
    "breadth",
    "intensity",
    "social_groups",
    "channels",
    "is_rumour",
)


class BalancePromptRequired(ValidationError):
    """Every stream is supportive and nothing is proposed: ask before submitting."""

    def __init__(self):
        super().__init__(
            _(
                "Every opinion stream in this report is supportive and it proposes "
                "nothing. Add the other side (concerns, opposition, proposals) or "
                "confirm that this is what people think."
            ),
            code="balance",
        )


def _check_area(author: Collaborator, area) -> None:
    if area is None:
        return
    paths = [unit.path for unit in author.coverage_areas.all()]
    if not any(area.path.startswith(path) for path in paths):
        raise ValidationError(
            {"area": _("Choose an area within your coverage areas.")}, code="area"
        )


def _check_date(day) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(
            {"occurred_on": _("The date cannot be in the future.")}, code="future"
        )
    try:
        check_not_too_old(day)
    except ValidationError as error:
        raise ValidationError({"occurred_on": error}) from None


def _save_streams(report: OpinionReport, streams: list[dict]) -> list[OpinionStream]:
    # A draft's streams are rewritten as a whole: the form always sends all of them.
    report.streams.all().delete()
    rows = []
    for position, data in enumerate(streams):
        values = {key: data[key] for key in STREAM_FIELDS if key in data}
        values["summary"] = (values.get("summary") or "").strip()
        values["direction"] = values.get("direction") or ""
        values["breadth"] = values.get("breadth") or None
        values["intensity"] = values.get("intensity") or OpinionStream.Intensity.MEDIUM
        values["social_groups"] = list(values.get("social_groups") or [])
        values["channels"] = list(values.get("channels") or [])
        rows.append(OpinionStream(report=report, position=position, **values))
    for row in rows:
        row.save()
    return rows


def check_attachment_count(*, existing: int, added: int) -> None:
    """Refuse files that would take a report past REPORT_MAX_ATTACHMENTS."""
    limit = settings.REPORT_MAX_ATTACHMENTS
    if added and existing + added > limit:
        raise ValidationError(
            {
                "attachments": ValidationError(
                    _(
                        "A report can hold at most %(limit)s files; with these it "
                        "would hold %(total)s. Nothing was saved: choose fewer files "
                        "or remove some from the report."
                    ),
                    params={"limit": limit, "total": existing + added},
                    code="too_many_files",
                )
            }
        )


def attachments_add(
    *, report: OpinionReport, user: User, files: Iterable[CheckedFile]
) -> list[Attachment]:
    """Store checked uploads on a report the user may still change, within
    REPORT_MAX_ATTACHMENTS (call it with the report locked)."""
    files = list(files)
    check_attachment_count(
        existing=report.attachments.present().count(), added=len(files)
    )
    saved = []
    for checked in files:
        attachment = Attachment(
            report=report,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=user,
        )
        attachment.file.save(checked.name, checked.file, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: User) -> Attachment:
    """The author takes a file off their draft or returned report; the file is kept."""
    report = lock_report(attachment.report, None)
    if report.author.user_id != user.pk:
        raise ValidationError(_("This is not your report."), code="owner")
    if not report.is_editable_by_author:
        raise ValidationError(
            _("This report has been submitted and can no longer be changed."),
            code="locked",
        )
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.is_removed:
        return attachment
    attachment.removed_at = timezone.now()
    attachment.removed_by = user
    attachment.save(update_fields=["removed_at", "removed_by"])
    report.version += 1
    report.save(update_fields=["version", "updated_at"])
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.ATTACHMENT_REMOVED,
        from_status=report.status,
        note=attachment.original_name,
    )
    return attachment


@transaction.atomic
def report_save_draft(
    *,
    author: Collaborator,
    user: User,
    report: OpinionReport | None = None,
    data: dict,
    topics=None,
    streams: list[dict] | None = None,
    files: Iterable[CheckedFile] = (),
) -> OpinionReport:
    """Create or update a collaborator's draft (or returned report) with what is given.

    Only the keys present in ``data`` change, so an autosave with some invalid
    fields still keeps the valid ones.
    """
    creating = report is None
    if creating:
        report = OpinionReport(author=author, unit=author.unit)
    else:
        report = lock_report(report, None)
        if report.author_id != author.pk:
            raise ValidationError(_("This is not your report."), code="owner")
        if not report.is_editable_by_author:
            raise ValidationError(
                _("This report has been submitted and can no longer be changed."),
                code="locked",
            )
    values = {key: data[key] for key in REPORT_FIELDS if key in data}
    if "area" in values:
        _check_area(author, values["area"])
    if "occurred_on" in values:
        _check_date(values["occurred_on"])
    for key, value in values.items():
        if key in {"title", "description", "proposals"}:
            value = (value or "").strip() if key == "title" else value or ""
        setattr(report, key, value)
    report.period = period_for(day=report.occurred_on or timezone.localdate())
    if not creating:
        report.version += 1
    report.save()
    if topics is not None:
        report.topics.set(topics)
    saved_streams = (
        _save_streams(report, streams)
        if streams is not None
        else list(report.streams.all())
    )
    attachments_add(report=report, user=user, files=files)
    report.refresh_search_text(saved_streams)
    OpinionReport.objects.filter(pk=report.pk).update(search_text=report.search_text)
    if creating:
        record_event(report=report, actor=user, action=ReportEvent.Action.CREATED)
    return report


def _check_complete(report: OpinionReport, streams: list[OpinionStream]) -> None:
    errors = {}
    if not report.title.strip():
        errors["title"] = _("Give the report a title.")
    if report.area_id is None:
        errors["area"] = _("Choose the area the report is about.")
    if not streams:
        errors["__all__"] = _("Add at least one opinion stream: what people say.")
    elif any(not s.summary or not s.direction or not s.breadth for s in streams):
        errors["__all__"] = _(
            "Every opinion stream needs what people say, its direction and its breadth."
        )
    if errors:
        raise ValidationError(errors, code="incomplete")
    _check_date(report.occurred_on)


@transaction.atomic
def report_submit(
    *,
    report: OpinionReport,
    user: User,
    answer: str = "",
    confirm_balance: bool = False,
) -> OpinionReport:
    """Send a draft, or a returned report with the answer, to the board."""
    report = lock_report(report, None)
    if report.author.user_id != user.pk:
        raise ValidationError(_("This is not your report."), code="owner")
    if not report.is_editable_by_author:
        raise ValidationError(
            _("This report has been submitted and can no longer be changed."),
            code="locked",
        )
    streams = list(report.streams.all())
    _check_complete(report, streams)
    returned = report.status == OpinionReport.Status.RETURNED
    answer = (answer or "").strip()
    if returned and not answer:
        raise ValidationError(
            {"answer": _("Answer the board's question before resubmitting.")},
            code="answer",
        )
    one_sided = report.is_one_sided(streams)
    if one_sided and not (confirm_balance or report.balance_confirmed):
        raise BalancePromptRequired()
    from_status = report.status
    report.balance_confirmed = one_sided
    report.status = OpinionReport.Status.SUBMITTED
    now = timezone.now()
    first_submission = report.submitted_at is None
    report.submitted_at = report.submitted_at or now
    report.period = period_for(day=report.occurred_on or timezone.localdate(now))
    report.version += 1
    report.refresh_search_text(streams)
    report.save()
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.RESUBMITTED
        if returned
        else ReportEvent.Action.SUBMITTED,
        from_status=from_status,
        note=answer,
    )
    if report.is_urgent and first_submission:
        _notify_urgent(report)
    if report.kind == OpinionReport.Kind.PERIODIC and report.period_id:
        discipline_compute(period=report.period, collaborator_ids=[report.author_id])
    return report


def _notify_urgent(report: OpinionReport) -> None:
    recipients = users_over(report.unit, [User.Role.STAFF, User.Role.ADMIN])
    notification_send(
        recipients=recipients,
        title=gettext("Urgent report: %(title)s") % {"title": report.title},
        body=gettext("%(author)s (%(unit)s) sent an urgent report.")
        % {"author": report.author.full_name, "unit": report.unit.name},
        url=reverse("reports:report-detail", args=[report.pk]),
    )
