"""A roster import costs a few queries a batch of rows, not a dozen a row, and still
leaves the audit entries that saving the records one by one left."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from collaborators import services, spreadsheets
from collaborators.models import Collaborator, RosterEvent
from collaborators.spreadsheets import COLUMNS, Sheet
from dluan.search import search


@pytest.fixture
def units(commune, other_commune):
    return commune, other_commune


def _values(index: int, **extra) -> list:
    """One roster row in the template's column order."""
    values = {
        "full_name": f"Nguyễn Văn Số {index}",
        "gender": "Nam",
        "birth_year": 1968,
        "phone": f"0905{index:06d}",
        "email": f"ctv{index}@example.vn",
        "unit": "Phường Tứ Hạ",
        "coverage_areas": "Xã Hương Toàn; Phường Tứ Hạ",
        "occupation": "giáo viên",
        "is_party_member": "có",
        "decision_number": "123-QĐ/TU",
        "decision_date": "01/03/2025",
        "term_start": "01/03/2025",
        "term_end": "28/02/2027",
        "monthly_allowance": 500000,
    }
    values.update(extra)
    return [values.get(column.key) for column in COLUMNS]


def _import_counting_queries(actor, start: int, count: int) -> int:
    rows = [[index + 2, _values(index)] for index in range(start, start + count)]
    ContentType.objects.clear_cache()  # each import looks the types up alike
    with CaptureQueriesContext(connection) as queries:
        created = services.collaborator_import(actor=actor, rows=rows, only_valid=False)
    assert created == count
    return len(queries)


def test_import_queries_grow_with_batches_not_rows(staff, units, monkeypatch):
    # Batches of 10 rows, so that every INSERT fits SQLite's 999 parameters too.
    monkeypatch.setattr(services.imports, "IMPORT_BATCH", 10)
    one_batch = _import_counting_queries(staff, 0, 10)
    three_batches = _import_counting_queries(staff, 100, 30)
    five_batches = _import_counting_queries(staff, 200, 50)
    per_batch = (three_batches - one_batch) // 2
    assert five_batches - three_batches == three_batches - one_batch
    # A batch: one INSERT each of records, coverage areas, appointments and audit
    # entries, and the records and appointments read back for the entries.
    assert per_batch <= 6
    assert one_batch <= 20
    assert Collaborator.objects.count() == 90
    assert RosterEvent.objects.count() == 90
    assert Collaborator.coverage_areas.through.objects.count() == 180


def _workbook(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(column.label) for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def _import_through_the_pages(client, rows) -> None:
    upload = client.post(
        reverse("collaborators:import-upload"), {"file": _workbook(rows)}
    )
    columns_url = upload["Location"]
    form = client.get(columns_url).context["form"]
    chosen = {name: field.initial for name, field in form.fields.items()}
    preview_url = client.post(columns_url, chosen)["Location"]
    response = client.post(preview_url, {"mode": "all"})
    assert response.status_code == 302


def _entries(obj) -> list[tuple]:
    """What the trail holds about an object, without its keys and times."""
    return sorted(
        (
            entry.action,
            entry.actor_id,
            entry.remote_addr,
            entry.additional_data["unit"],
            sorted(entry.changes),
            entry.changes.get("coverage_areas"),
        )
        for entry in LogEntry.objects.get_for_object(obj)
        if entry.action != LogEntry.Action.ACCESS
    )


def test_imported_records_have_the_audit_entries_of_records_saved_one_by_one(
    client_of, staff, units
):
    commune, other_commune = units
    _import_through_the_pages(
        client_of(staff), [_values(1), _values(2, full_name="Trần Thị Bích")]
    )
    # The same collaborator added through the roster form's service, whose every
    # save auditlog hears: the entries a row-by-row import used to leave.
    with set_actor(staff, remote_addr="127.0.0.1"):
        by_hand = services.collaborator_create(
            actor=staff,
            data={
                "full_name": "Nguyễn Văn Số 3",
                "gender": "male",
                "phone": "0905000003",
                "email": "ctv3@example.vn",
                "unit": commune,
                "birth_year": 1968,
                "occupation": "giáo viên",
                "is_party_member": True,
                "decision_number": "123-QĐ/TU",
                "decision_date": datetime.date(2025, 3, 1),
                "term_start": datetime.date(2025, 3, 1),
                "term_end": datetime.date(2027, 2, 28),
                "monthly_allowance": Decimal(500000),
            },
            coverage_areas=[other_commune, commune],
        )
    expected = _entries(by_hand)
    assert [entry[0] for entry in expected] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
    ]
    for collaborator in Collaborator.objects.exclude(pk=by_hand.pk):
        assert _entries(collaborator) == expected
        created = LogEntry.objects.get_for_object(collaborator).get(
            action=LogEntry.Action.CREATE
        )
        assert created.changes["full_name"] == ["None", collaborator.full_name]
        assert created.object_repr == collaborator.full_name
        event = collaborator.events.get()
        assert _entries(event) == _entries(by_hand.events.get())
    # Found by the roster's search as a record saved by hand is.
    assert search(Collaborator.objects.all(), "tran thi bich").get().full_name == (
        "Trần Thị Bích"
    )


def _counting_folds(monkeypatch) -> list:
    calls = []
    fold = spreadsheets.fold

    def counted(text):
        calls.append(text)
        return fold(text)

    monkeypatch.setattr(spreadsheets, "fold", counted)
    return calls


HEADINGS = ["STT", "Họ và tên", "Giới tính", "Đơn vị", "Nghề nghiệp", "Ghi chú"]


def _folds_to_find_the_table(monkeypatch, rows: list[list]) -> int:
    sheet = Sheet(header_row=1, headings=HEADINGS, rows=rows)
    calls = _counting_folds(monkeypatch)
    body = sheet.body()
    assert len(body) == len(rows)
    folds = len(calls)
    # Worked out once for the sheet: the next step's call costs nothing.
    assert sheet.body() is body
    assert len(calls) == folds
    return folds


def _row(number: int, serial) -> list:
    return [
        number + 2,
        [serial, f"Lê Thị {number}", "Nữ", "Phường Tứ Hạ", "giáo viên", ""],
    ]


def test_numbered_rows_are_taken_without_reading_their_cells(monkeypatch):
    few = _folds_to_find_the_table(monkeypatch, [_row(n, n + 1) for n in range(10)])
    many = _folds_to_find_the_table(monkeypatch, [_row(n, n + 1) for n in range(2000)])
    assert many == few


def test_unnumbered_rows_fold_each_text_once(monkeypatch):
    few = _folds_to_find_the_table(monkeypatch, [_row(n, "") for n in range(10)])
    many = _folds_to_find_the_table(monkeypatch, [_row(n, "") for n in range(2010)])
    # One new text a row (the name); the unit, gender and occupation recur.
    assert many - few == 2000
