import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["collaborator", "staff", "leader", "admin_user"])
def test_each_role_lands_on_its_home_page(request, client_of, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("home"))
    assert response.status_code == 200
    assert user.full_name in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
