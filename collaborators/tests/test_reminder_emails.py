"""A collaborator turns reminder e-mails off (or on) on their own profile."""

import pytest
from django.urls import reverse

from collaborators.models import Collaborator


def _url(user):
    return reverse("collaborators:reminder-emails", args=[user.collaborator.pk])


def _setting(user):
    return Collaborator.objects.get(user=user).reminder_emails


def test_collaborator_turns_reminder_emails_off_and_on(client_of, collaborator):
    client = client_of(collaborator)
    response = client.post(_url(collaborator), {})
    assert response.status_code == 302
    assert response.url == collaborator.collaborator.get_absolute_url()
    assert _setting(collaborator) is False
    client.post(_url(collaborator), {"reminder_emails": "on"})
    assert _setting(collaborator) is True


def test_the_form_shows_on_own_profile_only(
    client_of, collaborator, staff, other_collaborator
):
    page = reverse(
        "collaborators:collaborator-detail", args=[collaborator.collaborator.pk]
    )
    response = client_of(collaborator).get(page)
    assert 'data-testid="reminder-emails"' in response.content.decode()
    response = client_of(staff).get(page)
    assert response.status_code == 200
    assert 'data-testid="reminder-emails"' not in response.content.decode()


def test_get_does_not_change_it(client_of, collaborator):
    response = client_of(collaborator).get(_url(collaborator))
    assert response.status_code == 405
    assert _setting(collaborator) is True


@pytest.mark.parametrize("persona", ["other_collaborator", "staff", "admin_user"])
def test_others_cannot_change_it(request, client_of, collaborator, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).post(_url(collaborator), {})
    assert response.status_code == 404
    assert _setting(collaborator) is True


def test_anonymous_is_sent_to_sign_in(client, collaborator):
    response = client.post(_url(collaborator), {})
    assert response.status_code == 302
    assert _setting(collaborator) is True
