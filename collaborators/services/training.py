"""Writes for training sessions and who attended them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator, TrainingAttendance, TrainingSession
from collaborators.services.roster import check_units
from dluan.models import User

TRAINING_FIELDS = ["unit", "title", "organiser", "date", "place", "topics"]


@transaction.atomic
def training_session_create(*, actor: User, data: dict) -> TrainingSession:
    session = TrainingSession(
        **{key: data[key] for key in TRAINING_FIELDS if key in data}, created_by=actor
    )
    check_units(actor=actor, units=[session.unit])
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
    check_units(actor=actor, units=[session.unit])
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
