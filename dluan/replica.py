"""Reads that may go to a read replica (``DATABASE_REPLICA_URL``).

With a replica configured (the ``replica`` database alias), the reads of a view,
a job or a block marked :func:`reads_from_replica` go to it; everything else
stays on the primary (``default``):

- every write, and every read of a request or job once it has written
  (read-your-writes): :class:`ReplicaRouter` pins it to the primary on its first
  write. A request with an unsafe method is pinned from the start, and the page
  after a write (the one a submit redirects to) through a short-lived cookie that
  :class:`ReplicaMiddleware` sets, living longer than the replica may lag;
- reads inside a transaction on the primary (they must see its writes);
- sign-in, sessions, accounts, two-factor, lockout and the audit trail
  (``PRIMARY_APPS``, ``PRIMARY_MODELS``): their writes do not pin a request, since
  what they write is always read from the primary;
- everything, when the replica is down or lags more than ``REPLICA_MAX_LAG``
  seconds: it is then left out for ``REPLICA_RETRY`` seconds. Each process checks
  it at most every ``CHECK_SECONDS``. A marked view or function whose read failed
  on a replica that went down runs again on the primary, so the page answers.

Without ``DATABASE_REPLICA_URL`` there is no alias and nothing changes.
"""

import functools
import logging
import math
import threading
import time
from contextlib import ContextDecorator
from contextvars import ContextVar
from dataclasses import dataclass

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

