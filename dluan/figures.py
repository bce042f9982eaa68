"""Home-page figures that count many rows, kept for a short while.

A province's home page counts tens of thousands of index entries for each of its
figures (reports waiting, the period's reports, the roster). Staff and leaders of
one unit see the same figures, so each is counted once per unit and kept for
``HOME_FIGURES_SECONDS`` (30 by default; 0 counts on every request) in the
process's own memory: nothing shared that could be down, and a figure is at most
that many seconds behind the lists it links to, which are always read live.
"""

from django.conf import settings
from django.core.cache import cache


def scope_key(user) -> str:
    """Whose figures these are: everyone's for a superuser, else the user's unit's."""
    return "all" if user.is_superuser else f"unit-{user.org_unit_id}"


def kept(name: str, key, compute):
    """``compute()``, or its value from the last ``HOME_FIGURES_SECONDS`` seconds.

    ``key`` names everything the figures depend on besides the data (the scope,
    the period, the day).
    """
    seconds = settings.HOME_FIGURES_SECONDS
    if seconds <= 0:
        return compute()
    parts = key if isinstance(key, tuple) else (key,)
    cache_key = ":".join(["dluan", "figures", name, *map(str, parts)])
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value
