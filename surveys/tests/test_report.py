"""The survey's report: staff write and approve it; leaders read it and its files;
the periodic summary lists the surveys closed in its period."""

import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from surveys.models import Response, Survey, SurveyReport
from surveys.services.collect import Respondent, response_save
from tests.support.pdf import flat, pdf_text

pytestmark = pytest.mark.django_db

FINDINGS = "Đa số người dân đồng tình với chủ trương sắp xếp đơn vị hành chính."


def _answer(survey, user, commune, satisfied, *, sex="female"):
    saved = response_save(
        survey=survey,
        client_id=uuid.uuid4(),
        mode=Response.Mode.FACE_TO_FACE,
        data={"q-satisfied": satisfied, "q-why_not": "Thủ tục còn rườm rà"}
        if satisfied == "no"
        else {"q-satisfied": satisfied},
        respondent=Respondent(commune, sex, "30-44", "farmer"),
        submit=True,
        entered_by=user,
        collaborator=user.collaborator,
    )
    assert saved.ok, saved.cleaned.errors
    return saved.response


@pytest.fixture
def answered(survey, collaborator, commune):
    """Twelve "yes" and three "no", all approved; the survey closed."""
    for _ in range(12):
        _answer(survey, collaborator, commune, "yes")
    for _ in range(3):
        _answer(survey, collaborator, commune, "no")
    Response.objects.filter(survey=survey).update(review=Response.Review.APPROVED)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey.refresh_from_db()
    return survey


def _url(name, survey, *args):
    return reverse(f"surveys:{name}", args=[survey.pk, *args])


def test_staff_write_then_approve_the_report(client_of, staff, answered):
    client = client_of(staff)
    page = client.get(_url("report-edit", answered))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ông/bà có hài lòng với dịch vụ công trực tuyến không?" in text
    assert "(Chưa viết)" in text  # the findings, not written yet
    response = client.post(
        _url("report-edit", answered),
        {"findings": FINDINGS, "assessment": "", "recommendations": "Tiếp tục."},
    )
    assert response.status_code == 302
    report = SurveyReport.objects.get(survey=answered)
    assert report.findings == FINDINGS
    assert report.status == SurveyReport.Status.DRAFT
    client.post(_url("report-approve", answered))
    report.refresh_from_db()
    assert report.status == SurveyReport.Status.APPROVED
    assert report.approved_by == staff


def test_a_report_without_findings_or_of_an_open_survey_is_not_approved(
    client_of, staff, survey
):
    client = client_of(staff)
    client.post(_url("report-approve", survey))
    assert not SurveyReport.objects.exists()
    client.post(_url("report-edit", survey), {"findings": FINDINGS})
    response = client.post(_url("report-approve", survey), follow=True)
    assert "alert-danger" in response.content.decode() or "alert-error" in (
        response.content.decode()
    )
    assert SurveyReport.objects.get().status == SurveyReport.Status.DRAFT


def test_pdf_and_word_carry_the_figures_in_the_party_layout(
    client_of, leader, staff, answered
):
    client_of(staff).post(_url("report-edit", answered), {"findings": FINDINGS})
    client = client_of(leader)
    pdf = client.get(_url("report-download", answered, "pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = flat(pdf_text(b"".join(pdf.streaming_content)))
    assert "BÁO CÁO" in text
    assert "ĐẢNG BỘ" in text or "BAN TUYÊN GIÁO" in text
    assert FINDINGS in text
    assert "Hài lòng" in text
    assert "80,0%" in text  # 12 of 15
    word = client.get(_url("report-download", answered, "docx"))
    assert word.status_code == 200
    document = Document(io.BytesIO(b"".join(word.streaming_content)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert FINDINGS in body
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "80,0%" in cells


def test_hostile_text_is_shown_escaped(client_of, staff, answered):
    client = client_of(staff)
    client.post(
        _url("report-edit", answered), {"findings": "<script>alert(1)</script>"}
    )
    text = client.get(_url("report-edit", answered)).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_who_may_not(client_of, collaborator, other_staff, leader, answered):
    for target in (
        _url("report-edit", answered),
        _url("report-download", answered, "pdf"),
    ):
        response = Client().get(target)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
        assert client_of(collaborator).get(target).status_code == 404
        assert client_of(other_staff).get(target).status_code == 404
    assert (
        client_of(leader).get(_url("report-download", answered, "xls")).status_code
        == 404
    )
    # A leader reads; writing and approving are the staff's.
    leader_client = client_of(leader)
    assert (
        leader_client.post(_url("report-edit", answered), {"findings": "x"}).status_code
        == 404
    )
    assert leader_client.post(_url("report-approve", answered)).status_code == 404
    assert (
        client_of(other_staff).post(_url("report-approve", answered)).status_code == 404
    )
    assert not SurveyReport.objects.exists()
