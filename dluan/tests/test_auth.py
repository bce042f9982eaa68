from django.urls import reverse

from dluan.tests.factories import DEMO_PASSWORD


def test_login_with_the_right_password_lands_on_home(client, staff):
    response = client.post(
        reverse("login"), {"username": staff.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_is_refused_with_a_message(client, staff):
    response = client.post(
        reverse("login"), {"username": staff.username, "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client_of, staff):
    client = client_of(staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_needs_the_old_password(client_of, staff):
    client = client_of(staff)
    url = reverse("password_change")
    response = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "Hue-2026-xyz!",
            "new_password2": "Hue-2026-xyz!",
        },
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(DEMO_PASSWORD)
    response = client.post(
        url,
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Hue-2026-xyz!",
            "new_password2": "Hue-2026-xyz!",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Hue-2026-xyz!")


def test_password_change_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
