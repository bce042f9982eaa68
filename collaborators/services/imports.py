"""Writes for the roster import: the upload waiting as a draft, the import itself,
and the columns remembered for the unit's next one."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborators.import_rows import validate_rows
from collaborators.models import Collaborator, ImportDraft, ImportMapping
from collaborators.services.roster import Status, appointment_for
from collaborators.spreadsheets import Sheet
from dluan.audit_bulk import BulkChanges
from dluan.models import OrgUnit, User
from dluan.search import fold

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
            event = appointment_for(actor=actor, collaborator=collaborator, today=today)
            if event is not None:
                events.append(event)
        Through.objects.bulk_create(links)
        changes.create(events)


def import_draft_map(*, draft: ImportDraft, mapping: list[str]) -> ImportDraft:
    """Keep the columns chosen for a draft until its preview and import."""
    draft.mapping = mapping
    draft.save(update_fields=["mapping"])
    return draft


@transaction.atomic
def import_draft_complete(*, actor: User, draft: ImportDraft, only_valid: bool) -> int:
    """Import a draft with its chosen columns, remember them for the unit, and
    remove the draft: all three, or none when the import is refused."""
    rows = Sheet.from_json(draft.sheet).mapped_rows(draft.mapping)
    created = collaborator_import(actor=actor, rows=rows, only_valid=only_valid)
    import_mapping_remember(
        unit=actor.org_unit,
        headings=draft.sheet["headings"],
        mapping=draft.mapping,
        actor=actor,
    )
    draft.delete()
    return created


def import_mapping_remember(
    *, unit: OrgUnit | None, headings: list[str], mapping: list[str], actor: User
) -> ImportMapping | None:
    """Keep the unit's choice of columns for its next import, over the older one."""
    if unit is None:
        return None
    chosen = {
        fold(heading)[:200]: key
        for heading, key in zip(headings, mapping, strict=False)
        if fold(heading)
    }
    record, _created = ImportMapping.objects.select_for_update().get_or_create(
        unit=unit, defaults={"updated_by": actor}
    )
    record.columns = {**record.columns, **chosen}
    record.updated_by = actor
    record.save()
    return record


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
