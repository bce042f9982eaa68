import pytest
from django.urls import reverse

from dluan.models import Notification
from dluan.services import notification_send


def test_notification_is_stored_and_emailed_after_commit(
    staff, leader, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_send(
            recipients=[staff, leader, staff], title="Báo cáo đột xuất", url="/x/"
        )
        # Nothing is e-mailed before the transaction commits.
        assert mailoutbox == []
    assert Notification.objects.filter(title="Báo cáo đột xuất").count() == 2
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.email, leader.email])
    assert "Báo cáo đột xuất" in mailoutbox[0].subject
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_sending_twice_does_not_email_twice(staff, mailoutbox):
    from dluan.tasks import send_notification_emails

    notification = Notification.objects.create(recipient=staff, title="Nhắc hạn")
    send_notification_emails(notification_ids=[notification.pk])
    send_notification_emails(notification_ids=[notification.pk])
    assert len(mailoutbox) == 1


def test_inactive_users_are_not_notified(staff):
    staff.is_active = False
    staff.save()
    assert notification_send(recipients=[staff], title="x") == []


def test_user_sees_only_own_notifications(client_of, staff, leader):
    Notification.objects.create(recipient=staff, title="Của cán bộ")
    Notification.objects.create(recipient=leader, title="Của lãnh đạo")
    response = client_of(staff).get(reverse("notifications"))
    assert response.status_code == 200
    assert "Của cán bộ" in response.content.decode()
    assert "Của lãnh đạo" not in response.content.decode()


def test_notification_list_needs_login(client, db):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302


def test_marking_read_is_a_post_and_only_touches_own(client_of, staff, leader):
    mine = Notification.objects.create(recipient=staff, title="Của cán bộ")
    theirs = Notification.objects.create(recipient=leader, title="Của lãnh đạo")
    client = client_of(staff)
    assert client.get(reverse("notifications-read")).status_code == 405
    client.post(reverse("notifications-read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_unread_count_shows_in_navigation(client_of, staff):
    Notification.objects.create(recipient=staff, title="Một")
    Notification.objects.create(recipient=staff, title="Hai")
    response = client_of(staff).get(reverse("home"))
    assert response.context["unread_notifications"]() == 2


@pytest.mark.parametrize("count", [3, 30])
def test_notification_list_query_count_does_not_grow(
    client_of, staff, count, django_assert_num_queries
):
    Notification.objects.bulk_create(
        Notification(recipient=staff, title=f"Thông báo {i}") for i in range(count)
    )
    client = client_of(staff)
    with django_assert_num_queries(6):
        client.get(reverse("notifications"))


def test_marking_read_ignores_ids_that_are_not_numbers(client_of, staff):
    mine = Notification.objects.create(recipient=staff, title="Của cán bộ")
    response = client_of(staff).post(
        reverse("notifications-read"), {"id": ["²", "abc", str(10**30)]}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None
