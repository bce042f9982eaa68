"""The audit trail: who saw what, beside what django-auditlog records of changes.

django-auditlog writes an entry for every create, change and deletion of a
registered model. This module adds:

- an ``ACCESS`` entry for every page, download and export named in an app's
  ``<app>/audit.py`` (``VIEWS``), by anyone but the object's author, written by
  :class:`AccessAuditMiddleware` after the response: who, when, from which address
  (the client's, never a forged ``X-Forwarded-For``) and what. A page that shows
  its object says so with :func:`shown`, and the read is recorded whatever the
  method and status (a review action's 400 or 409 re-renders the whole report);
  a file or an export is recorded on a 2xx GET;
- change entries for rows written past auditlog's signals (``update()``,
  ``bulk_create``), through :class:`dluan.audit_bulk.BulkChanges`;
- the org unit each entry is about, in ``additional_data["unit"]``, so that staff
  read the entries of their unit's subtree only. Changes take it from the object
  just saved (``UNIT_LOOKUPS`` in ``<app>/audit.py`` where the scoped queryset
  does not name it); accesses from the object seen; an export from the unit of
  the person exporting.

The trail is read by :func:`trail`, newest first, through the index of migration
``dluan.0006`` on (unit, timestamp); nothing here counts the table.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import BigIntegerField, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from dluan.auth import client_ip
from dluan.registry import PRODUCT_APPS, app_module
from dluan.scoping import in_subtree

# The unit an entry is about, as the index of migration dluan.0006 computes it.
UNIT = Cast(KeyTextTransform("unit", "additional_data"), BigIntegerField())

VIEW, DOWNLOAD, EXPORT = "view", "download", "export"
CREATE, CHANGE, ARCHIVE, DELETE = "create", "change", "archive", "delete"
KINDS = [
    (VIEW, pgettext_lazy("audit", "Viewed")),
    (DOWNLOAD, pgettext_lazy("audit", "Downloaded")),
    (EXPORT, pgettext_lazy("audit", "Exported")),
    (CREATE, pgettext_lazy("audit", "Created")),
    (CHANGE, pgettext_lazy("audit", "Changed")),
    (ARCHIVE, pgettext_lazy("audit", "Archived")),
    (DELETE, pgettext_lazy("audit", "Deleted")),
]
KIND_LABELS = dict(KINDS)
ACCESS_KINDS = {VIEW, DOWNLOAD, EXPORT}


@dataclass(frozen=True)
class Audited:
    """How to record a read through one URL name.

    ``model`` is ``"app_label.Model"``, found by the URL's ``pk_kwarg``; ``author``
    and ``unit`` are lookups from it to its author's user id and its unit id,
    ``label`` the lookups of the text shown for it, joined. An export has no ``model``: it is
    recorded against the unit of the person exporting, with its query string, as
    ``title``. ``file_kwarg`` names the URL kwarg that says which file (a
    summary's PDF, Word file or workbook).
    """

    kind: str
    label: tuple[str, ...] = ("pk",)
    model: str = ""
    author: str = ""
    unit: str = "unit"
    pk_kwarg: str = "pk"
    file_kwarg: str = ""
    title: str = ""


@cache
def audited_views() -> dict[str, Audited]:
    """Every app's ``VIEWS``: URL names (``"reports:report-detail"``) to record."""
    views = {}
    for app in PRODUCT_APPS:
        module = app_module(app, "audit")
        if module is not None:
            views.update(getattr(module, "VIEWS", {}))
    return views


@cache
def unit_lookups() -> dict[str, str]:
    """Model label to the lookup of its unit id, for every audited model."""
    declared = {"dluan.OrgUnit": "pk"}
    for app in PRODUCT_APPS:
        module = app_module(app, "audit")
        if module is not None:
            declared.update(getattr(module, "UNIT_LOOKUPS", {}))
    lookups = {}
    for model in auditlog.get_models():
        label = model._meta.label
        if label in declared:
            lookups[label] = declared[label]
            continue
        path = getattr(model._default_manager.get_queryset(), "unit_path_lookup", "")
        if path.endswith("__path"):
            lookups[label] = path.removesuffix("__path")
        elif any(f.name == "unit" for f in model._meta.concrete_fields):
            lookups[label] = "unit"
    return lookups


@cache
def links() -> dict[str, str]:
    """Model label to the URL name of its page (taking ``pk``), where it has one."""
    found = {}
    for app in PRODUCT_APPS:
        module = app_module(app, "audit")
        if module is not None:
            found.update(getattr(module, "LINKS", {}))
    return found


# --- Writing ---------------------------------------------------------------------

# The object auditlog is about to log, between its pre_log signal and the entry's
# save: the entry itself carries only the object's type and key.
_logging: ContextVar = ContextVar("dluan_audit_logging", default=None)


@receiver(pre_log)
def _remember_object(sender, instance, **kwargs):
    _logging.set(instance)


def unit_of(instance, lookup: str):
    """Follow ``lookup`` (``"report__unit"``) on an object to a unit id."""
    *path, last = lookup.split("__")
    target = instance
    for part in path:
        target = getattr(target, part, None)
        if target is None:
            return None
    if last == "pk":
        return target.pk
    return getattr(target, target._meta.get_field(last).attname, None)


@receiver(pre_save, sender=LogEntry)
def _stamp_unit(sender, instance: LogEntry, **kwargs):
    """Give a change entry the unit of its object, so its unit's staff read it."""
    data = (
        instance.additional_data if isinstance(instance.additional_data, dict) else {}
    )
    if "unit" in data or instance.pk is not None:
        return
    model = instance.content_type.model_class()
    lookup = unit_lookups().get(model._meta.label) if model else None
    if lookup is None:
        return
    pending = _logging.get()
    if (
        pending is not None
        and pending._meta.concrete_model is model
        and str(pending.pk) == str(instance.object_pk)
    ):
        unit = unit_of(pending, lookup)
    else:  # a many-to-many change: auditlog sends no pre_log for it
        unit = (
            model._base_manager.filter(pk=instance.object_pk)
            .values_list(lookup, flat=True)
            .first()
        )
    instance.additional_data = {**data, "unit": unit}


def shown(request, obj) -> None:
    """This response shows ``obj``: record the read whatever the method and status.

    Called where a page of an audited object is rendered, so that a form's
    re-render (a 400 or 409 on POST) is recorded as its GET is.
    """
    request._audit_shown = obj


def record_access(request, spec: Audited, kwargs: dict, pk=None) -> LogEntry | None:
    """One ``ACCESS`` entry for a read; none for the object's author.

    ``pk`` is the object the view said it showed, else the URL's ``pk_kwarg``.
    """
    user = request.user
    data = {"kind": spec.kind, "view": request.resolver_match.view_name}
    if spec.file_kwarg:
        data["file"] = str(kwargs.get(spec.file_kwarg, ""))[:20]
    if spec.model:
        model = _model(spec.model)
        pk = kwargs[spec.pk_kwarg] if pk is None else pk
        fields = [spec.unit, spec.author or spec.unit, *spec.label]
        row = model._base_manager.filter(pk=pk).values_list(*fields).first()
        if row is None or (spec.author and row[1] == user.pk):
            return None
        unit, text = row[0], " · ".join(_text(value) for value in row[2:])
        target_type, object_pk = ContentType.objects.get_for_model(model), pk
    else:
        from dluan.models import OrgUnit

        unit, object_pk = user.org_unit_id, user.org_unit_id or 0
        target_type = ContentType.objects.get_for_model(OrgUnit)
        text = ""
        data["query"] = request.META.get("QUERY_STRING", "")[:500]
    data["unit"] = unit
    # In a transaction (of its own unless the request holds one already): on SQLite
    # it begins IMMEDIATE and so waits for the write lock (the busy timeout) where
    # a bare INSERT after the page's reads could be refused at once with
    # "database is locked".
    with transaction.atomic(savepoint=False):
        return LogEntry.objects.create(
            content_type=target_type,
            object_pk=str(object_pk),
            object_id=object_pk,
            object_repr=str(text)[:500],
            action=LogEntry.Action.ACCESS,
            actor=user,
            actor_email=user.email or None,
            remote_addr=client_ip(request),
            additional_data=data,
        )


class AccessAuditMiddleware:
    """Records the pages, downloads and exports of ``<app>/audit.py``.

    A URL of ``VIEWS`` is recorded when its view said what it showed
    (:func:`shown`), whatever the method and status short of a server error, or
    else on a 2xx GET. A refusal (404) renders nothing and records nothing.

    Placed after auditlog's middleware: it also corrects the address that one
    takes from any ``X-Forwarded-For`` header, for the change entries too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            context = auditlog_value.get()
        except LookupError:
            context = None
        if context is not None:
            context["remote_addr"] = client_ip(request)
            context["remote_port"] = None
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or not request.user.is_authenticated:
            return response
        spec = audited_views().get(match.view_name)
        if spec is None or response.status_code >= 500:
            return response
        obj = getattr(request, "_audit_shown", None)
        if obj is not None:
            record_access(request, spec, match.kwargs, pk=obj.pk)
        elif request.method == "GET" and 200 <= response.status_code < 300:
            record_access(request, spec, match.kwargs)
        return response


def _text(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


@cache
def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


# --- Reading ---------------------------------------------------------------------


def kind_filter(kind: str) -> Q:
    archived = Q(changes__status__1="archived")
    return {
        VIEW: Q(action=LogEntry.Action.ACCESS, additional_data__kind=VIEW),
        DOWNLOAD: Q(action=LogEntry.Action.ACCESS, additional_data__kind=DOWNLOAD),
        EXPORT: Q(action=LogEntry.Action.ACCESS, additional_data__kind=EXPORT),
        CREATE: Q(action=LogEntry.Action.CREATE),
        # ``~archived`` alone is unknown (NULL) where no status changed: such
        # changes would drop out of the filter.
        CHANGE: Q(action=LogEntry.Action.UPDATE)
        & (~Q(changes__has_key="status") | ~archived),
        ARCHIVE: Q(action=LogEntry.Action.UPDATE) & archived,
        DELETE: Q(action=LogEntry.Action.DELETE),
    }[kind]


def entry_kind(entry: LogEntry) -> str:
    if entry.action == LogEntry.Action.ACCESS:
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        return data.get("kind", VIEW)
    if entry.action == LogEntry.Action.CREATE:
        return CREATE
    if entry.action == LogEntry.Action.DELETE:
        return DELETE
    status = (
        (entry.changes or {}).get("status") if isinstance(entry.changes, dict) else None
    )
    if isinstance(status, list) and status[1:] == ["archived"]:
        return ARCHIVE
    return CHANGE


def object_types() -> list[tuple[str, str]]:
    """Every audited model, as choices of the trail's filter."""
    models = sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name))
    return [(m._meta.label_lower, m._meta.verbose_name.capitalize()) for m in models]


