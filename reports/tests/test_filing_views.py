import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import OpinionReport, ReportEvent, ReportingPeriod
from reports.tests.conftest import report_post, stream_post
from reports.tests.factories import OpinionReportFactory


@pytest.fixture
def draft(collaborator):
    return OpinionReportFactory(
        author=collaborator.collaborator,
        status=OpinionReport.Status.DRAFT,
        submitted_at=None,
    )


# --- Who may ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, db):
    for name in ("reports:report-list", "reports:report-create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_collaborator_sees_only_own_reports(
    client_of, collaborator, report, other_report
):
    response = client_of(collaborator).get(reverse("reports:report-list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [report]


def test_staff_on_my_reports_goes_to_the_queue(client_of, staff):
    response = client_of(staff).get(reverse("reports:report-list"))
    assert response["Location"] == reverse("reports:report-queue")


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_managers_cannot_file(request, client_of, persona):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(reverse("reports:report-create")).status_code == 404


def test_other_collaborator_cannot_edit_or_see(client_of, other_collaborator, draft):
    client = client_of(other_collaborator)
    assert (
        client.get(reverse("reports:report-edit", args=[draft.pk])).status_code == 404
    )
    assert (
        client.get(reverse("reports:report-detail", args=[draft.pk])).status_code == 404
    )
    response = client.post(
        reverse("reports:report-autosave"), {"report": draft.pk, "title": "Chiếm"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "Chiếm"


def test_submitted_report_cannot_be_edited(client_of, collaborator, report):
    response = client_of(collaborator).get(
        reverse("reports:report-edit", args=[report.pk])
    )
    assert response.status_code == 404


# --- Filing ---------------------------------------------------------------------------------


def test_form_shows_only_coverage_areas(
    client_of, collaborator, commune, other_commune
):
    response = client_of(collaborator).get(reverse("reports:report-create"))
    assert response.status_code == 200
    areas = list(response.context["form"].fields["area"].queryset)
    assert areas == [commune]


def test_file_and_submit_with_two_streams(client_of, collaborator, commune):
    data = report_post(
        commune,
        streams=[stream_post(0), stream_post(1, direction="support", summary="Ủng hộ")],
        action="submit",
    )
    data["streams-TOTAL_FORMS"] = "2"
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    report = OpinionReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report-detail", args=[report.pk])
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.streams.count() == 2
    assert list(report.events.values_list("action", flat=True)) == [
        "created",
        "submitted",
    ]


def test_save_draft_keeps_it_a_draft(client_of, collaborator, commune):
    data = report_post(commune, action="save", title="")
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    report = OpinionReport.objects.get()
    assert response["Location"] == reverse("reports:report-edit", args=[report.pk])
    assert report.status == OpinionReport.Status.DRAFT


def test_balance_prompt_then_confirm(client_of, collaborator, commune):
    client = client_of(collaborator)
    data = report_post(
        commune,
        streams=[stream_post(direction="support")],
        proposals="",
        action="submit",
    )
    response = client.post(reverse("reports:report-create"), data)
    assert response.status_code == 200
    assert response.context["balance_prompt"] is True
    report = OpinionReport.objects.get()
    assert report.status == OpinionReport.Status.DRAFT
    data["action"] = "submit_confirmed"
    response = client.post(reverse("reports:report-edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.balance_confirmed


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_saves_nothing(client_of, collaborator, commune, change, field):
    data = report_post(commune, action="submit", **change)
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not OpinionReport.objects.exists()


def test_area_outside_coverage_saves_nothing(client_of, collaborator, other_commune):
    data = report_post(other_commune, action="submit")
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    assert "area" in response.context["form"].errors
    assert not OpinionReport.objects.exists()


def test_empty_stream_is_refused_on_submit(client_of, collaborator, commune):
    data = report_post(commune, streams=[stream_post(summary="  ")], action="submit")
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["summary"]
    assert not OpinionReport.objects.exists()


def test_no_stream_at_all_is_refused_on_submit(client_of, collaborator, commune):
    data = report_post(commune, streams=[], action="submit")
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    report = OpinionReport.objects.get()
    assert report.status == OpinionReport.Status.DRAFT


def test_script_in_text_is_shown_as_text(client_of, collaborator, commune, staff):
    data = report_post(
        commune,
        action="submit",
        title="<script>alert(1)</script> cát",
        description="<img src=x onerror=alert(2)>",
    )
    client_of(collaborator).post(reverse("reports:report-create"), data)
    report = OpinionReport.objects.get()
    body = client_of(staff).get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body


def test_returned_report_needs_an_answer(
    client_of, collaborator, commune, report, staff
):
    from reports import services

    services.report_return(
        report=report, user=staff, version=report.version, question="?"
    )
    client = client_of(collaborator)
    url = reverse("reports:report-edit", args=[report.pk])
    page = client.get(url)
    assert page.context["question"].note == "?"
    data = report_post(commune, action="submit")
    response = client.post(url, data)
    assert "answer" in response.context["form"].errors
    data["answer"] = "Có 40 hộ."
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.events.last().action == ReportEvent.Action.RESUBMITTED


# --- Autosave ----------------------------------------------------------------------------------


def test_autosave_creates_then_updates_the_draft(client_of, collaborator, commune):
    client = client_of(collaborator)
    url = reverse("reports:report-autosave")
    data = report_post(commune, title="Bản nháp")
    response = client.post(url, data)
    body = json.loads(response.content)
    assert body["saved"] is True
    report = OpinionReport.objects.get()
    assert body["id"] == report.pk
    assert body["edit_url"] == reverse("reports:report-edit", args=[report.pk])
    data.update(report=str(report.pk), description="Đã bổ sung")
    client.post(url, data)
    report.refresh_from_db()
    assert OpinionReport.objects.count() == 1
    assert report.description == "Đã bổ sung"
    assert report.status == OpinionReport.Status.DRAFT


def test_autosave_keeps_valid_fields_when_one_is_bad(client_of, collaborator, commune):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = report_post(commune, title="Giữ lại", occurred_on=future)
    body = json.loads(
        client_of(collaborator).post(reverse("reports:report-autosave"), data).content
    )
    assert body["saved"] is True
    assert "occurred_on" in body["errors"]
    report = OpinionReport.objects.get()
    assert report.title == "Giữ lại"
    assert report.occurred_on is None


def test_autosave_of_an_empty_new_form_saves_nothing(client_of, collaborator, commune):
    data = report_post(commune, title="", description="", streams=[])
    body = json.loads(
        client_of(collaborator).post(reverse("reports:report-autosave"), data).content
    )
    assert body["saved"] is False
    assert not OpinionReport.objects.exists()


def test_autosave_is_post_only_and_collaborator_only(client_of, collaborator, staff):
    assert (
        client_of(collaborator).get(reverse("reports:report-autosave")).status_code
        == 405
    )
    assert (
        client_of(staff).post(reverse("reports:report-autosave"), {}).status_code == 404
    )


def test_collaborator_archives_a_draft(client_of, collaborator, draft):
    response = client_of(collaborator).post(
        reverse("reports:report-archive", args=[draft.pk])
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == OpinionReport.Status.ARCHIVED


# --- Dates too far back, ids that are not numbers -------------------------------------


def _earliest():
    return services.earliest_report_day()


def test_a_date_before_the_earliest_is_refused_on_submit(
    client_of, collaborator, commune
):
    too_old = _earliest() - datetime.timedelta(days=1)
    data = report_post(
        commune, action="submit", occurred_on=too_old.strftime("%d/%m/%Y")
    )
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    assert response.status_code == 200
    assert "occurred_on" in response.context["form"].errors
    assert not OpinionReport.objects.exists()
    assert not ReportingPeriod.objects.filter(start__lt=_earliest()).exists()


def test_the_earliest_date_itself_is_accepted(client_of, collaborator, commune):
    data = report_post(
        commune, action="submit", occurred_on=_earliest().strftime("%d/%m/%Y")
    )
    response = client_of(collaborator).post(reverse("reports:report-create"), data)
    assert response.status_code == 302
    report = OpinionReport.objects.get()
    assert report.occurred_on == _earliest()
    assert report.period.start == _earliest()


def test_autosave_of_year_one_makes_no_period(client_of, collaborator, commune):
    data = report_post(commune, title="Năm một", occurred_on="01/01/0001")
    response = client_of(collaborator).post(reverse("reports:report-autosave"), data)
    body = json.loads(response.content)
    assert body["saved"] is True
    assert "occurred_on" in body["errors"]
    report = OpinionReport.objects.get()
    assert (report.title, report.occurred_on) == ("Năm một", None)
    assert not ReportingPeriod.objects.filter(start__lt=_earliest()).exists()


@pytest.mark.parametrize("value", ["²", "١٢", "1²", "-1", "x"])
def test_autosave_with_a_report_id_that_is_no_number_is_404(
    client_of, collaborator, commune, draft, value
):
    data = report_post(commune, title="Không lưu", report=value)
    response = client_of(collaborator).post(reverse("reports:report-autosave"), data)
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "Không lưu"
    assert OpinionReport.objects.count() == 1


@pytest.mark.parametrize("value", ["²", "٣", "1.0"])
def test_archive_with_a_version_that_is_no_number_is_400(
    client_of, staff, report, value
):
    response = client_of(staff).post(
        reverse("reports:report-archive", args=[report.pk]), {"version": value}
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED
