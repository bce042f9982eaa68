"""Show-if rules and XLSForm ``relevant`` expressions, each into the other.

:func:`rule_to_xpath` writes a rule; :func:`xpath_to_rule` reads one back, or
raises ``_Unsupported`` for an expression outside the subset.
"""

import re

from surveys.xlsform.sheets import K


def _quote(value) -> str:
    value = "" if value is None else str(value)
    return f'"{value}"' if "'" in value else f"'{value}'"


def rule_to_xpath(rule: dict, *, kinds: dict, top: bool = True) -> str:
    """A show-if rule as an XLSForm ``relevant`` expression."""
    if not rule:
        return ""
    if "op" in rule:
        parts = [rule_to_xpath(p, kinds=kinds, top=False) for p in rule["rules"]]
        text = f" {rule['op']} ".join(parts)
        return text if top or len(parts) == 1 else f"({text})"
    name, value = rule["question"], rule.get("value")
    ref = "${" + name + "}"
    match rule["is"]:
        case "equals":
            return f"{ref} = {_quote(value)}"
        case "selected":
            return f"selected({ref}, {_quote(value)})"
    # one_of: selected() on a choice question, = otherwise.
    if kinds.get(name) in (K.SINGLE, K.RATING):
        parts = [f"selected({ref}, {_quote(v)})" for v in value]
    else:
        parts = [f"{ref} = {_quote(v)}" for v in value]
    text = " or ".join(parts)
    return text if top or len(parts) == 1 else f"({text})"


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<word>and|or|selected)"
    r"|(?P<sym>[(),=]))"
)


class _Unsupported(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    position, tokens = 0, []
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _Unsupported
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "ref":
            value = value[2:-1].strip()
        elif kind == "str":
            value = value[1:-1]
        tokens.append((kind, value))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def xpath_to_rule(text: str, *, kinds: dict) -> dict:
    """The show-if rule of a ``relevant`` expression; raises ``_Unsupported``.

    ``and`` binds tighter than ``or``, as in XPath. ``selected()`` on a single
    choice is "one of", and an ``or`` of those on one question is one "one of".
    """
    tokens = _tokens(text)
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else (None, None)

    def take(kind, value=None):
        nonlocal position
        token = peek()
        if token[0] != kind or (value is not None and token[1] != value):
            raise _Unsupported
        position += 1
        return token[1]

    def group(op, parts):
        if len(parts) == 1:
            return parts[0]
        if op == "or" and all(
            p.get("is") == "one_of" and p["question"] == parts[0]["question"]
            for p in parts
        ):
            return {
                "question": parts[0]["question"],
                "is": "one_of",
                "value": [v for p in parts for v in p["value"]],
            }
        return {"op": op, "rules": parts}

    def expression():
        parts = [conjunction()]
        while peek() == ("word", "or"):
            take("word", "or")
            parts.append(conjunction())
        return group("or", parts)

    def conjunction():
        parts = [term()]
        while peek() == ("word", "and"):
            take("word", "and")
            parts.append(term())
        return group("and", parts)

    def term():
        kind, value = peek()
        if kind == "sym" and value == "(":
            take("sym", "(")
            inner = expression()
            take("sym", ")")
            return inner
        if kind == "word" and value == "selected":
            take("word")
            take("sym", "(")
            name = take("ref")
            take("sym", ",")
            code = take("str")
            take("sym", ")")
            if kinds.get(name) in (K.SINGLE, K.RATING):
                return {"question": name, "is": "one_of", "value": [code]}
            return {"question": name, "is": "selected", "value": code}
        name = take("ref")
        take("sym", "=")
        return {"question": name, "is": "equals", "value": take("str")}

    rule = expression()
    if position != len(tokens):
        raise _Unsupported
    return rule
