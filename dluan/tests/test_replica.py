"""The read replica against a real hot standby (scripts/replica.sh, port 5433).

The module's fixture starts the standby (as root: the script runs PostgreSQL's
tools as the postgres user) and adds a ``replica`` alias on the SAME database
name as the test database, which physical replication copies from the primary.
Tests are transactional, so what they write is committed and replicated; they
wait for the standby to replay it before reading there.
"""

import copy
import os
import runpy
import subprocess
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from dluan import replica
from dluan.models import OrgUnit, User
from dluan.replica import PIN_COOKIE, REPLICA, ReplicaRouter, reads_from_replica
from reports.models import Issue
from reports.tests.factories import IssueFactory

pytestmark = pytest.mark.xdist_group("replica")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "replica.sh"
REPLICA_PORT = 5433
BOTH = ["default", REPLICA]


def run_script(command: str) -> str:
    primary = connections["default"].settings_dict
    env = {
        **os.environ,
        "PRIMARY_HOST": primary["HOST"] or "127.0.0.1",
        "PRIMARY_PORT": str(primary["PORT"] or 5432),
        "REPLICA_PORT": str(REPLICA_PORT),
    }
    result = subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPT), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/replica.sh {command} failed:\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """The standby running, and the ``replica`` alias and router for this module."""
    if connection.vendor != "postgresql":
        pytest.fail("The replica tests need PostgreSQL: set DATABASE_URL.")
    if os.geteuid() != 0:
        pytest.fail(
            "The replica tests start a PostgreSQL standby with scripts/replica.sh: "
            "run them as root (as .ci/run does)."
        )
    run_script("start")
    config = copy.deepcopy(connections["default"].settings_dict)
    config.update(HOST="127.0.0.1", PORT=REPLICA_PORT, CONN_MAX_AGE=0)
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
    config["TEST"] = {**config.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA] = config
    routers = override_settings(DATABASE_ROUTERS=["dluan.replica.ReplicaRouter"])
    routers.enable()
    try:
        yield
    finally:
        routers.disable()
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        replica.forget_health()


@pytest.fixture(autouse=True)
def _fresh_health():
    replica.forget_health()
    yield
    replica.forget_health()


@pytest.fixture
def patient_router(settings):
    """A lag limit the standby never reaches, for the tests about where reads go.

    On the suite's busy primary, a long transaction of another test (the bench's
    seeding) streams WAL with no commit to replay, so the lag the router measures
    (the age of the last replayed commit) can pass the default 10 s while the
    standby keeps up. The lagging standby has its own test.
    """
    settings.REPLICA_MAX_LAG = 3600
    return settings


def _lsn(alias: str, sql: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_standby(*, replayed: bool = True, timeout: float = 15) -> None:
    """Until the standby has received (and replayed) what the primary wrote."""
    target = _lsn("default", "SELECT pg_current_wal_lsn()::text")
    column = "pg_last_wal_replay_lsn()" if replayed else "pg_last_wal_receive_lsn()"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(f"SELECT {column} >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
        except OperationalError:
            # Restarted by the test before: not listening yet, try again.
            connections[REPLICA].close()
        time.sleep(0.05)
    pytest.fail(f"The standby did not reach {target} in {timeout} s")


def issue_data() -> dict:
    return {"title": "Sạt lở bờ sông Bồ", "description": "", "severity": 3}


# --- Settings ------------------------------------------------------------------------


def _settings(monkeypatch, **env) -> dict:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "dluan" / "settings.py"))


def test_replica_url_makes_the_replica_alias_and_router(monkeypatch):
    conf = _settings(
        monkeypatch,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/dluan",
        DATABASE_REPLICA_URL="postgres://doc:mat-khau@10.0.0.2:5433/dluan",
        REPLICA_MAX_LAG="5",
    )
    alias = conf["DATABASES"][REPLICA]
    assert (alias["HOST"], alias["PORT"], alias["NAME"], alias["USER"]) == (
        "10.0.0.2",
        5433,
        "dluan",
        "doc",
    )
    assert alias["TEST"] == {"MIRROR": "default"}
    assert conf["DATABASE_ROUTERS"] == ["dluan.replica.ReplicaRouter"]
    assert (conf["REPLICA_MAX_LAG"], conf["REPLICA_RETRY"]) == (5, 30)


