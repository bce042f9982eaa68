"""The board gives and takes sign-in itself: e-mailed links, printed slips, resets.

Slip codes are checked through ``dluan.accounts.signin_code_consume``: the sign-in
backend that accepts them on the login page is another change.
"""

import datetime
import logging
import re

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from collaborators.models import Collaborator, RosterEvent
from collaborators.services import roster_event_record, signin
from collaborators.tests.factories import CollaboratorFactory
from dluan.accounts import signin_code_consume
from dluan.models import Notification, SignInCode, User
from dluan.tests.factories import DEMO_PASSWORD, UserFactory
from tests.support.pdf import pdf_text


def _urlpatterns():
    """dluan's URLs, plus Django's password reset confirmation if not there yet."""
    from django.contrib.auth import views as auth_views

    from dluan.urls import urlpatterns as base

    try:
        reverse("password_reset_confirm", args=["MQ", "x-y"])
    except NoReverseMatch:
        return [
            *base,
            path(
                "password/reset/<uidb64>/<token>/",
                auth_views.PasswordResetConfirmView.as_view(),
                name="password_reset_confirm",
            ),
            path(
                "password/reset/done/",
                auth_views.PasswordResetCompleteView.as_view(),
                name="password_reset_complete",
            ),
        ]
    return base


urlpatterns = _urlpatterns()
pytestmark = pytest.mark.urls(__name__)

CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
NEW_PASSWORD = "Song-Bo-chay-qua-2026"
TODAY = timezone.localdate()


@pytest.fixture
def with_email(commune):
    return CollaboratorFactory(
        unit=commune,
        full_name="Nguyễn Văn An",
        phone="0912 345 678",
        email="an.nguyen@example.vn",
    )


@pytest.fixture
def without_email(commune):
    return CollaboratorFactory(
        unit=commune, full_name="Đặng Thị Ánh", phone="", email=""
    )


def give_url(record):
    return reverse("collaborators:signin-give", args=[record.pk])


def reset_url(record):
    return reverse("collaborators:signin-reset", args=[record.pk])


BULK = "/collaborators/sign-in/"
ACCOUNT_GIVE = "/collaborators/accounts/give/"


# --- Giving by e-mail -----------------------------------------------------------------


def test_give_page_proposes_the_phone_number(client_of, staff, with_email):
    response = client_of(staff).get(give_url(with_email))
    assert response.status_code == 200
    assert response.context["form"]["username"].value() == "0912345678"


def test_username_from_the_name_when_there_is_no_phone(db, commune):
    assert signin.username_propose(full_name="Nguyễn Văn Ân") == "ctv-nguyen-van-an"
    UserFactory(username="ctv-nguyen-van-an", org_unit=commune)
    UserFactory(username="ctv-nguyen-van-an-2", org_unit=commune)
    assert signin.username_propose(full_name="Nguyễn Văn An") == "ctv-nguyen-van-an-3"


def test_staff_gives_sign_in_by_email_and_the_link_sets_a_password_once(
    client_of, staff, commune, with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff).post(
            give_url(with_email), {"username": "an.nguyen"}
        )
    assert response.status_code == 302
    assert response["Location"] == with_email.get_absolute_url()
    with_email.refresh_from_db()
    user = with_email.user
    assert (user.username, user.role, user.org_unit) == (
        "an.nguyen",
        User.Role.COLLABORATOR,
        commune,
    )
    assert (user.full_name, user.email, user.phone) == (
        "Nguyễn Văn An",
        "an.nguyen@example.vn",
        "0912345678",
    )
    assert not user.has_usable_password()
    assert not user.must_change_password

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an.nguyen@example.vn"]
    with translation.override("vi"):
        assert message.subject == gettext(
            "Your sign-in to the public-opinion collaborator network"
        )
    assert "an.nguyen" in message.body
    link = re.search(r"https?://\S+/password/reset/\S+/", message.body).group(0)
    path_only = "/" + link.split("://", 1)[1].split("/", 1)[1]

    person = Client()
    form_page = person.get(path_only, follow=True)
    assert form_page.context["validlink"] is True
    done = person.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert Client().login(username="an.nguyen", password=NEW_PASSWORD)

    again = Client().get(path_only, follow=True)
    assert again.context["validlink"] is False


