"""Writes to the roster: collaborators, their decisions (kiện toàn), their settings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator, RosterEvent
from dluan.accounts import signin_codes_revoke
from dluan.auth import sessions_end
from dluan.models import OrgUnit, User
from dluan.services import notification_send

Kind = RosterEvent.Kind
Status = Collaborator.Status

# Which decisions each status allows, and the status each leads to (None: unchanged).
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    Kind.APPOINT: ({Status.DISMISSED}, Status.ACTIVE),
    Kind.RENEW: ({Status.ACTIVE, Status.SUSPENDED}, None),
    Kind.SUSPEND: ({Status.ACTIVE}, Status.SUSPENDED),
    Kind.DISMISS: ({Status.ACTIVE, Status.SUSPENDED}, Status.DISMISSED),
    Kind.REINSTATE: ({Status.SUSPENDED}, Status.ACTIVE),
}
COLLABORATOR_FIELDS = [
    "full_name",
    "gender",
    "birth_year",
    "phone",
    "email",
    "unit",
    "occupation",
    "position",
    "is_party_member",
    "is_retired",
    "decision_number",
    "decision_date",
    "term_start",
    "term_end",
    "monthly_allowance",
    "notes",
    "user",
]


def check_units(*, actor: User, units) -> None:
    """Every unit named is in the actor's subtree."""
    allowed = set(OrgUnit.objects.visible_to(actor).values_list("pk", flat=True))
    for unit in units:
        if unit is not None and unit.pk not in allowed:
            raise ValidationError(
                _("The unit “%(unit)s” is outside your unit."), params={"unit": unit}
            )


def _check_account(*, actor: User, collaborator: Collaborator) -> None:
    account = collaborator.user
    if account is None:
        return
    if (
        not account.is_collaborator
        or not User.objects.visible_to(actor).filter(pk=account.pk).exists()
    ):
        raise ValidationError(
            {"user": _("Choose a collaborator account of your unit.")}
        )
    taken = Collaborator.objects.filter(user=account).exclude(pk=collaborator.pk)
    if taken.exists():
        raise ValidationError(
            {"user": _("This account already belongs to another collaborator.")}
        )


@transaction.atomic
def collaborator_create(
    *, actor: User, data: dict, coverage_areas=(), record_appointment: bool = True
) -> Collaborator:
    """Add a collaborator to the roster; with a decision or term, record the appointment."""
    collaborator = Collaborator(
        **{key: data[key] for key in COLLABORATOR_FIELDS if key in data}
    )
    collaborator.status = Status.ACTIVE
    check_units(actor=actor, units=[collaborator.unit, *coverage_areas])
    _check_account(actor=actor, collaborator=collaborator)
    collaborator.full_clean()
    return _save_new(
        actor=actor,
        collaborator=collaborator,
        coverage_areas=coverage_areas,
        record_appointment=record_appointment,
    )


def appointment_for(*, actor: User, collaborator: Collaborator, today: date):
    """The unsaved appointment a new collaborator's decision or term records, or
    None when the roster names neither."""
    if not (collaborator.decision_number or collaborator.term_start):
        return None
    return RosterEvent(
        collaborator=collaborator,
        kind=Kind.APPOINT,
        date=collaborator.decision_date or collaborator.term_start or today,
        decision_number=collaborator.decision_number,
        term_end=collaborator.term_end,
        status_after=Status.ACTIVE,
        created_by=actor,
    )


def _save_new(
    *, actor: User, collaborator: Collaborator, coverage_areas, record_appointment=True
) -> Collaborator:
    collaborator.save()
    collaborator.coverage_areas.set(coverage_areas or [collaborator.unit])
    if record_appointment:
        event = appointment_for(
            actor=actor, collaborator=collaborator, today=timezone.localdate()
        )
        if event is not None:
            event.save()
    return collaborator


@transaction.atomic
def collaborator_update(
    *, actor: User, collaborator: Collaborator, data: dict, coverage_areas=()
) -> Collaborator:
    """Change a collaborator's details; status and term changes go through events."""
    collaborator = Collaborator.objects.select_for_update().get(pk=collaborator.pk)
    for key in COLLABORATOR_FIELDS:
        if key in data:
            setattr(collaborator, key, data[key])
    check_units(actor=actor, units=[collaborator.unit, *coverage_areas])
    _check_account(actor=actor, collaborator=collaborator)
    collaborator.full_clean()
    collaborator.save()
    collaborator.coverage_areas.set(coverage_areas or [collaborator.unit])
    return collaborator