def trail(user, *, filters: dict):
    """Entries the user may read, newest first, filtered; keys only, for paging.

    Superusers read every entry; board staff those about their unit's subtree.
    """
    entries = LogEntry.objects.order_by("-timestamp", "-id")
    unit = filters.get("unit")
    if not user.is_superuser:
        if user.org_unit is None:
            return entries.none()
        if unit is None:
            unit = user.org_unit
    if unit is not None:
        entries = entries.alias(unit_id=UNIT).filter(in_subtree("unit_id", unit))
    if filters.get("actor"):
        entries = entries.filter(actor=filters["actor"])
    if filters.get("kind"):
        entries = entries.filter(kind_filter(filters["kind"]))
    if filters.get("object_type"):
        from django.apps import apps

        model = apps.get_model(filters["object_type"])
        entries = entries.filter(content_type=ContentType.objects.get_for_model(model))
    if filters.get("date_from"):
        entries = entries.filter(timestamp__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        end = _day_start(filters["date_to"] + timedelta(days=1))
        entries = entries.filter(timestamp__lt=end)
    return entries


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def trail_rows(user, keys: list[int]) -> list[LogEntry]:
    """A page's entries with who made them, each with ``kind``, ``label`` and ``url``.

    An entry links to its object when the reader may see it: one query per type
    of object on the page, whatever the number of entries.
    """
    rows = list(
        LogEntry.objects.filter(pk__in=keys).select_related(
            "actor", "actor__org_unit", "content_type"
        )
    )
    by_type: dict[type, set[int]] = {}
    for entry in rows:
        entry.kind = entry_kind(entry)
        entry.kind_label = KIND_LABELS[entry.kind]
        model = entry.content_type.model_class()
        entry.model = model
        entry.type_label = (
            model._meta.verbose_name.capitalize() if model else entry.content_type.model
        )
        entry.detail = _detail(entry, model)
        if entry.kind == EXPORT:
            # What was exported, named in the reader's language.
            spec = audited_views().get((entry.additional_data or {}).get("view"))
            entry.type_label = spec.title if spec else entry.type_label
            entry.object_repr = ""
        entry.url = ""
        if model is not None and model._meta.label in links() and entry.object_id:
            by_type.setdefault(model, set()).add(entry.object_id)
    visible = {
        model: set(
            model.objects.visible_to(user)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        for model, ids in by_type.items()
    }
    from django.urls import reverse

    for entry in rows:
        if entry.object_id in visible.get(entry.model, ()):
            entry.url = reverse(
                links()[entry.model._meta.label], args=[entry.object_id]
            )
    return rows


def _detail(entry: LogEntry, model) -> str:
    """What more there is to say: the file, the export's filters, the fields changed."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if entry.action == LogEntry.Action.ACCESS:
        if data.get("kind") == EXPORT:
            return data.get("query", "")
        return data.get("file", "").upper()
    if entry.action != LogEntry.Action.UPDATE or not isinstance(entry.changes, dict):
        return ""
    names = []
    for name in entry.changes:
        try:
            names.append(str(model._meta.get_field(name).verbose_name))
        except (AttributeError, FieldDoesNotExist):  # no such model or field now
            names.append(name)
    return ", ".join(names)
