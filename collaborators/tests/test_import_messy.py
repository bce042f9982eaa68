"""A board's own roster workbook, imported as it is: title block, its own headings
and order, phones as numbers, dates of every kind, a signature block."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from collaborators.models import Collaborator, ImportMapping
from collaborators.spreadsheets import match_heading
from dluan.models import User
from dluan.tests.factories import UserFactory

UPLOAD = reverse("collaborators:import-upload")

HEADINGS = [
    "STT",
    "Họ và tên\n(ghi đầy đủ)",
    "Năm sinh",
    "Giới tính",
    "Chức vụ",
    "Địa bàn",
    "Số điện thoại liên hệ",
    "E-mail",
    "Đảng viên",
    "Nghỉ hưu",
    "Số QĐ",
    "Ngày bắt đầu",
    "Thời hạn đến",
    "Dân tộc",
    "Ghi chú",
]
# What the columns page proposes for HEADINGS, column by column.
PROPOSED = [
    "",
    "full_name",
    "birth_year",
    "gender",
    "position",
    "coverage_areas",
    "phone",
    "email",
    "is_party_member",
    "is_retired",
    "decision_number",
    "term_start",
    "term_end",
    "",
    "notes",
]


def _messy_workbook(rows=None) -> SimpleUploadedFile:
    """A roster laid out the way a board's office lays it out."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "THỊ ỦY HƯƠNG TRÀ"
    sheet.merge_cells("A1:D1")
    sheet["G1"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
    sheet.merge_cells("G1:L1")
    sheet["A2"] = "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    sheet.merge_cells("A2:D2")
    sheet["A4"] = "DANH SÁCH CỘNG TÁC VIÊN DƯ LUẬN XÃ HỘI NĂM 2024"
    sheet.merge_cells("A4:O4")
    sheet["A5"] = "(Kèm theo Quyết định số 12-QĐ/BTGDV ngày 12/3/2024)"
    sheet.merge_cells("A5:O5")
    for column, heading in enumerate(HEADINGS, start=1):
        sheet.cell(row=7, column=column, value=heading)
    for column in range(1, len(HEADINGS) + 1):
        sheet.cell(row=8, column=column, value=f"({column})")
    data = rows or [
        [
            1,
            "Nguyễn Văn An",
            1968,
            "Nam",
            "Tổ trưởng tổ dân phố",
            "Phường Tứ Hạ",
            912345678,
            "an@example.vn",
            "x",
            None,
            "12-QĐ/BTGDV",
            datetime.datetime(2024, 3, 12),
            "11/03/2026",
            "Kinh",
            None,
        ],
        None,  # a blank row inside the table
        [
            2,
            "Lê Thị Bé",
            datetime.datetime(1975, 5, 2),
            "Nữ",
            None,
            "Hương Toàn",
            "+84 905 000 002",
            None,
            "có",
            "X",
            "12-QĐ/BTGDV",
            "1-4-2024",
            "31-3-2026",
            "Kinh",
            "chuyển từ Hương Chữ",
        ],
        [
            3,
            "Trần Văn Cường",
            "không rõ",
            "Nam",
            None,
            "Phường Tứ Hạ",
            123,
            None,
            None,
            None,
            None,
            "32/13/2024",
            None,
            None,
            None,
        ],
    ]
    row_number = 9
    for values in data:
        if values:
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row_number, column=column, value=value)
        row_number += 1
    row_number += 1
    sheet.cell(row=row_number, column=2, value="Tổng cộng: 3 người")
    row_number += 2
    sheet.cell(row=row_number, column=11, value="Hương Trà, ngày 15 tháng 3 năm 2024")
    row_number += 1
    sheet.cell(row=row_number, column=2, value="Người lập biểu")
    sheet.cell(row=row_number, column=11, value="TRƯỞNG BAN")
    row_number += 1
    sheet.cell(row=row_number, column=2, value="(Ký, ghi rõ họ tên)")
    row_number += 3
    sheet.cell(row=row_number, column=2, value="Phạm Thị Lập")
    sheet.cell(row=row_number, column=11, value="Hoàng Văn Trưởng")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("danh-sach-ctv-2024.xlsx", buffer.getvalue())


@pytest.fixture
def units(commune, other_commune):
    return commune, other_commune


def _columns_page(client):
    response = client.post(UPLOAD, {"file": _messy_workbook()})
    assert response.status_code == 302, response.context["form"].errors
    url = response["Location"]
    return client.get(url), url


def _proposed(page) -> list[str]:
    form = page.context["form"]
    return [field.initial for field in form.fields.values()]


def _with_unit(page) -> dict:
    """The proposal with the user's correction: "Địa bàn" is the unit column."""
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    data["column_5"] = "unit"
    return data


def _errors(preview, number):
    return {row.number: row for row in preview.context["page"]}[number].errors


