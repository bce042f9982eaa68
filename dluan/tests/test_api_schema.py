"""The API's OpenAPI schema validates, and its documentation page is served by
dluan itself: no outside host, no inline script, under the strict CSP."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from conftest import DESKTOP, browser_login
from tests.support.pages import axe_violations, html_problems

DOCS = "/api/v1/docs/"


def test_the_schema_validates_without_a_warning(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "title: dluan API" in text
    for path in ("/api/v1/reports/", "/api/v1/discipline/", "/api/v1/summaries/"):
        assert f"{path}:" in text


@pytest.mark.django_db
def test_the_schema_is_served_to_staff_and_leaders(client_of, leader):
    client = client_of(leader)
    assert client.get("/api/v1/schema/").status_code == 200
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert "Bearer" in str(schema["components"]["securitySchemes"]) or (
        "bearer" in str(schema["components"]["securitySchemes"])
    )
    assert Client().get("/api/v1/schema/").status_code == 401


@pytest.mark.django_db
def test_the_docs_page_lists_every_resource_from_dluan_alone(client_of, staff):
    response = client_of(staff).get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    problems, _document = html_problems(DOCS, html)
    assert problems == []
    for path in (
        "/api/v1/units/",
        "/api/v1/reports/{id}/",
        "/api/v1/issues/",
        "/api/v1/discipline/",
        "/api/v1/summaries/{id}/",
        "/api/v1/surveys/{id}/results/",
        "/api/v1/surveys/{id}/responses/",
    ):
        assert f"<code>{path}</code>" in html, path
    # Nothing loaded from another host: every src and stylesheet is our own.
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)
    assert "Tài liệu API" in html


@pytest.mark.django_db
def test_the_docs_page_is_not_for_collaborators_or_anonymous(client_of, collaborator):
    assert client_of(collaborator).get(DOCS).status_code == 404
    assert Client().get(DOCS).status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_under_the_csp_in_chromium(browser_context, live_server):
    from dluan.tests.factories import UserFactory

    UserFactory(username="canbo_docs", role="staff")
    page = browser_context(DESKTOP).new_page()
    refused, hosts = [], set()
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            # The browser asks for /favicon.ico on its own; dluan has none.
            and "favicon.ico" not in message.location["url"]
            and refused.append(message.text)
        ),
    )
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))

    browser_login(page, "canbo_docs")
    page.goto(DOCS)
    expect(page.locator("h1")).to_contain_text("Tài liệu API")
    expect(page.locator("#op-reports_list")).to_be_visible()
    assert refused == []
    assert hosts == {live_server.url.split("/")[2]}
    assert axe_violations(page) == []
