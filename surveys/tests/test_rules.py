"""Show-if rules on the server (surveys/rules.py); the browser's copy is checked
by the interview's browser test."""

from types import SimpleNamespace

import pytest

from surveys.rules import check, evaluate, referenced, visible_names


def q(name, kind="single", show_if=None):
    return SimpleNamespace(name=name, kind=kind, show_if=show_if or {})


EQ_NO = {"question": "satisfied", "is": "equals", "value": "no"}


@pytest.mark.parametrize(
    ("rule", "answers", "expected"),
    [
        ({}, {}, True),
        (EQ_NO, {"satisfied": "no"}, True),
        (EQ_NO, {"satisfied": "yes"}, False),
        (EQ_NO, {}, False),
        ({"question": "a", "is": "equals", "value": ""}, {"a": ""}, False),
        ({"question": "n", "is": "equals", "value": 5}, {"n": "5"}, True),
        ({"question": "a", "is": "one_of", "value": ["x", "y"]}, {"a": "y"}, True),
        ({"question": "a", "is": "one_of", "value": ["x", "y"]}, {"a": "z"}, False),
        ({"question": "a", "is": "one_of", "value": ["x", "y"]}, {}, False),
        (
            {"question": "m", "is": "selected", "value": "zalo"},
            {"m": ["tv", "zalo"]},
            True,
        ),
        ({"question": "m", "is": "selected", "value": "zalo"}, {"m": ["tv"]}, False),
        ({"question": "m", "is": "selected", "value": "zalo"}, {"m": []}, False),
        ({"question": "m", "is": "selected", "value": "zalo"}, {}, False),
        # A multiple choice never "equals" one code.
        ({"question": "m", "is": "equals", "value": "zalo"}, {"m": ["zalo"]}, False),
        ({"question": "a", "is": "bigger", "value": "x"}, {"a": "x"}, False),
    ],
)
def test_evaluate_operators(rule, answers, expected):
    assert evaluate(rule, answers) is expected


def test_and_or_and_nesting():
    a_yes = {"question": "a", "is": "equals", "value": "yes"}
    b_x = {"question": "b", "is": "selected", "value": "x"}
    both = {"op": "and", "rules": [a_yes, b_x]}
    either = {"op": "or", "rules": [a_yes, b_x]}
    assert evaluate(both, {"a": "yes", "b": ["x"]})
    assert not evaluate(both, {"a": "yes", "b": ["y"]})
    assert evaluate(either, {"a": "no", "b": ["x"]})
    assert not evaluate(either, {"a": "no", "b": []})
    nested = {
        "op": "or",
        "rules": [
            {"op": "and", "rules": [a_yes, b_x]},
            {"question": "c", "is": "one_of", "value": ["1", "2"]},
        ],
    }
    assert evaluate(nested, {"a": "yes", "b": ["x"]})
    assert evaluate(nested, {"c": "2"})
    assert not evaluate(nested, {"a": "yes", "c": "3"})
    assert referenced(nested) == {"a", "b", "c"}
    assert referenced({}) == set()


def test_check_accepts_a_sound_rule():
    earlier = {"satisfied": q("satisfied"), "channels": q("channels", "multiple")}
    rule = {
        "op": "and",
        "rules": [EQ_NO, {"question": "channels", "is": "selected", "value": "tv"}],
    }
    assert check(rule, earlier=earlier) == []
    assert check({}, earlier={}) == []
    assert check(None, earlier={}) == []


@pytest.mark.parametrize(
    "rule",
    [
        "satisfied = no",
        {"question": "later", "is": "equals", "value": "x"},
        {"question": "satisfied", "is": "greater", "value": "x"},
        {"question": "satisfied", "is": "one_of", "value": []},
        {"question": "satisfied", "is": "one_of", "value": "no"},
        {"question": "satisfied", "is": "selected", "value": "no"},
        {"op": "xor", "rules": [EQ_NO]},
        {"op": "and", "rules": []},
        {"op": "and", "rules": [{"question": "nowhere", "is": "equals", "value": 1}]},
    ],
)
def test_check_names_what_is_wrong(rule):
    problems = check(rule, earlier={"satisfied": q("satisfied")})
    assert len(problems) == 1
    assert all(isinstance(p, str) and p for p in problems)


def test_check_refuses_too_deep_a_rule():
    rule = EQ_NO
    for _ in range(6):
        rule = {"op": "and", "rules": [rule]}
    assert check(rule, earlier={"satisfied": q("satisfied")})


def test_a_hidden_answer_is_ignored_by_later_rules():
    questions = [
        q("a"),
        q("b", show_if={"question": "a", "is": "equals", "value": "yes"}),
        q("c", show_if={"question": "b", "is": "equals", "value": "x"}),
        q("d", show_if={"question": "b", "is": "one_of", "value": ["x"]}),
    ]
    assert visible_names(questions, {"a": "yes", "b": "x"}) == {"a", "b", "c", "d"}
    # b is hidden: its answer counts as none, so c and d hide too.
    assert visible_names(questions, {"a": "no", "b": "x"}) == {"a"}


def test_a_hidden_section_hides_its_questions_up_to_the_next():
    questions = [
        q("a"),
        q("part2", "section", {"question": "a", "is": "equals", "value": "yes"}),
        q("b"),
        q("c"),
        q("part3", "section"),
        q("d"),
        q("e", show_if={"question": "b", "is": "equals", "value": "1"}),
    ]
    assert visible_names(questions, {"a": "yes", "b": "1"}) == {
        "a",
        "part2",
        "b",
        "c",
        "part3",
        "d",
        "e",
    }
    # Section 2 hidden: b and c with it, and e (which hangs on b).
    assert visible_names(questions, {"a": "no", "b": "1"}) == {"a", "part3", "d"}
