"""Who saw what: every view, download and export by anyone but the author is recorded.

Each entry says who, when, from which address and what; the author reading their
own work records nothing, and a refused request records nothing either.
"""

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Collaborator
from reports.models import Attachment, OpinionReport
from reports.services import period_for
from reports.tests.factories import OpinionReportFactory
from summaries.models import Summary
from summaries.tests.samples import sample_snapshot

ACCESS = LogEntry.Action.ACCESS


def accesses():
    return list(LogEntry.objects.filter(action=ACCESS).select_related("actor"))


@pytest.fixture
def report(collaborator):
    return OpinionReportFactory(author=collaborator.collaborator)


@pytest.fixture
def summary(town, staff):
    summary = Summary.objects.create(
        unit=town,
        period=period_for(day=timezone.localdate()),
        status=Summary.Status.APPROVED,
        snapshot=sample_snapshot(),
        compiled_at=timezone.now(),
        approved_by=staff,
        approved_at=timezone.now(),
        progress=100,
    )
    summary.pdf.save("brief.pdf", ContentFile(b"%PDF-1.4 brief"), save=True)
    return summary


def test_staff_viewing_a_report_records_who_when_where_and_what(
    client_of, staff, report
):
    before = timezone.now()
    response = client_of(staff).get(
        reverse("reports:report-detail", args=[report.pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    [entry] = accesses()
    assert entry.actor == staff
    assert before <= entry.timestamp <= timezone.now()
    assert entry.remote_addr == "10.1.2.3"
    assert entry.content_type.model_class() is OpinionReport
    assert entry.object_id == report.pk
    assert entry.object_repr == report.title
    assert entry.additional_data["kind"] == "view"
    assert entry.additional_data["unit"] == report.unit_id


def test_the_author_reading_their_own_report_records_nothing(
    client_of, collaborator, report
):
    response = client_of(collaborator).get(
        reverse("reports:report-detail", args=[report.pk])
    )
    assert response.status_code == 200
    assert accesses() == []


def test_a_refused_request_records_nothing(client_of, other_staff, leader, report):
    url = reverse("reports:report-detail", args=[report.pk])
    assert client_of(other_staff).get(url).status_code == 404
    assert accesses() == []


def test_a_forged_forwarded_for_header_is_not_taken_as_the_address(
    client_of, staff, report
):
    client_of(staff).get(
        reverse("reports:report-detail", args=[report.pk]),
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    [entry] = accesses()
    assert entry.remote_addr == "10.1.2.3"


def test_a_change_keeps_the_real_address_and_the_unit(client_of, staff, report):
    response = client_of(staff).post(
        reverse("reports:report-accept", args=[report.pk]),
        {"version": report.version},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(report).filter(action=1).latest("pk")
    assert entry.actor == staff
    assert entry.changes_dict["status"][1] == "accepted"
    assert entry.remote_addr == "10.1.2.3"
    assert entry.additional_data["unit"] == report.unit_id


def test_a_summary_pdf_download_is_recorded(client_of, leader, summary):
    response = client_of(leader).get(
        reverse("summaries:summary-download", args=[summary.pk, "pdf"])
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [entry] = accesses()
    assert entry.actor == leader
    assert entry.content_type.model_class() is Summary
    assert entry.object_id == summary.pk
    assert entry.additional_data["kind"] == "download"
    assert entry.additional_data["file"] == "pdf"
    assert entry.additional_data["unit"] == summary.unit_id


def test_a_roster_export_is_recorded_with_its_filters(client_of, staff, commune):
    response = client_of(staff).get(
        reverse("collaborators:collaborator-export"),
        {"q": "Hoa", "unit": commune.pk},
    )
    assert response.status_code == 200
    [entry] = accesses()
    assert entry.actor == staff
    assert entry.additional_data["kind"] == "export"
    assert entry.additional_data["view"] == "collaborators:collaborator-export"
    assert entry.additional_data["query"] == f"q=Hoa&unit={commune.pk}"
    # Against the unit of whoever exported: their own staff read it.
    assert entry.additional_data["unit"] == staff.org_unit_id


def test_an_attachment_download_is_recorded_but_not_by_its_author(
    client_of, staff, collaborator, report
):
    attachment = Attachment(
        report=report,
        original_name="anh-bo-song.jpg",
        content_type="image/jpeg",
        size=4,
        uploaded_by=collaborator,
    )
    attachment.file.save("anh.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=True)
    url = reverse("reports:attachment-download", args=[attachment.pk])
    assert client_of(collaborator).get(url).status_code == 200
    assert accesses() == []
    assert client_of(staff).get(url).status_code == 200
    [entry] = accesses()
    assert entry.actor == staff
    assert entry.object_id == attachment.pk
    assert entry.additional_data["kind"] == "download"
    assert entry.additional_data["unit"] == report.unit_id


def test_a_collaborator_profile_viewed_by_staff_is_recorded(
    client_of, staff, collaborator
):
    record = Collaborator.objects.get(user=collaborator)
    url = reverse("collaborators:collaborator-detail", args=[record.pk])
    assert client_of(collaborator).get(url).status_code == 200
    assert accesses() == []
    assert client_of(staff).get(url).status_code == 200
    [entry] = accesses()
    assert entry.object_repr == record.full_name


def test_recording_is_one_insert(client_of, staff, report):
    client = client_of(staff)
    url = reverse("reports:report-detail", args=[report.pk])
    client.get(url)  # warms the content type cache
    LogEntry.objects.filter(action=ACCESS).delete()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    writes = [q for q in queries if q["sql"].split()[0] in {"UPDATE", "DELETE"}]
    assert len(inserts) == 1 and "auditlog_logentry" in inserts[0]["sql"]
    assert writes == []
    assert len(accesses()) == 1
    assert OpinionReport.objects.get(pk=report.pk).status == report.status


# --- Every URL that shows the object, whatever its status --------------------------


def test_an_accept_refused_for_a_bad_version_records_the_report_it_shows(
    client_of, staff, report
):
    response = client_of(staff).post(
        reverse("reports:report-accept", args=[report.pk]), {"version": "x"}
    )
    assert response.status_code == 400
    assert report.title in response.content.decode()
    [entry] = accesses()
    assert entry.actor == staff
    assert entry.object_id == report.pk
    assert entry.additional_data["kind"] == "view"
    assert entry.additional_data["view"] == "reports:report-accept"
    assert entry.additional_data["unit"] == report.unit_id


def test_a_return_without_a_question_records_the_report_it_shows(
    client_of, staff, report
):
    response = client_of(staff).post(
        reverse("reports:report-return", args=[report.pk]),
        {"version": report.version, "question": ""},
    )
    assert response.status_code == 400
    [entry] = accesses()
    assert (entry.actor, entry.object_id) == (staff, report.pk)
    assert entry.additional_data["view"] == "reports:report-return"


def test_a_decision_taken_meanwhile_records_the_report_shown_again(
    client_of, staff, report
):
    response = client_of(staff).post(
        reverse("reports:report-accept", args=[report.pk]),
        {"version": report.version + 1},
    )
    assert response.status_code == 409
    [entry] = accesses()
    assert entry.object_id == report.pk


def test_a_successful_review_records_its_change_and_no_read(client_of, staff, report):
    response = client_of(staff).post(
        reverse("reports:report-accept", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 302
    assert accesses() == []


def test_a_refused_review_action_records_nothing(client_of, other_staff, report):
    response = client_of(other_staff).post(
        reverse("reports:report-accept", args=[report.pk]), {"version": "x"}
    )
    assert response.status_code == 404
    assert accesses() == []


def test_the_summary_edit_page_records_the_summary_it_shows(client_of, staff, town):
    summary = Summary.objects.create(
        unit=town,
        period=period_for(day=timezone.localdate()),
        status=Summary.Status.DRAFT,
        snapshot=sample_snapshot(),
        compiled_at=timezone.now(),
        progress=100,
    )
    url = reverse("summaries:summary-edit", args=[summary.pk])
    assert client_of(staff).get(url).status_code == 200
    [entry] = accesses()
    assert entry.actor == staff
    assert entry.content_type.model_class() is Summary
    assert entry.object_id == summary.pk
    assert entry.additional_data["view"] == "summaries:summary-edit"
    assert entry.additional_data["unit"] == town.pk


def test_the_collaborator_edit_page_records_the_record_it_shows(
    client_of, staff, collaborator
):
    record = Collaborator.objects.get(user=collaborator)
    url = reverse("collaborators:collaborator-edit", args=[record.pk])
    response = client_of(staff).get(url)
    assert response.status_code == 200
    assert record.phone in response.content.decode()
    [entry] = accesses()
    assert entry.actor == staff
    assert entry.content_type.model_class() is Collaborator
    assert entry.object_id == record.pk
    assert entry.additional_data["view"] == "collaborators:collaborator-edit"
    # A refused form shows the record again: read once more.
    response = client_of(staff).post(url, {"full_name": ""})
    assert response.status_code == 200
    assert len(accesses()) == 2
