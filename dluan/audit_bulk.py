"""Change entries for rows a service writes in bulk, past auditlog's signals.

Part of the audit trail (:mod:`dluan.audit`): entries made here carry the same
changes, actor, address, correlation id and unit as those auditlog writes on
``save()``.
"""

from functools import cache

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models.signals import pre_save

from dluan.audit import unit_lookups, unit_of


class BulkChanges:
    """Change entries for rows written past auditlog's signals, in one INSERT.

    auditlog hears ``save()`` and ``delete()``; ``QuerySet.update()`` and
    ``bulk_create`` write without a word. A service writing in bulk does it
    through this block, and when the block ends without an error each row
    changed or created, and each many-to-many addition it is told of
    (``added``), gets the entry auditlog would have written (its changes, the
    actor, the request's address and correlation id, the unit), all in one
    INSERT::

        with BulkChanges(actor=user) as bulk:
            bulk.update(meeting.invitations.filter(...), withdrawn_at=now)
            bulk.create([Invitation(...), ...])
    """

    def __init__(self, *, actor=None):
        self.actor = actor
        # (model, pk) to the row before the block's first change; None if created.
        self._before: dict[tuple[type, int], object] = {}
        # (model, pk) to the object created, for the rows inserted and not changed
        # since: its entry is made from it, as auditlog's is from the object saved.
        self._held: dict[tuple[type, int], object] = {}
        # (object, many-to-many field, related objects added) from ``added``.
        self._added: list[tuple[object, str, list]] = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self._log()

    def update(self, queryset, **values) -> int:
        """``queryset.update(**values)``; the rows are locked and read first."""
        model = queryset.model
        rows = list(queryset.order_by().select_for_update(of=("self",)))
        if not rows:
            return 0
        for row in rows:
            self._before.setdefault((model, row.pk), row)
            self._held.pop((model, row.pk), None)
        pks = [row.pk for row in rows]
        return model._base_manager.filter(pk__in=pks).update(**values)

    def create(self, objs, **kwargs) -> list:
        """``bulk_create(objs)``; every row must come back with its key."""
        objs = list(objs)
        if not objs:
            return []
        created = type(objs[0])._base_manager.bulk_create(objs, **kwargs)
        self.created(created)
        return created

    def created(self, objs) -> None:
        """Rows already inserted by a ``bulk_create`` of the caller's own."""
        for obj in objs:
            if obj.pk is None:
                raise ValueError("BulkChanges needs the keys of the rows created.")
            self._before[(type(obj), obj.pk)] = None
            self._held[(type(obj), obj.pk)] = obj

    def added(self, obj, field_name: str, related) -> None:
        """Rows of ``obj``'s many-to-many ``field_name`` inserted by the caller's own
        ``bulk_create`` of the through model: the entry auditlog's ``m2m_changed``
        receiver writes for an ``add``, the related objects named in the order given.
        """
        if obj.pk is None:
            raise ValueError("BulkChanges needs the keys of the rows created.")
        self._added.append((obj, field_name, list(related)))

    def _log(self) -> None:
        from auditlog.cid import get_cid
        from auditlog.context import auditlog_disabled
        from auditlog.diff import model_instance_diff
        from django.conf import settings

        if (not self._before and not self._added) or auditlog_disabled.get():
            return
        json_changes = settings.AUDITLOG_STORE_JSON_CHANGES
        by_model: dict[type, list[int]] = {}
        for model, pk in self._before:
            if auditlog.contains(model):
                by_model.setdefault(model, []).append(pk)
        entries = []
        for model, pks in by_model.items():
            content_type = ContentType.objects.get_for_model(model)
            lookup = unit_lookups().get(model._meta.label)
            # The rows created are the objects held; the rows changed are read as
            # they are now, with what their text and unit are read from.
            held = [self._held[(model, pk)] for pk in pks if (model, pk) in self._held]
            changed = [pk for pk in pks if (model, pk) not in self._held]
            if changed:
                held += model._base_manager.select_related().filter(pk__in=changed)
            for row in held:
                before = self._before[(model, row.pk)]
                if before is None:
                    changes = _created_diff(row, json_changes)
                else:
                    changes = model_instance_diff(
                        before, row, use_json_for_changes=json_changes
                    )
                if not changes:
                    continue
                entries.append(
                    LogEntry(
                        content_type=content_type,
                        object_pk=str(row.pk),
                        object_id=row.pk if isinstance(row.pk, int) else None,
                        object_repr=str(row),
                        action=(
                            LogEntry.Action.CREATE
                            if before is None
                            else LogEntry.Action.UPDATE
                        ),
                        changes=changes,
                        actor=self.actor,
                        actor_email=getattr(self.actor, "email", None) or None,
                        cid=get_cid(),
                        additional_data={
                            "unit": unit_of(row, lookup) if lookup else None
                        },
                    )
                )
        self._before.clear()
        self._held.clear()
        for obj, field_name, related in self._added:
            model = type(obj)
            # Only what auditlog itself logs: the fields registered as m2m_fields.
            if not related or field_name not in auditlog._registry.get(model, {}).get(
                "m2m_fields", ()
            ):
                continue
            lookup = unit_lookups().get(model._meta.label)
            entries.append(
                LogEntry(
                    content_type=ContentType.objects.get_for_model(model),
                    object_pk=str(obj.pk),
                    object_id=obj.pk if isinstance(obj.pk, int) else None,
                    object_repr=str(obj),
                    action=LogEntry.Action.UPDATE,
                    changes={
                        field_name: {
                            "type": "m2m",
                            "operation": "add",
                            "objects": [str(item) for item in related],
                        }
                    },
                    actor=self.actor,
                    actor_email=getattr(self.actor, "email", None) or None,
                    cid=get_cid(),
                    additional_data={"unit": unit_of(obj, lookup) if lookup else None},
                )
            )
        self._added.clear()
        # bulk_create sends no pre_save: send it, so that auditlog's request
        # context (while one is open) gives each entry its actor and address.
        using = router.db_for_write(LogEntry)
        for entry in entries:
            pre_save.send(
                sender=LogEntry,
                instance=entry,
                raw=False,
                using=using,
                update_fields=None,
            )
        LogEntry.objects.bulk_create(entries)


