"""Writes to the roster; each leaves the database valid or unchanged."""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators.models import (
    Collaborator,
    ImportDraft,
    Regulation,
    RegulationAcknowledgement,
    RosterEvent,
    TrainingAttendance,
    TrainingSession,
)
from dluan.accounts import signin_codes_revoke
from dluan.audit import BulkChanges
from dluan.auth import sessions_end
from dluan.models import OrgUnit, User
from dluan.services import notification_send
from dluan.uploads import CheckedFile

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


def _check_units(*, actor: User, units) -> None:
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
    _check_units(actor=actor, units=[collaborator.unit, *coverage_areas])
    _check_account(actor=actor, collaborator=collaborator)
    collaborator.full_clean()
    return _save_new(
        actor=actor,
        collaborator=collaborator,
        coverage_areas=coverage_areas,
        record_appointment=record_appointment,
    )


def _save_new(
    *, actor: User, collaborator: Collaborator, coverage_areas, record_appointment=True
) -> Collaborator:
    collaborator.save()
    collaborator.coverage_areas.set(coverage_areas or [collaborator.unit])
    if record_appointment and (collaborator.decision_number or collaborator.term_start):
        RosterEvent.objects.create(
            collaborator=collaborator,
            kind=Kind.APPOINT,
            date=collaborator.decision_date
            or collaborator.term_start
            or timezone.localdate(),
            decision_number=collaborator.decision_number,
            term_end=collaborator.term_end,
            status_after=Status.ACTIVE,
            created_by=actor,
        )
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
    _check_units(actor=actor, units=[collaborator.unit, *coverage_areas])
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
def regulation_create(
    *, actor: User, data: dict, file: CheckedFile | None = None
) -> Regulation:
    """Publish a new version of the regulation, issued by the actor's unit."""
    if actor.org_unit_id is None:
        raise ValidationError(_("Your account has no unit."))
    regulation = Regulation(
        unit=actor.org_unit,
        title=data["title"],
        version=data["version"],
        decision_number=data.get("decision_number", ""),
        effective_date=data["effective_date"],
        summary=data.get("summary", ""),
        created_by=actor,
    )
    if file is not None:
        regulation.file.save(file.name, file.file, save=False)
    regulation.full_clean()
    regulation.save()
    readers = (
        Collaborator.objects.active()
        .filter(unit__path__startswith=regulation.unit.path, user__isnull=False)
        .select_related("user")
    )
    notification_send(
        recipients=[collaborator.user for collaborator in readers],
        title=gettext("New regulation version: %(title)s (%(version)s)")
        % {"title": regulation.title, "version": regulation.version},
        body=gettext(
            "In force from %(date)s. Please read it and confirm that you have."
        )
        % {"date": regulation.effective_date.strftime("%d/%m/%Y")},
        url=regulation.get_absolute_url(),
        key=f"regulation:{regulation.pk}",
    )
    return regulation


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


@transaction.atomic
def regulation_acknowledge(
    *, user: User, regulation: Regulation
) -> RegulationAcknowledgement:
    """Record that a collaborator has read a regulation version; once is enough."""
    collaborator = Collaborator.objects.filter(user=user).first()
    if collaborator is None:
        raise ValidationError(_("Only a collaborator acknowledges the regulation."))
    if regulation.effective_date > timezone.localdate():
        raise ValidationError(_("This version is not in force yet."))
    acknowledgement, _created = RegulationAcknowledgement.objects.get_or_create(
        regulation=regulation, collaborator=collaborator
    )
    return acknowledgement


TRAINING_FIELDS = ["unit", "title", "organiser", "date", "place", "topics"]


@transaction.atomic
def training_session_create(*, actor: User, data: dict) -> TrainingSession:
    session = TrainingSession(
        **{key: data[key] for key in TRAINING_FIELDS if key in data}, created_by=actor
    )
    _check_units(actor=actor, units=[session.unit])
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def training_session_update(
    *, actor: User, session: TrainingSession, data: dict
) -> TrainingSession:
    for key in TRAINING_FIELDS:
        if key in data:
            setattr(session, key, data[key])
    _check_units(actor=actor, units=[session.unit])
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def training_attendance_set(
    *, actor: User, session: TrainingSession, collaborators
) -> int:
    """Mark who attended; those unticked stay on record as not attended."""
    ticked = {collaborator.pk for collaborator in collaborators}
    allowed = set(
        Collaborator.objects.visible_to(actor)
        .filter(unit__path__startswith=session.unit.path)
        .values_list("pk", flat=True)
    )
    if ticked - allowed:
        raise ValidationError(
            _("Some of the chosen collaborators are outside the unit.")
        )
    existing = {
        row.collaborator_id: row
        for row in TrainingAttendance.objects.filter(session=session)
    }
    for pk in ticked - existing.keys():
        TrainingAttendance.objects.create(session=session, collaborator_id=pk)
    for pk, row in existing.items():
        attended = pk in ticked
        if row.attended != attended:
            row.attended = attended
            row.save(update_fields=["attended"])
    return len(ticked)


