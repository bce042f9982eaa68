"""400, 403, 404 and 500 with DEBUG off: pages in the site's layout and language.

The 500 page renders without the database (it may be what failed), in Vietnamese
when the reader's language could not be read, and like every page it is valid
HTML holding nothing the Content-Security-Policy refuses.

This module is also the test-only URLconf: views that fail on purpose, beside the
real ones.
"""

import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext

from dluan import urls as site_urls
from dluan.models import User


def _bad_request(request):
    raise BadRequest("unreadable")


def _forbidden(request):
    raise PermissionDenied("a secret reason")


def _broken(request):
    raise RuntimeError("a bug")


def _needs_the_database(request):
    User.objects.count()
    raise AssertionError("the database answered")  # pragma: no cover


urlpatterns = [
    path("test-400/", _bad_request),
    path("test-403/", _forbidden),
    path("test-500/", _broken),
    path("test-500-db/", _needs_the_database),
    *site_urls.urlpatterns,
]
# Errors are answered by the site's own handlers.
for _code in (400, 403, 404, 500):
    if hasattr(site_urls, f"handler{_code}"):
        globals()[f"handler{_code}"] = getattr(site_urls, f"handler{_code}")

TEST_URLCONF = override_settings(ROOT_URLCONF=__name__, DEBUG=False)
VNU = Path(__file__).resolve().parents[2] / "scripts" / "vnu.sh"
# In the catalogue already: the page speaks Vietnamese, not just says lang="vi".
HOME_VI = "Trang chủ"


@pytest.fixture(autouse=True)
def _language_kept():
    """Requests here leave a language on the thread: give the next test its own."""
    language = translation.get_language()
    yield
    translation.activate(language)


def _refuse_queries(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def _problems(html: str) -> list[str]:
    """HTML5 parse errors and what the Content-Security-Policy refuses."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    root = parser.parse(html)
    problems = [f"parse error {error} at {pos}" for pos, error, _ in parser.errors]
    for element in root.iter():
        tag = str(element.tag)
        if tag == "style" or "style" in element.attrib:
            problems.append(f"inline style on <{tag}>")
        if any(str(name).lower().startswith("on") for name in element.attrib):
            problems.append(f"inline event handler on <{tag}>")
        if tag == "script" and not element.get("src"):
            problems.append("inline script")
    if len(list(root.iter("main"))) != 1 or len(list(root.iter("h1"))) != 1:
        problems.append("expected one <main> and one <h1>")
    return problems


def _page(response, status: int, template: str, heading: str) -> str:
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert HOME_VI in html
    assert gettext(heading) in html
    assert _problems(html) == []
    return html


# --- 404 ----------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_address_answers_the_404_page_to_anonymous():
    response = Client().get("/khong-co-trang-nay/")
    html = _page(response, 404, "404.html", "Page not found")
    assert 'class="navbar' in html  # the site's layout
    assert "Not Found" not in html  # not Django's bare page


@pytest.mark.parametrize("persona", ["staff", "collaborator"])
@override_settings(DEBUG=False)
def test_an_unknown_address_answers_the_404_page_signed_in(request, persona):
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    html = _page(client.get("/khong-co-trang-nay/"), 404, "404.html", "Page not found")
    assert user.get_full_name() in html  # the layout's account menu


@override_settings(DEBUG=False)
def test_an_object_out_of_scope_answers_the_same_404_page(other_staff, collaborator):
    from reports.tests.factories import OpinionReportFactory

    report = OpinionReportFactory(author=collaborator.collaborator)
    client = Client()
    client.force_login(other_staff)
    html = _page(
        client.get(report.get_absolute_url()), 404, "404.html", "Page not found"
    )
    assert "OpinionReport" not in html  # the exception's text is not shown


# --- 400 and 403 ------------------------------------------------------------------


@pytest.mark.django_db
@TEST_URLCONF
def test_a_bad_request_answers_the_400_page():
    response = Client().get("/test-400/")
    _page(response, 400, "400.html", "The request could not be read")


@TEST_URLCONF
def test_a_refusal_answers_the_403_page(staff):
    client = Client()
    client.force_login(staff)
    html = _page(client.get("/test-403/"), 403, "403.html", "Not allowed")
    assert "a secret reason" not in html


# --- 500 ----------------------------------------------------------------------------


@pytest.mark.django_db
@TEST_URLCONF
def test_a_failure_answers_the_500_page():
    client = Client(raise_request_exception=False)
    html = _page(client.get("/test-500/"), 500, "500.html", "Something went wrong")
    assert "a bug" not in html and "Traceback" not in html
    assert "Server Error (500)" not in html  # not Django's bare page


@TEST_URLCONF
def test_the_500_page_renders_with_the_database_unreachable(staff):
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(staff)
    anonymous = Client(raise_request_exception=False)
    # Anonymous: the view's query fails; signed in: reading the session, before
    # the reader's language is known. Each time, a language left on the thread by
    # an earlier request is not the reader's: the page is in the site's language.
    pages = []
    for client, url in (
        (signed_in, "/test-500/"),
        (signed_in, "/reports/queue/"),
        (anonymous, "/test-500-db/"),
    ):
        translation.activate("en")
        with connection.execute_wrapper(_refuse_queries):
            pages.append(client.get(url))
    for response in pages:
        _page(response, 500, "500.html", "Something went wrong")


@TEST_URLCONF
def test_the_500_page_is_in_the_readers_language_when_it_is_known(staff):
    User.objects.filter(pk=staff.pk).update(language="en")
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.get("/test-500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Something went wrong" in html


# --- The Nu HTML checker ------------------------------------------------------------


@TEST_URLCONF
def test_the_error_pages_pass_the_nu_html_checker(staff, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("java is missing: run `make system-deps`")
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    files = []
    for url in ("/test-400/", "/test-403/", "/khong-co/", "/test-500/"):
        page = tmp_path / f"{url.strip('/')}.html"
        page.write_bytes(client.get(url).content)
        files.append(str(page))
    result = subprocess.run(  # noqa: S603 (our own script, our own files)
        [str(VNU), "--errors-only", "--format", "text", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
