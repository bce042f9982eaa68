"""The real Redis broker and a Celery worker, for the tests that need them.

Every such test takes the ``real_broker`` fixture: it is the only way to the
broker. The tests share one Redis database (REDIS_URL) and its queue, so they
must never run at the same time: the root conftest marks every test using the
fixture ``broker`` and puts them all in one xdist group, and the fixture holds a
lock on the Redis database while the test runs, whatever the scheduling.
"""

import fcntl
import hashlib
import json
import logging
import os
import socket
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, worker_shutdown
from django import db

from dluan.celery import app

# The queues of dluan.settings.CELERY_TASK_QUEUES (Redis keeps each in a list).
QUEUES = ("default", "heavy")


def redis_url() -> str:
    """REDIS_URL; without it the test fails in CI and is skipped elsewhere."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL: the broker test cannot run without it.")
        pytest.skip("REDIS_URL is not set; .ci/run sets it")
    return url


def closed_port_url() -> str:
    """A Redis URL on a local port that was free a moment ago: nothing answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/6"


def reset_pools() -> None:
    """Drop connections pooled for another broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(settings, url: str | None):
    """Point Celery (and /healthz) at ``url``; None runs tasks inline."""
    saved = (
        app.conf.broker_url,
        app.conf.task_always_eager,
        app.conf.broker_transport_options,
        app.conf.broker_connection_timeout,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = url is None
    settings.CELERY_BROKER_URL = url or "memory://localhost/"
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.task_always_eager = url is None
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    app.conf.broker_connection_timeout = getattr(
        settings, "CELERY_BROKER_CONNECTION_TIMEOUT", 4
    )
    reset_pools()
    try:
        yield
    finally:
        (
            app.conf.broker_url,
            app.conf.task_always_eager,
            app.conf.broker_transport_options,
            app.conf.broker_connection_timeout,
        ) = saved
        reset_pools()


def wait_until(condition, what: str, seconds: float = 30) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds:g} s waiting until {what}")


def _close_db_connections(**kwargs) -> None:
    # In the worker's thread: its own database connections, which would keep the
    # test database "being accessed by other users" when it is flushed or dropped.
    db.connections.close_all()


@contextmanager
def _one_at_a_time(url: str):
    """Hold the Redis database for this test, across processes."""
    name = hashlib.sha256(url.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"dluan-broker-{name}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class TableLock:
    """A second connection holding tables, as a long write would: a job that
    needs them waits (``waiting``) until ``release``."""

    def __init__(self, tables: tuple[str, ...]):
        import psycopg2
        from django.db import connection

        self.tables = tables
        self.connection = psycopg2.connect(**connection.get_connection_params())

    def hold(self) -> None:
        with self.connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

    def release(self) -> None:
        self.connection.rollback()

    def waiting(self) -> bool:
        """Whether someone (a compile) waits for the lock."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = ANY(%s::regclass[])",
                [list(self.tables)],
            )
            return cursor.fetchone()[0] > 0

    def close(self) -> None:
        self.release()
        self.connection.close()


class Broker:
    """The real broker, its Redis database emptied for the test."""

    def __init__(self, url: str, client, stack: ExitStack):
        self.url = url
        self.client = client  # the Redis client on the broker's database
        self._stack = stack

    def flush(self) -> None:
        self.client.flushdb()

    def jobs(self) -> list[str]:
        """The names of the tasks waiting, oldest first in each queue."""
        return [
            json.loads(message)["headers"]["task"]
            for queue in QUEUES
            for message in self.client.lrange(queue, 0, -1)
        ]

    def start_worker(self) -> None:
        """A Celery worker (solo pool) in a thread of this process, until the
        test ends. Until it starts, queued tasks wait in Redis."""
        self._stack.enter_context(_root_logger_kept())
        self._stack.enter_context(
            start_worker(
                app, pool="solo", perform_ping_check=False, shutdown_timeout=10
            )
        )


@contextmanager
def _root_logger_kept():
    """The root logger's level and handlers as they were, once the worker stops.

    The embedded worker sets up Celery's logging: the root logger at the worker's
    level ("error") and Celery's handler in place of the others. Left so, every
    later test in this process lost the warnings of loggers without a level of
    their own (the sign-in lockout's, say), since pytest's capture sits on the root.
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        root.setLevel(level)
        # pytest puts its own capture back for each phase of each test.
        kept = [h for h in handlers if not type(h).__module__.startswith("_pytest")]
        root.handlers = [
            *kept,
            *(h for h in root.handlers if type(h).__module__.startswith("_pytest")),
        ]


@pytest.fixture
def real_broker(request, settings):
    """Celery on the real Redis broker (REDIS_URL), its database empty; tasks are
    queued there, not run inline. ``real_broker.start_worker()`` starts a worker."""
    if request.node.get_closest_marker("broker") is None:
        pytest.fail("a test on the real broker must be marked broker")
    url = redis_url()
    with (
        _one_at_a_time(url),
        celery_broker(settings, url),
        app.connection_for_write() as conn,
    ):
        client = conn.default_channel.client
        client.flushdb()  # a Redis database of the tests' own
        task_postrun.connect(_close_db_connections)
        worker_shutdown.connect(_close_db_connections)
        try:
            with ExitStack() as stack:
                yield Broker(url, client, stack)
        finally:
            worker_shutdown.disconnect(_close_db_connections)
            task_postrun.disconnect(_close_db_connections)


@pytest.fixture
def worker(real_broker):
    """The real broker with a worker running from the start of the test."""
    real_broker.start_worker()
    return real_broker
