from django.urls import NoReverseMatch, reverse

from dluan.registry import nav_items


def navigation(request):
    """Navigation entries for the signed-in user's role, and the unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = "superuser" if user.is_superuser else user.role
    entries = []
    for item in nav_items():
        if role not in item.roles and not (user.is_superuser and "admin" in item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path.startswith(item.prefix or url)
        entries.append({"label": item.label, "url": url, "active": active})
    return {
        "nav_entries": entries,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count,
    }