@transaction.atomic
def roster_event_record(
    *,
    actor: User,
    collaborator: Collaborator,
    kind: str,
    date: date,
    decision_number: str = "",
    reason: str = "",
    term_end: date | None = None,
) -> RosterEvent:
    """Append one roster decision (kiện toàn) and apply it to the collaborator."""
    collaborator = Collaborator.objects.select_for_update().get(pk=collaborator.pk)
    kind = Kind(kind)
    allowed_from, status_after = TRANSITIONS[kind]
    if collaborator.status not in allowed_from:
        raise ValidationError(
            _("“%(decision)s” is not possible for a collaborator who is %(status)s."),
            params={
                "decision": kind.label,
                "status": collaborator.get_status_display().lower(),
            },
        )
    if date > timezone.localdate():
        raise ValidationError({"date": _("The decision date is in the future.")})
    last = (
        RosterEvent.objects.filter(collaborator=collaborator).order_by("-date").first()
    )
    if last is not None and date < last.date:
        raise ValidationError(
            {
                "date": _(
                    "The decision date is before the last recorded decision (%(last)s)."
                )
            },
            params={"last": last.date.strftime("%d/%m/%Y")},
        )
    if kind in {Kind.APPOINT, Kind.RENEW}:
        if term_end is None:
            raise ValidationError({"term_end": _("Enter the new term end.")})
        if term_end <= date:
            raise ValidationError(
                {"term_end": _("The new term must end after the decision date.")}
            )
        if (
            kind == Kind.RENEW
            and collaborator.term_end
            and term_end <= collaborator.term_end
        ):
            raise ValidationError(
                {"term_end": _("A renewal must end after the current term.")}
            )
    else:
        term_end = None
    if kind == Kind.APPOINT:
        collaborator.term_start = date
        collaborator.decision_date = date
        collaborator.decision_number = decision_number
    if term_end is not None:
        collaborator.term_end = term_end
    if status_after is not None:
        collaborator.status = status_after
    collaborator.full_clean()
    collaborator.save()
    event = RosterEvent.objects.create(
        collaborator=collaborator,
        kind=kind,
        date=date,
        decision_number=decision_number,
        reason=reason,
        term_end=term_end,
        status_after=collaborator.status,
        created_by=actor,
    )
    # The notice goes while the account is open: a reinstated collaborator's is
    # opened first, a suspended one's closed after; a dismissed one is not told.
    if collaborator.status == Status.ACTIVE:
        _sync_account(collaborator)
    told = collaborator.status != Status.DISMISSED
    notification_send(
        recipients=[collaborator.user] if told else [],
        title=gettext(
            "The board recorded a decision about you: %(decision)s on %(date)s"
        )
        % {"decision": kind.label, "date": date.strftime("%d/%m/%Y")},
        body=reason,
        url=collaborator.get_absolute_url(),
        key=f"roster-event:{event.pk}",
    )
    _sync_account(collaborator)
    return event


def _sync_account(collaborator: Collaborator) -> None:
    """A suspended or dismissed collaborator can no longer sign in: an open session
    turns anonymous on its next request and unused one-time codes stop working.
    Reinstating or appointing again gives sign-in back with the same password."""
    account = collaborator.user
    if account is None:
        return
    should_be_active = collaborator.status == Collaborator.Status.ACTIVE
    if account.is_active != should_be_active:
        account.is_active = should_be_active
        account.save(update_fields=["is_active"])
    if not should_be_active:
        signin_codes_revoke(user=account)
        # Ended, not only refused: reinstating must not bring old sessions back.
        sessions_end(user=account)


@transaction.atomic
def collaborator_set_reminder_emails(
    *, user: User, collaborator: Collaborator, enabled: bool
) -> Collaborator:
    """A collaborator turns their own reminder e-mails on or off."""
    if collaborator.user_id != user.pk:
        raise ValidationError(_("Only the collaborator changes this setting."))
    collaborator.reminder_emails = enabled
    collaborator.save(update_fields=["reminder_emails", "updated_at"])
    return collaborator
