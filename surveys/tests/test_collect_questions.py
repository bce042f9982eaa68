"""The questions' markup (``surveys/collect_questions.html``, drawn in Python):
labels, ids, fieldsets, aria and the answers shown back, escaped."""

import json
import re

import pytest
from django.utils import translation

from surveys.models import Question
from surveys.templatetags.surveys_collect import questionnaire

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def questions(survey):
    Question.objects.filter(version=survey.current_version, name="satisfied").update(
        hint="Chọn một"
    )
    return list(survey.current_version.ordered_questions())


def _draw(questions, answers=None, errors=None) -> str:
    with translation.override("vi"):
        return str(questionnaire(questions, answers or {}, errors or {}))


def test_every_control_has_its_label(questions):
    page = _draw(questions)
    ids = re.findall(r'<input [^>]*id="([^"]+)"', page)
    ids += re.findall(r'<textarea [^>]*id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) > 20
    for control in ids:
        assert f'for="{control}"' in page, control
    assert 'id="q-satisfied-1" value="yes"' in page
    assert 'name="q-grid-merge" id="q-grid-merge-1" value="agree"' in page


def test_sections_and_choice_questions_are_fieldsets_with_legends(questions):
    page = _draw(questions)
    assert re.search(
        r'<fieldset class="survey-section mb-4" data-question="intro" '
        r'data-kind="section" data-show-if="\{\}" data-testid="section-intro">'
        r'<legend class="h5 border-bottom pb-1">Phần I\.',
        page,
    )
    for name in ("satisfied", "channels", "rating", "grid"):
        assert re.search(
            rf'<fieldset class="survey-question mb-3" id="question-{name}"[^>]*>\n'
            r'<legend class="form-label fs-6 fw-semibold">',
            page,
        ), name
    # Required: a star for the eye, words for a screen reader.
    assert '<span class="visually-hidden">(bắt buộc)</span>' in page


def test_hints_errors_and_answers_are_shown_and_described(questions):
    page = _draw(
        questions,
        answers={
            "satisfied": "other",
            "satisfied__other": HOSTILE,
            "channels": ["tv", "zalo"],
            "grid": {"merge": "disagree"},
            "age_years": "abc",
            "visited_on": "2026-09-02",
        },
        errors={"satisfied": HOSTILE, "age_years": "Hãy nhập một con số."},
    )
    assert HOSTILE not in page
    satisfied = re.search(r'<fieldset[^>]*id="question-satisfied"[^>]*>', page)[0]
    assert "is-invalid" in satisfied
    assert 'aria-describedby="q-satisfied-hint q-satisfied-error"' in satisfied
    assert (
        '<div class="invalid-feedback d-block" id="q-satisfied-error" role="alert">'
        "&lt;script&gt;alert(1)&lt;/script&gt;</div>"
    ) in page
    assert 'value="other" checked data-other="q-satisfied-other"' in page
    assert 'id="q-satisfied-other" maxlength="300" value="&lt;script&gt;' in page
    assert 'value="tv" checked' in page
    assert 'value="zalo" checked' in page
    assert 'value="meeting">' in page
    assert 'id="q-grid-merge-2" value="disagree" checked' in page
    number = re.search(r'<input [^>]*id="q-age_years"[^>]*>', page)[0]
    assert 'value="abc"' in number
    assert 'aria-describedby="q-age_years-error"' in number
    assert 'aria-invalid="true"' in number
    assert "Từ 18 đến 100." in page
    date = re.search(r'<input [^>]*id="q-visited_on"[^>]*>', page)[0]
    assert 'value="02/09/2026"' in date
    assert 'aria-describedby="q-visited_on-format"' in date


def test_show_if_rules_are_written_for_the_script(questions):
    page = _draw(questions)
    written = re.search(
        r'data-question="why_not" data-kind="long_text" data-show-if="([^"]*)"', page
    )[1]
    rule = json.loads(written.replace("&quot;", '"'))
    assert rule == {"question": "satisfied", "is": "equals", "value": "no"}
