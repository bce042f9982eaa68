"""The error pages: 400 says nothing was saved; 500 is in the reader's language, or
Vietnamese when it is not known yet.

403 and 404 are Django's own handlers rendering ``403.html`` and ``404.html`` in the
site's layout.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from dluan.uploads import UploadTooLarge


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


def too_large(request):
    """nginx's answer to a body over its limit (deploy/nginx): work in progress."""
    return bad_request(request, UploadTooLarge(settings.UPLOAD_MAX_BYTES))
