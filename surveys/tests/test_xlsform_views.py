"""XLSForm import and export of a questionnaire: the round trip, refusals, access."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from surveys import xlsform
from surveys.models import Question, Response, Survey
from surveys.services.collect import Respondent, response_save
from surveys.tests.factories import SurveyFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name="form.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


HEAD = ["type", "name", "label", "required", "relevant"]
CHOICES = [
    ["list_name", "name", "label"],
    ["yn", "yes", "Có"],
    ["yn", "no", "Không"],
]


def _form(*rows, choices=CHOICES, head=HEAD) -> bytes:
    return _workbook({"survey": [head, *rows], "choices": choices})


def _snapshot(survey: Survey) -> list[dict]:
    survey.refresh_from_db()
    return [
        {
            "kind": q.kind,
            "name": q.name,
            "label": q.label,
            "hint": q.hint,
            "required": q.required,
            "rows": q.rows,
            "show_if": q.show_if,
            "minimum": q.minimum,
            "maximum": q.maximum,
            "bank_question": q.bank_question_id,
            "choices": [(c.value, c.label, c.is_other) for c in q.choices.all()],
        }
        for q in survey.current_version.ordered_questions()
    ]


@pytest.fixture
def blank(town, staff):
    """Another survey of the town, with an empty questionnaire."""
    return SurveyFactory(unit=town, created_by=staff)


def _import_url(survey):
    return reverse("surveys:xlsform-import", args=[survey.pk])


def _export_url(survey):
    return reverse("surveys:xlsform-export", args=[survey.pk])


# --- The round trip -----------------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_keeps_every_question_choice_row_and_rule(
    client_of, survey, blank, staff
):
    client = client_of(staff)
    response = client.get(_export_url(survey))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheets = xlsform.read_sheets(content)
    # pyxform converts the exported form as it stands.
    xlsform.pyxform_check(
        {name: [row for _n, row in rows] for name, rows in sheets.items()}
    )
    # And reads the downloaded file itself.
    assert "<h:html" in convert(xlsform=content, form_name="data").xform
    types = [row["type"] for _n, row in sheets["survey"]]
    assert "select_one rating" in types and "select_multiple channels" in types
    answer = client.post(_import_url(blank), {"file": _upload(content)})
    assert answer.status_code == 302
    assert _snapshot(blank) == _snapshot(survey)
    kinds = {q["name"]: q["kind"] for q in _snapshot(blank)}
    assert set(kinds.values()) == set(Question.Kind.values)


@pytest.mark.django_db
def test_export_writes_other_and_rules_as_odk_does(survey):
    rows = {row["name"]: row for row in xlsform.form_sheets(survey)["survey"]}
    assert rows["satisfied_other"]["relevant"] == "selected(${satisfied}, 'other')"
    assert rows["why_not"]["relevant"] == "${satisfied} = 'no'"
    assert rows["why_not"]["appearance"] == "multiline"
    assert rows["rating"]["appearance"] == "likert"
    assert rows["grid"]["appearance"] == "table-list"
    assert rows["age_years"]["constraint"] == ". >= 18 and . <= 100"


def test_rules_with_groups_and_one_of_read_back_the_same():
    kinds = {"a": "single", "b": "multiple", "c": "text"}
    rule = {
        "op": "or",
        "rules": [
            {
                "op": "and",
                "rules": [
                    {"question": "a", "is": "one_of", "value": ["x", "y"]},
                    {"question": "b", "is": "selected", "value": "z"},
                ],
            },
            {"question": "c", "is": "equals", "value": "it's"},
        ],
    }
    text = xlsform.rule_to_xpath(rule, kinds=kinds)
    assert text == (
        "((selected(${a}, 'x') or selected(${a}, 'y')) and selected(${b}, 'z')) "
        'or ${c} = "it\'s"'
    )
    assert xlsform.xpath_to_rule(text, kinds=kinds) == rule


@pytest.mark.django_db
def test_import_reads_vietnamese_label_column_and_integer(client_of, blank, staff):
    content = _form(
        ["select_one yn", "agree", "Ông/bà có đồng ý?", "yes", ""],
        ["integer", "age", "Tuổi", "", "${agree} = 'yes'"],
        head=["type", "name", "label::Tiếng Việt (vi)", "required", "relevant"],
    )
    client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    questions = _snapshot(blank)
    assert [(q["name"], q["kind"], q["label"]) for q in questions] == [
        ("agree", "single", "Ông/bà có đồng ý?"),
        ("age", "number", "Tuổi"),
    ]
    assert questions[0]["required"] is True
    assert questions[1]["show_if"] == {
        "question": "agree",
        "is": "equals",
        "value": "yes",
    }


@pytest.mark.django_db
def test_import_after_answers_makes_a_new_version(
    client_of, survey, staff, collaborator, commune
):
    saved = response_save(
        survey=survey,
        client_id=uuid.uuid4(),
        mode=Response.Mode.FACE_TO_FACE,
        data={"q-satisfied": "yes"},
        respondent=Respondent(commune, "male", "18-29", "worker"),
        submit=True,
        entered_by=collaborator,
        collaborator=collaborator.collaborator,
    )
    old = saved.response.version
    content = _form(["select_one yn", "agree", "Đồng ý?", "", ""])
    client_of(staff).post(_import_url(survey), {"file": _upload(content)})
    survey.refresh_from_db()
    assert survey.current_version != old
    assert [q["name"] for q in _snapshot(survey)] == ["agree"]
    assert old.questions.filter(name="satisfied").exists()


# --- Refusals -----------------------------------------------------------------------


@pytest.mark.django_db
def test_unsupported_rows_are_named_with_row_numbers_and_nothing_changes(
    client_of, survey, staff
):
    before = _snapshot(survey)
    content = _form(
        ["select_one yn", "agree", "Đồng ý?", "", ""],
        ["note", "info", "Xin cảm ơn", "", ""],
        ["calculate", "calc", "", "", ""],
        ["text", "why", "Vì sao?", "", "${agree} != 'yes'"],
        ["select_one nolist", "other_q", "Câu khác", "", ""],
        head=HEAD,
    )
    response = client_of(staff).post(_import_url(survey), {"file": _upload(content)})
    assert response.status_code == 200
    problems = response.context["problems"]
    text = "\n".join(problems)
    for row, word in ((3, "note"), (4, "calculate"), (5, "!="), (6, "nolist")):
        assert any(f"dòng {row}:" in p and word in p for p in problems), (row, text)
    assert _snapshot(survey) == before


@pytest.mark.django_db
def test_unsupported_column_with_a_value_is_named(client_of, survey, staff):
    before = _snapshot(survey)
    content = _form(
        ["integer", "age", "Tuổi", "", "", "Phải từ 18 tuổi"],
        head=[*HEAD, "constraint_message"],
    )
    response = client_of(staff).post(_import_url(survey), {"file": _upload(content)})
    problems = response.context["problems"]
    assert len(problems) == 1
    assert "constraint_message" in problems[0] and "2" in problems[0]
    assert _snapshot(survey) == before


@pytest.mark.django_db
def test_bad_constraint_and_grid_mixing_lists_are_refused(client_of, blank, staff):
    content = _workbook(
        {
            "survey": [
                ["type", "name", "label", "constraint", "appearance"],
                ["integer", "age", "Tuổi", ". > 18", ""],
                ["begin_group", "g", "Bảng", "", "table-list"],
                ["select_one yn", "g_a", "Hàng 1", "", ""],
                ["select_one ab", "g_b", "Hàng 2", "", ""],
                ["end_group", "", "", "", ""],
            ],
            "choices": [*CHOICES, ["ab", "a", "A"]],
        }
    )
    response = client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    problems = response.context["problems"]
    assert any("dòng 2:" in p and ". > 18" in p for p in problems), problems
    assert any("dòng 5:" in p and "select_one ab" in p for p in problems), problems
    assert not blank.current_version.questions.exists()


@pytest.mark.django_db
def test_pyxform_error_is_shown(client_of, blank, staff):
    content = _form(["text", "name", "Xin chào ${nobody}", "", ""])
    response = client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    problems = response.context["problems"]
    assert len(problems) == 1 and "pyxform" in problems[0] and "nobody" in problems[0]
    assert not blank.current_version.questions.exists()


@pytest.mark.django_db
def test_hostile_text_in_a_row_is_shown_escaped(client_of, blank, staff):
    content = _form(["<script>alert(1)</script>", "x", "<script>", "", ""])
    response = client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_a_formula_in_the_form_is_refused(client_of, blank, staff):
    content = _form(["text", "x", "=cmd|' /C calc'!A0", "", ""])
    response = client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    assert len(response.context["problems"]) == 1
    assert "C2" in response.context["problems"][0]
    assert not blank.current_version.questions.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(client_of, blank, staff):
    response = client_of(staff).post(
        _import_url(blank), {"file": _upload(b"type,name\ntext,a\n", "form.xlsx")}
    )
    assert response.status_code == 200
    assert "form.xlsx" in response.context["problems"][0]
    assert not blank.current_version.questions.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client_of, blank, staff, settings):
    settings.UPLOAD_MAX_BYTES = 100
    content = _form(["text", "a", "A", "", ""])
    response = client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    assert any("100" in p for p in response.context["problems"])
    assert not blank.current_version.questions.exists()


@pytest.mark.django_db
def test_exported_hostile_label_is_not_a_formula(blank, staff):
    blank.current_version.questions.create(
        name="q1", kind="text", label="=cmd|' /C calc'!A0", order=0
    )
    book = load_workbook(io.BytesIO(xlsform.render_xlsform(blank)))
    cells = [cell for row in book["survey"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    sheets = xlsform.read_sheets(xlsform.render_xlsform(blank))
    assert sheets["survey"][0][1]["label"] == "=cmd|' /C calc'!A0"


# --- Who may ------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_the_import_page(client_of, survey, staff):
    response = client_of(staff).get(_import_url(survey))
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


@pytest.mark.django_db
def test_import_page_with_problems_is_valid_html(client_of, blank, staff):
    from tests.support.pages import html_problems

    client = client_of(staff)
    url = _import_url(blank)
    problems = html_problems(url, client.get(url).content.decode())[0]
    content = _form(["note", "x", "Lời chào", "", ""])
    response = client.post(url, {"file": _upload(content)})
    assert "dòng 2" in response.context["problems"][0]
    problems += html_problems(url, response.content.decode())[0]
    assert problems == []


@pytest.mark.django_db
def test_leader_exports_but_cannot_import(client_of, survey, leader):
    client = client_of(leader)
    assert client.get(_export_url(survey)).status_code == 200
    assert client.get(_import_url(survey)).status_code == 404
    content = _form(["text", "a", "A", "", ""])
    assert (
        client.post(_import_url(survey), {"file": _upload(content)}).status_code == 404
    )


@pytest.mark.django_db
def test_collaborator_and_other_town_get_404(
    client_of, survey, collaborator, other_staff
):
    for user in (collaborator, other_staff):
        client = client_of(user)
        assert client.get(_export_url(survey)).status_code == 404
        assert client.get(_import_url(survey)).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, survey):
    for url in (_export_url(survey), _import_url(survey)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_round_trip_of_a_conditional_section_and_one_of_rule(survey, blank):
    version = survey.current_version
    version.questions.filter(name="intro").update(
        show_if={"question": "satisfied", "is": "one_of", "value": ["yes", "no"]}
    )
    # The heading moves after "satisfied", which its rule looks at.
    version.questions.filter(name="intro").update(order=1)
    version.questions.filter(name="satisfied").update(order=0)
    version.questions.filter(name="why_not").update(
        show_if={
            "op": "and",
            "rules": [
                {"question": "satisfied", "is": "equals", "value": "no"},
                {
                    "op": "or",
                    "rules": [
                        {"question": "satisfied", "is": "one_of", "value": ["no"]},
                        {"question": "satisfied", "is": "equals", "value": "yes"},
                    ],
                },
            ],
        }
    )
    content = xlsform.render_xlsform(survey)
    questions = xlsform.parse_form(xlsform.read_sheets(content))
    xlsform.questionnaire_replace(survey=blank, questions=questions)
    assert _snapshot(blank) == _snapshot(survey)


@pytest.mark.django_db
def test_or_other_metadata_rows_and_second_language(client_of, blank, staff):
    content = _form(
        ["start", "start", "", "", ""],
        ["select_one yn or_other", "agree", "Đồng ý?", "", ""],
        ["end", "end", "", "", ""],
    )
    client_of(staff).post(_import_url(blank), {"file": _upload(content)})
    assert _snapshot(blank)[0]["choices"][-1][0::2] == ("other", True)
    assert [q["name"] for q in _snapshot(blank)] == ["agree"]
    two = _form(
        ["text", "a", "Câu hỏi", "What?"],
        head=["type", "name", "label::Tiếng Việt (vi)", "label::English (en)"],
    )
    response = client_of(staff).post(_import_url(blank), {"file": _upload(two)})
    problems = response.context["problems"]
    assert len(problems) == 1 and "label::English (en)" in problems[0]
