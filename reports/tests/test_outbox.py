"""The report form as the phone's outbox sends it (issue 22): one report per item.

Every send carries ``X-Dluan-Outbox: 1`` and the item's ``client_id``; the answer
is JSON (created, duplicate, changed, conflict, refused), never a page.
"""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils.translation import gettext as _

from reports import services
from reports.models import Attachment, OpinionReport
from reports.tests.conftest import jpeg_with_gps, report_post

OUTBOX = {"HTTP_X_DLUAN_OUTBOX": "1"}
NEW = "/reports/new/"


def item(area, client_id, *, action="submit", photo=False, **values):
    data = report_post(area, action=action, client_id=str(client_id), **values)
    if photo:
        data["attachments"] = jpeg_with_gps()
    return data


def send(client, data, url=NEW):
    return client.post(url, data, **OUTBOX)


def reports_of(user):
    return OpinionReport.objects.filter(author__user=user)


# --- The page carries the item's id ------------------------------------------------


def test_the_new_form_carries_an_empty_client_id_and_the_outbox_marks(
    client_of, collaborator
):
    page = client_of(collaborator).get(NEW).content.decode()
    assert 'data-outbox="report"' in page
    assert 'data-outbox-label="Báo cáo mới"' in page
    assert 'name="client_id" id="id_client_id" value=""' in page
    assert 'name="base_version"' not in page


