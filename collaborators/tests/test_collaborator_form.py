import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Collaborator, RosterEvent
from collaborators.tests.factories import CollaboratorFactory
from dluan.models import User
from dluan.tests.factories import UserFactory

CREATE = reverse("collaborators:collaborator-create")


def _data(unit, **extra):
    data = {
        "full_name": "Nguyễn Văn An",
        "gender": "male",
        "birth_year": "1968",
        "phone": "0905 123 456",
        "email": "An@Example.vn",
        "unit": unit.pk,
        "occupation": "giáo viên",
        "decision_number": "123-QĐ/TU",
        "decision_date": "2025-03-01",
        "term_start": "2025-03-01",
        "term_end": "2027-02-28",
        "monthly_allowance": "500000",
    }
    data.update(extra)
    return data


def test_staff_adds_a_collaborator(client_of, staff, commune):
    response = client_of(staff).post(CREATE, _data(commune))
    assert response.status_code == 302
    collaborator = Collaborator.objects.get()
    assert collaborator.phone == "0905123456"
    assert collaborator.email == "an@example.vn"
    assert collaborator.status == Collaborator.Status.ACTIVE
    assert list(collaborator.coverage_areas.all()) == [commune]
    event = collaborator.events.get()
    assert (event.kind, event.date) == (
        RosterEvent.Kind.APPOINT,
        datetime.date(2025, 3, 1),
    )


def test_unit_outside_the_subtree_is_refused(client_of, staff, other_town):
    response = client_of(staff).post(CREATE, _data(other_town))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Collaborator.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"term_end": "2024-01-01"}, "term_end"),
        ({"birth_year": str(timezone.localdate().year + 1)}, "birth_year"),
    ],
)
def test_bad_input_is_refused(client_of, staff, commune, extra, field):
    response = client_of(staff).post(CREATE, _data(commune, **extra))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Collaborator.objects.exists()


@pytest.mark.parametrize(
    "extra", [{"phone": "0905.123.456"}, {"email": "AN@example.vn", "phone": ""}]
)
def test_duplicate_phone_or_email_is_refused(client_of, staff, commune, extra):
    CollaboratorFactory(unit=commune, phone="0905123456", email="an@example.vn")
    response = client_of(staff).post(CREATE, _data(commune, **extra))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Collaborator.objects.count() == 1


def test_staff_edits_a_collaborator(client_of, staff, commune, other_commune):
    collaborator = CollaboratorFactory(unit=commune)
    url = reverse("collaborators:collaborator-edit", args=[collaborator.pk])
    data = _data(other_commune, coverage_areas=[commune.pk, other_commune.pk])
    response = client_of(staff).post(url, data)
    assert response.status_code == 302
    collaborator.refresh_from_db()
    assert collaborator.unit == other_commune
    assert set(collaborator.coverage_areas.all()) == {commune, other_commune}


def test_links_a_collaborator_account_of_the_subtree(client_of, staff, commune):
    account = UserFactory(role=User.Role.COLLABORATOR, org_unit=commune)
    response = client_of(staff).post(CREATE, _data(commune, user=account.pk))
    assert response.status_code == 302
    assert Collaborator.objects.get().user == account


def test_edit_records_an_audit_entry(client_of, staff, commune):
    from auditlog.models import LogEntry

    collaborator = CollaboratorFactory(unit=commune)
    url = reverse("collaborators:collaborator-edit", args=[collaborator.pk])
    client_of(staff).post(url, _data(commune, full_name="Nguyễn Văn Bê"))
    entry = LogEntry.objects.get_for_object(collaborator).first()
    assert entry.actor == staff
    response = client_of(staff).get(collaborator.get_absolute_url())
    lines = response.context["audit_entries"]
    assert entry in [line.entry for line in lines]
    changes = [text for line in lines for _label, text in line.changes]
    assert any("Nguyễn Văn Bê" in text for text in changes)


def test_profile_shows_coverage_changes(client_of, staff, commune, other_commune):
    collaborator = CollaboratorFactory(unit=commune)
    url = reverse("collaborators:collaborator-edit", args=[collaborator.pk])
    client = client_of(staff)
    client.post(url, _data(commune, coverage_areas=[other_commune.pk]))
    response = client.get(collaborator.get_absolute_url())
    changes = [
        text for line in response.context["audit_entries"] for _l, text in line.changes
    ]
    assert "+ Xã Hương Toàn" in changes