@cache
def _created_fields(model, json_changes: bool) -> list:
    """The fields ``model_instance_diff(None, obj)`` compares for ``model``, in its
    order, each with its value before (that of no object) and its mask."""
    from auditlog.diff import get_field_value, get_mask_function, track_field

    fields = {f for f in model._meta.get_fields() if track_field(f)}
    options = auditlog.get_model_fields(model)
    if options and (options["include_fields"] or options["exclude_fields"]) and fields:
        if options["include_fields"]:
            fields = [f for f in fields if f.name in options["include_fields"]]
        if options["exclude_fields"]:
            fields = [f for f in fields if f.name not in options["exclude_fields"]]
    found = []
    for field in fields:
        mask = None
        if options and field.name in options["mask_fields"]:
            mask = get_mask_function(options.get("mask_callable"))
        found.append((field, get_field_value(None, field, json_changes), mask))
    return found


def _created_diff(obj, json_changes: bool) -> dict | None:
    """``model_instance_diff(None, obj)``: every field's [before, value], where the
    fields are found once a model rather than once an object."""
    from auditlog.diff import get_field_value, is_primitive
    from django.utils.encoding import smart_str

    diff = {}
    for field, old, mask in _created_fields(type(obj), json_changes):
        new = get_field_value(obj, field, json_changes)
        if old == new:
            continue
        if mask is not None:
            diff[field.name] = (mask(smart_str(old)), mask(smart_str(new)))
        elif not json_changes:
            diff[field.name] = (smart_str(old), smart_str(new))
        else:
            diff[field.name] = (
                old if is_primitive(old) else smart_str(old),
                new if is_primitive(new) else smart_str(new),
            )
    return diff or None
