"""The home page of each role and the notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dluan.access import posted_int
from dluan.models import Notification
from dluan.registry import home_panels
from dluan.replica import reads_from_replica
from dluan.services import notification_mark_read


@login_required
@reads_from_replica
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
