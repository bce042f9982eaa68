"""Who may call the API: a personal key (``Authorization: Bearer …``) or the
browser's sign-in session; staff, leaders and administrators only.

A collaborator's session gets 404 on every API URL, like any page outside their
reach; no credentials get 401. Calls are limited per key (per person for a
session) to ``API_RATE_LIMIT``, counted in the cache (Redis when configured).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from dluan.api import tokens
from dluan.models import ApiToken


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer dluan_…``: a personal key made on the account page."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be: Bearer followed by the key.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token = tokens.token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid, has expired or has been revoked.")
            )
        return token.owner, token

    def authenticate_header(self, request):
        return 'Bearer realm="dluan"'


class ApiSessionAuthentication(SessionAuthentication):
    """The browser's sign-in session, with Django's CSRF check on unsafe methods."""


class ApiAccess(BasePermission):
    """Read-only, for staff, leaders and administrators; collaborators get 404."""

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not tokens.may_use_api(user):
            raise exceptions.NotFound()
        # Any other method than GET, HEAD and OPTIONS is answered 405 by the view.
        return True


class ApiRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` calls per key (per person for a session)."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"key-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return f"throttle_api_{ident}"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "dluan.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "dluan_…",
            "description": str(
                _("A personal API key, made on the account page (Your account).")
            ),
        }


class ApiSessionScheme(OpenApiAuthenticationExtension):
    target_class = "dluan.api.auth.ApiSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
