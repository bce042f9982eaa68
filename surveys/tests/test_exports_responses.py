"""Exports of a survey's approved responses: .xlsx, .csv and SPSS .sav."""

import csv
import datetime
import io
import tempfile
import uuid

import pyreadstat
import pytest
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from surveys import exports
from surveys.models import Response, SurveyCell
from surveys.services.collect import Respondent, response_save

HOSTILE = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"


def _answer(survey, collaborator, commune, *, approve=True, **data):
    answers = {
        "q-satisfied": "other",
        "q-satisfied-other": HOSTILE,
        "q-channels": ["tv", "zalo"],
        "q-rating": "4",
        "q-grid-merge": "agree",
        "q-grid-nodistrict": "unsure",
        "q-age_years": "45",
        "q-zalo_group": SCRIPT,
        "q-visited_on": "03/11/2026",
    }
    answers.update(data)
    saved = response_save(
        survey=survey,
        client_id=uuid.uuid4(),
        mode=Response.Mode.FACE_TO_FACE,
        data=answers,
        respondent=Respondent(commune, "female", "30-44", "farmer"),
        submit=True,
        entered_by=collaborator,
        collaborator=collaborator.collaborator,
    )
    assert saved.ok, saved.cleaned.errors
    if approve:
        # Its population cell weighs 1.25 (a response's weight is its cell's).
        cell, _created = SurveyCell.objects.get_or_create(
            survey=survey, commune=commune, sex="female", age_group="30-44"
        )
        SurveyCell.objects.filter(pk=cell.pk).update(weight=1.25)
        Response.objects.filter(pk=saved.response.pk).update(
            review=Response.Review.APPROVED, cell=cell
        )
    return saved.response


@pytest.fixture
def approved(survey, collaborator, commune):
    """Two approved responses and one rejected."""
    first = _answer(survey, collaborator, commune)
    second = _answer(
        survey,
        collaborator,
        commune,
        **{"q-satisfied": "no", "q-satisfied-other": "", "q-why_not": "Chậm"},
        **{"q-channels": ["meeting"], "q-zalo_group": ""},
    )
    rejected = _answer(survey, collaborator, commune, approve=False)
    Response.objects.filter(pk=rejected.pk).update(review=Response.Review.REJECTED)
    return first, second, rejected


def _url(survey, fmt):
    return reverse("surveys:response-export", args=[survey.pk, fmt])


# --- Who may ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "sav"])
def test_staff_and_leader_download_every_format(client_of, survey, staff, leader, fmt):
    for user in (staff, leader):
        response = client_of(user).get(_url(survey, fmt))
        assert response.status_code == 200
        assert f"phieu-dieu-tra-{survey.pk}.{fmt}" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_collaborator_cannot_export(client_of, survey, collaborator):
    assert client_of(collaborator).get(_url(survey, "xlsx")).status_code == 404


