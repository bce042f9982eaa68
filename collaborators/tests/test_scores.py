"""Emulation scores: each rule of collaborators/scoring.py, the ranking page, its
exports, a collaborator's own score and the terms-ending page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from openpyxl import load_workbook

from collaborators import scoring
from collaborators.models import (
    Collaborator,
    CollaboratorScore,
    RegulationAcknowledgement,
    TrainingAttendance,
)
from collaborators.tests.factories import (
    CollaboratorFactory,
    RegulationFactory,
    TrainingSessionFactory,
)
from meetings.models import Attendance, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory
from reports.models import OpinionReport, ReportingRecord
from reports.tests.factories import OpinionReportFactory, ReportingPeriodFactory
from tests.support.pdf import pdf_text

YEAR = 2025
State = ReportingRecord.State
TITLE = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
# Session, user, their unit, its subtree, count, keys, rows, notifications, the
# unit drop-down: whatever the number of rows.
RANKING_QUERIES = 9
TERMS_QUERIES = 8


def at(month, day=1, year=YEAR):
    return timezone.make_aware(datetime.datetime(year, month, day, 9))


def parts_of(collaborator_ids):
    from dluan.registry import score_parts

    return score_parts(YEAR, collaborator_ids)


@pytest.fixture
def ctv(collaborator):
    return collaborator.collaborator


@pytest.fixture
def other_ctv(other_collaborator):
    return other_collaborator.collaborator


# --- Each part -------------------------------------------------------------------


def test_reporting_and_on_time_count_periods_due_in_the_year(ctv):
    states = [State.ON_TIME, State.LATE, State.MISSING, State.PENDING]
    for month, state in zip([2, 4, 6, 8], states, strict=True):
        period = ReportingPeriodFactory(
            start=datetime.date(YEAR, month - 1, 1),
            end=datetime.date(YEAR, month, 28),
            deadline=datetime.date(YEAR, month, 23),
        )
        ReportingRecord.objects.create(
            collaborator=ctv, period=period, unit=ctv.unit, state=state
        )
    earlier = ReportingPeriodFactory(
        start=datetime.date(YEAR - 1, 11, 1),
        end=datetime.date(YEAR - 1, 12, 31),
        deadline=datetime.date(YEAR - 1, 12, 26),
    )
    ReportingRecord.objects.create(
        collaborator=ctv, period=earlier, unit=ctv.unit, state=State.MISSING
    )
    parts = parts_of([ctv.pk])
    assert parts["reporting"][ctv.pk] == pytest.approx(2 / 3)
    assert parts["on_time"][ctv.pk] == pytest.approx(1 / 3)
    # Expected to report, filed no urgent report: the urgent part is 0.
    assert parts["urgent"][ctv.pk] == 0


def test_quality_averages_ratings_of_reports_accepted_in_the_year(ctv):
    accepted = OpinionReport.Status.ACCEPTED
    for rating, when in [(5, at(3)), (3, at(9)), (1, at(6, year=YEAR - 1))]:
        OpinionReportFactory(
            author=ctv,
            status=accepted,
            accepted_at=when,
            quality_depth=rating,
            quality_balance=rating,
            quality_timeliness=rating,
            quality_usefulness=rating,
        )
    OpinionReportFactory(author=ctv, status=accepted, accepted_at=at(4))  # unrated
    OpinionReportFactory(
        author=ctv,
        status=OpinionReport.Status.SUBMITTED,
        quality_depth=1,
        quality_balance=1,
        quality_timeliness=1,
        quality_usefulness=1,
    )
    assert parts_of([ctv.pk])["quality"][ctv.pk] == pytest.approx(0.75)


def test_urgent_reports_accepted_count_up_to_the_cap(ctv, settings):
    for month in (2, 3):
        OpinionReportFactory(
            author=ctv,
            kind=OpinionReport.Kind.URGENT,
            status=OpinionReport.Status.ACCEPTED,
            accepted_at=at(month),
        )
    OpinionReportFactory(author=ctv, kind=OpinionReport.Kind.URGENT)  # not accepted
    assert parts_of([ctv.pk])["urgent"][ctv.pk] == pytest.approx(0.4)
    settings.SCORE_URGENT_CAP = 2
    assert parts_of([ctv.pk])["urgent"][ctv.pk] == 1


def test_meetings_count_present_and_half_excused_of_held_invitations(ctv, town, staff):
    statuses = [
        Attendance.Status.PRESENT,
        Attendance.Status.EXCUSED,
        Attendance.Status.ABSENT,
    ]
    for month, status in zip([2, 5, 8], statuses, strict=True):
        meeting = MeetingFactory(
            unit=town, status=Meeting.Status.HELD, starts_at=at(month)
        )
        InvitationFactory(meeting=meeting, collaborator=ctv)
        Attendance.objects.create(
            meeting=meeting, collaborator=ctv, status=status, recorded_by=staff
        )
    planned = MeetingFactory(unit=town, starts_at=at(11))
    InvitationFactory(meeting=planned, collaborator=ctv)
    assert parts_of([ctv.pk])["meetings"][ctv.pk] == pytest.approx(0.5)


def test_training_counts_sessions_of_the_units_above(
    ctv, other_ctv, town, commune, other_town
):
    sessions = [
        TrainingSessionFactory(unit=town, date=datetime.date(YEAR, 3, 1)),
        TrainingSessionFactory(unit=town, date=datetime.date(YEAR, 9, 1)),
        TrainingSessionFactory(unit=commune, date=datetime.date(YEAR, 5, 1)),
    ]
    TrainingSessionFactory(unit=other_town, date=datetime.date(YEAR, 4, 1))
    TrainingSessionFactory(unit=town, date=datetime.date(YEAR - 1, 4, 1))
    for session in sessions[:2]:
        TrainingAttendance.objects.create(session=session, collaborator=ctv)
    TrainingAttendance.objects.create(
        session=sessions[2], collaborator=ctv, attended=False
    )
    training = parts_of([ctv.pk, other_ctv.pk])["training"]
    assert training[ctv.pk] == pytest.approx(2 / 3)
    assert training[other_ctv.pk] == 0  # two town sessions for Hương Toàn, none


def test_regulation_needs_the_version_in_force(ctv, other_ctv, town):
    first = RegulationFactory(unit=town, effective_date=datetime.date(YEAR, 1, 1))
    current = RegulationFactory(unit=town, effective_date=datetime.date(YEAR, 6, 1))
    RegulationFactory(unit=town, effective_date=datetime.date(YEAR + 5, 1, 1))
    RegulationAcknowledgement.objects.create(regulation=current, collaborator=ctv)
    RegulationAcknowledgement.objects.create(regulation=first, collaborator=other_ctv)
    regulation = parts_of([ctv.pk, other_ctv.pk])["regulation"]
    assert regulation == {ctv.pk: 1.0, other_ctv.pk: 0.0}


# --- Totals ----------------------------------------------------------------------


def test_default_weights_sum_to_one_hundred():
    assert sum(settings.SCORE_WEIGHTS.values()) == 100
    assert scoring.score_total(
        dict.fromkeys(settings.SCORE_WEIGHTS, 1.0), settings.SCORE_WEIGHTS
    ) == Decimal("100.0")


def test_total_is_the_weighted_average_of_the_parts_that_apply():
    parts = {
        "reporting": 1.0,
        "on_time": 0.5,
        "quality": 0.75,
        "urgent": 0.4,
        "meetings": 0.5,
        "training": 0.0,
        "regulation": 1.0,
    }
    # 30 + 10 + 15 + 4 + 5 + 0 + 5
    assert scoring.score_total(parts, settings.SCORE_WEIGHTS) == Decimal("69.0")
    # Without meetings and quality, their 30 points are shared by the others.
    del parts["meetings"], parts["quality"]
    expected = Decimal(str(round((30 + 10 + 4 + 0 + 5) / 70 * 100, 1)))
    assert scoring.score_total(parts, settings.SCORE_WEIGHTS) == expected


def test_weights_come_from_settings(settings):
    settings.SCORE_WEIGHTS = {"reporting": 50, "regulation": 50}
    assert scoring.score_total(
        {"reporting": 1.0, "regulation": 0.0, "quality": 1.0}, scoring.weights()
    ) == Decimal("50.0")


def test_collaborator_with_nothing_expected_scores_zero_without_parts(other_town):
    lone = CollaboratorFactory(unit=other_town)
    assert scoring.scores_compute(year=YEAR, collaborator_ids=[lone.pk]) == 1
    score = CollaboratorScore.objects.get(collaborator=lone, year=YEAR)
    assert score.parts == {}
    assert score.total == 0


def test_a_single_part_carries_the_whole_weight(ctv, town):
    regulation = RegulationFactory(unit=town, effective_date=datetime.date(YEAR, 1, 1))
    RegulationAcknowledgement.objects.create(regulation=regulation, collaborator=ctv)
    scoring.scores_compute(year=YEAR)
    score = CollaboratorScore.objects.get(collaborator=ctv, year=YEAR)
    assert score.parts == {"regulation": 1.0}
    assert score.total == 100


def test_computing_twice_gives_the_same_rows(ctv, other_ctv, town, commune):
    TrainingAttendance.objects.create(
        session=TrainingSessionFactory(unit=town, date=datetime.date(YEAR, 3, 1)),
        collaborator=ctv,
    )
    dismissed = CollaboratorFactory(unit=commune, status=Collaborator.Status.DISMISSED)
    assert scoring.scores_compute(year=YEAR) == 2
    first = list(
        CollaboratorScore.objects.values("pk", "collaborator", "total", "parts")
    )
    assert scoring.scores_compute(year=YEAR) == 2
    again = list(
        CollaboratorScore.objects.values("pk", "collaborator", "total", "parts")
    )
    assert first == again
    assert not CollaboratorScore.objects.filter(collaborator=dismissed).exists()
    assert {row["collaborator"]: row["total"] for row in again} == {
        ctv.pk: Decimal("100.0"),
        other_ctv.pk: Decimal("0.0"),
    }


# --- The ranking and its exports ---------------------------------------------------


def make_score(collaborator, total, year=YEAR, **parts):
    return CollaboratorScore.objects.create(
        collaborator=collaborator,
        unit=collaborator.unit,
        year=year,
        total=Decimal(str(total)),
        parts=parts or {"reporting": total / 100},
    )


@pytest.fixture
def ranked(ctv, other_ctv, other_town):
    outsider = CollaboratorFactory(unit=other_town, full_name="Ngô Thị Xuân")
    return [
        make_score(other_ctv, 91.5),
        make_score(ctv, 78),
        make_score(CollaboratorFactory(unit=ctv.unit, full_name="Đặng Văn Ý"), 40),
        make_score(outsider, 99),
    ]


def scores_url(name="scores", **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(f"collaborators:{name}") + (f"?{query}" if query else "")


def test_staff_see_their_subtree_ranked_highest_first(client_of, staff, ranked):
    response = client_of(staff).get(scores_url(year=YEAR))
    assert response.status_code == 200
    names = [
        score.collaborator.full_name for _r, score, _p in response.context["ranked"]
    ]
    assert names == ["Lê Văn Bình", "Trần Thị Hoa", "Đặng Văn Ý"]
    assert [rank for rank, _s, _p in response.context["ranked"]] == [1, 2, 3]
    assert "Ngô Thị Xuân" not in response.content.decode()


def test_unit_filter_narrows_to_its_subtree(client_of, leader, ranked, commune):
    response = client_of(leader).get(scores_url(year=YEAR, unit=commune.pk))
    names = [
        score.collaborator.full_name for _r, score, _p in response.context["ranked"]
    ]
    assert names == ["Trần Thị Hoa", "Đặng Văn Ý"]


def test_other_units_staff_see_none_of_ours(client_of, other_staff, ranked, commune):
    client = client_of(other_staff)
    response = client.get(scores_url(year=YEAR))
    names = [
        score.collaborator.full_name for _r, score, _p in response.context["ranked"]
    ]
    assert names == ["Ngô Thị Xuân"]
    assert client.get(scores_url(year=YEAR, unit=commune.pk)).status_code == 404
    other = ranked[0].collaborator_id
    assert (
        client.get(reverse("collaborators:score-detail", args=[other])).status_code
        == 404
    )


def test_collaborator_sees_only_their_own_score(client_of, collaborator, ranked):
    client = client_of(collaborator)
    response = client.get(scores_url(year=YEAR))
    assert response.status_code == 200
    assert response.context["score"] == ranked[1]
    page = response.content.decode()
    assert localize(Decimal("78.0")) in page and "Lê Văn Bình" not in page
    other = ranked[0].collaborator_id
    assert (
        client.get(reverse("collaborators:score-detail", args=[other])).status_code
        == 404
    )
    for name in ("scores-export", "scores-commendation"):
        assert client.get(scores_url(name)).status_code == 404


def test_own_score_shows_weights_and_parts(client_of, collaborator, ctv):
    make_score(ctv, 50, year=timezone.localdate().year, reporting=1.0, quality=0.25)
    response = client_of(collaborator).get(scores_url())
    parts = {part["name"]: part for part in response.context["parts"]}
    assert parts["reporting"]["weight"] == 30 and parts["reporting"]["percent"] == 100
    assert parts["quality"]["percent"] == 25
    assert parts["meetings"]["percent"] is None


def test_anonymous_is_sent_to_login(client, ranked):
    for name in ("scores", "scores-export", "scores-commendation"):
        response = client.get(scores_url(name))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_xlsx_rows_equal_the_list(client_of, staff, ranked):
    client = client_of(staff)
    listed = client.get(scores_url(year=YEAR)).context["ranked"]
    response = client.get(scores_url("scores-export", year=YEAR))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[2], row[-1]) for row in rows] == [
        (rank, score.collaborator.full_name, score.unit.name, float(score.total))
        for rank, score, _p in listed
    ]
    assert rows[0][3] == 91.5  # the reporting part, as a percentage


def test_commendation_pdf_lists_the_top_in_vietnamese(
    client_of, staff, ranked, settings
):
    settings.COMMENDATION_SIZE = 2
    response = client_of(staff).get(scores_url("scores-commendation", year=YEAR))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert TITLE in text
    assert "Lê Văn Bình" in text and "Trần Thị Hoa" in text
    assert "Đặng Văn Ý" not in text  # third: beyond the list's size
    assert "THỊ ỦY HƯƠNG TRÀ" in text and "Nơi nhận:" in text


def test_ranking_query_count_does_not_grow_with_rows(
    client_of, staff, commune, django_assert_num_queries
):
    client = client_of(staff)
    for count in (3, 60):
        CollaboratorScore.objects.all().delete()
        for n in range(count):
            make_score(CollaboratorFactory(unit=commune), n)
        with django_assert_num_queries(RANKING_QUERIES):
            response = client.get(scores_url(year=YEAR))
        assert len(response.context["ranked"]) == min(count, 25)


# --- Terms ending ------------------------------------------------------------------


def test_terms_ending_shows_this_years_score(
    client_of, staff, commune, django_assert_num_queries
):
    client = client_of(staff)
    year = timezone.localdate().year
    soon = timezone.localdate() + datetime.timedelta(days=20)
    for count in (2, 12):
        for _n in range(count - Collaborator.objects.filter(term_end=soon).count()):
            person = CollaboratorFactory(unit=commune, term_end=soon)
            make_score(person, 64.5, year=year)
            make_score(person, 12, year=year - 1)
        with django_assert_num_queries(TERMS_QUERIES):
            response = client.get(reverse("collaborators:terms-ending"))
        cells = response.content.decode().count('data-testid="term-score"><a')
        assert cells == count
        assert localize(Decimal("64.5")) in response.content.decode()
        assert localize(Decimal("12.0")) not in response.content.decode()
