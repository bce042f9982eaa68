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
        entries.append(
            {
                "label": item.label,
                "url": url,
                "prefix": item.prefix or url,
                "group": item.group,
            }
        )
    # Only the entry whose prefix matches the most of the path is the current one.
    matching = [e for e in entries if request.path.startswith(e["prefix"])]
    current = max(matching, key=lambda e: len(e["prefix"]), default=None)
    for entry in entries:
        entry["active"] = entry is current
    # Top-level entries in order; a group stands where its first entry would.
    menu, groups = [], {}
    for entry in entries:
        if not entry["group"]:
            menu.append(entry)
            continue
        key = str(entry["group"])
        if key not in groups:
            groups[key] = {"label": entry["group"], "children": [], "active": False}
            menu.append(groups[key])
        groups[key]["children"].append(entry)
        groups[key]["active"] |= entry["active"]
    return {
        "nav_entries": entries,
        "nav_menu": menu,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count,
    }
