"""The topic list is the whole province's: who may change it.

Administrators and the board staff of the root unit add, rename and retire topics.
Staff of a town or a ward read the list and get 404 on every change; leaders and
collaborators get 404 on the pages altogether.
"""

import pytest
from django.urls import reverse

from dluan.models import User
from dluan.tests.factories import UserFactory
from reports.models import Topic
from reports.tests.factories import TopicFactory


@pytest.fixture
def province_staff(province):
    return UserFactory(username="canbo_tinh", role=User.Role.STAFF, org_unit=province)


@pytest.fixture
def ward_staff(commune):
    return UserFactory(username="canbo_tuha", role=User.Role.STAFF, org_unit=commune)


@pytest.fixture
def province_leader(province):
    return UserFactory(
        username="lanhdao_tinh", role=User.Role.LEADER, org_unit=province
    )


@pytest.fixture
def topic(db):
    return TopicFactory(name="Giá điện")


def _topics() -> set:
    return set(Topic.objects.values_list("pk", "name", "parent", "is_active"))


def _edit(topic):
    return reverse("reports:topic-edit", args=[topic.pk])


def _retire(topic):
    return reverse("reports:topic-retire", args=[topic.pk])


@pytest.mark.parametrize("persona", ["province_staff", "admin_user"])
def test_keepers_add_rename_and_retire_topics(request, client_of, topic, persona):
    client = client_of(request.getfixturevalue(persona))
    page = client.get(reverse("reports:topic-list"))
    assert page.status_code == 200
    assert _edit(topic) in page.content.decode()
    added = client.post(reverse("reports:topic-list"), {"name": "Giá nước"})
    assert added.status_code == 302
    assert Topic.objects.filter(name="Giá nước").exists()
    assert client.get(_edit(topic)).status_code == 200
    client.post(_edit(topic), {"name": "Giá điện sinh hoạt"})
    assert client.post(_retire(topic)).status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.is_active) == ("Giá điện sinh hoạt", False)


@pytest.mark.parametrize("persona", ["staff", "ward_staff", "other_staff"])
def test_town_and_ward_staff_read_the_list_but_change_nothing(
    request, client_of, topic, persona
):
    before = _topics()
    client = client_of(request.getfixturevalue(persona))
    page = client.get(reverse("reports:topic-list"))
    assert page.status_code == 200
    content = page.content.decode()
    assert topic.name in content
    assert _edit(topic) not in content
    assert _retire(topic) not in content
    assert page.context["form"] is None
    added = client.post(reverse("reports:topic-list"), {"name": "Giá nước"})
    assert added.status_code == 404
    assert client.get(_edit(topic)).status_code == 404
    assert client.post(_edit(topic), {"name": "Đổi tên"}).status_code == 404
    assert client.post(_retire(topic)).status_code == 404
    assert _topics() == before


@pytest.mark.parametrize("persona", ["leader", "province_leader", "collaborator"])
def test_leaders_and_collaborators_get_404(request, client_of, topic, persona):
    before = _topics()
    client = client_of(request.getfixturevalue(persona))
    assert client.get(reverse("reports:topic-list")).status_code == 404
    assert client.post(reverse("reports:topic-list"), {"name": "X"}).status_code == (
        404
    )
    assert client.get(_edit(topic)).status_code == 404
    assert client.post(_retire(topic)).status_code == 404
    assert _topics() == before
