"""Filing: drafts saved as the collaborator writes, attachments, submission."""

import uuid
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
from dluan.outbox import lock_item
from dluan.services import notification_send
from dluan.uploads import CheckedFile
from reports.models import Attachment, OpinionReport, OpinionStream, ReportEvent
from reports.selectors.filing import covers

from .base import lock_report, record_event, users_over
from .discipline import discipline_compute
from .periods import check_report_day, period_for

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


# What a submission needs of the report, and what to say when it is missing. The
# report form makes these fields required when submitting, so a collaborator
# reads the message by the field; other callers read these.
REQUIRED_TO_SUBMIT = {
    "title": _("Give the report a title."),
    "area": _("Choose the area the report is about."),
}
STREAM_REQUIRED_TO_SUBMIT = ("summary", "direction", "breadth")


def _check_editable(report: OpinionReport, *, user: User, author=None) -> None:
    """Only the author changes a report, and only while it is a draft or returned."""
    if report.author.user_id != user.pk or (
        author is not None and report.author_id != author.pk
    ):
        raise ValidationError(_("This is not your report."), code="owner")
    if not report.is_editable_by_author:
        raise ValidationError(
            _("This report has been submitted and can no longer be changed."),
            code="locked",
        )


def _check_area(author: Collaborator, area) -> None:
    if area is not None and not covers(author, area):
        raise ValidationError(
            {"area": _("Choose an area within your coverage areas.")}, code="area"
        )


def _check_date(day) -> None:
    try:
        check_report_day(day)
    except ValidationError as error:
        raise ValidationError({"occurred_on": error}) from None


def _stream_rows(report: OpinionReport, streams: list[dict]) -> list[OpinionStream]:
    """The streams as sent, not yet saved: the form always sends all of them."""
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
    *,
    report: OpinionReport,
    user: User,
    files: Iterable[CheckedFile],
    existing: int | None = None,
) -> list[Attachment]:
    """Store checked uploads on a report the user may still change, within
    REPORT_MAX_ATTACHMENTS (call it with the report locked). ``existing``: how
    many files it holds, when the caller knows (a report it has just made)."""
    files = list(files)
    if not files:
        return []
    if existing is None:
        existing = report.attachments.present().count()
    check_attachment_count(existing=existing, added=len(files))
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
    _check_editable(report, user=user)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.is_removed:
        return attachment
    attachment.removed_at = timezone.now()
    attachment.removed_by = user
    attachment.save(update_fields=["removed_at", "removed_by"])
    report.version += 1
    report.content_digest = ""  # an item sent again now adds its file again
    report.save(update_fields=["version", "content_digest", "updated_at"])
    record_event(
        report=report,
        actor=user,
        action=ReportEvent.Action.ATTACHMENT_REMOVED,
        from_status=report.status,
        note=attachment.original_name,
    )
    return attachment


def report_save_draft(
    *,
    author: Collaborator,
    user: User,
    report: OpinionReport | None = None,
    data: dict,
    topics=None,
    streams: list[dict] | None = None,
    files: Iterable[CheckedFile] = (),
    client_id: uuid.UUID | None = None,
) -> OpinionReport:
    """Create or update a collaborator's draft (or returned report) with what is given.

    Only the keys present in ``data`` change, so an autosave with some invalid
    fields still keeps the valid ones. With ``client_id`` (the form's item), a
    new draft is made under it, or the author's draft already under it is
    updated (an autosave whose answer was lost made it); one already submitted
    refuses with code ``"sent"``.
    """
    with transaction.atomic():
        if client_id is not None:
            lock_item("report", author.pk, client_id)
            if report is None:
                report = (
                    OpinionReport.objects.select_for_update()
                    .filter(author=author, client_id=client_id)
                    .first()
                )
                if report is not None and not report.is_editable_by_author:
                    raise ValidationError(
                        _("This report has been sent already."), code="sent"
                    )
            elif OpinionReport.objects.filter(
                author=author, client_id=client_id
            ).exists():
                client_id = None  # the id is another report's of theirs
        return report_file(
            author=author,
            user=user,
            report=report,
            data=data,
            topics=topics,
            streams=streams,
            files=files,
            client_id=client_id,
        )


def report_submit(
    *,
    report: OpinionReport,
    user: User,
    answer: str = "",
    confirm_balance: bool = False,
) -> OpinionReport:
    """Send a draft, or a returned report with the answer, to the board, as it is."""
    return report_file(
        user=user,
        report=report,
        data={},
        submit=True,
        answer=answer,
        confirm_balance=confirm_balance,
    )