def test_the_header_row_is_found_below_the_title_block(client_of, staff, units):
    page, url = _columns_page(client_of(staff))
    assert url.endswith("/columns/")
    assert page.status_code == 200
    assert page.context["header_row"] == 7
    assert [column["heading"] for column in page.context["columns"]] == HEADINGS
    samples = {
        column["heading"]: column["samples"] for column in page.context["columns"]
    }
    assert samples["Năm sinh"] == ["1968", "02/05/1975"]
    assert samples["Số điện thoại liên hệ"] == ["912345678", "+84 905 000 002"]
    assert page.context["row_count"] == 3  # no column numbers, totals, signatures
    html = page.content.decode()
    assert "Nguyễn Văn An" in html
    assert "THỊ ỦY HƯƠNG TRÀ" not in html and "TRƯỞNG BAN" not in html


def test_the_columns_page_proposes_a_field_for_each_column(client_of, staff, units):
    page, _url = _columns_page(client_of(staff))
    assert _proposed(page) == PROPOSED
    html = page.content.decode()
    # Every select has its label.
    for index in range(len(HEADINGS)):
        assert f'for="id_column_{index}"' in html
        assert f'id="id_column_{index}"' in html


def test_a_missing_unit_column_is_refused_on_the_columns_page(client_of, staff, units):
    client = client_of(staff)
    page, url = _columns_page(client)
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "columns-errors" in response.content.decode()


def test_a_field_chosen_twice_is_refused(client_of, staff, units):
    client = client_of(staff)
    page, url = _columns_page(client)
    data = _with_unit(page)
    data["column_13"] = "full_name"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_the_corrected_columns_lead_to_the_preview_and_the_import(
    client_of, staff, units
):
    client = client_of(staff)
    page, url = _columns_page(client)
    response = client.post(url, _with_unit(page))
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    # Three collaborators: no column numbers, totals or signature rows.
    assert preview.context["total"] == 3
    assert preview.context["invalid_count"] == 1
    assert [row.number for row in preview.context["page"]] == [12, 9, 11]
    errors = " ".join(_errors(preview, 12))
    assert "không rõ" in errors and "123" in errors and "32/13/2024" in errors
    assert not Collaborator.objects.exists()

    response = client.post(preview_url, {"mode": "valid"})
    assert response.status_code == 302
    an = Collaborator.objects.get(full_name="Nguyễn Văn An")
    assert an.phone == "0912345678"
    assert an.unit == units[0]
    assert an.birth_year == 1968
    assert an.is_party_member and not an.is_retired
    assert an.term_start == datetime.date(2024, 3, 12)
    assert an.term_end == datetime.date(2026, 3, 11)
    assert an.position == "Tổ trưởng tổ dân phố"
    assert an.decision_number == "12-QĐ/BTGDV"
    be = Collaborator.objects.get(full_name="Lê Thị Bé")
    assert be.phone == "0905000002"
    assert be.unit == units[1]  # "Hương Toàn" is Xã Hương Toàn
    assert be.birth_year == 1975
    assert be.gender == "female"
    assert be.is_party_member and be.is_retired
    assert be.term_start == datetime.date(2024, 4, 1)
    assert be.term_end == datetime.date(2026, 3, 31)
    assert be.notes == "chuyển từ Hương Chữ"
    assert Collaborator.objects.count() == 2


def test_the_preview_links_back_to_the_columns(client_of, staff, units):
    client = client_of(staff)
    page, url = _columns_page(client)
    preview_url = client.post(url, _with_unit(page))["Location"]
    assert url in client.get(preview_url).content.decode()
    # Back on the columns page, the choice made stays.
    assert _proposed(client.get(url))[5] == "unit"


def test_the_preview_is_not_reached_before_the_columns(client_of, staff, units):
    client = client_of(staff)
    _page, url = _columns_page(client)
    preview_url = url.removesuffix("columns/")
    response = client.get(preview_url)
    assert response.status_code == 302
    assert response["Location"] == url


def _import(client):
    page, url = _columns_page(client)
    preview_url = client.post(url, _with_unit(page))["Location"]
    assert client.post(preview_url, {"mode": "valid"}).status_code == 302


def test_the_next_upload_starts_from_the_remembered_columns(
    client_of, staff, units, town
):
    client = client_of(staff)
    _import(client)
    mapping = ImportMapping.objects.get(unit=town)
    assert mapping.columns["dia ban"] == "unit"
    assert mapping.columns["dan toc"] == ""
    assert mapping.updated_by == staff
    page, _url = _columns_page(client)
    assert _proposed(page)[5] == "unit"
    assert _proposed(page) == [*PROPOSED[:5], "unit", *PROPOSED[6:]]


def test_columns_are_not_remembered_before_the_import(client_of, staff, units):
    client = client_of(staff)
    page, url = _columns_page(client)
    client.post(url, _with_unit(page))
    assert not ImportMapping.objects.exists()


