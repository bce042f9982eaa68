import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from collaborators.models import Collaborator
from collaborators.spreadsheets import COLUMNS
from collaborators.tests.factories import CollaboratorFactory
from dluan.models import User
from dluan.tests.factories import UserFactory

UPLOAD = reverse("collaborators:import-upload")


def _row(name="Nguyễn Văn An", phone="0905123456", unit="Phường Tứ Hạ", **extra):
    values = {
        "full_name": name,
        "gender": "Nam",
        "birth_year": 1968,
        "phone": phone,
        "email": "",
        "unit": unit,
        "coverage_areas": "Phường Tứ Hạ; Xã Hương Toàn",
        "occupation": "giáo viên",
        "is_party_member": "có",
        "is_retired": "",
        "decision_number": "123-QĐ/TU",
        "decision_date": "01/03/2025",
        "term_start": "01/03/2025",
        "term_end": "28/02/2027",
        "monthly_allowance": 500000,
    }
    values.update(extra)
    return [values.get(column.key) for column in COLUMNS]


def _xlsx(rows, name="roster.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(column.label) for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _upload(client, upload):
    return client.post(UPLOAD, {"file": upload})


def _open_preview(client, response):
    """Through the columns page, keeping the proposed columns, to the preview."""
    assert response.status_code == 302, response.context["form"].errors
    columns_url = response["Location"]
    form = client.get(columns_url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    confirmed = client.post(columns_url, data)
    assert confirmed.status_code == 302, confirmed.context["form"].errors
    return client.get(confirmed["Location"]), confirmed["Location"]


@pytest.fixture
def units(commune, other_commune):
    return commune, other_commune


def test_template_downloads_with_the_columns(client_of, staff):
    response = client_of(staff).get(reverse("collaborators:import-template"))
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [str(column.label) for column in COLUMNS]


def test_valid_file_previews_then_imports(client_of, staff, units):
    client = client_of(staff)
    rows = [_row(), _row("Lê Thị Bé", "0905000002", gender="Nữ", unit="Xã Hương Toàn")]
    preview, url = _open_preview(client, _upload(client, _xlsx(rows)))
    assert preview.context["invalid_count"] == 0
    assert not Collaborator.objects.exists()  # nothing saved before confirming
    response = client.post(url, {"mode": "all"})
    assert response.status_code == 302
    an = Collaborator.objects.get(full_name="Nguyễn Văn An")
    assert an.is_party_member and an.unit == units[0]
    assert set(an.coverage_areas.all()) == set(units)
    assert an.term_end.isoformat() == "2027-02-28"
    assert an.events.count() == 1
    assert Collaborator.objects.get(full_name="Lê Thị Bé").gender == "female"
    # The pending upload is gone from the session once imported.
    assert client.get(url).status_code == 404


def test_real_dates_are_accepted(client_of, staff, units):
    import datetime

    client = client_of(staff)
    row = _row(term_start=datetime.datetime(2025, 3, 1), term_end="2027-02-28")
    preview, _url = _open_preview(client, _upload(client, _xlsx([row])))
    assert preview.context["invalid_count"] == 0


def _errors(preview, number):
    rows = {row.number: row for row in preview.context["page"]}
    return rows[number].errors


def test_each_row_shows_its_errors(client_of, staff, units):
    client = client_of(staff)
    next_year = timezone.localdate().year + 1
    rows = [
        _row(),
        _row("", "0905000003"),
        _row("B", "0905000004", gender="?"),
        _row("C", "0905000005", unit="Thị xã Hương Thủy"),
        _row("D", "0905000006", birth_year=next_year),
        _row("E", "0905000007", term_start="01/03/2027", term_end="01/03/2025"),
        _row("F", "0905000008", term_end="31/02/2027"),
    ]
    preview, _url = _open_preview(client, _upload(client, _xlsx(rows)))
    assert preview.context["invalid_count"] == 6
    assert not _errors(preview, 2)
    for number in range(3, 9):
        assert _errors(preview, number), number


def test_all_or_nothing_refuses_a_file_with_errors(client_of, staff, units):
    client = client_of(staff)
    rows = [_row(), _row("", "0905000003")]
    _page, url = _open_preview(client, _upload(client, _xlsx(rows)))
    response = client.post(url, {"mode": "all"})
    assert response.status_code == 200
    assert not Collaborator.objects.exists()


def test_only_valid_rows_are_imported(client_of, staff, units):
    client = client_of(staff)
    rows = [_row(), _row("", "0905000003"), _row("Lê Văn Cường", "0905000009")]
    _page, url = _open_preview(client, _upload(client, _xlsx(rows)))
    response = client.post(url, {"mode": "valid"})
    assert response.status_code == 302
    assert set(Collaborator.objects.values_list("full_name", flat=True)) == {
        "Nguyễn Văn An",
        "Lê Văn Cường",
    }


def test_duplicate_phone_within_the_file(client_of, staff, units):
    client = client_of(staff)
    rows = [_row(), _row("Lê Văn Cường", "0905 123 456")]
    preview, _url = _open_preview(client, _upload(client, _xlsx(rows)))
    assert not _errors(preview, 2)
    assert _errors(preview, 3)


def test_duplicate_phone_against_the_database(client_of, staff, units):
    CollaboratorFactory(unit=units[0], phone="0905123456")
    client = client_of(staff)
    preview, url = _open_preview(client, _upload(client, _xlsx([_row()])))
    assert _errors(preview, 2)
    client.post(url, {"mode": "all"})
    assert Collaborator.objects.count() == 1


def test_a_phone_taken_after_the_preview_is_caught(client_of, staff, units):
    client = client_of(staff)
    _page, url = _open_preview(client, _upload(client, _xlsx([_row()])))
    CollaboratorFactory(unit=units[0], phone="0905123456")
    response = client.post(url, {"mode": "all"})
    assert response.status_code == 200
    assert Collaborator.objects.count() == 1


def _refused(client, upload):
    response = _upload(client, upload)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Collaborator.objects.exists()


def test_formulas_are_refused(client_of, staff, units):
    row = _row()
    row[0] = "=1+1"
    _refused(client_of(staff), _xlsx([row]))


def test_non_xlsx_is_refused(client_of, staff, units):
    upload = SimpleUploadedFile("roster.xlsx", b"full_name,phone\nAn,0905\n")
    _refused(client_of(staff), upload)


def test_decompression_bomb_is_refused(client_of, staff, units):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    _refused(client_of(staff), SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))


def test_too_many_rows_are_refused(client_of, staff, units):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["full_name"])
    for index in range(100_000):
        sheet.append([f"Người {index}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _refused(client_of(staff), SimpleUploadedFile("big.xlsx", buffer.getvalue()))


def test_another_staff_member_cannot_use_the_token(client_of, staff, units, town):
    first = client_of(staff)
    _page, url = _open_preview(first, _upload(first, _xlsx([_row()])))
    colleague = UserFactory(role=User.Role.STAFF, org_unit=town)
    assert client_of(colleague).post(url, {"mode": "all"}).status_code == 404
    assert not Collaborator.objects.exists()


def test_an_allowance_too_large_for_the_column_is_a_row_error(client_of, staff, units):
    client = client_of(staff)
    rows = [
        _row(),
        _row("B", "0905000004", monthly_allowance="999999999999999"),
        _row("C", "0905000005", monthly_allowance="NaN"),
        _row("D", "0905000006", monthly_allowance="Infinity"),
        _row("E", "0905000007", monthly_allowance="1E+20"),
        _row("F", "0905000008", monthly_allowance="5E-1"),
        _row("G", "0905000009", monthly_allowance="999.999.999.999"),
    ]
    preview, url = _open_preview(client, _upload(client, _xlsx(rows)))
    assert preview.status_code == 200
    assert preview.context["invalid_count"] == 5
    for number in range(3, 8):
        assert _errors(preview, number), number
    assert client.post(url, {"mode": "valid"}).status_code == 302
    assert Collaborator.objects.get(full_name="G").monthly_allowance == 999999999999
    assert set(Collaborator.objects.values_list("full_name", flat=True)) == {
        "Nguyễn Văn An",
        "G",
    }
    # The roster and its export still open with the largest allowance stored.
    assert client.get(reverse("collaborators:collaborator-list")).status_code == 200
    assert client.get(reverse("collaborators:collaborator-export")).status_code == 200


def test_a_birth_year_in_other_digits_is_a_row_error(client_of, staff, units):
    client = client_of(staff)
    rows = [_row(), _row("B", "0905000004", birth_year="²")]
    preview, url = _open_preview(client, _upload(client, _xlsx(rows)))
    assert preview.status_code == 200
    assert _errors(preview, 3)
    assert client.get(url).status_code == 200  # the preview opens again
    client.post(url, {"mode": "valid"})
    assert list(Collaborator.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Văn An"
    ]


def test_import_checks_the_field_limits_before_saving(client_of, staff, units):
    # A well-formed address longer than the column; validate_rows does not look
    # at lengths, the field validation of the import does.
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".vn"
    client = client_of(staff)
    _page, url = _open_preview(client, _upload(client, _xlsx([_row(email=email)])))
    response = client.post(url, {"mode": "all"})
    assert response.status_code == 200
    assert not Collaborator.objects.exists()
