"""Staff see on a collaborator's profile that wrong passwords locked them out,
and lift the lockout; nobody else can."""

import pytest
from django.test import Client
from django.urls import reverse

from dluan.auth import lockout_for
from dluan.tests.factories import DEMO_PASSWORD


def _wrong_passwords(username: str, times: int) -> None:
    client = Client()
    for _attempt in range(times):
        client.post(reverse("login"), {"username": username, "password": "sai-roi"})


@pytest.fixture
def locked(collaborator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _wrong_passwords(collaborator.username, 3)
    assert lockout_for(collaborator.username) is not None
    return collaborator


def test_staff_see_the_lockout_and_lift_it(client_of, staff, locked):
    record = locked.collaborator
    page = client_of(staff).get(record.get_absolute_url())
    assert b'data-testid="locked-until"' in page.content
    response = client_of(staff).post(
        reverse("collaborators:signin-unlock", args=[record.pk])
    )
    assert response.status_code == 302
    assert lockout_for(locked.username) is None
    fresh = Client()
    assert (
        fresh.post(
            reverse("login"), {"username": locked.username, "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    page = client_of(staff).get(record.get_absolute_url())
    assert b'data-testid="locked-until"' not in page.content


@pytest.mark.parametrize("persona", ["leader", "other_staff", "other_collaborator"])
def test_only_the_units_staff_lift_a_lockout(request, client_of, locked, persona):
    user = request.getfixturevalue(persona)
    url = reverse("collaborators:signin-unlock", args=[locked.collaborator.pk])
    assert client_of(user).post(url).status_code == 404
    assert lockout_for(locked.username) is not None


def test_lifting_is_a_post(client_of, staff, locked):
    url = reverse("collaborators:signin-unlock", args=[locked.collaborator.pk])
    assert client_of(staff).get(url).status_code == 405
    assert lockout_for(locked.username) is not None
