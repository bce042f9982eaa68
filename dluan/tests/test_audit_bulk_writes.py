"""Rows written with ``update()`` or ``bulk_create`` reach the audit trail too.

auditlog hears ``save()`` only; the services that write in bulk (a warning
acknowledged, invitees withdrawn and invited again, documents handed out and
read) record each row they change, in one INSERT, and the unit's staff read the
entries on the audit trail.
"""

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory
from dluan.audit_bulk import BulkChanges
from meetings import services as meeting_services
from meetings.models import DocumentReceipt, Invitation
from meetings.tests.factories import InvitationFactory, MeetingFactory
from reports.models import EarlyWarning

URL = reverse("audit-trail")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def trail(client, **filters) -> str:
    response = client.get(URL, filters)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('data-testid="audit-entries"') :]


def entries_for(obj, action) -> list[LogEntry]:
    return list(
        LogEntry.objects.get_for_object(obj).filter(action=action).order_by("pk")
    )


@pytest.fixture
def warning(town):
    return EarlyWarning.objects.create(
        unit=town, kind=EarlyWarning.Kind.SPREAD, title="Sạt lở bờ sông", key="t:1"
    )


def test_acknowledging_a_warning_is_on_the_trail_of_the_units_staff(
    client_of, staff, other_staff, warning
):
    client = client_of(staff)
    response = client.post(
        reverse("reports:warning-acknowledge", args=[warning.pk]),
        {"note": "Đã chuyển Công an xã"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    [entry] = entries_for(warning, LogEntry.Action.UPDATE)
    assert entry.actor == staff
    assert entry.remote_addr == "10.1.2.3"
    assert entry.changes_dict["note"] == ["", "Đã chuyển Công an xã"]
    assert entry.changes_dict["acknowledged_by"] == ["None", str(staff.pk)]
    assert entry.additional_data["unit"] == warning.unit_id
    assert warning.title in trail(client, kind="change")
    assert warning.title not in trail(client_of(other_staff))
    # Acknowledged already: nothing changes, nothing more is recorded.
    client.post(reverse("reports:warning-acknowledge", args=[warning.pk]), {})
    assert len(entries_for(warning, LogEntry.Action.UPDATE)) == 1


@pytest.fixture
def meeting(town, staff, collaborator, other_collaborator):
    meeting = MeetingFactory(unit=town, created_by=staff)
    for user in (collaborator, other_collaborator):
        InvitationFactory(meeting=meeting, collaborator=user.collaborator)
    return meeting


def test_withdrawing_and_inviting_again_is_on_the_trail(
    client_of, staff, other_staff, collaborator, other_collaborator, meeting
):
    client = client_of(staff)
    url = reverse("meetings:meeting-invitees", args=[meeting.pk])
    keep = other_collaborator.collaborator.pk
    assert client.post(url, {"collaborators": [keep]}).status_code == 302
    invitation = Invitation.objects.get(
        meeting=meeting, collaborator=collaborator.collaborator
    )
    assert invitation.withdrawn_at is not None
    both = [collaborator.collaborator.pk, keep]
    assert client.post(url, {"collaborators": both}).status_code == 302
    withdrawn, invited = entries_for(invitation, LogEntry.Action.UPDATE)
    assert withdrawn.changes_dict["withdrawn_at"][0] == "None"
    assert invited.changes_dict["withdrawn_at"][1] == "None"
    assert {withdrawn.actor, invited.actor} == {staff}
    assert withdrawn.additional_data["unit"] == meeting.unit_id
    page = trail(client, kind="change", object_type="meetings.invitation")
    assert page.count(str(invitation)) == 2
    assert str(invitation) not in trail(client_of(other_staff))


def test_a_new_invitee_is_recorded_and_the_run_writes_one_insert_of_entries(
    staff, commune, meeting
):
    newcomers = CollaboratorFactory.create_batch(
        3, unit=commune, with_account=True, gender=Collaborator.Gender.FEMALE
    )
    kept = [i.collaborator for i in meeting.invitations.all()]
    with CaptureQueriesContext(connection) as queries:
        meeting_services.invitations_set(
            meeting=meeting, user=staff, collaborators=[*kept[:1], *newcomers]
        )
    inserts = [
        q for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')
    ]
    assert len(inserts) == 1
    for person in newcomers:
        invitation = Invitation.objects.get(meeting=meeting, collaborator=person)
        [created] = entries_for(invitation, LogEntry.Action.CREATE)
        assert created.actor == staff
        assert created.additional_data["unit"] == meeting.unit_id
        # Sent in the same run: one entry says both.
        assert created.changes_dict["sent_at"][1] != "None"
        assert entries_for(invitation, LogEntry.Action.UPDATE) == []


def test_handing_out_and_reading_a_document_is_on_the_trail(
    client_of, staff, other_staff, collaborator, meeting
):
    client = client_of(staff)
    response = client.post(
        reverse("meetings:document-create"),
        {
            "title": "Hướng dẫn tuyên truyền",
            "source": "Ban Tuyên giáo",
            "description": "",
            "file": SimpleUploadedFile("huong-dan.pdf", PDF_BYTES),
            "meeting": meeting.pk,
        },
    )
    assert response.status_code == 302
    receipt = DocumentReceipt.objects.get(collaborator=collaborator.collaborator)
    [handed] = entries_for(receipt, LogEntry.Action.CREATE)
    assert handed.actor == staff
    assert handed.additional_data["unit"] == receipt.document.unit_id

    confirm = reverse("meetings:document-confirm-read", args=[receipt.document_id])
    assert client_of(collaborator).post(confirm).status_code == 302
    client = client_of(staff)
    [read] = entries_for(receipt, LogEntry.Action.UPDATE)
    assert read.actor == collaborator
    assert read.changes_dict["read_at"][0] == "None"
    page = trail(client, object_type="meetings.documentreceipt")
    assert page.count(str(receipt)) == 2  # handed, then read
    assert str(receipt) not in trail(client_of(other_staff))


def test_rows_created_in_bulk_have_auditlogs_entries_without_being_read_back(
    staff, commune, meeting
):
    newcomers = CollaboratorFactory.create_batch(3, unit=commune)
    with CaptureQueriesContext(connection) as queries, BulkChanges(actor=staff) as bulk:
        created = bulk.create(
            [Invitation(meeting=meeting, collaborator=c) for c in newcomers]
        )
    # The entries are made from the objects inserted, as auditlog's from the
    # object saved: the rows are not selected again.
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and '"meetings_invitation"' in q["sql"]
    ]
    assert reads == []
    for invitation in created:
        [entry] = entries_for(invitation, LogEntry.Action.CREATE)
        row = Invitation.objects.get(pk=invitation.pk)
        expected = model_instance_diff(None, row)
        assert entry.changes_dict == {k: list(v) for k, v in expected.items()}
        assert entry.object_repr == str(row)
        assert entry.actor == staff
        assert entry.additional_data["unit"] == meeting.unit_id
