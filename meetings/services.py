"""Writes for briefings and reference documents; each leaves the database valid or unchanged."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from collaborators.models import Collaborator
from dluan.audit_bulk import BulkChanges
from dluan.models import User
from dluan.services import notification_send
from dluan.uploads import DOCUMENTS, check_upload
from meetings.models import (
    AgendaItem,
    Attendance,
    DocumentReceipt,
    Invitation,
    Meeting,
    MeetingAction,
    ReferenceDocument,
)
from meetings.selectors import agenda_proposal
from reports.models import Issue, ReportingPeriod
from reports.services import followup_create

PERIODIC_DEFAULT_HOUR = 8


# How far ahead a meeting may be dated; a later date is a typing slip.
MAX_YEARS_AHEAD = 2


def _check_not_past(starts_at: datetime.datetime) -> None:
    if starts_at < timezone.now():
        raise ValidationError(
            {"starts_on": _("A planned meeting cannot be dated in the past.")}
        )


def _check_not_too_far(starts_at: datetime.datetime) -> None:
    today = timezone.localdate()
    try:
        limit = today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)
    if timezone.localdate(starts_at) > limit:
        raise ValidationError(
            {
                "starts_on": _(
                    "A meeting cannot be dated more than %(years)s years ahead."
                )
                % {"years": MAX_YEARS_AHEAD}
            }
        )


def _users_of(collaborators: Iterable[Collaborator]) -> list[User]:
    return [c.user for c in collaborators if c.user_id is not None]


def _default_invitees(unit):
    return Collaborator.objects.active().in_subtree(unit)


def _invite(bulk: BulkChanges, meeting: Meeting, collaborators) -> None:
    # Callers hold the meeting new or locked: no other invitation can race these.
    bulk.create([Invitation(meeting=meeting, collaborator=c) for c in collaborators])


@transaction.atomic
def meeting_schedule(
    *,
    user: User,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    place: str = "",
    chair: str = "",
) -> Meeting:
    """Plan a meeting of the user's unit; its invitees default to the active roster."""
    if user.org_unit_id is None:
        raise ValidationError(_("Your account belongs to no unit."))
    _check_not_past(starts_at)
    _check_not_too_far(starts_at)
    period = None
    if kind == Meeting.Kind.PERIODIC:
        period = ReportingPeriod.objects.containing(timezone.localdate(starts_at))
        if period is None:
            raise ValidationError(
                {"starts_on": _("No reporting period contains this date.")}
            )
        if Meeting.objects.filter(
            unit=user.org_unit, period=period, kind=Meeting.Kind.PERIODIC
        ).exists():
            raise ValidationError(
                {"kind": _("This period already has its periodic briefing.")}
            )
    meeting = Meeting.objects.create(
        kind=kind,
        period=period,
        unit=user.org_unit,
        title=title,
        starts_at=starts_at,
        place=place,
        chair=chair,
        created_by=user,
    )
    with BulkChanges(actor=user) as bulk:
        _invite(bulk, meeting, _default_invitees(meeting.unit))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: User,
    title: str,
    starts_at: datetime.datetime,
    place: str = "",
    chair: str = "",
) -> Meeting:
    """Change a meeting's title, date, place or chair."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    if meeting.is_planned:
        _check_not_past(starts_at)
    _check_not_too_far(starts_at)
    day = timezone.localdate(starts_at)
    if meeting.period_id and not meeting.period.start <= day <= meeting.period.end:
        raise ValidationError(
            {"starts_on": _("A periodic briefing stays inside its reporting period.")}
        )
    moved = starts_at != meeting.starts_at
    meeting.title = title
    meeting.starts_at = starts_at
    meeting.place = place
    meeting.chair = chair
    meeting.save()
    if moved and meeting.is_planned:
        invitations = meeting.invitations.sent().select_related("collaborator__user")
        notification_send(
            recipients=_users_of(i.collaborator for i in invitations),
            title=_("Meeting moved: %(title)s") % {"title": meeting.title},
            body=_describe(meeting),
            url=meeting.get_absolute_url(),
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user: User) -> Meeting:
    """Cancel a planned meeting and tell the invitees."""
    if not meeting.is_planned:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    invitations = meeting.invitations.sent().select_related("collaborator__user")
    notification_send(
        recipients=_users_of(i.collaborator for i in invitations),
        title=_("Meeting cancelled: %(title)s") % {"title": meeting.title},
        url=meeting.get_absolute_url(),
    )
    return meeting


def _describe(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.starts_at)
    return _("%(date)s at %(time)s, %(place)s") % {
        "date": when.strftime("%d/%m/%Y"),
        "time": when.strftime("%H:%M"),
        "place": meeting.place or "—",
    }


def _periodic_starts_at(period: ReportingPeriod) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    starts = datetime.datetime.combine(
        period.end, datetime.time(PERIODIC_DEFAULT_HOUR), tzinfo=tz
    )
    tomorrow = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=1),
        datetime.time(PERIODIC_DEFAULT_HOUR),
        tzinfo=tz,
    )
    return max(starts, tomorrow)


def meeting_ensure_periodic(*, on: datetime.date | None = None) -> int:
    """Create the periodic briefing of each unit with staff, for this and the next period.

    Safe to run twice: an existing one is kept; no current period means nothing.
    """
    current = ReportingPeriod.objects.current(on)
    if current is None:
        return 0
    periods = [current]
    following = (
        ReportingPeriod.objects.filter(start__gt=current.end).order_by("start").first()
    )
    if following is not None:
        periods.append(following)
    units = {
        u.org_unit
        for u in User.objects.filter(
            role=User.Role.STAFF, is_active=True, org_unit__isnull=False
        ).select_related("org_unit")
    }
    created = 0
    for unit in sorted(units, key=lambda u: u.path):
        for period in periods:
            if Meeting.objects.filter(
                unit=unit, period=period, kind=Meeting.Kind.PERIODIC
            ).exists():
                continue
            try:
                with transaction.atomic(), BulkChanges() as bulk:
                    meeting = Meeting.objects.create(
                        kind=Meeting.Kind.PERIODIC,
                        period=period,
                        unit=unit,
                        title=_("Periodic briefing %(start)s – %(end)s")
                        % {
                            "start": period.start.strftime("%d/%m/%Y"),
                            "end": period.end.strftime("%d/%m/%Y"),
                        },
                        starts_at=_periodic_starts_at(period),
                    )
                    _invite(bulk, meeting, _default_invitees(unit))
            except IntegrityError:
                continue  # created meanwhile by another run
            created += 1
    return created


@transaction.atomic
def invitations_set(
    *, meeting: Meeting, user: User, collaborators: Iterable[Collaborator]
) -> int:
    """Make ``collaborators`` the invitees and send every unsent invitation.

    Returns how many invitations went out now.
    """
    # Locked, so that two people changing the invitees queue rather than race.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_planned:
        raise ValidationError(
            _("Invitations can change only while a meeting is planned.")
        )
    wanted = {c.pk for c in collaborators}
    now = timezone.now()
    existing = {i.collaborator_id: i for i in meeting.invitations.all()}
    with BulkChanges(actor=user) as bulk:
        bulk.update(
            meeting.invitations.filter(withdrawn_at__isnull=True).exclude(
                collaborator_id__in=wanted
            ),
            withdrawn_at=now,
        )
        bulk.update(
            meeting.invitations.filter(
                withdrawn_at__isnull=False, collaborator_id__in=wanted
            ),
            withdrawn_at=None,
        )
        _invite(bulk, meeting, [Collaborator(pk=pk) for pk in wanted - existing.keys()])
        unsent = meeting.invitations.active().filter(sent_at__isnull=True)
        recipients = _users_of(
            Collaborator.objects.filter(
                pk__in=unsent.values("collaborator")
            ).select_related("user")
        )
        count = bulk.update(unsent, sent_at=now)
    notification_send(
        recipients=recipients,
        title=_("Invitation: %(title)s") % {"title": meeting.title},
        body=_describe(meeting),
        url=meeting.get_absolute_url(),
    )
    return count


@transaction.atomic
def invitation_respond(
    *, invitation: Invitation, user: User, response: str, reason: str = ""
) -> Invitation:
    """A collaborator answers: will attend, or cannot attend (with a reason)."""
    reason = (reason or "").strip()
    if invitation.collaborator.user_id != user.pk:
        raise ValidationError(_("Only the invited collaborator can answer."))
    if not invitation.meeting.is_planned:
        raise ValidationError(_("This meeting is no longer planned."))
    if response not in {Invitation.Response.ATTEND, Invitation.Response.CANNOT_ATTEND}:
        raise ValidationError({"response": _("Choose whether you will attend.")})
    if response == Invitation.Response.CANNOT_ATTEND and not reason:
        raise ValidationError({"reason": _("Give a reason when you cannot attend.")})
    invitation.response = response
    invitation.reason = reason if response == Invitation.Response.CANNOT_ATTEND else ""
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "reason", "responded_at"])
    return invitation


def _check_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise ValidationError(_("A cancelled meeting cannot be changed."))


def _check_agenda_open(meeting: Meeting) -> Meeting:
    """The meeting, locked, if its agenda may still change; a held one's may not."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_planned:
        raise ValidationError(
            _("The agenda can change only while a meeting is planned.")
        )
    return meeting


