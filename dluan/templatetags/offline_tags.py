"""base.html's part of the installable app: the person's opaque key, the words."""

import json

from django import template

from dluan import offline

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_user_key(context) -> str:
    """The signed-in person's key for ``<meta name="dluan-user">``, "" if none."""
    request = context.get("request")
    return offline.user_key(getattr(request, "user", None))


@register.simple_tag
def offline_strings() -> str:
    """The words outbox.js shows, as JSON for an attribute (escaped there)."""
    return json.dumps(offline.client_strings(), ensure_ascii=False)