def test_another_units_staff_do_not_get_the_remembered_columns(
    client_of, staff, other_staff, units
):
    _import(client_of(staff))
    other = Client()
    other.force_login(other_staff)
    page, _url = _columns_page(other)
    assert _proposed(page) == PROPOSED


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Họ và tên", "full_name"),
        ("HỌ TÊN", "full_name"),
        ("Ngày sinh", "birth_year"),
        ("Ngày, tháng, năm sinh", "birth_year"),
        ("SĐT", "phone"),
        ("Điện thoại", "phone"),
        ("Đơn vị công tác", "unit"),
        ("Địa bàn phụ trách", "coverage_areas"),
        ("Đảng viên (x)", "is_party_member"),
        ("Số quyết định", "decision_number"),
        ("Thời hạn", "term_end"),
        ("STT", "serial"),
        ("Dân tộc", ""),
        ("DANH SÁCH CỘNG TÁC VIÊN DƯ LUẬN XÃ HỘI", ""),
    ],
)
def test_headings_are_matched_without_case_or_diacritics(heading, field):
    assert match_heading(heading) == field


def test_an_excel_date_number_in_a_date_column_is_a_date(client_of, staff, units):
    row = [1, "Võ Văn Dũng", "1970", "nam", None, "Phường Tứ Hạ", "0905111222"]
    row += [None, None, None, None, 45363, None, None, None]
    client = client_of(staff)
    response = client.post(UPLOAD, {"file": _messy_workbook([row])})
    url = response["Location"]
    page = client.get(url)
    preview_url = client.post(url, _with_unit(page))["Location"]
    client.post(preview_url, {"mode": "all"})
    dung = Collaborator.objects.get(full_name="Võ Văn Dũng")
    assert dung.term_start == datetime.date(2024, 3, 12)


def test_a_workbook_without_rows_is_refused(client_of, staff, units):
    workbook = Workbook()
    workbook.active.append(["DANH SÁCH CỘNG TÁC VIÊN"])
    workbook.active.append(["STT", "Họ và tên", "Giới tính"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client_of(staff).post(
        UPLOAD, {"file": SimpleUploadedFile("empty.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# --- Who may -----------------------------------------------------------------------


@pytest.fixture
def columns_url(client_of, staff, units):
    _page, url = _columns_page(client_of(staff))
    return url


def test_collaborator_gets_404(client_of, collaborator, columns_url):
    assert client_of(collaborator).get(columns_url).status_code == 404


def test_leader_gets_404(client_of, leader, columns_url):
    client = client_of(leader)
    assert client.get(columns_url).status_code == 404
    assert client.post(columns_url, {"column_1": "full_name"}).status_code == 404


def test_anonymous_is_sent_to_login(columns_url):
    response = Client().get(columns_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_staff_member_cannot_use_the_token(client_of, town, columns_url):
    colleague = UserFactory(role=User.Role.STAFF, org_unit=town)
    assert client_of(colleague).get(columns_url).status_code == 404


def test_the_uploader_may_go_on_in_another_browser(staff, columns_url):
    """The upload waits for its uploader, not for one browser's session."""
    other = Client()
    other.force_login(staff)
    assert other.get(columns_url).status_code == 200


def test_the_columns_and_preview_pages_are_sound_html(client_of, staff, units):
    from tests.support.pages import html_problems

    client = client_of(staff)
    page, url = _columns_page(client)
    problems, _document = html_problems(url, page.content.decode())
    preview_url = client.post(url, _with_unit(page))["Location"]
    preview = client.get(preview_url).content.decode()
    problems += html_problems(preview_url, preview)[0]
    assert problems == []


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (912345678, "0912345678"),
        (912345678.0, "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        (84912345678, "0912345678"),
        (2343862123, "02343862123"),
        ("0234.3862.123", "02343862123"),
    ],
)
def test_phones_get_their_leading_zero(written, stored):
    from collaborators.import_rows import _phone

    assert _phone(written) == stored


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_template_in_either_language_is_matched_column_by_column(
    client_of, staff, units, language
):
    from django.utils import translation

    from collaborators.exports import template_workbook
    from collaborators.spreadsheets import COLUMNS

    with translation.override(language):
        content = template_workbook()
    client = client_of(staff)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("mau.xlsx", content)})
    page = client.get(response["Location"])
    assert page.context["header_row"] == 1
    assert _proposed(page) == [column.key for column in COLUMNS]


@pytest.mark.browser
def test_the_columns_page_fits_a_phone(transactional_db, browser_context, staff, units):
    from conftest import PHONE, browser_login, screenshot

    page = browser_context(PHONE).new_page()
    browser_login(page, staff.username)
    page.goto(UPLOAD)
    upload = _messy_workbook()
    page.set_input_files(
        "#id_file",
        files=[{"name": upload.name, "mimeType": "", "buffer": upload.read()}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/columns/")
    assert page.locator("#id_column_5").input_value() == "coverage_areas"
    screenshot(page, "import-columns-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#id_column_5").select_option("unit")
    page.get_by_test_id("columns-confirm").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("import-summary")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