def report_file(
    *,
    user: User,
    author: Collaborator | None = None,
    report: OpinionReport | None = None,
    data: dict,
    topics=None,
    streams: list[dict] | None = None,
    files: Iterable[CheckedFile] = (),
    submit: bool = False,
    answer: str = "",
    confirm_balance: bool = False,
    client_id: uuid.UUID | None = None,
    digest: str | None = None,
    locked: bool = False,
) -> OpinionReport:
    """Save what the collaborator wrote and, with ``submit``, send it to the board.

    One transaction: the report is locked, its period derived and its version
    raised once. Only the keys present in ``data`` change (``topics``,
    ``streams``: when given); ``author`` is needed to create a report. A
    submission the report is not ready for (no stream, one-sided, no answer)
    still keeps what was written as a draft, then raises; the error's ``report``
    is that draft. ``client_id`` is given to a report that has none yet (the
    caller checks the author has no other under it); ``digest`` records what
    the item sent (see :mod:`reports.services.items`).
    """
    # Locked: the caller's transaction holds the row, and whatever this raises
    # ends that transaction too (see report_file_item): no savepoint is needed.
    with transaction.atomic(savepoint=not locked):
        creating = report is None
        if creating:
            report = OpinionReport(author=author, unit_id=author.unit_id)
        else:
            if not locked:  # else the caller holds the row, read in this transaction
                report = lock_report(report, None)
            if author is not None and report.author_id == author.pk:
                report.author = author  # the same row, its coverage areas read once
            _check_editable(report, user=user, author=author)
        if client_id is not None and report.client_id is None:
            report.client_id = client_id
        # What the last item sent; any other change makes its repeat new again.
        report.content_digest = digest or ""
        values = {key: data[key] for key in REPORT_FIELDS if key in data}
        if "area" in values:
            _check_area(report.author, values["area"])
        if "occurred_on" in values:
            _check_date(values["occurred_on"])
        for key, value in values.items():
            if key in {"title", "description", "proposals"}:
                value = (value or "").strip() if key == "title" else value or ""
            setattr(report, key, value)
        if streams is not None:
            rows = _stream_rows(report, streams)
        else:
            rows = [] if creating else list(report.streams.all())
        from_status = report.status
        refusal, first = None, report.submitted_at is None
        if submit:
            try:
                _make_submitted(report, rows, answer=answer, confirm=confirm_balance)
            except ValidationError as error:
                written = values or topics is not None or streams is not None or files
                if not (creating or written):
                    raise  # nothing was written: nothing to keep
                refusal = error
        now = timezone.now()
        report.period = period_for(day=report.occurred_on or timezone.localdate(now))
        if not creating:
            report.version += 1
        report.refresh_search_text(rows)
        report.save()
        if topics is not None:
            if not creating:
                report.topics.set(topics)
            elif topics := list(topics):
                report.topics.add(*topics)
        if streams is not None:
            if not creating:  # a draft's streams are rewritten as a whole
                report.streams.all().delete()
            for row in rows:
                row.save()
        attachments_add(
            report=report, user=user, files=files, existing=0 if creating else None
        )
        events = []
        if creating:
            events.append(
                _event(
                    report,
                    user,
                    ReportEvent.Action.CREATED,
                    to_status=OpinionReport.Status.DRAFT,
                )
            )
        submitted = submit and refusal is None
        if submitted:
            returned = from_status == OpinionReport.Status.RETURNED
            events.append(
                _event(
                    report,
                    user,
                    ReportEvent.Action.RESUBMITTED
                    if returned
                    else ReportEvent.Action.SUBMITTED,
                    from_status=from_status,
                    note=(answer or "").strip(),
                )
            )
        ReportEvent.objects.bulk_create(events)  # the steps of this save, in order
        if submitted:
            _submitted(report, first=first)
    if refusal is not None:
        refusal.report = report
        raise refusal
    return report


def _make_submitted(
    report: OpinionReport, streams: list[OpinionStream], *, answer: str, confirm: bool
) -> None:
    """Check that ``report`` may be sent as it stands, and mark it sent."""
    errors = {
        field: message
        for field, message in REQUIRED_TO_SUBMIT.items()
        if not report.serializable_value(field)
    }
    if not streams:
        errors["__all__"] = _("Add at least one opinion stream: what people say.")
    elif any(
        not getattr(s, field) for s in streams for field in STREAM_REQUIRED_TO_SUBMIT
    ):
        errors["__all__"] = _(
            "Every opinion stream needs what people say, its direction and its breadth."
        )
    if errors:
        raise ValidationError(errors, code="incomplete")
    _check_date(report.occurred_on)
    if report.status == OpinionReport.Status.RETURNED and not (answer or "").strip():
        raise ValidationError(
            {"answer": _("Answer the board's question before resubmitting.")},
            code="answer",
        )
    one_sided = report.is_one_sided(streams)
    if one_sided and not (confirm or report.balance_confirmed):
        raise BalancePromptRequired()
    report.balance_confirmed = one_sided
    report.status = OpinionReport.Status.SUBMITTED
    report.submitted_at = report.submitted_at or timezone.now()


def _event(
    report: OpinionReport,
    user: User,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> ReportEvent:
    """A step in the report's history, as :func:`record_event` makes it, unsaved."""
    return ReportEvent(
        report=report,
        actor=user,
        action=action,
        from_status=from_status,
        to_status=to_status or report.status,
        note=note,
    )


def _submitted(report: OpinionReport, *, first: bool) -> None:
    """What follows a submission (its event is written): the urgent notice, the
    author's reporting record."""
    if report.is_urgent and first:
        _notify_urgent(report)
    if report.kind == OpinionReport.Kind.PERIODIC and report.period_id:
        discipline_compute(period=report.period, collaborator_ids=[report.author_id])


def _notify_urgent(report: OpinionReport) -> None:
    recipients = users_over(report.unit, [User.Role.STAFF, User.Role.ADMIN])
    notification_send(
        recipients=recipients,
        title=gettext("Urgent report: %(title)s") % {"title": report.title},
        body=gettext("%(author)s (%(unit)s) sent an urgent report.")
        % {"author": report.author.full_name, "unit": report.unit.name},
        url=reverse("reports:report-detail", args=[report.pk]),
    )
