"""The summary's life: beat's drafts after the deadline, versions, a failure that
shows and can be retried, a job that died, the command that compiles in the
foreground."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import gettext

from dluan.models import Notification
from reports.models import OpinionReport
from reports.tests.factories import (
    OpinionReportFactory,
    OpinionStreamFactory,
    ReportingPeriodFactory,
)
from summaries import services
from summaries.models import Summary

# Jobs are enqueued on commit (and run inline without a broker): commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def period(db):
    return ReportingPeriodFactory(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )


@pytest.fixture
def filed(period, collaborator):
    report = OpinionReportFactory(
        author=collaborator.collaborator,
        period=period,
        occurred_on=period.start,
        status=OpinionReport.Status.ACCEPTED,
        title="Người dân phản ánh mùi hôi bãi rác Thủy Phương",
    )
    OpinionStreamFactory(report=report, summary="Bà con bức xúc vì mùi hôi.")
    return report


def test_beat_drafts_once_for_each_unit_with_staff_after_the_deadline(
    period, filed, town, staff, other_town, other_staff, commune
):
    before = services.summaries_compile_due(today=datetime.date(2026, 10, 25))
    assert before == []  # the deadline day itself: not yet
    created = services.summaries_compile_due(today=datetime.date(2026, 10, 26))
    assert sorted(s.unit.name for s in created) == sorted([town.name, other_town.name])
    assert all(s.status == Summary.Status.DRAFT for s in Summary.objects.all())
    # Run again (beat twice, or the next day): nothing new.
    assert services.summaries_compile_due(today=datetime.date(2026, 10, 27)) == []
    assert Summary.objects.count() == 2
    mine = Summary.objects.get(unit=town)
    assert mine.snapshot["reports"]["total"]["value"] == 1
    assert mine.requested_by is None  # beat, not a person


def test_a_new_version_keeps_the_old_one_and_carries_the_text_over(
    period, filed, town, staff
):
    first = services.summary_request(unit=town, period=period, user=staff)
    first.refresh_from_db()
    services.summary_edit(
        summary=first,
        user=staff,
        data={"general_situation": "Tình hình tư tưởng ổn định.", "number": "Số 7"},
    )
    first = services.summary_approve(summary=first, user=staff)
    filed.title = "Tiêu đề đã sửa sau khi duyệt"
    filed.save()
    second = services.summary_request(unit=town, period=period, user=staff)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == Summary.Status.APPROVED  # kept, still readable
    assert second.status == Summary.Status.DRAFT
    assert second.general_situation == "Tình hình tư tưởng ổn định."
    assert second.number == "Số 7"
    assert second.approved_at is None
    # The approved snapshot did not change with the report.
    titles = [q["title"] for q in first.snapshot["quote_candidates"]]
    assert titles == ["Người dân phản ánh mùi hôi bãi rác Thủy Phương"]


def test_approval_notifies_the_units_leaders_once(period, filed, town, staff, leader):
    summary = services.summary_request(unit=town, period=period, user=staff)
    summary.refresh_from_db()
    services.summary_approve(summary=summary, user=staff)
    notes = Notification.objects.filter(recipient=leader)
    assert notes.count() == 1
    assert summary.get_absolute_url() in notes.get().url
    with pytest.raises(ValidationError) as refused:
        services.summary_approve(summary=summary, user=staff)
    assert refused.value.messages == [
        gettext("Only a draft can be changed; make a new version to change it.")
    ]
    assert notes.count() == 1


def test_a_failed_compilation_says_so_and_can_be_retried(
    period, filed, town, staff, settings, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocked)
    summary = services.summary_request(unit=town, period=period, user=staff)
    summary.refresh_from_db()
    assert summary.status == Summary.Status.FAILED
    assert summary.error  # shown on the page
    assert not summary.is_running
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.summary_retry(summary=summary, user=staff)
    summary.refresh_from_db()
    assert summary.status == Summary.Status.DRAFT
    assert summary.version == 1
    assert summary.pdf and summary.xlsx and summary.docx


def test_a_job_that_died_shows_as_stopped_and_a_new_request_retries_it(
    period, filed, town, staff, settings
):
    summary = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    Summary.objects.filter(pk=summary.pk).update(
        status=Summary.Status.COMPILING,
        started_at=timezone.now()
        - datetime.timedelta(
            seconds=settings.SUMMARY_COMPILE_TIME_LIMIT
            + settings.SUMMARY_STALL_GRACE
            + 1
        ),
    )
    summary.refresh_from_db()
    assert summary.is_stalled
    again = services.summary_request(unit=town, period=period, user=staff)
    assert again.pk == summary.pk
    again.refresh_from_db()
    assert again.status == Summary.Status.DRAFT
    assert Summary.objects.filter(unit=town, period=period).count() == 1


def test_compile_summary_command_prints_progress_and_the_files(period, filed, town):
    out = StringIO()
    call_command(
        "compile_summary", "--unit", town.name, "--period", "2026-10-03", stdout=out
    )
    text = out.getvalue()
    summary = Summary.objects.get(unit=town, period=period)
    assert summary.status == Summary.Status.DRAFT
    assert "reports" in text and "100 %" in text
    for field in (summary.pdf, summary.xlsx, summary.docx):
        assert field.path in text
    call_command(
        "compile_summary", "--unit", str(town.pk), "--period", "2026-09-01", stdout=out
    )
    assert Summary.objects.filter(unit=town, period=period).count() == 2


@pytest.mark.parametrize(
    ("unit", "day", "message"),
    [
        ("Không có đơn vị này", "2026-10-03", "No unit"),
        (None, "03/10/2026", "is not a date"),
        (None, "2001-01-01", "No reporting period"),
    ],
)
def test_compile_summary_command_refuses_bad_arguments(
    period, town, unit, day, message
):
    with pytest.raises(CommandError, match=message):
        call_command("compile_summary", "--unit", unit or town.name, "--period", day)
    assert not Summary.objects.exists()
