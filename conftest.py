"""Personas shared by every app's tests.

A town (Hương Trà) with two wards/communes, and a second town outside it:
- ``collaborator`` files from Tứ Hạ; ``other_collaborator`` from Hương Toàn (same town);
- ``staff`` and ``leader`` belong to Hương Trà; ``other_staff`` to Hương Thủy;
- ``admin_user`` is the superuser; ``client`` is anonymous.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from dluan.models import OrgUnit, User
from dluan.tests.factories import DEMO_PASSWORD, OrgUnitFactory, UserFactory

pytest_plugins = [
    "tests.support.broker",
    "tests.support.pages",
    "tests.support.order",
    "tests.support.pdf",
    "tests.support.walk",
]

BROKER_FIXTURE = "real_broker"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Groups for pytest-xdist (``make test`` runs two workers, ``--dist loadgroup``).

    A module's tests stay on one worker, so its module-scoped fixtures (the seeded
    demo site) are built once. Every test on the broker (through ``real_broker``,
    the only way to it, which marks it ``broker``) runs on the same worker, one
    after another, since they share one Redis database and its queue.
    """
    for item in items:
        if BROKER_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.broker)
        on_broker = item.get_closest_marker("broker") is not None
        group = item.get_closest_marker("xdist_group")
        if group:
            name = group.args[0] if group.args else group.kwargs.get("name")
            if on_broker and name != "broker":
                raise pytest.UsageError(
                    f"{item.nodeid} uses the broker: it cannot be in the xdist "
                    f"group {name!r}, only in 'broker'"
                )
            continue
        group = "broker" if on_broker else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture
def province(db):
    return OrgUnitFactory(name="Thành phố Huế", kind=OrgUnit.Kind.PROVINCE)


@pytest.fixture
def town(province):
    return OrgUnitFactory(
        name="Thị xã Hương Trà", kind=OrgUnit.Kind.TOWN, parent=province
    )


@pytest.fixture
def commune(town):
    return OrgUnitFactory(name="Phường Tứ Hạ", kind=OrgUnit.Kind.COMMUNE, parent=town)


@pytest.fixture
def other_commune(town):
    return OrgUnitFactory(name="Xã Hương Toàn", kind=OrgUnit.Kind.COMMUNE, parent=town)


@pytest.fixture
def other_town(province):
    return OrgUnitFactory(
        name="Thị xã Hương Thủy", kind=OrgUnit.Kind.TOWN, parent=province
    )


def _collaborator_user(username, unit, full_name):
    from collaborators.models import Collaborator

    user = UserFactory(
        username=username,
        full_name=full_name,
        role=User.Role.COLLABORATOR,
        org_unit=unit,
    )
    record = Collaborator.objects.create(
        full_name=full_name,
        gender=Collaborator.Gender.FEMALE,
        unit=unit,
        user=user,
        email=f"{username}@example.vn",
    )
    record.coverage_areas.add(unit)
    return user


@pytest.fixture
def collaborator(commune):
    return _collaborator_user("ctv_tuha", commune, "Trần Thị Hoa")


@pytest.fixture
def other_collaborator(other_commune):
    return _collaborator_user("ctv_huongtoan", other_commune, "Lê Văn Bình")


@pytest.fixture
def staff(town):
    return UserFactory(
        username="canbo_huongtra",
        full_name="Nguyễn Văn An",
        role=User.Role.STAFF,
        org_unit=town,
    )


@pytest.fixture
def other_staff(other_town):
    return UserFactory(
        username="canbo_huongthuy",
        full_name="Phạm Văn Cường",
        role=User.Role.STAFF,
        org_unit=other_town,
    )


@pytest.fixture
def leader(town):
    return UserFactory(
        username="lanhdao_huongtra",
        full_name="Hoàng Văn Dũng",
        role=User.Role.LEADER,
        org_unit=town,
    )


@pytest.fixture
def admin_user(province):
    return UserFactory(
        username="quantri",
        full_name="Quản Trị",
        role=User.Role.ADMIN,
        org_unit=province,
        is_superuser=True,
        is_staff=True,
    )


@pytest.fixture
def client_of(client):
    """``client_of(user)``: the test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Browser tests: Playwright for Python driving Debian's Chromium -----------------

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls that a
    # test makes around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _contexts(chromium, base_url):
    contexts = []

    def _make(viewport=PHONE, locale="vi-VN"):
        context = chromium.new_context(
            viewport=viewport, locale=locale, base_url=base_url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_context(chromium, live_server):
    """``browser_context(viewport)``: a fresh context (no cookies) at that size."""
    yield from _contexts(chromium, live_server.url)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo, seeded once for a module of browser tests that only read it,
    behind a live server of its own; emptied when the module ends.

    Seeding takes tens of seconds: tests that read the demo share one. A test
    using it may sign in and out, and change nothing another test of the module
    reads. (pytest-django's ``live_server`` would empty the database after each
    test.)
    """
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=StringIO())
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_browser(chromium, demo_site, db):
    """``demo_browser(viewport)``: a fresh context (no cookies) on the shared demo.

    ``db`` makes pytest-django set up the test database for the module's demo.
    """
    yield from _contexts(chromium, demo_site)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots (ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """End this worker's other sessions on its test database before it is dropped.

    In the full run one connection of this worker process stayed open, idle after
    its test's ROLLBACK, out of reach of ``connections.close_all()`` here: Django's
    connection handler is per context, and Playwright's greenlets carry contexts
    of their own (a forked child after a browser test saw another handler too).
    It made the drop fail with "being accessed by other users". The test database
    is this worker's alone, so every other session on it is one of ours.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
