"""The installable app's views: the service worker, the manifest, the phone's state,
the pages a phone keeps, the outbox page, and signing out (issue 22)."""

import json
import shutil

import pytest
from django.conf import settings
from django.urls import reverse

from dluan.offline import user_key
from reports.models import OpinionReport
from reports.tests.factories import OpinionReportFactory
from surveys.models import Survey
from surveys.tests.factories import AssignmentFactory, SurveyFactory


def worker_config(response) -> dict:
    first = response.content.decode().split("\n", 1)[0]
    assert first.startswith("self.DLUAN_CONFIG = ") and first.endswith(";")
    return json.loads(first.removeprefix("self.DLUAN_CONFIG = ").removesuffix(";"))


# --- /sw.js ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_worker_is_javascript_checked_on_every_load(client):
    response = client.get(reverse("service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    config = worker_config(response)
    assert config["outboxPage"] == "/outbox/"
    assert config["state"] == "/offline/state/"
    assert "/static/js/outbox.js" in [entry["url"] for entry in config["precache"]]
    assert any("workbox-core" in url for url in config["libraries"])
    # The static source follows its configuration.
    assert "importScripts" in response.content.decode()


@pytest.mark.django_db
def test_the_same_worker_is_answered_not_modified(client):
    etag = client.get(reverse("service-worker"))["ETag"]
    again = client.get(reverse("service-worker"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag


@pytest.mark.django_db
def test_the_worker_changes_when_a_static_file_changes(client, settings, tmp_path):
    """A new worker is what makes the browser install it and drop the old caches."""
    copy = tmp_path / "js"
    copy.mkdir()
    shutil.copy(settings.BASE_DIR / "static" / "js" / "outbox.js", copy / "outbox.js")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    before = client.get(reverse("service-worker")).content
    assert client.get(reverse("service-worker")).content == before
    with open(copy / "outbox.js", "a") as handle:
        handle.write("\n// the next release\n")
    after = client.get(reverse("service-worker")).content
    assert after != before
    assert worker_config_version(after) != worker_config_version(before)


def worker_config_version(content: bytes) -> str:
    first = content.decode().split("\n", 1)[0]
    return json.loads(first.removeprefix("self.DLUAN_CONFIG = ").removesuffix(";"))[
        "version"
    ]


def test_outbox_patterns_are_the_contracts_urls():
    import re

    from dluan.offline import OUTBOX_PATTERNS

    patterns = [re.compile(pattern) for pattern in OUTBOX_PATTERNS]
    caught = [
        "/reports/new/",
        "/reports/12/edit/",
        "/surveys/3/interviews/offline/",
        "/surveys/3/interviews/0b6f6a57-3f0e-4c1e-9d55-8f1c2a3b4c5d/",
    ]
    left = ["/reports/autosave/", "/reports/12/", "/logout/", "/surveys/3/interviews/"]
    assert all(any(p.match(url) for p in patterns) for url in caught)
    assert not any(any(p.match(url) for p in patterns) for url in left)


# --- /manifest.webmanifest ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_manifest_names_the_board_and_its_icons(client):
    response = client.get(reverse("webmanifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "dluan — Mạng lưới cộng tác viên dư luận xã hội"
    assert manifest["short_name"] == "dluan"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/" + settings.STATIC_URL.lstrip("/"))
        assert (settings.BASE_DIR / "static" / name).is_file(), icon["src"]


# --- /offline/state/ --------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_gets_401_on_state_and_pages(client):
    for name in ("offline-state", "offline-pages"):
        response = client.get(reverse(name))
        assert response.status_code == 401, name
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["collaborator", "staff", "leader"])
def test_state_names_the_person_by_an_opaque_key_with_a_fresh_token(
    request, client_of, persona
):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("offline-state"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["user"] == user_key(user)
    assert str(user.pk) != body["user"] and len(body["user"]) == 32
    assert len(body["csrf"]) >= 32
    # The same key on every page of the person, for the phone to compare.
    home = client_of(user).get(reverse("home")).content.decode()
    assert f'<meta name="dluan-user" content="{body["user"]}">' in home


def test_people_have_different_keys(collaborator, other_collaborator, staff):
    keys = {user_key(u) for u in (collaborator, other_collaborator, staff)}
    assert len(keys) == 3


def test_state_answers_get_only(client_of, collaborator):
    assert client_of(collaborator).post(reverse("offline-state")).status_code == 405


# --- /offline/pages/ --------------------------------------------------------------------


def draft(user):
    return OpinionReportFactory(
        author=user.collaborator, status=OpinionReport.Status.DRAFT, submitted_at=None
    )


@pytest.fixture
def open_survey(town, staff, commune, collaborator):
    survey = SurveyFactory(unit=town, created_by=staff)
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )
    return survey


def test_a_collaborators_pages_hold_their_drafts_and_assignments_only(
    client_of, collaborator, other_collaborator, open_survey, town, staff, commune
):
    mine = draft(collaborator)
    returned = OpinionReportFactory(
        author=collaborator.collaborator, status=OpinionReport.Status.RETURNED
    )
    submitted = OpinionReportFactory(
        author=collaborator.collaborator, status=OpinionReport.Status.SUBMITTED
    )
    theirs = draft(other_collaborator)
    closed = SurveyFactory(unit=town, created_by=staff, status=Survey.Status.CLOSED)
    AssignmentFactory(
        survey=closed, collaborator=collaborator.collaborator, commune=commune
    )
    not_mine = SurveyFactory(unit=town, created_by=staff)
    AssignmentFactory(
        survey=not_mine, collaborator=other_collaborator.collaborator, commune=commune
    )

    response = client_of(collaborator).get(reverse("offline-pages"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    pages = response.json()["pages"]
    assert pages[:2] == ["/", "/outbox/"]
    assert reverse("reports:report-create") in pages
    assert reverse("reports:report-edit", args=[mine.pk]) in pages
    assert reverse("reports:report-edit", args=[returned.pk]) in pages
    assert reverse("surveys:interview-list", args=[open_survey.pk]) in pages
    for other in (submitted, theirs):
        assert reverse("reports:report-edit", args=[other.pk]) not in pages
    for survey in (closed, not_mine):
        assert not any(url.startswith(f"/surveys/{survey.pk}/") for url in pages)
    assert len(pages) == len(set(pages))


def test_the_latest_twenty_drafts_are_kept(client_of, collaborator):
    drafts = [draft(collaborator) for _ in range(22)]
    pages = client_of(collaborator).get(reverse("offline-pages")).json()["pages"]
    kept = [url for url in pages if url.endswith("/edit/")]
    assert len(kept) == 20
    assert reverse("reports:report-edit", args=[drafts[-1].pk]) in kept


@pytest.mark.parametrize("persona", ["staff", "other_staff", "leader", "admin_user"])
def test_other_roles_keep_no_pages(request, client_of, persona, open_survey):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("offline-pages"))
    assert response.status_code == 200
    assert response.json() == {"pages": []}


# --- /outbox/ ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_outbox_opens_signed_out(client):
    response = client.get(reverse("outbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="outbox-list"' in html
    assert '<meta name="dluan-user" content="">' in html


def test_the_outbox_shows_nothing_personal_signed_in(client_of, collaborator):
    response = client_of(collaborator).get(reverse("outbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert collaborator.full_name not in html
    assert collaborator.username not in html
    assert 'data-testid="logout"' not in html
    assert f'content="{user_key(collaborator)}"' in html


def test_the_offline_page_points_to_the_outbox_and_the_report_form(
    client_of, collaborator
):
    response = client_of(collaborator).get(reverse("outbox") + "?offline=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("outbox")}"' in html
    assert f'href="{reverse("reports:report-create")}"' in html
    assert collaborator.full_name not in html


def test_every_page_carries_the_manifest_and_the_outbox_scripts(
    client_of, collaborator
):
    html = client_of(collaborator).get(reverse("home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("webmanifest")}">' in html
    assert '<meta name="theme-color"' in html
    assert "apple-touch-icon" in html
    assert 'id="outbox-counter"' in html
    for script in ("vendor/idb/idb.umd.js", "js/outbox-store.js", "js/outbox.js"):
        assert f'src="/static/{script}"' in html


# --- Signing out ------------------------------------------------------------------------


def test_signing_out_tells_the_browser_to_clear_the_phone(client_of, collaborator):
    client = client_of(collaborator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("offline-state")).status_code == 401
