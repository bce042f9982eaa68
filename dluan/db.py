"""Database settings for web requests (PostgreSQL).

A page whose query runs away must not hold a database connection, and a
gunicorn worker, for minutes: each connection a web process opens gets
``statement_timeout`` (``DATABASE_STATEMENT_TIMEOUT``, seconds), and
:class:`QueryTimeoutMiddleware` answers a cancelled statement with a clear page.
Celery workers and management commands keep no such limit: their long work is
bounded by the tasks' own time limits.

Web connections also turn off PostgreSQL's JIT compiler and parallel query: both
pay off for long analytic queries (the summary jobs keep them), and add tens of
milliseconds to the short ones a page runs, starting compilers and worker
processes that compete with the web workers for the same cores.
"""

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.shortcuts import render

# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"


def configure_web_connection(sender=None, connection=None, **kwargs) -> None:
    if connection is None or connection.vendor != "postgresql":
        return
    milliseconds = int(settings.DATABASE_STATEMENT_TIMEOUT_MS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SET statement_timeout = %s; SET jit = off; "
            "SET max_parallel_workers_per_gather = 0",
            [milliseconds],
        )


def enable_for_web() -> None:
    """Called by the WSGI entry point: every web connection gets the limit."""
    connection_created.connect(configure_web_connection, dispatch_uid="web-db")


def is_query_timeout(error: BaseException) -> bool:
    cause = getattr(error, "__cause__", None)
    return isinstance(error, OperationalError) and (
        getattr(cause, "pgcode", None) == QUERY_CANCELED
    )


class QueryTimeoutMiddleware:
    """A page that took too long says so (503), instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_query_timeout(exception):
            return None
        response = render(request, "dluan/timeout.html", status=503)
        response["Retry-After"] = "30"
        return response
