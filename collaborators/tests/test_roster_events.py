import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from collaborators.models import Collaborator, RosterEvent
from collaborators.services import roster_event_record
from collaborators.tests.factories import CollaboratorFactory

TODAY = timezone.localdate()
Kind = RosterEvent.Kind
Status = Collaborator.Status


@pytest.fixture
def person(commune):
    return CollaboratorFactory(
        unit=commune,
        term_start=TODAY - datetime.timedelta(days=700),
        term_end=TODAY + datetime.timedelta(days=30),
    )


def _record(staff, person, kind, days_ago=0, **extra):
    return roster_event_record(
        actor=staff,
        collaborator=person,
        kind=kind,
        date=TODAY - datetime.timedelta(days=days_ago),
        decision_number="12-QĐ/TU",
        reason="Kiện toàn đội ngũ",
        **extra,
    )


def test_suspend_reinstate_dismiss_appoint(staff, person):
    _record(staff, person, Kind.SUSPEND, days_ago=30)
    person.refresh_from_db()
    assert person.status == Status.SUSPENDED
    _record(staff, person, Kind.REINSTATE, days_ago=20)
    person.refresh_from_db()
    assert person.status == Status.ACTIVE
    _record(staff, person, Kind.DISMISS, days_ago=10)
    person.refresh_from_db()
    assert person.status == Status.DISMISSED
    new_end = TODAY + datetime.timedelta(days=730)
    _record(staff, person, Kind.APPOINT, term_end=new_end)
    person.refresh_from_db()
    assert (person.status, person.term_start, person.term_end) == (
        Status.ACTIVE,
        TODAY,
        new_end,
    )
    assert list(person.events.values_list("kind", flat=True)) == [
        Kind.APPOINT,
        Kind.DISMISS,
        Kind.REINSTATE,
        Kind.SUSPEND,
    ]


def test_renew_moves_the_term_end(staff, person):
    new_end = TODAY + datetime.timedelta(days=760)
    event = _record(staff, person, Kind.RENEW, term_end=new_end)
    person.refresh_from_db()
    assert person.term_end == new_end
    assert event.status_after == Status.ACTIVE


def test_renew_needs_a_later_term_end(staff, person):
    with pytest.raises(ValidationError):
        _record(staff, person, Kind.RENEW, term_end=TODAY + datetime.timedelta(days=5))
    with pytest.raises(ValidationError):
        _record(staff, person, Kind.RENEW)
    assert not person.events.exists()


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (Status.ACTIVE, Kind.REINSTATE),
        (Status.ACTIVE, Kind.APPOINT),
        (Status.SUSPENDED, Kind.SUSPEND),
        (Status.DISMISSED, Kind.SUSPEND),
        (Status.DISMISSED, Kind.DISMISS),
        (Status.DISMISSED, Kind.RENEW),
    ],
)
def test_invalid_transitions_are_refused(staff, commune, status, kind):
    person = CollaboratorFactory(unit=commune, status=status)
    with pytest.raises(ValidationError):
        _record(staff, person, kind, term_end=TODAY + datetime.timedelta(days=400))
    person.refresh_from_db()
    assert person.status == status
    assert not person.events.exists()


def test_date_cannot_precede_the_last_decision_or_be_future(staff, person):
    _record(staff, person, Kind.SUSPEND, days_ago=5)
    with pytest.raises(ValidationError):
        _record(staff, person, Kind.REINSTATE, days_ago=10)
    with pytest.raises(ValidationError):
        _record(staff, person, Kind.REINSTATE, days_ago=-3)
    assert person.events.count() == 1


def test_history_is_append_only(staff, person):
    event = _record(staff, person, Kind.SUSPEND)
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    event.refresh_from_db()
    assert event.reason == "Kiện toàn đội ngũ"


def test_reinstating_an_active_collaborator_shows_a_message(client_of, staff, person):
    url = reverse("collaborators:collaborator-event-create", args=[person.pk])
    response = client_of(staff).post(
        url, {"kind": "reinstate", "date": TODAY.isoformat(), "reason": "x"}
    )
    assert response.status_code == 200
    with translation.override("vi"):
        expected = gettext(
            "“%(decision)s” is not possible for a collaborator who is %(status)s."
        ) % {
            "decision": Kind.REINSTATE.label,
            "status": str(Status.ACTIVE.label).lower(),
        }
    assert expected in response.context["form"].non_field_errors()
    assert not person.events.exists()


def test_staff_records_a_decision_through_the_page(client_of, staff, person):
    url = reverse("collaborators:collaborator-event-create", args=[person.pk])
    response = client_of(staff).post(
        url,
        {
            "kind": "suspend",
            "date": TODAY.isoformat(),
            "decision_number": "45-QĐ/TU",
            "reason": "Đi làm ăn xa",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Status.SUSPENDED
    event = person.events.get()
    assert (event.decision_number, event.created_by) == ("45-QĐ/TU", staff)


def test_terms_ending_page_lists_the_next_60_days(client_of, staff, commune):
    soon = CollaboratorFactory(
        unit=commune, term_end=TODAY + datetime.timedelta(days=59)
    )
    CollaboratorFactory(unit=commune, term_end=TODAY + datetime.timedelta(days=61))
    CollaboratorFactory(
        unit=commune,
        term_end=TODAY + datetime.timedelta(days=5),
        status=Status.DISMISSED,
    )
    response = client_of(staff).get(reverse("collaborators:terms-ending"))
    assert list(response.context["page"]) == [soon]


def test_a_dismissed_collaborator_can_no_longer_sign_in(staff, collaborator):
    record = collaborator.collaborator
    _record(staff, record, Kind.DISMISS, days_ago=5)
    collaborator.refresh_from_db()
    assert collaborator.is_active is False
    _record(staff, record, Kind.APPOINT, term_end=TODAY + datetime.timedelta(days=730))
    collaborator.refresh_from_db()
    assert collaborator.is_active is True
