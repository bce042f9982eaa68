"""Every URL pattern of the project, walked as each persona.

The patterns come from the resolver, so a view added tomorrow is walked too: a
pattern missing from ``REACH`` (``tests/support/walk.py``, with the world the walk
visits), or carrying a kwarg that ``PK_OF`` and ``OTHER_KWARGS`` cannot fill, fails
the suite until someone decides who may reach it. What the audit trail records
on the same walk: ``tests/test_access_walk_audit.py``.

The policy, per persona:
- anonymous: sent to sign-in (``/login/?next=…``), except the ``PUBLIC`` pages
  and the API's resources (``API_401``), which answer 401;
- a signed-in persona reaches exactly the patterns whose ``REACH`` names it, and
  gets 404 on every other one, GET and POST alike (a view taking one method may
  answer the other with 405, for everyone, before looking anything up), and such
  a POST writes nothing (leaders included: they change nothing they may not);
- staff of another town get 404 on every pattern that carries an object of the
  town (report, attachment, issue, roster record, meeting, document, summary…).

Each request runs in a savepoint rolled back after it, so a request that wrongly
succeeds cannot hide the next one's answer; its writes are read off the SQL it
ran (``TRACE_TABLES`` aside).
"""

from urllib.parse import quote

import pytest
from django.test import Client

from tests.support.walk import (
    API_401,
    OTHER_KWARGS,
    PATTERNS,
    PERSONA_LETTER,
    PK_OF,
    PUBLIC,
    REACH,
    carries_town_object,
    rolled_back_request,
    seed_import,
    signed_in,
    url_for,
)


def test_every_pattern_has_a_policy_and_its_kwargs_can_be_filled():
    problems = []
    names = set()
    for route, name, kwargs in PATTERNS:
        if name is None:
            problems.append(f"{route}: no name, so no policy can be pinned")
            continue
        names.add(name)
        if name not in REACH and name not in PUBLIC:
            problems.append(f"{route} ({name}): add it to REACH or PUBLIC")
        for kwarg in kwargs:
            if kwarg == "pk" and name not in PK_OF:
                problems.append(f"{route} ({name}): add its pk to PK_OF")
            elif kwarg not in ("pk", "token") and kwarg not in OTHER_KWARGS:
                problems.append(f"{route} ({name}): add {kwarg} to OTHER_KWARGS")
    stale = (set(REACH) | PUBLIC | set(PK_OF)) - names
    problems.extend(f"{name}: in the tables but not a URL any more" for name in stale)
    assert problems == [], "\n".join(problems)
    assert len(PATTERNS) > 100


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_except_public_pages(world):
    _personas, keys = world
    client = Client()
    problems = []
    for _route, name, kwargs in PATTERNS:
        if name not in REACH and name not in PUBLIC:  # the first test names it
            continue
        url = url_for(name, kwargs, keys)
        for method in ("get", "post"):
            response, written = rolled_back_request(client, method, url)
            location = response.get("Location", "")
            to_login = response.status_code == 302 and location == (
                f"/login/?next={quote(url)}"
            )
            if name in PUBLIC and location.startswith("/login/?next="):
                problems.append(f"{method.upper()} {url} ({name}): public page")
            elif name in API_401:
                if response.status_code != 401:
                    problems.append(
                        f"{method.upper()} {url} ({name}): "
                        f"{response.status_code}, expected 401"
                    )
            elif name not in PUBLIC and not to_login:
                problems.append(
                    f"{method.upper()} {url} ({name}): "
                    f"{response.status_code} {location}, expected sign-in"
                )
            if name not in PUBLIC and written:
                problems.append(f"{method.upper()} {url} wrote to {written}")
    assert problems == [], "\n".join(problems)


def _refused(client, name: str, url: str) -> list[str]:
    """A persona outside a pattern's reach: 404 to GET and POST, nothing written.

    A view that takes one method only may answer the other with 405, whoever
    asks, before it looks anything up: that discloses nothing either.
    """
    flags = REACH[name].partition(" ")[2]
    problems = []
    get, _written = rolled_back_request(client, "get", url)
    if get.status_code not in ((404, 405) if "P" in flags else (404,)):
        problems.append(f"GET {url} ({name}): {get.status_code}, expected 404")
    post, written = rolled_back_request(client, "post", url)
    if post.status_code not in ((404, 405) if "G" in flags else (404,)):
        problems.append(f"POST {url} ({name}): {post.status_code}, expected 404")
    if written:
        problems.append(f"POST {url} ({name}) wrote to {', '.join(written)}")
    return problems


def _walk(user, persona: str, keys: dict) -> list[str]:
    """Every pattern as ``persona``: reached if REACH names it, else refused."""
    client = signed_in(user)
    if persona == "staff":
        seed_import(user)
    letter = PERSONA_LETTER[persona]
    problems = []
    for _route, name, kwargs in PATTERNS:
        if name in PUBLIC or name not in REACH:  # the first test names it
            continue
        url = url_for(name, kwargs, keys)
        reach, _sep, flags = REACH[name].partition(" ")
        if letter not in reach:
            problems.extend(_refused(client, name, url))
            continue
        # Reached: the page answers. (A POST the persona may make belongs to the
        # view's own tests.)
        get, _written = rolled_back_request(client, "get", url)
        if "P" in flags and get.status_code != 405:
            problems.append(f"GET {url} ({name}): {get.status_code}, expected 405")
        elif "P" not in flags and get.status_code not in (200, 204, 302):
            problems.append(f"GET {url} ({name}): {get.status_code}, expected 200")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["collaborator", "leader", "staff"])
def test_each_persona_reaches_exactly_its_pages(world, persona):
    personas, keys = world
    problems = _walk(personas[persona], persona, keys)
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_staff_of_another_town_get_404_on_every_object_of_the_town(world):
    personas, keys = world
    client = signed_in(personas["other_staff"])
    problems = []
    walked = 0
    for _route, name, kwargs in PATTERNS:
        if name not in REACH or not carries_town_object(name, kwargs):
            continue
        walked += 1
        problems.extend(_refused(client, name, url_for(name, kwargs, keys)))
    assert problems == [], "\n".join(problems)
    assert walked > 50
