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


def test_navigation_marks_only_the_closest_entry_current(client_of, staff):
    response = client_of(staff).get(reverse("meetings:document-list"))
    current = [e["url"] for e in response.context["nav_entries"] if e["active"]]
    assert current == [reverse("meetings:document-list")]


def test_navigation_differs_by_role(client_of, staff, collaborator):
    staff_urls = {e["url"] for e in client_of(staff).get("/").context["nav_entries"]}
    ctv_urls = {
        e["url"] for e in client_of(collaborator).get("/").context["nav_entries"]
    }
    assert reverse("collaborators:collaborator-list") in staff_urls
    assert reverse("collaborators:collaborator-list") not in ctv_urls
    assert reverse("reports:report-list") in ctv_urls


def test_catalogues_are_grouped_in_one_menu(client_of, staff):
    menu = client_of(staff).get(reverse("reports:period-list")).context["nav_menu"]
    groups = {str(entry["label"]): entry for entry in menu if entry.get("children")}
    catalogues = [child["url"] for child in groups["Danh mục"]["children"]]
    assert catalogues == [
        reverse("reports:topic-list"),
        reverse("reports:period-list"),
        reverse("surveys:bank-list"),
    ]
    assert groups["Danh mục"]["active"]
    monitoring = [child["url"] for child in groups["Theo dõi"]["children"]]
    assert reverse("reports:discipline") in monitoring
    assert not groups["Theo dõi"]["active"]


def test_seeding_the_demo_emails_nobody_and_leaves_delivery_as_it_was(
    transactional_db, settings, mailoutbox
):
    from django.core.management import call_command

    from dluan.models import Notification

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.exists()
    assert mailoutbox == []
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
