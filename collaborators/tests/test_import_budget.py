"""The roster import reads a workbook within a budget, and keeps it out of the session.

Each hostile shape is uploaded through the real view in a forked child held to a
memory cap and a time budget: it must end with the message naming the limit, not
with MemoryError or a timeout, and leave nothing saved. The workbooks are written
by hand (a zip of XML parts), as an attacker would.
"""

import datetime
import io
import json
import os
import resource
import select
import signal
import time
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from collaborators.models import Collaborator, ImportDraft
from collaborators.services import import_drafts_purge
from collaborators.spreadsheets import COLUMNS

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = reverse("collaborators:import-upload")
MEMORY_HEADROOM = 400 * 1024 * 1024  # bytes the child may add to what it has
TIME_BUDGET = 20  # seconds of wall clock, on a busy shared machine

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


def workbook(rows: str, strings=(), *, dimension: str = "") -> bytes:
    """An .xlsx of ``rows`` (the sheetData's XML) and shared ``strings``, stored
    uncompressed so that the archive's expansion ratio passes."""
    shared = "".join(f"<si><t>{_xml_text(s)}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{rows}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def _string_cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>'


def roster_rows(count: int = 2, *, first_row: int = 1) -> str:
    """The template's header and ``count`` valid rows, as inline strings."""
    header = "".join(_string_cell(str(column.label)) for column in COLUMNS)
    rows = [f'<row r="{first_row}">{header}</row>']
    for index in range(count):
        values = {
            "full_name": f"Nguyễn Văn {index}",
            "gender": "Nam",
            "phone": f"09051{index:05d}",
            "unit": "Phường Tứ Hạ",
        }
        cells = "".join(_string_cell(values.get(c.key, "")) for c in COLUMNS)
        rows.append(f'<row r="{first_row + 1 + index}">{cells}</row>')
    return "".join(rows)


def one_shared_string(length: int, cells: int = 300_000, width: int = 20) -> bytes:
    """``cells`` cells, ``width`` a row, each showing the one shared string; the
    cells name no position, so the sheet is as small as it can be."""
    row = "<row>" + '<c t="s"><v>0</v></c>' * width + "</row>"
    return workbook(row * (cells // width), ["x" * length])


def _vm_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def upload_in_a_held_process(client, name: str, data: bytes) -> dict:
    """Post the workbook to the upload view in a forked child whose address space
    may grow by MEMORY_HEADROOM and which is killed past TIME_BUDGET seconds.

    The tests here commit (``transaction=True``): the child may get the parent's
    database connection or, when the parent's connection lives in a context the
    fork does not carry (after a Playwright test in the same process), a new one,
    which sees only committed rows. Returns the outcome: the status, the form's
    errors, or the exception that ended the child.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: upload, report, exit without cleaning up
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (_vm_bytes() + MEMORY_HEADROOM,) * 2)
            started = time.monotonic()
            response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})
            form = response.context["form"] if response.context else None
            outcome = {
                "status": response.status_code,
                "location": response.get("Location", ""),
                "errors": [str(e) for e in form.errors.get("file", [])]
                if form is not None
                else [],
                "seconds": time.monotonic() - started,
            }
        except BaseException as error:  # MemoryError among them
            outcome = {"exception": repr(error)[:500]}
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(outcome))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        ready, _w, _x = select.select([pipe], [], [], TIME_BUDGET)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the upload of {name} took more than {TIME_BUDGET} s")
        text = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def limit_message(message: str, **params) -> str:
    """A refusal as the user reads it, in the active language, numbers grouped."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            key: number_format(value, force_grouping=True)
            if isinstance(value, int)
            else value
            for key, value in params.items()
        }
        return gettext(message) % values


def assert_refused(outcome: dict, message: str) -> None:
    assert "exception" not in outcome, outcome["exception"]
    assert outcome["status"] == 200, outcome
    assert outcome["errors"] == [message]
    assert not ImportDraft.objects.exists()
    assert not Collaborator.objects.exclude(user__isnull=False).exists()


@pytest.fixture
def units(commune, other_commune):
    return commune, other_commune


# --- The shapes of the review ------------------------------------------------------


def test_cells_showing_one_huge_shared_string_are_refused(client_of, staff, units):
    """300,000 cells pointing at one 32,767-character string (6 MB, stored)."""
    data = one_shared_string(32_767)
    assert len(data) < settings.UPLOAD_MAX_BYTES
    outcome = upload_in_a_held_process(client_of(staff), "ds.xlsx", data)
    assert_refused(
        outcome,
        limit_message(
            "Cell %(cell)s holds more than %(max)s characters; shorten it.",
            cell="A1",
            max=settings.IMPORT_MAX_CELL_CHARS,
        ),
    )


def test_cells_showing_one_long_shared_string_stop_at_the_text_budget(
    client_of, staff, units
):
    """The same with 1,000 characters a cell: each cell passes, all together do not."""
    outcome = upload_in_a_held_process(
        client_of(staff), "ds.xlsx", one_shared_string(1000)
    )
    assert_refused(
        outcome,
        limit_message(
            "The workbook holds more than %(max)s characters of text; "
            "split it into smaller files.",
            max=settings.IMPORT_MAX_CHARS,
        ),
    )
    assert outcome["seconds"] < 5


def test_too_many_filled_cells_are_refused(client_of, staff, units, settings):
    settings.IMPORT_MAX_CELLS = 1000
    rows = ("<row>" + "<c><v>1</v></c>" * 20 + "</row>") * 100
    outcome = upload_in_a_held_process(client_of(staff), "ds.xlsx", workbook(rows))
    assert_refused(
        outcome,
        limit_message(
            "The workbook has more than %(max)s filled cells; "
            "split it into smaller files.",
            max=1000,
        ),
    )


def test_empty_cells_cost_little_but_are_not_free(client_of, staff, units, settings):
    """A sheet of nothing but empty cells stops once they pass four per cell allowed."""
    settings.IMPORT_MAX_CELLS = 1000
    rows = roster_rows(2) + "<row>" + "<c/>" * 4001 + "</row>"
    outcome = upload_in_a_held_process(client_of(staff), "ds.xlsx", workbook(rows))
    assert_refused(
        outcome,
        limit_message(
            "The workbook has more than %(max)s filled cells; "
            "split it into smaller files.",
            max=1000,
        ),
    )


def test_too_many_rows_stop_the_reading(client_of, staff, units):
    rows = "<row><c><v>1</v></c></row>" * (settings.IMPORT_MAX_ROWS + 1)
    outcome = upload_in_a_held_process(client_of(staff), "ds.xlsx", workbook(rows))
    assert_refused(
        outcome,
        limit_message(
            "The workbook has more than %(max)s rows; split it into smaller files.",
            max=settings.IMPORT_MAX_ROWS,
        ),
    )


def test_a_value_beyond_the_columns_read_is_refused(client_of, staff, units):
    rows = roster_rows(2) + '<row r="4"><c r="XFD4"><v>1</v></c></row>'
    outcome = upload_in_a_held_process(client_of(staff), "ds.xlsx", workbook(rows))
    assert_refused(
        outcome,
        limit_message(
            "Cell %(cell)s lies beyond the first %(max)s columns the import reads; "
            "remove what is right of the table.",
            cell="XFD4",
            max=settings.IMPORT_MAX_COLUMNS,
        ),
    )


def test_the_declared_dimension_is_ignored(client_of, staff, units):
    """A 2 KB roster claiming A1:XFD1048576 is read as the rows it holds, at once."""
    data = workbook(roster_rows(2), dimension="A1:XFD1048576")
    assert len(data) < 8 * 1024
    outcome = upload_in_a_held_process(client_of(staff), "ds.xlsx", data)
    assert "exception" not in outcome, outcome["exception"]
    assert outcome["status"] == 302, outcome
    assert outcome["seconds"] < 2
    draft = ImportDraft.objects.get(user=staff)
    assert len(draft.sheet["rows"]) == 2
    assert len(draft.sheet["headings"]) == len(COLUMNS)


def test_a_doctype_is_refused(client_of, staff, units):
    data = workbook(roster_rows(1)).replace(
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet',
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet',
    )
    response = client_of(staff).post(
        UPLOAD, {"file": SimpleUploadedFile("ds.xlsx", data)}
    )
    assert response.context["form"].errors["file"] == [
        limit_message("The file is not an .xlsx workbook.")
    ]
    assert not ImportDraft.objects.exists()


# --- Where the rows wait, and for how long ------------------------------------------


def _columns_url(client) -> str:
    response = client.post(
        UPLOAD, {"file": SimpleUploadedFile("ds.xlsx", workbook(roster_rows(3)))}
    )
    assert response.status_code == 302, response.context["form"].errors
    return response["Location"]


def test_the_rows_wait_outside_the_session(client_of, staff, units):
    client = client_of(staff)
    url = _columns_url(client)
    session = client.session
    assert "Nguyễn Văn 0" not in json.dumps(dict(session.items()), ensure_ascii=False)
    draft = ImportDraft.objects.get(user=staff)
    assert draft.token in url
    assert draft.sheet["rows"][0][1][0] == "Nguyễn Văn 0"
    assert client.get(url).status_code == 200


def test_the_import_removes_its_upload(client_of, staff, units):
    client = client_of(staff)
    url = _columns_url(client)
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    preview = client.post(url, data)["Location"]
    assert client.post(preview, {"mode": "all"}).status_code == 302
    assert Collaborator.objects.filter(full_name__startswith="Nguyễn Văn").count() == 3
    assert not ImportDraft.objects.exists()


def test_a_new_upload_replaces_the_last(client_of, staff, units):
    client = client_of(staff)
    first = _columns_url(client)
    second = _columns_url(client)
    assert ImportDraft.objects.filter(user=staff).count() == 1
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_upload_left_a_day_is_removed(client_of, staff, units):
    client = client_of(staff)
    url = _columns_url(client)
    now = timezone.now()
    later = now + datetime.timedelta(hours=settings.IMPORT_DRAFT_HOURS - 1)
    assert import_drafts_purge(now=later) == 0
    assert client.get(url).status_code == 200
    day_after = now + datetime.timedelta(hours=settings.IMPORT_DRAFT_HOURS + 1)
    assert import_drafts_purge(now=day_after) == 1
    assert client.get(url).status_code == 404


def test_the_daily_jobs_remove_stale_uploads(client_of, staff, units):
    _columns_url(client_of(staff))
    ImportDraft.objects.update(
        created_at=timezone.now()
        - datetime.timedelta(hours=settings.IMPORT_DRAFT_HOURS + 1)
    )
    out = io.StringIO()
    call_command("daily_jobs", stdout=out)
    assert "stale roster uploads: 1 uploads removed" in out.getvalue()
    assert not ImportDraft.objects.exists()
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "collaborators.tasks.import_drafts_purge" in schedule
