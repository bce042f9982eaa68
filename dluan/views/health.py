"""The health check the proxy and the probes ask."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


def _check_broker() -> bool:
    from kombu import Connection

    # Socket timeouts too: a broker that accepts and never answers must not hang
    # the health check (and the proxy's probe) for ever.
    options = {"socket_connect_timeout": 2, "socket_timeout": 2, "max_retries": 0}
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    """Whether the database and (when configured) the broker answer."""
    checks = {"database": "ok" if _check_database() else "error"}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "inline"
    else:
        checks["broker"] = "ok" if _check_broker() else "error"
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )
