"""A keyed notification is sent once per recipient, however often it is asked for."""

import pytest
from django.db import IntegrityError, transaction

from dluan.models import Notification
from dluan.services import notification_send
from dluan.tests.factories import UserFactory


def test_a_keyed_notification_is_created_and_emailed_once(
    staff, leader, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(recipients=[staff], title="Nhắc hạn", key="k:1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = notification_send(
            recipients=[staff, leader], title="Nhắc hạn", key="k:1"
        )
    assert [n.recipient_id for n in first] == [staff.pk]
    # Only the new recipient's row is returned and e-mailed.
    assert [n.recipient_id for n in again] == [leader.pk]
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.email, leader.email])
    assert Notification.objects.filter(key="k:1").count() == 2


def test_another_key_is_another_notification(staff):
    notification_send(recipients=[staff], title="Một", key="k:1")
    notification_send(recipients=[staff], title="Hai", key="k:2")
    assert Notification.objects.filter(recipient=staff).count() == 2


def test_without_a_key_nothing_is_deduplicated(staff):
    notification_send(recipients=[staff], title="Một")
    notification_send(recipients=[staff], title="Một")
    assert Notification.objects.filter(recipient=staff).count() == 2


def test_the_database_refuses_a_second_row_with_the_same_key(staff):
    Notification.objects.create(recipient=staff, title="Một", key="k:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=staff, title="Hai", key="k:1")


def test_without_email_the_notice_stays_in_the_app(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notification_send(
            recipients=[staff], title="Nhắc hạn", key="k:1", email=False
        )
        notification_send(recipients=[staff], title="Khác", email=False)
    assert len(created) == 1
    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=staff).count() == 2


def test_e_mails_to_many_go_out_in_batches(
    db, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    from dluan import services as dluan_services

    monkeypatch.setattr(dluan_services, "EMAIL_BATCH", 3)
    users = [
        UserFactory(username=f"ctv_lo_{index}", email=f"lo{index}@example.vn")
        for index in range(7)
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_send(recipients=users, title="Nhắc hạn nộp báo cáo")
    assert len(callbacks) == 3  # 3 + 3 + 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        user.email for user in users
    )
