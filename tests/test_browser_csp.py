"""The pages each role opens, in Chromium at desktop width under the
Content-Security-Policy: nothing refused, no script error, axe-core's WCAG 2.1 AA
rules met (tests/test_phone_layout.py runs them on every kind of page at phone
width), charts drawn, htmx still polls with its CSRF header, and the Django admin
works too. One sweep for both, on one seeded demo."""

import os

import pytest
from django.core.management import call_command

from conftest import DESKTOP, browser_login, screenshot
from dluan.models import User
from reports.models import Issue, ReportingPeriod
from summaries import services
from summaries.models import Summary
from tests.support.pages import axe_violations

pytestmark = pytest.mark.browser

# Runs before the page's own scripts: every refusal of the policy is kept for the test.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " at " + (event.sourceFile || "") + ":" + event.lineNumber);
});
"""


@pytest.fixture
def demo(transactional_db):
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


@pytest.fixture
def watched(browser_context):
    """``watched()``: a desktop page whose CSP refusals and script errors are kept."""

    def _make():
        context = browser_context(DESKTOP)
        context.add_init_script(WATCH)
        page = context.new_page()
        page.problems = []
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and page.problems.append(f"{page.url} console: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: page.problems.append(f"{page.url}: {error}"))
        return page

    return _make


def refused(page) -> list[str]:
    return [f"{page.url} refused {item}" for item in page.evaluate("window.__csp")]


def nav_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "#main-nav a.nav-link[href^='/']:not([href^='/admin']), "
        "#main-nav a.dropdown-item[href^='/']",
        "links => links.map(a => a.getAttribute('href'))",
    )


def chart_drawn(page, canvas_id: str) -> bool:
    return page.evaluate(
        """(id) => {
            const canvas = document.getElementById(id);
            return Boolean(canvas && window.Chart && Chart.getChart(canvas)
                && canvas.width > 0 && canvas.height > 0);
        }""",
        canvas_id,
    )


def test_each_roles_pages_work_under_the_csp_and_meet_wcag_aa(demo, watched):
    """One demo for all (seeding it takes most of the test's time)."""
    problems, violations, charts = [], [], set()
    page = watched()
    page.goto("/login/")
    problems += refused(page)
    violations += axe_violations(page)
    for username in ("canbo", "lanhdao", "ctv01"):
        page = watched()
        browser_login(page, username)
        for url in ["/", *nav_links(page)]:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            problems += refused(page)
            violations += axe_violations(page)
            name = url.strip("/").replace("/", "-") or "home"
            screenshot(page, f"nav-{username}-{name}-{DESKTOP['width']}")
            trend = ("trend-directions", "trend-topics", "trend-rates")
            if url == "/" and all(chart_drawn(page, f"{c}-chart") for c in trend):
                charts.add("trend")
            if url.startswith("/reports/discipline/") and chart_drawn(
                page, "discipline-chart"
            ):
                charts.add("discipline")
        if username == "canbo":
            # An issue's chart, and Bootstrap's menus.
            user = User.objects.get(username=username)
            page.goto(Issue.objects.visible_to(user).first().get_absolute_url())
            if chart_drawn(page, "direction-chart"):
                charts.add("direction")
            page.get_by_test_id("account-menu").click()
            page.get_by_test_id("account-link").wait_for(state="visible")
            problems += refused(page)
        if username == "ctv01":
            # The report form's own script adds a stream.
            page.goto("/reports/new/")
            streams = page.locator("[data-stream]").count()
            page.get_by_test_id("add-stream").click()
            assert page.locator("[data-stream]").count() == streams + 1
            problems += refused(page)
        problems += page.problems
    page = watched()
    browser_login(page, "admin")
    for url in ("/admin/", "/admin/dluan/user/", "/admin/dluan/user/add/"):
        page.goto(url)
        problems += refused(page)
    problems += page.problems
    problems += htmx_polls_the_progress(watched)
    assert problems == [], "\n".join(problems)
    assert violations == [], "\n".join(violations)
    assert charts == {"trend", "discipline", "direction"}


def htmx_polls_the_progress(watched) -> list[str]:
    """A queued summary's page polls its progress through htmx with the CSRF header."""
    staff = User.objects.get(username="canbo")
    period = ReportingPeriod.objects.order_by("-start").first()
    summary = services.summary_request(
        unit=staff.org_unit, period=period, user=staff, enqueue=False
    )
    page = watched()
    browser_login(page, "canbo")
    status_url = f"/summaries/{summary.pk}/status/"
    with page.expect_request(lambda request: status_url in request.url) as polled:
        page.goto(summary.get_absolute_url())
    assert polled.value.headers.get("x-csrftoken")
    assert polled.value.headers.get("hx-request") == "true"
    Summary.objects.filter(pk=summary.pk).update(
        status=Summary.Status.COMPILING, progress=42, progress_step="workbook"
    )
    page.locator("#summary-progress-bar[value='42']").wait_for()
    assert page.evaluate("htmx.config.allowEval") is False
    return refused(page) + page.problems
