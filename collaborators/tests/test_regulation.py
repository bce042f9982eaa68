import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Regulation, RegulationAcknowledgement
from collaborators.selectors import regulation_in_force
from collaborators.tests.factories import CollaboratorFactory, RegulationFactory

TODAY = timezone.localdate()

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _versions(town, staff):
    old = RegulationFactory(
        unit=town, created_by=staff, effective_date=TODAY - datetime.timedelta(400)
    )
    current = RegulationFactory(
        unit=town, created_by=staff, effective_date=TODAY - datetime.timedelta(10)
    )
    RegulationFactory(
        unit=town, created_by=staff, effective_date=TODAY + datetime.timedelta(10)
    )
    return old, current


def test_version_in_force_is_the_latest_already_effective(town, staff, collaborator):
    _old, current = _versions(town, staff)
    assert regulation_in_force(user=collaborator) == current
    assert regulation_in_force(user=staff) == current


def test_other_town_does_not_see_the_regulation(town, staff, other_staff):
    _versions(town, staff)
    assert regulation_in_force(user=other_staff) is None


def test_collaborator_acknowledges_from_the_home_page(
    client_of, town, staff, collaborator
):
    _old, current = _versions(town, staff)
    client = client_of(collaborator)
    panel = client.get(reverse("home"))
    assert 'data-testid="acknowledge"' in panel.content.decode()
    url = reverse("collaborators:regulation-acknowledge", args=[current.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice is harmless
    ack = RegulationAcknowledgement.objects.get()
    assert ack.collaborator == collaborator.collaborator
    panel = client.get(reverse("home"))
    assert 'data-testid="acknowledged"' in panel.content.decode()


def test_a_future_version_cannot_be_acknowledged(client_of, town, staff, collaborator):
    future = RegulationFactory(
        unit=town, created_by=staff, effective_date=TODAY + datetime.timedelta(5)
    )
    url = reverse("collaborators:regulation-acknowledge", args=[future.pk])
    client_of(collaborator).post(url)
    assert not RegulationAcknowledgement.objects.exists()


def test_staff_see_who_has_not_acknowledged(
    client_of, town, staff, collaborator, other_collaborator
):
    _old, current = _versions(town, staff)
    RegulationAcknowledgement.objects.create(
        regulation=current, collaborator=collaborator.collaborator
    )
    response = client_of(staff).get(current.get_absolute_url())
    assert list(response.context["missing_page"]) == [other_collaborator.collaborator]


def test_staff_publish_a_version_with_a_file_served_in_scope(
    client_of, staff, other_staff, collaborator, other_town
):
    response = client_of(staff).post(
        reverse("collaborators:regulation-create"),
        {
            "title": "Quy chế hoạt động",
            "version": "2025",
            "effective_date": TODAY.isoformat(),
            "upload": SimpleUploadedFile("quy-che.pdf", PDF),
        },
    )
    assert response.status_code == 302
    regulation = Regulation.objects.get()
    assert regulation.unit == staff.org_unit
    url = reverse("collaborators:regulation-download", args=[regulation.pk])
    download = client_of(collaborator).get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    assert client_of(other_staff).get(url).status_code == 404


def test_a_disguised_file_is_refused(client_of, staff):
    response = client_of(staff).post(
        reverse("collaborators:regulation-create"),
        {
            "title": "Quy chế",
            "version": "2025",
            "effective_date": TODAY.isoformat(),
            "upload": SimpleUploadedFile("quy-che.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "upload" in response.context["form"].errors
    assert not Regulation.objects.exists()


def test_staff_home_panel_counts(client_of, town, staff, commune, collaborator):
    _old, _current = _versions(town, staff)
    CollaboratorFactory(unit=commune, status="suspended")
    CollaboratorFactory(unit=commune, term_end=TODAY + datetime.timedelta(days=20))
    response = client_of(staff).get(reverse("home"))
    panel = next(
        p for p in response.context["panels"] if p.template.endswith("roster.html")
    )
    counts = panel.context["counts"]
    assert (counts["active"], counts["suspended"], counts["ending"]) == (2, 1, 1)
    assert counts["not_acknowledged"] == 2


def test_acknowledged_count_counts_only_the_viewers_collaborators(
    client_of, province, town, other_town, staff, collaborator, admin_user
):
    regulation = RegulationFactory(
        unit=province, created_by=admin_user, effective_date=TODAY
    )
    RegulationAcknowledgement.objects.create(
        regulation=regulation, collaborator=collaborator.collaborator
    )
    for _number in range(2):
        RegulationAcknowledgement.objects.create(
            regulation=regulation, collaborator=CollaboratorFactory(unit=other_town)
        )
    response = client_of(staff).get(regulation.get_absolute_url())
    assert response.status_code == 200
    assert response.context["acknowledged_count"] == 1
    response = client_of(admin_user).get(regulation.get_absolute_url())
    assert response.context["acknowledged_count"] == 3