def _next_position(meeting: Meeting) -> int:
    top = meeting.agenda_items.current().aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def agenda_accept_proposal(*, meeting: Meeting, user: User) -> list[AgendaItem]:
    """Add the proposed items not yet on the agenda, in the proposed order."""
    meeting = _check_agenda_open(meeting)
    position = _next_position(meeting)
    agenda = meeting.agenda_items.current()
    present_issues = set(agenda.exclude(issue=None).values_list("issue_id", flat=True))
    present_titles = set(agenda.values_list("title", flat=True))
    created = []
    for proposal in agenda_proposal(meeting):
        if proposal.issue is not None and proposal.issue.pk in present_issues:
            continue
        if proposal.issue is None and proposal.title in present_titles:
            continue
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            title=proposal.title[:255],
            note=proposal.note,
            issue=proposal.issue,
            source=AgendaItem.Source.PROPOSED,
        )
        item.reports.set(proposal.reports)
        created.append(item)
        position += 1
    return created


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, user: User, title: str, note: str = "", issue: Issue = None
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    meeting = _check_agenda_open(meeting)
    return AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=title,
        note=note,
        issue=issue,
        source=AgendaItem.Source.MANUAL,
    )


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, user: User, direction: str) -> None:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    meeting = _check_agenda_open(item.meeting)
    items = list(
        meeting.agenda_items.current().select_for_update().order_by("position", "pk")
    )
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This item is no longer on the agenda."))
    target = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@transaction.atomic