@pytest.mark.django_db
def test_other_town_cannot_export(client_of, survey, other_staff):
    assert client_of(other_staff).get(_url(survey, "csv")).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, survey):
    response = client.get(_url(survey, "sav"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_unknown_format_is_404(client_of, survey, staff):
    assert client_of(staff).get(_url(survey, "pdf")).status_code == 404


# --- The table ----------------------------------------------------------------------


@pytest.mark.django_db
def test_table_holds_approved_responses_only(survey, approved):
    first, second, rejected = approved
    table = exports.export_table(survey)
    names = [column.name for column in table.columns]
    rows = [dict(zip(names, row, strict=True)) for row in table.rows]
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert rejected.pk not in [row["id"] for row in rows]
    row = rows[0]
    assert row["satisfied"] == "other"
    assert row["satisfied_other"] == HOSTILE
    assert (row["channels_tv"], row["channels_zalo"], row["channels_meeting"]) == (
        1,
        1,
        0,
    )
    assert (row["grid_merge"], row["grid_nodistrict"]) == ("agree", "unsure")
    assert row["age_years"] == 45.0
    assert row["visited_on"] == datetime.date(2026, 11, 3)
    assert row["interviewer"] == "Trần Thị Hoa"
    assert row["commune"] == "Phường Tứ Hạ"
    assert row["weight"] == 1.25
    assert rows[1]["why_not"] == "Chậm"
    assert rows[1]["zalo_group"] is None
    assert "intro" not in names


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(
    survey, collaborator, commune, django_assert_num_queries
):
    for n, total in ((3, 3), (27, 30)):
        for _ in range(n):
            _answer(survey, collaborator, commune)
        with django_assert_num_queries(3):
            assert len(list(exports.export_table(survey).rows)) == total


# --- .xlsx and .csv -----------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_has_responses_and_codebook_with_hostile_text_safe(survey, approved):
    book = load_workbook(io.BytesIO(exports.render_xlsx(survey)))
    assert book.sheetnames == ["Phiếu", "Codebook"]
    sheet = list(book["Phiếu"].iter_rows(values_only=True))
    header, first = sheet[0], dict(zip(sheet[0], sheet[1], strict=True))
    assert len(sheet) == 3
    assert "channels_zalo" in header and "grid_nodistrict" in header
    assert first["satisfied_other"] == "'" + HOSTILE
    assert first["zalo_group"] == SCRIPT
    assert first["visited_on"] == "03/11/2026"
    assert first["age_years"] == 45
    for row in book["Phiếu"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    codebook = list(book["Codebook"].iter_rows(values_only=True))
    assert (
        "satisfied",
        survey.current_version.questions.get(name="satisfied").label,
        "other",
        "Khác (ghi rõ)",
    ) in codebook
    assert (
        "grid_merge",
        "Ông/bà có tán thành các chủ trương sau?: Sắp xếp đơn vị hành chính cấp xã",
        "agree",
        "Tán thành",
    ) in codebook


@pytest.mark.django_db
def test_csv_is_utf8_with_bom_and_formula_safe(survey, approved):
    content = exports.render_csv(survey)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[0]["satisfied_other"] == "'" + HOSTILE
    assert rows[0]["commune"] == "Phường Tứ Hạ"
    assert rows[0]["visited_on"] == "03/11/2026"
    assert rows[0]["age_years"] == "45"
    assert rows[0]["weight"] == "1.25"
    assert rows[1]["satisfied"] == "no"


# --- .sav ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_sav_reads_back_with_variable_and_value_labels(survey, approved):
    first, _second, _rejected = approved
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(exports.render_sav(survey))
        handle.flush()
        frame, meta = pyreadstat.read_sav(handle.name)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert (
        labels["satisfied"] == "Ông/bà có hài lòng với dịch vụ công trực tuyến không?"
    )
    assert labels["weight"] == gettext("Weight")
    assert meta.variable_value_labels["satisfied"] == {
        1.0: "Hài lòng",
        2.0: "Không hài lòng",
        3.0: "Khác (ghi rõ)",
    }
    assert meta.variable_value_labels["rating"][5.0] == "5"
    assert meta.variable_value_labels["channels_zalo"] == {
        1.0: gettext("Selected"),
        0.0: gettext("Not selected"),
    }
    assert list(frame["id"]) == [first.pk, approved[1].pk]
    assert list(frame["satisfied"]) == [3.0, 2.0]
    assert list(frame["grid_nodistrict"]) == [3.0, 3.0]
    assert list(frame["channels_meeting"]) == [0.0, 1.0]
    assert list(frame["weight"]) == [1.25, 1.25]
    assert frame["satisfied_other"][0] == HOSTILE
    assert frame["visited_on"][0] == datetime.date(2026, 11, 3)
    assert list(frame["age_years"]) == [45.0, 45.0]
    assert frame["interviewer"][0] == "Trần Thị Hoa"


@pytest.mark.django_db
def test_empty_survey_exports_headers_only(survey):
    assert exports.render_csv(survey).decode("utf-8-sig").count("\n") == 1
    assert load_workbook(io.BytesIO(exports.render_xlsx(survey)))["Phiếu"].max_row == 1
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(exports.render_sav(survey))
        handle.flush()
        frame, _meta = pyreadstat.read_sav(handle.name)
    assert len(frame) == 0


def test_spss_names_are_valid_and_unique():
    columns = [
        exports.Column("q-1", "", exports.NUMBER),
        exports.Column("q_1", "", exports.NUMBER),
        exports.Column("1st", "", exports.NUMBER),
        exports.Column("Q_1", "", exports.NUMBER),
    ]
    assert exports.spss_names(columns) == ["q_1", "q_1_2", "v1st", "Q_1_3"]


@pytest.mark.django_db
def test_a_code_starting_with_minus_is_written_as_text(survey, collaborator, commune):
    survey.current_version.questions.get(name="rating").choices.filter(
        value="1"
    ).update(value="-1")
    _answer(survey, collaborator, commune, **{"q-rating": "-1"})
    rows = list(
        csv.DictReader(io.StringIO(exports.render_csv(survey).decode("utf-8-sig")))
    )
    assert rows[0]["rating"] == "'-1"