from dluan.env import env_database, env_int

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Set on the response of a request that wrote: the next requests read the primary.
PIN_COOKIE = "dluan_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A process checks the replica's health at most this often.
CHECK_SECONDS = 3.0
PRIMARY_APPS = frozenset(
    {
        "admin",
        "auditlog",
        "auth",
        "axes",
        "contenttypes",
        "django_otp",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)
PRIMARY_MODELS = frozenset({"dluan.user", "dluan.usersession", "dluan.signincode"})

# Lag in seconds as the standby sees it: none when it has replayed all it has
# received (an idle primary sends nothing, so the last replayed commit ages).
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
END
"""


def replica_database(name: str, primary: dict) -> dict | None:
    """The replica's DATABASES entry from the URL in ``name``; None when unset."""
    replica = env_database(name, {})
    if not replica:
        return None
    postgresql = "django.db.backends.postgresql"
    if replica["ENGINE"] != postgresql or primary["ENGINE"] != postgresql:
        raise ImproperlyConfigured(
            f"{name} needs PostgreSQL, there and in DATABASE_URL."
        )
    for limit in ("REPLICA_MAX_LAG", "REPLICA_RETRY"):
        if env_int(limit, 1) < 1:
            raise ImproperlyConfigured(f"{limit} must be 1 second or more.")
    # A replica that does not answer is left out quickly.
    replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # Tests read the primary's test database through it.
    replica["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    return replica


@dataclass
class _Scope:
    """What the router knows of the current request or job."""

    pinned: bool = False
    wrote: bool = False
    reading: int = 0
    after_writes: int = 0
    used_replica: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("dluan_replica_scope", default=None)


def configured() -> bool:
    return REPLICA in connections.settings


# --- The replica's health, per process -------------------------------------------


class _Health:
    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.checked_at = -math.inf
        self.healthy = False
        self.left_out_until = -math.inf
        self.reason = ""


_health = _Health()


def forget_health() -> None:
    """Check the replica again on the next read (tests, and after a failover)."""
    _health.forget()


def measure_lag() -> float | None:
    """The replica's lag in seconds; None when it cannot tell."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else max(float(lag), 0.0)


def _close_replica() -> None:
    try:
        connections[REPLICA].close()
    except Exception:  # a dead connection may fail to close
        logger.debug("closing the replica connection failed", exc_info=True)


def leave_out(reason: str) -> None:
    """Leave the replica out for REPLICA_RETRY seconds."""
    now = time.monotonic()
    _health.healthy = False
    _health.checked_at = now
    _health.left_out_until = now + float(settings.REPLICA_RETRY)
    if reason != _health.reason:
        logger.warning("Read replica left out: %s", reason)
    _health.reason = reason
    _close_replica()


def _check() -> bool:
    try:
        lag = measure_lag()
    except (OperationalError, InterfaceError) as error:
        leave_out(f"unreachable ({str(error).strip().splitlines()[0][:200]})")
        return False
    limit = float(settings.REPLICA_MAX_LAG)
    if lag is None or lag > limit:
        leave_out("lag unknown" if lag is None else f"{lag:.1f} s behind")
        return False
    if _health.reason:
        logger.warning("Read replica back in use")
    _health.healthy = True
    _health.reason = ""
    _health.checked_at = time.monotonic()
    return True


def replica_available() -> bool:
    """Whether reads may go to the replica now (checked every CHECK_SECONDS)."""
    now = time.monotonic()
    if now < _health.left_out_until:
        return False
    if _health.healthy and now - _health.checked_at < CHECK_SECONDS:
        return True
    # One thread checks; the others use the last answer meanwhile.
    if not _health.lock.acquire(blocking=False):
        return _health.healthy
    try:
        return _check()
    finally:
        _health.lock.release()


# --- The router ---------------------------------------------------------------------


def _primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS


class ReplicaRouter:
    """DATABASE_ROUTERS: marked reads to the replica, all the rest to the primary."""

    def db_for_read(self, model, **hints):
        if not configured():
            return None
        scope = _scope.get()
        if (
            scope is None
            or not scope.reading
            or (scope.pinned and not scope.after_writes)
            or _primary_only(model)
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not replica_available()
        ):
            # Explicitly: an object read from the replica would send its
            # related reads back there.
            return DEFAULT_DB_ALIAS
        scope.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        if not configured():
            return None
        scope = _scope.get()
        if scope is not None and not _primary_only(model):
            scope.pinned = scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects from either relate.
        return True if configured() else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


# --- Marking reads ------------------------------------------------------------------


class _Reads(ContextDecorator):
    def __init__(self, after_writes: bool = False):
        self.after_writes = after_writes
        self._token = None

    def _recreate_cm(self):
        # A fresh one per call: a decorated view runs in several threads at once.
        return type(self)(self.after_writes)

    def __enter__(self):
        scope = _scope.get()
        if scope is None:
            # A job or a plain call: this block is its scope.
            scope = _Scope()
            self._token = _scope.set(scope)
        scope.reading += 1
        scope.after_writes += self.after_writes
        self.scope = scope
        return self

    def __exit__(self, exc_type, exc, tb):
        scope = self.scope
        scope.reading -= 1
        scope.after_writes -= self.after_writes
        if exc is not None and scope.used_replica and _is_connection_error(exc):
            # The replica failed mid-read: leave it out (a decorated function
            # runs again on the primary, see __call__).
            _close_replica()
            if not _replica_answers():
                leave_out("failed during a read")
        if self._token is not None:
            _scope.reset(self._token)
            self._token = None
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                with self._recreate_cm() as marker:
                    return func(*args, **kwargs)
            except (OperationalError, InterfaceError):
                scope = marker.scope
                if not (scope.used_replica and not scope.wrote and _left_out()):
                    raise
                # Only reads ran, on a replica now left out: run again, on the
                # primary, so the page or job answers.
                logger.warning("Read replica failed: %s ran again", func.__qualname__)
                return func(*args, **kwargs)

        return wrapper


def _is_connection_error(exc) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def _left_out() -> bool:
    return time.monotonic() < _health.left_out_until


def _replica_answers() -> bool:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        return False
    return True


def reads_from_replica(func=None, *, after_writes: bool = False):
    """Let these reads go to the replica, unless the request or job wrote.

    ``@reads_from_replica`` on a function view, a task or any function;
    ``with reads_from_replica():`` around a block. ``after_writes=True`` is for
    reads that never look at what their job wrote (a summary's figures, read
    after the job claimed its summary): they go to the replica even then.
    """
    marker = _Reads(after_writes)
    return marker(func) if func is not None else marker


# --- Requests and jobs -------------------------------------------------------------


def pin_seconds() -> int:
    """How long the page after a write reads the primary: past the largest lag."""
    return int(2 * float(settings.REPLICA_MAX_LAG) + CHECK_SECONDS) + 1


class ReplicaMiddleware:
    """One scope per request; the cookie that pins the pages after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        scope = _Scope(
            pinned=request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES
        )
        token = _scope.set(scope)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
        if scope.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


_task_tokens: dict = {}


@task_prerun.connect(weak=False, dispatch_uid="dluan-replica-task-start")
def _task_start(task_id=None, **kwargs):
    # A task run inline inside a request keeps that request's pin.
    outer = _scope.get()
    _task_tokens[task_id] = _scope.set(_Scope(pinned=bool(outer and outer.pinned)))


@task_postrun.connect(weak=False, dispatch_uid="dluan-replica-task-end")
def _task_end(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _scope.reset(token)
