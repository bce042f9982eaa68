"""The phone's outbox is answered in JSON when it may not send (dluan/outbox.py).

Signed out (or a session that ended meanwhile) is 401, a refused CSRF token is
403: the phone keeps the item and asks to sign in again. A browser without the
header gets the pages it got before.
"""

import time
import uuid

from django.test import Client
from django.urls import reverse

from dluan.auth import SEEN_AT
from reports.models import OpinionReport

OUTBOX = {"HTTP_X_DLUAN_OUTBOX": "1"}


def _report(commune) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "action": "save",
        "kind": "periodic",
        "urgency": "1",
        "title": "Sạt lở bờ sông Bồ",
        "area": str(commune.pk),
        "streams-TOTAL_FORMS": "0",
        "streams-INITIAL_FORMS": "0",
    }


def test_a_signed_out_send_is_401_not_the_sign_in_page(client, commune):
    response = client.post("/reports/new/", _report(commune), **OUTBOX)
    assert response.status_code == 401
    assert response.json() == {"status": "signed_out"}
    assert response["Cache-Control"] == "no-store"
    assert not OpinionReport.objects.exists()


def test_a_signed_out_browser_post_still_goes_to_sign_in(client, commune):
    response = client.post("/reports/new/", _report(commune))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_ended_while_offline_is_401(client_of, collaborator, commune):
    client = client_of(collaborator)
    session = client.session
    session[SEEN_AT] = time.time() - 30 * 24 * 3600
    session.save()
    response = client.post("/reports/new/", _report(commune), **OUTBOX)
    assert response.status_code == 401
    assert response.json() == {"status": "signed_out"}
    assert not OpinionReport.objects.exists()


def test_a_refused_csrf_token_is_403_json_and_saves_nothing(collaborator, commune):
    client = Client(enforce_csrf_checks=True)
    client.force_login(collaborator)
    data = _report(commune) | {"csrfmiddlewaretoken": "stale-token-from-the-phone"}
    response = client.post("/reports/new/", data, **OUTBOX)
    assert response.status_code == 403
    body = response.json()
    assert body["status"] == "forbidden"
    assert body["message"]
    assert not OpinionReport.objects.exists()


def test_a_fresh_csrf_token_lets_the_send_through(collaborator, commune):
    client = Client(enforce_csrf_checks=True)
    client.force_login(collaborator)
    client.get("/reports/new/")  # the token, as /offline/state/ would give it
    token = client.cookies["csrftoken"].value
    data = _report(commune) | {"csrfmiddlewaretoken": token}
    response = client.post("/reports/new/", data, **OUTBOX)
    assert response.status_code == 201
    assert OpinionReport.objects.get().title == "Sạt lở bờ sông Bồ"