def test_a_taken_username_is_refused_on_the_form(client_of, staff, commune, with_email):
    UserFactory(username="AN.NGUYEN", org_unit=commune)
    response = client_of(staff).post(give_url(with_email), {"username": "an.nguyen"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    with_email.refresh_from_db()
    assert with_email.user is None


def test_sign_in_is_given_only_once(client_of, staff, collaborator):
    record = collaborator.collaborator
    response = client_of(staff).get(give_url(record))
    assert response.status_code == 302
    assert response["Location"] == reset_url(record)


# --- Giving by slip --------------------------------------------------------------------


def _give_slip(client, record) -> tuple[str, str]:
    """Give sign-in by slip through the page; the PDF's text and its code."""
    return _post_slip(client, give_url(record), {"username": "anh-dang"})


def _post_slip(client, url, data=None):
    response = client.post(url, data or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def test_give_by_slip_downloads_a_pdf_whose_code_works_once(
    client_of, staff, without_email, tmp_path, mailoutbox
):
    content = _give_slip(client_of(staff), without_email)
    text = pdf_text(content, layout=True)
    without_email.refresh_from_db()
    user = without_email.user
    assert user.username == "anh-dang"
    assert "anh-dang" in text
    assert "Đặng Thị Ánh" in text
    codes = CODE.findall(text)
    assert len(codes) == 1
    code = codes[0]
    expiry = SignInCode.objects.get(user=user).expires_at
    assert timezone.localtime(expiry).strftime("%d/%m/%Y") in text
    assert "http://" in text or "https://" in text
    assert user.must_change_password
    assert mailoutbox == []

    assert signin_code_consume(user=user, code=code.lower().replace("-", " "))
    assert not signin_code_consume(user=user, code=code)


def test_an_expired_code_is_refused(db, staff, without_email):
    given = signin.signin_give(actor=staff, collaborator=without_email)
    SignInCode.objects.filter(user=given.user).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert not signin_code_consume(user=given.user, code=given.slip.code)


def test_codes_are_stored_as_a_keyed_hash_only(db, staff, without_email):
    given = signin.signin_give(actor=staff, collaborator=without_email)
    stored = SignInCode.objects.get(user=given.user).code_hash
    assert stored.startswith("hmac-sha256$")
    assert given.slip.code not in stored
    assert given.slip.code not in repr(given.slip)


def test_no_page_log_email_or_audit_entry_shows_the_code(
    client_of, staff, without_email, tmp_path, caplog, mailoutbox
):
    caplog.set_level(logging.DEBUG)
    client = client_of(staff)
    content = _give_slip(client, without_email)
    code = CODE.findall(pdf_text(content, layout=True))[0]
    without_email.refresh_from_db()
    user = without_email.user

    profile = client.get(without_email.get_absolute_url())
    assert code not in profile.content.decode()
    assert code not in caplog.text
    for message in mailoutbox:
        assert code not in message.subject and code not in message.body
    for entry in LogEntry.objects.all():
        assert code not in str(entry.changes)
        assert "password" not in (entry.changes_dict or {})
    assert not auditlog.contains(SignInCode)
    assert code not in str(dict(client.session.items()))
    assert not Notification.objects.filter(recipient=user).exists()
    assert not any(code in str(row) for row in SignInCode.objects.values())


# --- Bulk, after an import ---------------------------------------------------------


def test_bulk_gives_links_and_one_pdf_of_slips(
    client_of,
    staff,
    commune,
    other_commune,
    collaborator,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    emailed = [
        CollaboratorFactory(unit=commune, email=f"ctv{n}@example.vn") for n in range(3)
    ]
    slips = [
        CollaboratorFactory(unit=other_commune, email="", phone="") for n in range(6)
    ]
    CollaboratorFactory(unit=commune, status=Collaborator.Status.SUSPENDED)
    client = client_of(staff)
    page = client.get(BULK)
    assert page.context["total"] == 9
    assert page.context["this_run"] == 9
    assert str(signin.BULK_LIMIT) in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        content = _post_slip(client, BULK)
    text = pdf_text(content, layout=True)
    assert len(CODE.findall(text)) == 6
    for record in slips:
        record.refresh_from_db()
        assert record.user.username in text
        assert record.user.must_change_password
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        record.email for record in emailed
    )
    usernames = User.objects.filter(role=User.Role.COLLABORATOR).values_list(
        "username", flat=True
    )
    assert len(set(usernames)) == len(usernames)
    assert not signin.signin_candidates(user=staff).exists()
    again = client.post(BULK)
    assert again.status_code == 302


def test_bulk_is_capped_per_run(db, staff, commune):
    for _n in range(5):
        CollaboratorFactory(unit=commune, email="", phone="")
    result = signin.signin_give_bulk(actor=staff, limit=2)
    assert (len(result.slips), result.remaining) == (2, 3)


def test_bulk_usernames_stay_unique_for_namesakes(db, staff, commune):
    for _n in range(3):
        CollaboratorFactory(unit=commune, full_name="Lê Văn Tám", email="", phone="")
    result = signin.signin_give_bulk(actor=staff)
    assert sorted(slip.username for slip in result.slips) == [
        "ctv-le-van-tam",
        "ctv-le-van-tam-2",
        "ctv-le-van-tam-3",
    ]


# --- Reset -------------------------------------------------------------------------


def test_reset_by_email_stops_the_old_password_and_session(
    client_of, staff, collaborator, django_capture_on_commit_callbacks
):
    session = Client()
    session.force_login(collaborator)
    assert session.get(reverse("collaborators:my-profile")).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(staff).post(reset_url(collaborator.collaborator))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [collaborator.email]
    assert not Client().login(username=collaborator.username, password=DEMO_PASSWORD)
    cut = session.get(collaborator.collaborator.get_absolute_url())
    assert cut.status_code == 302
    assert cut["Location"].startswith(reverse("login"))


def test_reset_by_slip_replaces_the_old_code(client_of, staff, without_email, tmp_path):
    client = client_of(staff)
    first = CODE.findall(pdf_text(_give_slip(client, without_email), layout=True))[0]
    second = CODE.findall(
        pdf_text(_post_slip(client, reset_url(without_email)), layout=True)
    )[0]
    user = User.objects.get(collaborator=without_email)
    assert not signin_code_consume(user=user, code=first)
    assert signin_code_consume(user=user, code=second)


def test_profile_and_roster_show_the_last_sign_in(client_of, staff, collaborator):
    collaborator.last_login = timezone.make_aware(datetime.datetime(2026, 3, 9, 8, 15))
    collaborator.save(update_fields=["last_login"])
    client = client_of(staff)
    profile = client.get(collaborator.collaborator.get_absolute_url())
    panel = profile.content.decode()
    assert "09/03/2026 08:15" in panel
    assert reset_url(collaborator.collaborator) in panel
    roster = client.get(reverse("collaborators:collaborator-list"))
    assert "09/03/2026" in roster.content.decode()


def test_profile_offers_to_give_sign_in_to_staff_only(
    client_of, staff, leader, with_email
):
    assert (
        give_url(with_email)
        in client_of(staff).get(with_email.get_absolute_url()).content.decode()
    )
    assert (
        give_url(with_email)
        not in client_of(leader).get(with_email.get_absolute_url()).content.decode()
    )


# --- Taking sign-in away -------------------------------------------------------------


def _decide(staff, record, kind):
    return roster_event_record(actor=staff, collaborator=record, kind=kind, date=TODAY)


def test_suspension_cuts_an_open_session_and_reinstating_gives_it_back(
    staff, collaborator
):
    record = collaborator.collaborator
    session = Client()
    session.force_login(collaborator)
    assert session.get(record.get_absolute_url()).status_code == 200

    _decide(staff, record, RosterEvent.Kind.SUSPEND)
    cut = session.get(record.get_absolute_url())
    assert cut.status_code == 302
    assert cut["Location"].startswith(reverse("login"))
    assert not Client().login(username=collaborator.username, password=DEMO_PASSWORD)

    _decide(staff, record, RosterEvent.Kind.REINSTATE)
    back = Client()
    assert back.login(username=collaborator.username, password=DEMO_PASSWORD)
    assert back.get(record.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", [RosterEvent.Kind.SUSPEND, RosterEvent.Kind.DISMISS])
def test_suspension_and_dismissal_revoke_unused_codes(db, staff, without_email, kind):
    given = signin.signin_give(actor=staff, collaborator=without_email)
    _decide(staff, without_email, kind)
    assert not signin_code_consume(user=given.user, code=given.slip.code)
    assert SignInCode.objects.get(user=given.user).revoked_at is not None


# --- Who may and who may not ---------------------------------------------------------


@pytest.fixture
def pages(with_email, collaborator):
    return [
        ("get", give_url(with_email)),
        ("post", give_url(with_email)),
        ("get", reset_url(collaborator.collaborator)),
        ("post", reset_url(collaborator.collaborator)),
        ("get", BULK),
        ("post", BULK),
    ]


@pytest.mark.parametrize("persona", ["collaborator", "leader", "other_staff"])
def test_wrong_role_or_other_unit_gets_404(request, client_of, pages, persona):
    client = client_of(request.getfixturevalue(persona))
    for method, url in pages:
        if persona == "other_staff" and url == BULK:
            continue
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert not User.objects.filter(username="0912345678").exists()


def test_other_units_staff_sees_none_of_this_unit_in_bulk(
    client_of, other_staff, with_email
):
    response = client_of(other_staff).get(BULK)
    assert response.context["total"] == 0
    client_of(other_staff).post(BULK)
    with_email.refresh_from_db()
    assert with_email.user is None


def test_anonymous_is_sent_to_login(client, pages):
    for method, url in [*pages, ("get", ACCOUNT_GIVE)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_suspended_collaborator_is_not_given_sign_in(client_of, staff, commune):
    record = CollaboratorFactory(unit=commune, status=Collaborator.Status.SUSPENDED)
    response = client_of(staff).post(give_url(record), {"username": "x1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(username="x1").exists()


# --- Board staff and leaders, by an administrator ----------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader", "collaborator"])
def test_only_an_administrator_gives_board_accounts(request, client_of, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(ACCOUNT_GIVE).status_code == 404


def test_administrator_gives_a_leader_an_account_by_slip(
    client_of, admin_user, town, tmp_path
):
    client = client_of(admin_user)
    assert client.get(ACCOUNT_GIVE).status_code == 200
    content = _post_slip(
        client,
        ACCOUNT_GIVE,
        {
            "username": "lanhdao-moi",
            "full_name": "Võ Thị Hạnh",
            "role": User.Role.LEADER,
            "org_unit": town.pk,
            "email": "",
        },
    )
    user = User.objects.get(username="lanhdao-moi")
    assert (user.role, user.org_unit) == (User.Role.LEADER, town)
    code = CODE.findall(pdf_text(content, layout=True))[0]
    assert signin_code_consume(user=user, code=code)


def test_administrator_gives_board_staff_an_account_by_email(
    client_of, admin_user, town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(admin_user).post(
            ACCOUNT_GIVE,
            {
                "username": "canbo-moi",
                "full_name": "Trương Văn Lực",
                "role": User.Role.STAFF,
                "org_unit": town.pk,
                "email": "luc@example.vn",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="canbo-moi")
    assert user.role == User.Role.STAFF
    assert [message.to for message in mail.outbox] == [["luc@example.vn"]]
    assert "/password/reset/" in mail.outbox[0].body