def test_without_replica_url_nothing_changes(monkeypatch, client_of, staff):
    conf = _settings(monkeypatch, DATABASE_REPLICA_URL=None)
    assert list(conf["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in conf
    # The test settings have no replica either: marked pages read the primary
    # and set no cookie.
    assert REPLICA not in connections.settings
    response = client_of(staff).get(reverse("reports:issue-list"))
    assert response.status_code == 200
    assert PIN_COOKIE not in response.cookies


def test_replica_url_needs_postgresql(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        _settings(
            monkeypatch,
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/dluan",
            DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3",
        )


# --- Against the standby ------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_marked_reads_and_pages_go_to_the_standby_until_a_write(
    standby, patient_router, commune, staff, client_of
):
    wait_for_standby()
    router = ReplicaRouter()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    assert router.db_for_read(OrgUnit) == "default"
    with reads_from_replica():
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert OrgUnit.objects.get(pk=commune.pk).name == "Phường Tứ Hạ"
        assert any("dluan_orgunit" in query["sql"] for query in on_replica)
        # Accounts, sessions and the audit trail stay on the primary.
        assert router.db_for_read(User) == "default"
        with transaction.atomic():
            assert router.db_for_read(OrgUnit) == "default"
        assert router.db_for_read(OrgUnit) == REPLICA
        IssueFactory(unit=commune, created_by=staff)
        assert router.db_for_read(OrgUnit) == "default"
    assert router.db_for_read(OrgUnit) == "default"

    @reads_from_replica
    def count_units():
        return router.db_for_read(OrgUnit), OrgUnit.objects.count()

    assert count_units() == (REPLICA, OrgUnit.objects.count())

    # The marked pages read the standby, and set no cookie: they only read.
    client = client_of(staff)
    for url in [
        "home",
        "reports:report-queue",
        "reports:issue-list",
        "collaborators:collaborator-list",
        "meetings:meeting-list",
        "summaries:summary-list",
    ]:
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            response = client.get(reverse(url))
        assert response.status_code == 200, url
        assert len(on_replica) > 0, url
        assert PIN_COOKIE not in response.cookies, url


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_page_after_a_submit_reads_the_primary(
    standby, patient_router, client_of, staff, town
):
    client = client_of(staff)
    wait_for_standby()
    run_script("pause")
    try:
        response = client.post(
            reverse("reports:issue-create"), issue_data(), follow=True
        )
        assert response.status_code == 200
        assert PIN_COOKIE in client.cookies
        wait_for_standby(replayed=False)
        issue = Issue.objects.get(title="Sạt lở bờ sông Bồ")
        assert not Issue.objects.using(REPLICA).filter(pk=issue.pk).exists()

        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            listed = client.get(reverse("reports:issue-list"))
        assert "Sạt lở bờ sông Bồ" in listed.content.decode()
        assert len(on_replica) == 0

        # Once the cookie has gone, the list reads the standby, which replays
        # nothing meanwhile: the new issue is not there yet.
        del client.cookies[PIN_COOKIE]
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            listed = client.get(reverse("reports:issue-list"))
        assert len(on_replica) > 0
        assert "Sạt lở bờ sông Bồ" not in listed.content.decode()
    finally:
        run_script("resume")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_pages_answer_from_the_primary_while_the_standby_is_down(
    standby, patient_router, client_of, staff, town, settings
):
    settings.REPLICA_RETRY = 1
    IssueFactory(unit=town, created_by=staff, title="Ô nhiễm nguồn nước")
    client = client_of(staff)
    wait_for_standby()
    url = reverse("reports:issue-list")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert "Ô nhiễm nguồn nước" in client.get(url).content.decode()
    assert len(on_replica) > 0

    run_script("stop")
    try:
        # The first page finds the standby gone mid-read; it and the next
        # answer from the primary.
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert "Ô nhiễm nguồn nước" in response.content.decode()
        with reads_from_replica():
            assert ReplicaRouter().db_for_read(Issue) == "default"
    finally:
        run_script("start")

    time.sleep(settings.REPLICA_RETRY)
    wait_for_standby()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert "Ô nhiễm nguồn nước" in client.get(url).content.decode()
    assert len(on_replica) > 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_lagging_standby_is_left_out(standby, client_of, staff, town, settings):
    settings.REPLICA_MAX_LAG = 1
    settings.REPLICA_RETRY = 1
    client = client_of(staff)
    run_script("start")  # running and streaming, whatever a test before left
    wait_for_standby()
    router = ReplicaRouter()
    run_script("pause")
    try:
        issue = IssueFactory(unit=town, created_by=staff, title="Tranh chấp đất đai")
        wait_for_standby(replayed=False)
        assert not Issue.objects.using(REPLICA).filter(pk=issue.pk).exists()
        deadline = time.monotonic() + 10
        while (replica.measure_lag() or 0) <= 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        with reads_from_replica():
            assert router.db_for_read(Issue) == "default"
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            listed = client.get(reverse("reports:issue-list"))
        assert "Tranh chấp đất đai" in listed.content.decode()
        assert len(on_replica) == 0
    finally:
        run_script("resume")

    # Caught up again, it is back in use once REPLICA_RETRY has passed.
    settings.REPLICA_MAX_LAG = 3600
    wait_for_standby()
    time.sleep(settings.REPLICA_RETRY)
    with reads_from_replica():
        assert router.db_for_read(Issue) == REPLICA
