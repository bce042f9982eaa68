"""Submitting from the report form is one step, and files leave through one door."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Attachment, OpinionReport
from reports.tests.conftest import jpeg_with_gps, report_post, stream_post


def _locks(queries) -> int:
    """How many times the report's row was locked."""
    return sum(
        1
        for query in queries
        if "FOR UPDATE" in query["sql"] and '"reports_opinionreport"' in query["sql"]
    )


def _draft(collaborator, commune) -> OpinionReport:
    return services.report_save_draft(
        author=collaborator.collaborator,
        user=collaborator,
        data={"title": "Sạt lở bờ sông", "area": commune},
    )


def test_submitting_an_edited_draft_locks_it_once_and_counts_one_change(
    client_of, collaborator, commune
):
    draft = _draft(collaborator, commune)
    url = reverse("reports:report-edit", args=[draft.pk])
    data = report_post(commune, action="submit", title="Sạt lở bờ sông Bồ")
    with CaptureQueriesContext(connection) as queries:
        response = client_of(collaborator).post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.title) == (
        OpinionReport.Status.SUBMITTED,
        "Sạt lở bờ sông Bồ",
    )
    assert draft.version == 2
    assert _locks(queries.captured_queries) == 1


def test_a_refused_submission_keeps_the_draft_as_one_change(
    client_of, collaborator, commune
):
    draft = _draft(collaborator, commune)
    url = reverse("reports:report-edit", args=[draft.pk])
    data = report_post(commune, action="submit", title="Đã sửa", streams=[])
    response = client_of(collaborator).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["report"].pk == draft.pk
    draft.refresh_from_db()
    assert (draft.status, draft.title, draft.version) == (
        OpinionReport.Status.DRAFT,
        "Đã sửa",
        2,
    )


def test_a_new_report_sent_at_once_is_created_as_a_draft_then_submitted(
    client_of, collaborator, commune
):
    data = report_post(
        commune, action="submit", streams=[stream_post(), stream_post(1)]
    )
    data["streams-TOTAL_FORMS"] = "2"
    client_of(collaborator).post(reverse("reports:report-create"), data)
    report = OpinionReport.objects.get()
    assert report.version == 1
    assert report.period.start <= timezone.localdate() <= report.period.end
    assert list(report.events.values_list("action", "from_status", "to_status")) == [
        ("created", "", "draft"),
        ("submitted", "draft", "submitted"),
    ]
    assert report.streams.count() == 2


def test_submitting_as_it_stands_changes_nothing_when_refused(collaborator, commune):
    draft = _draft(collaborator, commune)
    with pytest.raises(ValidationError) as refused:
        services.report_submit(report=draft, user=collaborator)
    assert "__all__" in refused.value.message_dict
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (OpinionReport.Status.DRAFT, 1)


def test_an_attachment_download_is_not_kept_in_caches(
    client_of, collaborator, commune, staff
):
    data = report_post(commune, action="submit", attachments=jpeg_with_gps("ảnh.jpg"))
    client_of(collaborator).post(reverse("reports:report-create"), data)
    attachment = Attachment.objects.get()
    response = client_of(staff).get(
        reverse("reports:attachment-download", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "image/jpeg"
    assert "filename*=utf-8''%E1%BA%A3nh.jpg" in response["Content-Disposition"]


def test_the_discipline_workbook_is_not_kept_in_caches(client_of, staff):
    period = services.period_for(day=timezone.localdate())
    query = {"period": period.pk, "unit": staff.org_unit_id}
    response = client_of(staff).get(reverse("reports:discipline-export"), query)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    name = f"discipline-{staff.org_unit_id}-{period.start:%Y-%m}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert b"".join(response.streaming_content).startswith(b"PK")