def test_a_drafts_form_and_its_autosave_carry_the_drafts_version(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    saved = client.post(
        reverse("reports:report-autosave"),
        {"title": "Sạt lở", "client_id": str(client_id)},
    ).json()
    report = OpinionReport.objects.get(pk=saved["id"])
    assert report.client_id == client_id
    assert saved["version"] == str(report.version)
    page = client.get(reverse("reports:report-edit", args=[report.pk]))
    html = page.content.decode()
    assert f'name="client_id" id="id_client_id" value="{client_id}"' in html
    assert f'name="base_version" id="id_base_version" value="{report.version}"' in html


# --- One report per item -------------------------------------------------------------


def test_the_same_item_twice_makes_one_report_with_one_photo(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    first = send(client, item(commune, client_id, photo=True))
    assert first.status_code == 201
    assert first.json()["status"] == "created"
    assert first.json()["message"] == "Đã gửi báo cáo đến Ban."
    again = send(client, item(commune, client_id, photo=True))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    report = reports_of(collaborator).get()
    assert again.json()["url"] == first.json()["url"] == report.get_absolute_url()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert Attachment.objects.filter(report=report).count() == 1
    assert report.events.filter(action="submitted").count() == 1


def test_a_draft_sent_twice_then_submitted_keeps_one_photo(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    assert send(client, item(commune, client_id, action="save", photo=True)).json()[
        "status"
    ] == ("created")
    assert (
        send(client, item(commune, client_id, action="save", photo=True)).json()[
            "status"
        ]
        == "duplicate"
    )
    # The same content, now submitted (the phone kept both sends).
    submitted = send(client, item(commune, client_id, photo=True))
    assert submitted.status_code == 201
    report = reports_of(collaborator).get()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.attachments.count() == 1


def test_an_item_sent_again_after_an_autosave_adds_no_second_photo(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    send(client, item(commune, client_id, action="save", photo=True))
    report = reports_of(collaborator).get()
    client.post(
        reverse("reports:report-autosave"),
        {"report": report.pk, "client_id": str(client_id), "title": "Đã sửa"},
    )
    again = send(client, item(commune, client_id, action="save", photo=True))
    assert again.status_code == 201
    report.refresh_from_db()
    assert report.title == "Sạt lở bờ sông Bồ"
    assert report.attachments.count() == 1


def test_a_draft_item_changed_and_sent_again_updates_its_draft(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    send(client, item(commune, client_id, action="save", title="Bản đầu"))
    again = send(client, item(commune, client_id, action="save", title="Bản sửa"))
    assert again.status_code == 201
    assert list(reports_of(collaborator).values_list("title", flat=True)) == ["Bản sửa"]


def test_a_repeat_with_changed_content_after_submission_is_refused(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    send(client, item(commune, client_id, title="Sạt lở bờ sông Bồ"))
    changed = send(client, item(commune, client_id, title="Sạt lở bờ sông Hương"))
    assert changed.status_code == 409
    body = changed.json()
    assert body["status"] == "changed"
    assert body["message"] == _(
        "This report was sent already with other content. The board keeps what "
        "it received first; nothing of this copy was saved."
    )
    report = reports_of(collaborator).get()
    assert report.title == "Sạt lở bờ sông Bồ"
    # Sent to its own edit address, the same refusal.
    again = send(
        client,
        item(commune, client_id, title="Sạt lở bờ sông Hương"),
        url=reverse("reports:report-edit", args=[report.pk]),
    )
    assert again.json()["status"] == "changed"


def test_a_draft_returned_by_staff_meanwhile_is_a_conflict_and_not_overwritten(
    client_of, collaborator, staff, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    send(client, item(commune, client_id, action="save", title="Bản nháp"))
    report = reports_of(collaborator).get()
    seen = str(report.version)  # the version the phone's copy of the form holds
    services.report_submit(report=report, user=collaborator)
    report.refresh_from_db()
    services.report_return(
        report=report,
        user=staff,
        version=report.version,
        question="Có bao nhiêu hộ bị ảnh hưởng?",
    )
    report.refresh_from_db()
    edit = reverse("reports:report-edit", args=[report.pk])
    data = item(
        commune, client_id, title="Sửa ngoại tuyến", base_version=seen, answer="12 hộ"
    )
    conflict = send(client, data, url=edit)
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["status"] == "conflict"
    assert body["version"] == str(report.version)
    assert body["server"] == {
        "title": "Bản nháp",
        "description": report.description,
        "status": "Trả lại bổ sung",
        "question": "Có bao nhiêu hộ bị ảnh hưởng?",
    }
    assert body["url"] == edit
    report.refresh_from_db()
    assert (report.title, report.status) == ("Bản nháp", "returned")
    # The collaborator keeps theirs: sent again on the server's version.
    data["base_version"] = body["version"]
    kept = send(client, data, url=edit)
    assert kept.status_code == 201
    report.refresh_from_db()
    assert (report.title, report.status) == ("Sửa ngoại tuyến", "submitted")


def test_in_a_browser_a_stale_version_brings_the_form_back_with_the_servers(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    send(client, item(commune, client_id, action="save", title="Bản đầu"))
    report = reports_of(collaborator).get()
    seen = str(report.version)
    client.post(
        reverse("reports:report-autosave"),
        {"report": report.pk, "client_id": str(client_id), "title": "Từ máy khác"},
    )
    edit = reverse("reports:report-edit", args=[report.pk])
    data = item(commune, client_id, action="save", title="Bản cũ", base_version=seen)
    page = client.post(edit, data)
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    report.refresh_from_db()
    assert report.title == "Từ máy khác"
    data["base_version"] = page.context["base_version"]
    assert client.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert report.title == "Bản cũ"


# --- Refused: nothing saved ------------------------------------------------------------


def test_a_date_outside_the_open_periods_is_refused_with_its_reason_and_nothing_saved(
    client_of, collaborator, commune
):
    client = client_of(collaborator)
    data = item(commune, uuid.uuid4(), photo=True, occurred_on="02/01/2015")
    refused = send(client, data)
    assert refused.status_code == 422
    body = refused.json()
    assert body["status"] == "refused"
    assert body["message"].startswith("Ngày không được trước 01/01/")
    assert "occurred_on" in body["errors"]
    assert not reports_of(collaborator).exists()
    assert not Attachment.objects.exists()


def test_a_submission_refused_by_the_service_leaves_no_draft(
    client_of, collaborator, commune
):
    """In a browser a refused submission keeps a draft; from the outbox nothing."""
    client = client_of(collaborator)
    refused = send(client, item(commune, uuid.uuid4(), photo=True, streams=[]))
    assert refused.status_code == 422
    assert refused.json()["message"] == _(
        "Add at least one opinion stream: what people say."
    )
    assert not reports_of(collaborator).exists()
    assert not Attachment.objects.exists()


def test_photos_over_the_request_limit_are_refused_to_edit_not_retried(
    client_of, collaborator, commune, settings
):
    settings.UPLOAD_MAX_BYTES = settings.UPLOAD_MAX_REQUEST_BYTES = 2000
    refused = send(client_of(collaborator), item(commune, uuid.uuid4(), photo=True))
    assert refused.status_code == 422
    assert refused.json()["status"] == "refused"
    assert "attachments" in refused.json()["errors"]
    assert not reports_of(collaborator).exists()


def test_a_body_cut_short_saves_nothing(client_of, collaborator, commune):
    client = client_of(collaborator)
    body = encode_multipart(BOUNDARY, item(commune, uuid.uuid4(), photo=True))
    # The photo is last: the cut falls in it, after every field arrived.
    cut = body[: body.index(b'name="attachments"') + 400]
    for headers in (OUTBOX, {}):
        response = client.generic(
            "POST", NEW, cut, content_type=MULTIPART_CONTENT, **headers
        )
        assert response.status_code == 400
    assert not reports_of(collaborator).exists()
    assert not Attachment.objects.exists()
    whole = client.generic("POST", NEW, body, content_type=MULTIPART_CONTENT, **OUTBOX)
    assert whole.status_code == 201


# --- Scope ------------------------------------------------------------------------------


def test_another_collaborators_item_is_404(
    client_of, collaborator, other_collaborator, commune, other_commune
):
    client_id = uuid.uuid4()
    send(client_of(collaborator), item(commune, client_id))
    theirs = reports_of(collaborator).get()
    client = client_of(other_collaborator)
    assert send(client, item(other_commune, client_id)).status_code == 404
    edit = reverse("reports:report-edit", args=[theirs.pk])
    assert send(client, item(other_commune, client_id), url=edit).status_code == 404
    assert not reports_of(other_collaborator).exists()


@pytest.mark.parametrize("persona", ["staff", "leader", "admin_user"])
def test_managers_cannot_send_a_collaborators_form(
    request, client_of, collaborator, commune, persona
):
    client_id = uuid.uuid4()
    send(client_of(collaborator), item(commune, client_id, action="save"))
    draft = reports_of(collaborator).get()
    client = client_of(request.getfixturevalue(persona))
    assert send(client, item(commune, uuid.uuid4())).status_code == 404
    edit = reverse("reports:report-edit", args=[draft.pk])
    assert send(client, item(commune, client_id), url=edit).status_code == 404
    assert OpinionReport.objects.count() == 1


# --- Two sends of one item at once -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_item_sent_twice_at_once_makes_one_report(collaborator, commune):
    items = [uuid.uuid4() for _ in range(4)]
    statuses = []

    def send_from_a_tab(client_id, barrier):
        try:
            client = Client()
            client.force_login(collaborator)
            barrier.wait()
            response = send(client, item(commune, client_id, photo=True))
            statuses.append((client_id, response.status_code))
        finally:
            connection.close()

    for client_id in items:
        barrier = threading.Barrier(2)
        tabs = [
            threading.Thread(target=send_from_a_tab, args=(client_id, barrier))
            for _ in range(2)
        ]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join()
    for client_id in items:
        codes = sorted(code for cid, code in statuses if cid == client_id)
        assert codes == [200, 201]
        report = OpinionReport.objects.get(client_id=client_id)
        assert report.attachments.count() == 1
    assert OpinionReport.objects.count() == len(items)
