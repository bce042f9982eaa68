"""The census workbook: long and wide layouts, its header found below a title, and
every refusal named with its row number, nothing saved."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from surveys.models import SurveyCell
from surveys.services.sample import parse_age, parse_sex

AGES = ["18-29", "30-44", "45-59", "60+"]


def workbook(rows, name="dan-so.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, not one
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(client, survey, rows):
    return client.post(
        reverse("surveys:population-upload", args=[survey.pk]),
        {"file": workbook(rows)},
    )


def figures(survey):
    return {
        (c.commune.name, c.sex, c.age_group): c.population
        for c in SurveyCell.objects.filter(survey=survey).select_related("commune")
    }


TITLE = [
    ["THỊ ỦY HƯƠNG TRÀ"],
    ["DÂN SỐ TỪ 18 TUỔI TRỞ LÊN THEO XÃ, GIỚI TÍNH VÀ NHÓM TUỔI"],
    [],
]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("18-29", "18-29"),
        ("18 – 29", "18-29"),
        ("Từ 18 đến 29", "18-29"),
        ("từ 30 đến 44 tuổi", "30-44"),
        ("60+", "60+"),
        ("60 trở lên", "60+"),
        ("Từ 60 tuổi trở lên", "60+"),
        ("15-17", ""),
        ("già", ""),
    ],
)
def test_age_groups_as_boards_write_them(text, value):
    assert parse_age(text) == value


def test_sexes_as_boards_write_them():
    assert parse_sex("Nam") == "male"
    assert parse_sex("NỮ") == "female"
    assert parse_sex("Nu") == "female"
    assert parse_sex("Khác") == ""


def test_long_layout_below_a_title(client_of, staff, survey, commune, other_commune):
    rows = [
        *TITLE,
        ["STT", "Xã, phường", "Giới tính", "Nhóm tuổi", "Dân số (người)"],
        [1, "Phường Tứ Hạ", "Nam", "18 – 29", 1200],
        [2, "tu ha", "Nữ", "Từ 18 đến 29", "1.150"],
        [3, "Hương Toàn", "Nam", "60 trở lên", 830],
        [4, "Xã Hương Toàn", "Nữ", "60+", 990.0],
        ["", "Tổng cộng", "", "", 4170],
        [],
        ["", "Người lập biểu"],
    ]
    response = upload(client_of(staff), survey, rows)
    assert response.status_code == 302
    assert figures(survey) == {
        ("Phường Tứ Hạ", "male", "18-29"): 1200,
        ("Phường Tứ Hạ", "female", "18-29"): 1150,
        ("Xã Hương Toàn", "male", "60+"): 830,
        ("Xã Hương Toàn", "female", "60+"): 990,
    }


def test_wide_layout_one_header_row(client_of, staff, survey, commune, other_commune):
    header = ["Xã/phường"] + [f"{s} {a}" for s in ("Nam", "Nữ") for a in AGES]
    rows = [
        *TITLE,
        [*header, "Tổng số"],
        ["Tứ Hạ", *range(100, 108), 828],
        ["Hương Toàn", *range(200, 208), 1628],
    ]
    response = upload(client_of(staff), survey, rows)
    assert response.status_code == 302
    found = figures(survey)
    assert len(found) == 16
    assert found[("Phường Tứ Hạ", "male", "18-29")] == 100
    assert found[("Phường Tứ Hạ", "female", "60+")] == 107
    assert found[("Xã Hương Toàn", "male", "45-59")] == 202


def test_wide_layout_sex_over_age_headings(
    client_of, staff, survey, commune, other_commune
):
    rows = [
        *TITLE,
        ["TT", "Đơn vị", "Nam", None, None, None, "Nữ", None, None, None],
        [None, None, "18-29", "30-44", "45-59", "60 trở lên"] * 1
        + ["18-29", "30-44", "45-59", "60 trở lên"],
        [1, "Phường Tứ Hạ", 11, 12, 13, 14, 21, 22, 23, 24],
    ]
    response = upload(client_of(staff), survey, rows)
    assert response.status_code == 302
    found = figures(survey)
    assert found[("Phường Tứ Hạ", "male", "60+")] == 14
    assert found[("Phường Tứ Hạ", "female", "18-29")] == 21
    assert len(found) == 8


def test_refusals_name_each_row_and_save_nothing(
    client_of, staff, survey, commune, other_commune
):
    SurveyCell.objects.create(
        survey=survey, commune=commune, sex="male", age_group="18-29", population=7
    )
    rows = [
        ["Xã", "Giới tính", "Nhóm tuổi", "Dân số"],
        ["Tứ Hạ", "Nam", "18-29", 500],
        ["Hương Thủy", "Nam", "18-29", 100],
        ["Tứ Hạ", "Khác", "18-29", 100],
        ["Tứ Hạ", "Nữ", "15-17", 100],
        ["Tứ Hạ", "Nữ", "30-44", "nhiều"],
        ["Tứ Hạ", "Nữ", "45-59", -3],
        ["<script>alert(1)</script>", "Nam", "18-29", 1],
        ["=cmd|' /C calc'!A0", "Nam", "18-29", 1],
    ]
    response = upload(client_of(staff), survey, rows)
    assert response.status_code == 200
    page = response.content.decode()
    for number in (3, 4, 5, 6, 7, 8, 9):
        assert f"Dòng {number}:" in page or f"Row {number}:" in page, number
    assert "Hương Thủy" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "=cmd|" in page
    # Nothing saved: row 2 was good, yet the 7 stays.
    assert figures(survey) == {("Phường Tứ Hạ", "male", "18-29"): 7}


def test_a_cell_given_twice_is_refused(client_of, staff, survey, commune):
    rows = [
        ["Xã", "Giới tính", "Nhóm tuổi", "Dân số"],
        ["Tứ Hạ", "Nam", "18-29", 500],
        ["Phường Tứ Hạ", "Nam", "18 - 29", 501],
    ]
    response = upload(client_of(staff), survey, rows)
    [error] = response.context["upload_form"].errors["file"]
    assert re.match(r"(Row|Dòng) 3: .* (row|dòng) 2\.$", error), error
    assert not SurveyCell.objects.filter(survey=survey).exists()


def test_a_sheet_without_header_is_refused(client_of, staff, survey, commune):
    response = upload(client_of(staff), survey, [["Họ tên", "Điện thoại"], ["A", 1]])
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"]
    assert not SurveyCell.objects.exists()


def test_not_a_workbook_is_refused(client_of, staff, survey, commune):
    response = client_of(staff).post(
        reverse("surveys:population-upload", args=[survey.pk]),
        {"file": SimpleUploadedFile("x.xlsx", b"not a zip")},
    )
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 404), ("other_staff", 404), ("collaborator", 404)],
)
def test_only_the_towns_staff_upload(
    request, client_of, survey, commune, persona, status
):
    user = request.getfixturevalue(persona)
    rows = [["Xã", "Giới tính", "Nhóm tuổi", "Dân số"], ["Tứ Hạ", "Nam", "18-29", 5]]
    assert upload(client_of(user), survey, rows).status_code == status
    assert not SurveyCell.objects.exists()


def test_upload_is_post_only(client_of, staff, survey):
    url = reverse("surveys:population-upload", args=[survey.pk])
    assert client_of(staff).get(url).status_code == 405