def agenda_item_drop(*, item: AgendaItem, user: User) -> None:
    """Take an item off the agenda; the row stays on record, marked dropped."""
    _check_agenda_open(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.dropped_at is not None:
        raise ValidationError(_("This item is no longer on the agenda."))
    item.dropped_at = timezone.now()
    item.save(update_fields=["dropped_at"])


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, user: User, entries: dict[int, tuple[str, str]]
) -> int:
    """Record attendance {collaborator id: (status, reason)}; invitees only.

    The meeting is marked held. Nothing is written if any entry is invalid.
    """
    _check_open(meeting)
    invited = set(
        meeting.invitations.active().values_list("collaborator_id", flat=True)
    )
    strangers = set(entries) - invited
    if strangers:
        raise ValidationError(
            _("Attendance can be recorded only for invited collaborators.")
        )
    valid = set(Attendance.Status.values)
    if any(status not in valid for status, _reason in entries.values()):
        raise ValidationError(_("Choose present, absent with reason or absent."))
    existing = {a.collaborator_id: a for a in meeting.attendances.select_for_update()}
    now = timezone.now()
    for collaborator_id, (status, reason) in entries.items():
        reason = (
            (reason or "").strip()[:255] if status == Attendance.Status.EXCUSED else ""
        )
        row = existing.get(collaborator_id)
        if row is None:
            Attendance.objects.create(
                meeting=meeting,
                collaborator_id=collaborator_id,
                status=status,
                reason=reason,
                recorded_by=user,
                recorded_at=now,
            )
        elif (row.status, row.reason) != (status, reason):
            row.status, row.reason = status, reason
            row.recorded_by, row.recorded_at = user, now
            row.save(update_fields=["status", "reason", "recorded_by", "recorded_at"])
    if meeting.is_planned:
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    return len(entries)


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    user: User,
    minutes_number: str = "",
    secretary: str = "",
    reported_summary: str = "",
    guidance: str = "",
    conclusions: str = "",
) -> Meeting:
    """Write the minutes; a meeting with minutes has been held."""
    _check_open(meeting)
    meeting.minutes_number = minutes_number.strip()
    meeting.secretary = secretary.strip()
    meeting.reported_summary = reported_summary
    meeting.guidance = guidance
    meeting.conclusions = conclusions
    meeting.status = Meeting.Status.HELD
    meeting.save()
    return meeting


