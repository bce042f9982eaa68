"""The error pages: 400 says nothing was saved; 500 is in the reader's language, or
Vietnamese when it is not known yet.

413 is nginx's refusal of a body over its limit, shown as dluan's page.
403 and 404 are Django's own handlers rendering ``403.html`` and ``404.html`` in the
site's layout.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from dluan.uploads import UploadTooLarge

MEGABYTE = 1024 * 1024


def bad_request(request, exception=None):
    """A request too large or malformed to read: nothing was saved, say so."""
    context = {}
    if isinstance(exception, UploadTooLarge):
        context["upload_limit"] = exception.limit
    return render(request, "400.html", context, status=400)


@requires_csrf_token
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """Django's 500 page (``500.html``, rendered without context or database).

    When the failure came before the reader's language was set (the database down
    while their account was read), the thread may still hold a language left by
    another request: the page is then in the site's own.
    """
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return defaults.server_error(request, template_name)


def _megabytes(size: int) -> str:
    # As nginx counts its client_max_body_size ("30m"): whole mebibytes.
    return f"{max(size // MEGABYTE, 1)} MB"


@require_safe
@never_cache
def too_large(request):
    """nginx's answer to a body over its ``client_max_body_size``, which matches
    UPLOAD_MAX_REQUEST_BYTES (deploy/nginx/dluan.conf sends its 413 here): the 400
    page's layout, a 413 status, and the limits in MB."""
    context = {
        "request_limit": _megabytes(settings.UPLOAD_MAX_REQUEST_BYTES),
        "file_limit": _megabytes(settings.UPLOAD_MAX_BYTES),
    }
    return render(request, "413.html", context, status=413)
