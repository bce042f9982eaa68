"""The API's errors: ``{"detail": "…"}`` in the reader's language (Vietnamese by
default), the same few sentences whatever raised them."""

import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def _messages() -> dict:
    return {
        status.HTTP_401_UNAUTHORIZED: _(
            "Sign in, or send a personal API key: Authorization: Bearer followed by "
            "the key."
        ),
        status.HTTP_403_FORBIDDEN: _("This request is not allowed."),
        status.HTTP_404_NOT_FOUND: _("Not found."),
        status.HTTP_405_METHOD_NOT_ALLOWED: _(
            "The API is read-only: only GET, HEAD and OPTIONS are allowed."
        ),
        status.HTTP_406_NOT_ACCEPTABLE: _("The API answers in JSON or CSV only."),
    }


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        seconds = math.ceil(exc.wait or 1)
        response.data = {
            "detail": _(
                "Too many requests: at most %(rate)s per key. Try again in "
                "%(seconds)d seconds."
            )
            % {"rate": settings.API_RATE_LIMIT, "seconds": seconds}
        }
    elif isinstance(exc, exceptions.AuthenticationFailed):
        response.data = {"detail": str(exc.detail)}
    elif isinstance(exc, exceptions.NotFound) and str(exc.detail) != str(
        exceptions.NotFound.default_detail
    ):
        response.data = {"detail": str(exc.detail)}  # our own (a bad cursor)
    elif response.status_code in _messages():
        response.data = {"detail": _messages()[response.status_code]}
    return response
