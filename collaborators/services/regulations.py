"""Writes for the regulation: publishing a version, acknowledging it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator, Regulation, RegulationAcknowledgement
from dluan.models import User
from dluan.services import notification_send
from dluan.uploads import CheckedFile


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
