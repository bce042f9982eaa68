"""Foundation views: home page per role, notifications, health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dluan.access import posted_int
from dluan.models import Notification
from dluan.registry import home_panels
from dluan.services import notification_mark_read
from dluan.uploads import UploadTooLarge


@login_required
def home(request):
    user = request.user
    template = {
        "collaborator": "dluan/home_collaborator.html",
        "leader": "dluan/home_leader.html",
    }.get(user.role, "dluan/home_staff.html")
    if user.is_superuser:
        template = "dluan/home_staff.html"
    return render(request, template, {"panels": home_panels(request)})


@login_required
def notification_list(request):
    queryset = Notification.objects.visible_to(request.user)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "dluan/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request):
    ids = request.POST.getlist("id")
    count = notification_mark_read(
        user=request.user,
        notification_ids=[pk for pk in map(posted_int, ids) if pk] if ids else None,
    )
    if count:
        messages.success(request, _("Notifications marked as read."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications")


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


def bad_request(request, exception=None):
    """A request too large or malformed to read: nothing was saved, say so."""
    context = {}
    if isinstance(exception, UploadTooLarge):
        context["upload_limit"] = exception.limit
    return render(request, "400.html", context, status=400)
