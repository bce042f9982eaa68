"""A form sent without its CSRF token: a page in the product's language and
style (Django's own has an inline style the Content-Security-Policy refuses),
and nothing saved."""

from django.test import Client

from dluan.models import Notification


def test_a_form_without_its_token_gets_a_clear_page_and_saves_nothing(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    Notification.objects.create(recipient=staff, title="Báo cáo khẩn mới")
    response = client.post("/notifications/read/", {"next": "/"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Không gửi được biểu mẫu" in content
    assert "<style" not in content
    assert Notification.objects.unread().count() == 1
