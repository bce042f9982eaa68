"""Roster decisions and new regulation versions are told to the collaborators."""

import datetime

from django.utils import timezone

from collaborators.models import Collaborator, RosterEvent
from collaborators.services import regulation_create, roster_event_record
from collaborators.tests.factories import CollaboratorFactory
from dluan.models import Notification

TODAY = timezone.localdate()


def test_roster_decision_is_told_to_the_collaborator(
    staff, collaborator, django_capture_on_commit_callbacks, mailoutbox
):
    record = collaborator.collaborator
    with django_capture_on_commit_callbacks(execute=True):
        event = roster_event_record(
            actor=staff,
            collaborator=record,
            kind=RosterEvent.Kind.SUSPEND,
            date=TODAY,
            reason="Vắng họp ba kỳ liền",
        )
    notification = Notification.objects.get(recipient=collaborator)
    assert notification.key == f"roster-event:{event.pk}"
    assert notification.url == record.get_absolute_url()
    assert TODAY.strftime("%d/%m/%Y") in notification.title
    assert notification.body == "Vắng họp ba kỳ liền"
    assert [message.to for message in mailoutbox] == [[collaborator.email]]
    assert not Notification.objects.exclude(recipient=collaborator).exists()


def test_roster_decision_about_someone_without_account_notifies_nobody(staff, commune):
    person = CollaboratorFactory(
        unit=commune, term_start=TODAY - datetime.timedelta(days=100)
    )
    roster_event_record(
        actor=staff, collaborator=person, kind=RosterEvent.Kind.SUSPEND, date=TODAY
    )
    assert not Notification.objects.exists()


def test_new_regulation_is_told_to_active_collaborators_of_the_subtree(
    staff,
    collaborator,
    other_collaborator,
    other_town,
    commune,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    outsider = CollaboratorFactory(unit=other_town, with_account=True)
    suspended = CollaboratorFactory(
        unit=commune, with_account=True, status=Collaborator.Status.SUSPENDED
    )
    with django_capture_on_commit_callbacks(execute=True):
        regulation = regulation_create(
            actor=staff,
            data={
                "title": "Quy chế hoạt động",
                "version": "2026",
                "effective_date": TODAY,
            },
        )
    notified = set(
        Notification.objects.filter(key=f"regulation:{regulation.pk}").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {collaborator.pk, other_collaborator.pk}
    assert outsider.user_id not in notified
    assert suspended.user_id not in notified
    assert Notification.objects.filter(url=regulation.get_absolute_url()).count() == 2
    assert len(mailoutbox) == 2
