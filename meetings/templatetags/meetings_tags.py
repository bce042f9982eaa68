from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.simple_tag
def link_to(obj) -> str:
    """The object's page, or "" while the app that shows it has no such page."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""