# Collaborators written (and audited) together: one INSERT of each kind.
IMPORT_BATCH = 1000


@transaction.atomic
def collaborator_import(*, actor: User, rows: list[list], only_valid: bool) -> int:
    """Create the collaborators of a checked workbook, all of them or the valid ones.

    The rows are validated again here, since the roster may have changed since the
    preview; with ``only_valid`` false a single bad row refuses the whole file.
    The records, their coverage areas, their appointments and their audit entries
    are written ``IMPORT_BATCH`` rows to an INSERT: a few queries a batch, not a
    dozen a row, so that a 5,000-row roster is imported within one request.
    """
    from collaborators.spreadsheets import validate_rows

    checked = validate_rows(actor=actor, rows=rows)
    invalid = [row for row in checked if not row.is_valid]
    if invalid and not only_valid:
        raise ValidationError(
            _("%(count)s rows have errors; nothing was imported."),
            params={"count": len(invalid)},
        )
    valid = [row for row in checked if row.is_valid]
    # Every record is checked before the first is written.
    collaborators = []
    for row in valid:
        collaborator = Collaborator(**row.data, status=Status.ACTIVE)
        # validate_rows has found the units and checked uniqueness for the
        # whole batch; the fields' own limits (lengths, digits) are checked here.
        try:
            collaborator.full_clean(
                exclude=["unit"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(number)s: %(errors)s"),
                params={"number": row.number, "errors": " ".join(error.messages)},
            ) from None
        collaborator.prepare_to_save()
        collaborators.append(collaborator)
    # Written a batch at a time, so that what is held for the audit entries (the
    # rows read back, the entries) stays one batch's worth.
    for start in range(0, len(valid), IMPORT_BATCH):
        _import_batch(
            actor=actor,
            rows=valid[start : start + IMPORT_BATCH],
            collaborators=collaborators[start : start + IMPORT_BATCH],
        )
    return len(collaborators)


def _import_batch(*, actor: User, rows: list, collaborators: list[Collaborator]):
    """Insert checked collaborators with their coverage areas and appointments,
    and the audit entries their saves one by one would have left."""
    Through = Collaborator.coverage_areas.through
    today = timezone.localdate()
    with BulkChanges(actor=actor) as changes:
        changes.create(collaborators)
        links, events = [], []
        for row, collaborator in zip(rows, collaborators, strict=True):
            # As coverage_areas.set() would: each unit once, the unit by default;
            # named in the entry in auditlog's order (the units' tree order).
            areas = {area.pk: area for area in row.coverage_areas} or {
                collaborator.unit.pk: collaborator.unit
            }
            links += [
                Through(collaborator_id=collaborator.pk, orgunit_id=pk) for pk in areas
            ]
            changes.added(
                collaborator,
                "coverage_areas",
                sorted(areas.values(), key=lambda area: area.path),
            )
            if collaborator.decision_number or collaborator.term_start:
                events.append(
                    RosterEvent(
                        collaborator=collaborator,
                        kind=Kind.APPOINT,
                        date=collaborator.decision_date
                        or collaborator.term_start
                        or today,
                        decision_number=collaborator.decision_number,
                        term_end=collaborator.term_end,
                        status_after=Status.ACTIVE,
                        created_by=actor,
                    )
                )
        Through.objects.bulk_create(links)
        changes.create(events)


@transaction.atomic
def import_draft_create(*, actor: User, name: str, sheet: dict) -> ImportDraft:
    """Keep an uploaded roster as read until its import, replacing the actor's last."""
    ImportDraft.objects.filter(user=actor).delete()
    return ImportDraft.objects.create(
        user=actor,
        token=secrets.token_urlsafe(16),
        name=name[:200],
        sheet=sheet,
    )


def import_drafts_purge(*, now=None) -> int:
    """Remove uploads left waiting longer than IMPORT_DRAFT_HOURS; safe to re-run."""
    deleted, _by_model = ImportDraft.objects.expired(now).delete()
    return deleted
