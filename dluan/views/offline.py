"""The installable app: service worker, manifest, outbox page, the phone's state.

The logic lives in dluan/offline.py; the phone's side in static/js/sw.js and
static/js/outbox.js.
"""

import hashlib

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotModified,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dluan import offline


@require_GET
def service_worker(request):
    script = offline.worker_script()
    # The browser asks again on every check (no-cache): an update of dluan's
    # static files changes this script, and so installs the new worker; the same
    # script is answered 304.
    digest = hashlib.sha256(script.encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    response = JsonResponse(
        offline.manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-cache"
    return response


def _signed_out():
    response = JsonResponse({"user": None}, status=401)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def state(request):
    """Who is signed in (the opaque key) and a fresh CSRF token, before a send."""
    if not request.user.is_authenticated:
        return _signed_out()
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    response = JsonResponse(
        {"user": offline.user_key(request.user), "csrf": get_token(request)}
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def pages(request):
    """The URLs the signed-in collaborator's phone keeps for offline use."""
    if not request.user.is_authenticated:
        return _signed_out()
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    response = JsonResponse({"pages": offline.pages_for(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def outbox(request):
    """The outbox's shell (outbox.js fills it from the phone), or with ``?offline``
    the page shown for a page the phone does not keep.

    It opens signed out too (a session that expired offline) and carries nothing
    personal: the phone keeps it and shows it to whoever holds the phone.
    """
    template = "dluan/offline.html" if "offline" in request.GET else "dluan/outbox.html"
    context = {
        # The shell shows no one's name or menu, even signed in.
        "user": AnonymousUser(),
        "nav_menu": [],
    }
    return render(request, template, context)


class LogoutView(auth_views.LogoutView):
    """Django's sign-out, and the browser told to drop the phone's stored pages
    and outbox (the page's script removes them first; this covers the rest)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
