"""Password reset by e-mail: Vietnamese, one answer for every address, rate-limited."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from dluan.accounts import signin_code_issue
from dluan.models import SignInCode


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body).group(1)


def test_reset_by_email_sets_a_new_password(client, staff, mailoutbox):
    response = _ask(client, staff.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [staff.email]
    assert message.subject == "Đặt lại mật khẩu dluan"
    assert "Kính gửi Nguyễn Văn An" in message.body
    response = client.get(_link(message), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]
    new = "Mật khẩu mới của cán bộ Hương Trà"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password(new)
    # The link works once.
    response = client.get(_link(message), follow=True)
    assert not response.context["validlink"]


def test_reset_in_the_persons_language(client, staff, mailoutbox):
    staff.language = "en"
    staff.save()
    _ask(client, staff.email)
    assert mailoutbox[0].subject == "Reset your dluan password"


def test_reset_works_for_someone_who_only_had_a_code(
    client, collaborator, staff, mailoutbox
):
    signin_code_issue(user=collaborator, created_by=staff)
    _ask(client, collaborator.email)
    assert len(mailoutbox) == 1
    response = client.get(_link(mailoutbox[0]), follow=True)
    new = "Hoa sen nở trong đầm Tứ Hạ"
    client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    collaborator.refresh_from_db()
    assert collaborator.check_password(new)
    assert not collaborator.must_change_password
    assert not SignInCode.objects.filter(
        user=collaborator, used_at__isnull=True, revoked_at__isnull=True
    ).exists()


def test_an_unknown_address_gets_the_same_answer(client, staff, mailoutbox):
    known = _ask(client, staff.email)
    unknown = _ask(client, "khong-co-ai@example.vn")
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(mailoutbox) == 1


def test_reset_requests_are_limited_per_email(client, staff, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    answers = [_ask(client, staff.email) for _i in range(4)]
    assert {a["Location"] for a in answers} == {reverse("password_reset_done")}
    assert len(mailoutbox) == 2


def test_reset_requests_are_limited_per_address(client, staff, leader, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    from django.core import mail

    for email in ("a@example.vn", "b@example.vn", staff.email, leader.email):
        assert _ask(client, email).status_code == 302
    assert len(mail.outbox) == 0


def test_reset_pages_are_vietnamese(client, db):
    content = client.get(reverse("password_reset")).content.decode()
    assert "Đặt lại mật khẩu" in content
    content = client.get(reverse("password_reset_done")).content.decode()
    assert "Kiểm tra thư điện tử" in content
