"""Who may open each roster page: staff of the unit; leaders the read pages (the
write pages answer them 404, as to anyone out of scope); nobody else."""

import pytest
from django.urls import reverse

from collaborators.tests.factories import (
    CollaboratorFactory,
    RegulationFactory,
    TrainingSessionFactory,
)

# (url name, needs an object, changes data): leaders may open the read pages only
# (the others answer them 404).
PAGES = [
    ("collaborators:collaborator-list", None, False),
    ("collaborators:collaborator-export", None, False),
    ("collaborators:terms-ending", None, False),
    ("collaborators:collaborator-detail", "collaborator", False),
    ("collaborators:collaborator-create", None, True),
    ("collaborators:collaborator-edit", "collaborator", True),
    ("collaborators:collaborator-event-create", "collaborator", True),
    ("collaborators:import-upload", None, True),
    ("collaborators:import-template", None, True),
    ("collaborators:regulation-list", None, False),
    ("collaborators:regulation-detail", "regulation", False),
    ("collaborators:regulation-create", None, True),
    ("collaborators:training-list", None, False),
    ("collaborators:training-detail", "training", False),
    ("collaborators:training-create", None, True),
    ("collaborators:training-edit", "training", True),
    ("collaborators:training-attendance", "training", True),
]


@pytest.fixture
def objects(commune, town, staff):
    return {
        "collaborator": CollaboratorFactory(unit=commune),
        "regulation": RegulationFactory(unit=town, created_by=staff),
        "training": TrainingSessionFactory(unit=town, created_by=staff),
    }


def _url(name, kind, objects):
    return reverse(name, args=[objects[kind].pk]) if kind else reverse(name)


@pytest.mark.parametrize(("name", "kind", "writes"), PAGES)
def test_staff_of_the_unit_may_open(client_of, staff, objects, name, kind, writes):
    response = client_of(staff).get(_url(name, kind, objects))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kind", "writes"), PAGES)
def test_admin_may_open(client_of, admin_user, objects, name, kind, writes):
    response = client_of(admin_user).get(_url(name, kind, objects))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kind", "writes"), PAGES)
def test_leader_reads_but_does_not_change(
    client_of, leader, objects, name, kind, writes
):
    response = client_of(leader).get(_url(name, kind, objects))
    assert response.status_code == (404 if writes else 200)


@pytest.mark.parametrize(("name", "kind", "writes"), [p for p in PAGES if p[1]])
def test_staff_of_another_unit_gets_404(
    client_of, other_staff, objects, name, kind, writes
):
    response = client_of(other_staff).get(_url(name, kind, objects))
    assert response.status_code == 404


def test_staff_of_another_unit_does_not_see_the_rows(client_of, other_staff, objects):
    response = client_of(other_staff).get(reverse("collaborators:collaborator-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize(("name", "kind", "writes"), PAGES)
def test_collaborator_gets_404_on_staff_pages(
    client_of, collaborator, objects, name, kind, writes
):
    if name in {
        "collaborators:collaborator-detail",
        "collaborators:regulation-detail",
    }:
        # Scoped: another collaborator's record; the regulation is public to CTVs.
        objects["collaborator"] = CollaboratorFactory(unit=objects["collaborator"].unit)
    response = client_of(collaborator).get(_url(name, kind, objects))
    if name == "collaborators:regulation-detail":
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("name", "kind", "writes"), PAGES)
def test_anonymous_is_sent_to_login(client, objects, name, kind, writes):
    response = client.get(_url(name, kind, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_collaborator_sees_own_profile(client_of, collaborator):
    client = client_of(collaborator)
    response = client.get(reverse("collaborators:my-profile"))
    assert response.status_code == 302
    assert response["Location"] == collaborator.collaborator.get_absolute_url()
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert response.context["collaborator"] == collaborator.collaborator
    assert "audit_entries" not in response.context


def test_collaborator_cannot_see_another_profile(
    client_of, collaborator, other_collaborator
):
    url = other_collaborator.collaborator.get_absolute_url()
    assert client_of(collaborator).get(url).status_code == 404


def test_staff_without_collaborator_record_has_no_profile(client_of, staff):
    assert client_of(staff).get(reverse("collaborators:my-profile")).status_code == 404


def test_leader_cannot_post_changes(client_of, leader, objects):
    collaborator = objects["collaborator"]
    response = client_of(leader).post(
        reverse("collaborators:collaborator-event-create", args=[collaborator.pk]),
        {"kind": "suspend", "date": "2025-01-01"},
    )
    assert response.status_code == 404
    collaborator.refresh_from_db()
    assert collaborator.status == "active"


NOTE = "Cần theo dõi thêm: hay vắng giao ban."


def test_collaborator_does_not_read_the_boards_notes_on_own_profile(
    client_of, collaborator, staff, leader
):
    record = collaborator.collaborator
    record.notes = NOTE
    record.save()
    own = client_of(collaborator).get(record.get_absolute_url())
    assert own.status_code == 200
    assert NOTE not in own.content.decode()
    for user in (staff, leader):
        page = client_of(user).get(record.get_absolute_url())
        assert NOTE in page.content.decode()
