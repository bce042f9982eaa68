"""What every API resource shares: the read-only view set, its filters, the
schema and its documentation page."""

import datetime
from functools import cache

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, serializers, viewsets

from dluan.access import require_manager
from dluan.api import tokens
from dluan.models import ApiToken, OrgUnit
from dluan.replica import reads_from_replica


class UnitRef(serializers.Serializer):
    """A unit as a row names it: its id and name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class ApiViewSet(viewsets.GenericViewSet):
    """Read-only: GET, HEAD and OPTIONS; every other method is 405."""

    http_method_names = ["get", "head", "options"]
    # Keyset pages by id, newest first unless a view says otherwise.
    keyset_ascending = False

    @method_decorator(reads_from_replica)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(request.auth, ApiToken) and response.status_code < 400:
            tokens.api_token_touch(request.auth)
        return response


class ListApi(mixins.ListModelMixin, ApiViewSet):
    """A list, in keyset pages."""


class ReadOnlyApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A list, in keyset pages, and each row by its id."""


# --- Filters: a malformed value is 400, a unit out of scope 404 -------------------


def int_param(request, name: str) -> int | None:
    value = request.query_params.get(name, "").strip()
    if value == "":
        return None
    if not (value.isascii() and value.isdecimal() and len(value) <= 18):
        raise exceptions.ValidationError({name: _("A whole number.")})
    return int(value)


def date_param(request, name: str) -> datetime.date | None:
    """A date as ISO ``yyyy-mm-dd`` (or ``dd/mm/yyyy``)."""
    value = request.query_params.get(name, "").strip()
    if value == "":
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise exceptions.ValidationError({name: _("A date: yyyy-mm-dd or dd/mm/yyyy.")})


def choice_param(request, name: str, choices) -> str | None:
    value = request.query_params.get(name, "").strip()
    if value == "":
        return None
    if value not in {str(code) for code in choices}:
        raise exceptions.ValidationError(
            {name: _("One of: %(codes)s.") % {"codes": ", ".join(map(str, choices))}}
        )
    return value


def unit_param(request, name: str = "unit") -> OrgUnit | None:
    """The unit asked for; one outside the user's subtree is 404, not an empty list."""
    pk = int_param(request, name)
    if pk is None:
        return None
    return get_object_or_404(OrgUnit.objects.visible_to(request.user), pk=pk)


# --- The schema and its page --------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ``?format=json`` for JSON)."""


@cache
def _schema(language: str) -> dict:
    # The descriptions are translated as the schema is generated: one per language.
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return node


def _fields(schema: dict, node: dict) -> list[dict]:
    node = _resolve(schema, node)
    if node.get("type") == "array":
        node = _resolve(schema, node.get("items", {}))
    if "results" in node.get("properties", {}):
        return _fields(schema, node["properties"]["results"])
    fields = []
    for name, prop in node.get("properties", {}).items():
        prop = _resolve(schema, prop)
        kind = prop.get("type", "object")
        if kind == "array":
            kind = f"[{_resolve(schema, prop.get('items', {})).get('type', 'object')}]"
        fields.append(
            {
                "name": name,
                "type": kind,
                "description": prop.get("description", ""),
                "enum": prop.get("enum", []),
            }
        )
    return fields


def _operations(schema: dict) -> list[dict]:
    operations = []
    for path, methods in schema["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        ok = operation.get("responses", {}).get("200", {}).get("content", {})
        body = next(iter(ok.values()), {}).get("schema", {})
        operations.append(
            {
                "path": path,
                "id": operation["operationId"],
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "required": p.get("required", False),
                        "description": p.get("description", ""),
                        "type": p.get("schema", {}).get("type", ""),
                        "enum": p.get("schema", {}).get("enum", []),
                    }
                    for p in operation.get("parameters", [])
                ],
                "formats": list(ok),
                "fields": _fields(schema, body),
            }
        )
    return operations


@login_required
def api_docs(request):
    """The API's documentation, rendered here from its schema: no script, no CDN."""
    require_manager(request.user)
    schema = _schema(get_language())
    return render(
        request,
        "dluan/api_docs.html",
        {"info": schema["info"], "operations": _operations(schema)},
    )
