"""Show-if rules: whether a question is shown, given the answers before it.

A rule is JSON, the same in the browser (``static/js/survey-form.js``) and here::

    {}                                            always shown
    {"question": "q1", "is": "equals", "value": "yes"}
    {"question": "q1", "is": "one_of", "value": ["a", "b"]}
    {"question": "q2", "is": "selected", "value": "x"}     (a multiple choice)
    {"op": "and" | "or", "rules": [rule, rule, ...]}       (groups nest)

A rule refers to earlier questions only; an answer to a hidden question counts as
no answer, so what hangs on a hidden question is hidden too.
"""

from django.utils.translation import gettext as _

OPERATORS = ("equals", "one_of", "selected")
GROUPS = ("and", "or")
MAX_DEPTH = 4


def _as_text(value) -> str:
    return "" if value is None else str(value)


def evaluate(rule: dict, answers: dict) -> bool:
    """Whether ``rule`` holds for ``answers`` ({name: value}); {} always holds."""
    if not rule:
        return True
    if "op" in rule:
        results = (evaluate(part, answers) for part in rule.get("rules", []))
        return all(results) if rule["op"] == "and" else any(results)
    answer = answers.get(rule.get("question"))
    value = rule.get("value")
    match rule.get("is"):
        case "equals":
            return answer not in (None, "", []) and _as_text(answer) == _as_text(value)
        case "one_of":
            return _as_text(answer) in {_as_text(v) for v in value or []}
        case "selected":
            chosen = answer if isinstance(answer, list) else [answer]
            return _as_text(value) in {_as_text(v) for v in chosen}
    return False


def referenced(rule: dict) -> set[str]:
    """The names of the questions a rule looks at."""
    if not rule:
        return set()
    if "op" in rule:
        names = set()
        for part in rule.get("rules", []):
            names |= referenced(part)
        return names
    return {rule.get("question")}


def check(rule, *, earlier: dict, depth: int = 0) -> list[str]:
    """What is wrong with ``rule`` (Vietnamese messages), given the questions
    before it (``earlier``: name → Question); [] when it is sound."""
    if rule in (None, {}):
        return []
    if not isinstance(rule, dict) or depth > MAX_DEPTH:
        return [_("The show-if rule is not understood.")]
    if "op" in rule:
        parts = rule.get("rules")
        if rule["op"] not in GROUPS or not isinstance(parts, list) or not parts:
            return [_("A group of conditions needs “and” or “or” and a condition.")]
        problems = []
        for part in parts:
            problems += check(part, earlier=earlier, depth=depth + 1)
        return problems
    name, operator, value = rule.get("question"), rule.get("is"), rule.get("value")
    question = earlier.get(name)
    if question is None:
        return [
            _("The condition refers to “%(name)s”, which is not an earlier question.")
            % {"name": name}
        ]
    if operator not in OPERATORS:
        return [_("The condition’s comparison is not understood.")]
    if operator == "one_of" and not (isinstance(value, list) and value):
        return [_("“One of” needs at least one value.")]
    if operator == "selected" and question.kind != "multiple":
        return [
            _("“Selected” applies to a multiple-choice question; “%(name)s” is not.")
            % {"name": name}
        ]
    return []


def visible_names(questions, answers: dict) -> set[str]:
    """The names of the questions shown for ``answers``, evaluated in order.

    An answer to a question that is hidden is left out before later rules look
    at it, as the browser does. A hidden section heading hides its questions (up
    to the next heading).
    """
    shown, seen, section_shown = set(), {}, True
    for question in questions:
        if question.kind == "section":
            section_shown = evaluate(question.show_if or {}, seen)
            if section_shown:
                shown.add(question.name)
            continue
        if section_shown and evaluate(question.show_if or {}, seen):
            shown.add(question.name)
            if question.name in answers:
                seen[question.name] = answers[question.name]
    return shown
