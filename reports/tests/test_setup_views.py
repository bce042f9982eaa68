import pytest
from django.urls import reverse

from reports.models import FocusTopic, ReportingPeriod, Topic
from reports.services import periods_ensure_ahead


@pytest.mark.parametrize("name", ["reports:topic-list"])
def test_topic_pages_refused_to_non_staff(client_of, collaborator, leader, name):
    for user in (collaborator, leader):
        assert client_of(user).get(reverse(name)).status_code == 404


def test_administrator_adds_renames_retires_topic(client_of, admin_user):
    # Who else may: reports/tests/test_topic_access.py.
    client = client_of(admin_user)
    client.post(reverse("reports:topic-list"), {"name": "Giá điện", "parent": ""})
    topic = Topic.objects.get(name="Giá điện")
    client.post(
        reverse("reports:topic-edit", args=[topic.pk]), {"name": "Giá điện, nước"}
    )
    client.post(reverse("reports:topic-retire", args=[topic.pk]))
    topic.refresh_from_db()
    assert (topic.name, topic.is_active) == ("Giá điện, nước", False)


def test_duplicate_topic_is_refused(client_of, admin_user, topic):
    response = client_of(admin_user).post(
        reverse("reports:topic-list"), {"name": topic.name.upper(), "parent": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Topic.objects.filter(name__iexact=topic.name).count() == 1


def test_periods_listed_and_focus_topics_set(
    client_of, staff, leader, collaborator, topic
):
    periods_ensure_ahead()
    period = ReportingPeriod.objects.current()
    assert client_of(leader).get(reverse("reports:period-list")).status_code == 200
    assert (
        client_of(collaborator).get(reverse("reports:period-list")).status_code == 404
    )
    url = reverse("reports:period-focus", args=[period.pk])
    assert client_of(leader).get(url).status_code == 404
    client_of(staff).post(url, {"topics": [topic.pk]})
    assert FocusTopic.objects.get().unit == staff.org_unit
    form = client_of(collaborator).get(reverse("reports:report-create"))
    assert [f.topic for f in form.context["focus_topics"]] == [topic]
