"""CSV for the list endpoints (``?format=csv`` or ``Accept: text/csv``).

UTF-8 with a byte order mark, so that Excel (and its "From Web" import) reads
Vietnamese; one row per result, nested fields flattened into dotted columns
(``period.start``), lists of values joined by "; " and lists of objects (a
report's streams) kept as JSON in one cell. A cell that begins with = + - @ is
made text, as in the workbooks (``dluan.xlsx.safe_cell``).
"""

import csv
import io
import json

from rest_framework.renderers import BaseRenderer, JSONRenderer

from dluan.xlsx import safe_cell

BOM = "\ufeff"


class RawJson(str):
    """JSON text written already (by PostgreSQL): sent as it is."""


class JsonRenderer(JSONRenderer):
    """DRF's JSON, with ``RawJson`` (the whole body, or a key's value) as it is."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, RawJson):
            return data.encode()
        raw = (
            {k: v for k, v in data.items() if isinstance(v, RawJson)}
            if isinstance(data, dict)
            else {}
        )
        if not raw:
            return super().render(data, accepted_media_type, renderer_context)
        rest = {k: v for k, v in data.items() if k not in raw}
        head = super().render(rest, accepted_media_type, renderer_context)[:-1]
        parts = [json.dumps(k).encode() + b":" + v.encode() for k, v in raw.items()]
        return head + (b"," if rest else b"") + b",".join(parts) + b"}"


def _decoded(value):
    return json.loads(value) if isinstance(value, RawJson) else value


def flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(item, dict | list) for item in value):
                flat[name] = "; ".join("" if v is None else str(v) for v in value)
            else:
                flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        data = _decoded(data)
        if isinstance(data, dict) and "results" in data:
            rows = _decoded(data["results"])
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data or {}]
        flat = [flatten(row) for row in rows]
        header = list(dict.fromkeys(key for row in flat for key in row))
        view = context.get("view")
        if not header and view is not None and hasattr(view, "get_serializer"):
            header = list(view.get_serializer().fields)
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        for row in flat:
            writer.writerow([_cell(row.get(key)) for key in header])
        return buffer.getvalue().encode("utf-8")
