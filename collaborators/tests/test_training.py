from django.urls import reverse

from collaborators.models import TrainingAttendance, TrainingSession
from collaborators.tests.factories import CollaboratorFactory, TrainingSessionFactory


def test_staff_create_a_session(client_of, staff, town):
    response = client_of(staff).post(
        reverse("collaborators:training-create"),
        {
            "title": "Tập huấn nghiệp vụ 2025",
            "unit": town.pk,
            "organiser": "Ban Tuyên giáo và Dân vận",
            "date": "2025-06-01",
            "place": "Hội trường Thị ủy",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.created_by == staff


def test_session_of_another_town_is_refused(client_of, staff, other_town):
    response = client_of(staff).post(
        reverse("collaborators:training-create"),
        {"title": "X", "unit": other_town.pk, "organiser": "Y", "date": "2025-06-01"},
    )
    assert response.status_code == 200
    assert not TrainingSession.objects.exists()


def test_attendance_ticks_collaborators_of_the_subtree(
    client_of, staff, town, commune, other_town
):
    session = TrainingSessionFactory(unit=town, created_by=staff)
    first, second = CollaboratorFactory.create_batch(2, unit=commune)
    outsider = CollaboratorFactory(unit=other_town)
    url = reverse("collaborators:training-attendance", args=[session.pk])
    client = client_of(staff)
    response = client.get(url)
    assert outsider not in response.context["form"].fields["collaborators"].queryset
    assert client.post(url, {"collaborators": [first.pk, second.pk]}).status_code == 302
    assert client.post(url, {"collaborators": [first.pk]}).status_code == 302
    assert set(
        TrainingAttendance.objects.filter(attended=True).values_list(
            "collaborator", flat=True
        )
    ) == {first.pk}
    # Unticked stays on record as absent, nothing is deleted.
    assert TrainingAttendance.objects.count() == 2
    response = client.post(url, {"collaborators": [outsider.pk]})
    assert response.status_code == 200
    detail = client.get(session.get_absolute_url())
    assert [a.collaborator for a in detail.context["attendances"]] == [first]


def test_profile_lists_training_attended(client_of, staff, town, collaborator):
    session = TrainingSessionFactory(unit=town, created_by=staff)
    TrainingAttendance.objects.create(
        session=session, collaborator=collaborator.collaborator
    )
    response = client_of(collaborator).get(
        reverse("collaborators:my-profile"), follow=True
    )
    assert [a.session for a in response.context["trainings"]] == [session]
