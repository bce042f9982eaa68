"""The daily jobs are listed once (dluan/jobs.py): Celery beat and
`manage.py daily_jobs` run the same jobs, the command in the order of beat's times."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from dluan.celery import app
from dluan.jobs import DAILY_JOBS

# Not a daily job: the sweep of tasks the broker could not take, every minute.
SWEEP = "dluan-unsent-tasks"


def test_beat_runs_every_daily_job_at_its_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert [name for name in schedule if name != SWEEP] == [
        job.name for job in DAILY_JOBS
    ]
    app.loader.import_default_modules()
    for job in DAILY_JOBS:
        assert schedule[job.name]["task"] == job.task
        assert job.task in app.tasks, job.task
        entry = schedule[job.name]["schedule"]
        assert entry.hour == {job.hour} and entry.minute == {job.minute}, job.name
    times = [(job.hour, job.minute) for job in DAILY_JOBS]
    assert times == sorted(times)


@pytest.mark.django_db
def test_the_command_runs_every_job_beat_runs_in_the_same_order():
    out = StringIO()
    call_command("daily_jobs", stdout=out)
    lines = out.getvalue().splitlines()
    labels = [line.split(": ")[0] for line in lines if ": " in line]
    assert labels == [job.label for job in DAILY_JOBS]
    assert "summaries due: 0 summaries queued" in lines


@pytest.mark.django_db
def test_a_skipped_job_is_named_and_not_run(monkeypatch):
    import summaries.services

    def _refuse(**kwargs):
        raise AssertionError("the skipped job ran")

    monkeypatch.setattr(summaries.services, "summaries_compile_due", _refuse)
    out = StringIO()
    call_command("daily_jobs", "--skip", "summaries-compile-due", stdout=out)
    lines = out.getvalue().splitlines()
    assert "summaries due: skipped" in lines
    assert lines[-1] == "Daily jobs done."
