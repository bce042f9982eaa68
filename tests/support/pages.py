"""Checks on a page: its HTML (html5lib), and axe-core's WCAG 2.1 AA rules in
Chromium (axe is vendored for the tests only, under tests/vendor)."""

from pathlib import Path

import html5lib

AXE = (Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js").read_text()
# Evaluated as a script (not a function): it defines window.axe.
AXE_LOAD = AXE + "\n;0"


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on a Playwright page, one line each."""
    # Through the DevTools protocol, which the page's Content-Security-Policy (no
    # inline script without its nonce) does not govern, as a <script> tag it would.
    page.evaluate(AXE_LOAD)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        f"{page.url} {violation['id']}: {violation['help']} "
        f"({', '.join(node['target'][0] for node in violation['nodes'][:3])})"
        for violation in result["violations"]
    ]


def html_problems(url: str, html: str) -> tuple[list[str], object]:
    """What is wrong with a page: HTML5 parse errors, <html> without lang, not one
    <main> and one <h1>, an unlabelled field, what the Content-Security-Policy
    refuses (inline styles, event handlers and scripts), duplicate ids; and the
    parsed document."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    document = parser.parse(html)
    problems = [
        f"{url}: HTML parse error {err} at {pos}" for pos, err, _ in parser.errors
    ]
    ns = "{http://www.w3.org/1999/xhtml}"
    root = document
    if not root.get("lang"):
        problems.append(f"{url}: <html> has no lang")
    if len(list(root.iter(f"{ns}main"))) != 1:
        problems.append(f"{url}: expected exactly one <main>")
    if len(list(root.iter(f"{ns}h1"))) != 1:
        problems.append(f"{url}: expected exactly one <h1>")
    labelled = {
        label.get("for") for label in root.iter(f"{ns}label") if label.get("for")
    }
    for tag in ("input", "select", "textarea"):
        for field_ in root.iter(f"{ns}{tag}"):
            if field_.get("type") in {"hidden", "submit", "button", "reset"}:
                continue
            if (
                field_.get("aria-label")
                or field_.get("aria-labelledby")
                or field_.get("title")
            ):
                continue
            if field_.get("id") and field_.get("id") in labelled:
                continue
            problems.append(f"{url}: <{tag} name={field_.get('name')}> has no label")
    # What the Content-Security-Policy refuses: style attributes and elements, inline
    # event handlers, inline scripts (JSON data for scripts is not executed).
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag == "style" or "style" in element.attrib:
            problems.append(f"{url}: inline style on <{tag}>")
        if any(str(name).lower().startswith("on") for name in element.attrib):
            problems.append(f"{url}: inline event handler on <{tag}>")
        if (
            tag == "script"
            and not element.get("src")
            and element.get("type") != "application/json"
        ):
            problems.append(f"{url}: inline script")
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        problems.append(f"{url}: duplicate ids {sorted(duplicates)}")
    return problems, document