def _check_follow_up_ready(action: MeetingAction) -> None:
    if action.issue_id is None or not action.agency or action.due_date is None:
        raise ValidationError(
            _(
                "To become a follow-up, an action needs an issue, "
                "a responsible agency and a due date."
            )
        )


@transaction.atomic
def meeting_action_add(
    *,
    meeting: Meeting,
    user: User,
    description: str,
    agency: str = "",
    due_date: datetime.date | None = None,
    issue: Issue | None = None,
    make_follow_up: bool = False,
) -> MeetingAction:
    """Add a follow-up action to the minutes, and optionally a FollowUp on its issue."""
    _check_open(meeting)
    action = MeetingAction(
        meeting=meeting,
        description=description,
        agency=agency,
        due_date=due_date,
        issue=issue,
        created_by=user,
    )
    if make_follow_up:
        _check_follow_up_ready(action)
    action.save()
    if make_follow_up:
        meeting_action_to_follow_up(action=action, user=user)
    return action


@transaction.atomic
def meeting_action_to_follow_up(*, action: MeetingAction, user: User) -> MeetingAction:
    """Turn an action into a FollowUp on its issue (once)."""
    if action.follow_up_id is not None:
        return action
    _check_follow_up_ready(action)
    action.follow_up = followup_create(
        issue=action.issue,
        agency=action.agency,
        request=action.description,
        due_date=action.due_date,
        user=user,
    )
    action.save(update_fields=["follow_up"])
    return action


@transaction.atomic
def document_hand_out(
    *,
    user: User,
    title: str,
    source: str,
    upload,
    description: str = "",
    meeting: Meeting | None = None,
    collaborators: Iterable[Collaborator] = (),
) -> ReferenceDocument:
    """Store a checked file and hand it to a meeting's invitees and/or chosen people."""
    if user.org_unit_id is None:
        raise ValidationError(_("Your account belongs to no unit."))
    try:
        checked = check_upload(upload, allowed=DOCUMENTS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    recipients = {c.pk for c in collaborators}
    if meeting is not None:
        recipients |= set(
            meeting.invitations.active().values_list("collaborator_id", flat=True)
        )
    if not recipients:
        raise ValidationError(
            _("Choose a meeting whose invitees receive it, or the collaborators.")
        )
    document = ReferenceDocument(
        unit=user.org_unit,
        title=title,
        source=source,
        description=description,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        meeting=meeting,
        uploaded_by=user,
    )
    document.file.save(checked.name, checked.file, save=False)
    document.save()
    with BulkChanges(actor=user) as bulk:
        bulk.create(
            DocumentReceipt(document=document, collaborator_id=pk) for pk in recipients
        )
    notification_send(
        recipients=_users_of(
            Collaborator.objects.filter(pk__in=recipients).select_related("user")
        ),
        title=_("Reference document: %(title)s") % {"title": document.title},
        body=document.source,
        url=document.get_absolute_url(),
    )
    return document


@transaction.atomic
def document_confirm_read(*, receipt: DocumentReceipt, user: User) -> DocumentReceipt:
    """The collaborator confirms having read a document; the first date is kept."""
    if receipt.collaborator.user_id != user.pk:
        raise ValidationError(_("Only the recipient can confirm reading."))
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
    return receipt
