"""`manage.py daily_jobs`: the daily jobs of dluan/jobs.py, in the foreground."""

import datetime
import traceback
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dluan.jobs import DAILY_JOBS


def _load(dotted: str):
    """The function at ``dotted``, or None when its module or name does not exist."""
    module_name, name = dotted.rsplit(".", 1)
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise
        return None
    return getattr(module, name, None)


class Command(BaseCommand):
    help = (
        "Run, in the foreground and in order, every job Celery beat runs each day "
        "(dluan/jobs.py: periods and meetings ahead, discipline, scores, summaries "
        "due, overdue follow-ups, early warnings, reminders) and print what each "
        "did. Safe to re-run: a second run sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Run as if today were this day (YYYY-MM-DD); default: today.",
        )
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            choices=[job.name for job in DAILY_JOBS],
            metavar="JOB",
            help="Leave out this job (its beat name; may be repeated).",
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        failed = []
        for job in DAILY_JOBS:
            if job.name in options["skip"]:
                self.stdout.write(f"{job.label}: skipped")
                continue
            function = _load(job.service)
            if function is None:
                raise CommandError(f"{job.service} does not exist.")
            try:
                result = function(**job.kwargs(today))
            except Exception as exc:  # the other jobs still run
                failed.append(job.label)
                self.stderr.write(f"{job.label}: failed: {exc!r}")
                self.stderr.write(traceback.format_exc())
                continue
            self.stdout.write(f"{job.label}: {job.describe(result)}")
        if failed:
            raise CommandError("Failed: " + ", ".join(failed))
        self.stdout.write(self.style.SUCCESS("Daily jobs done."))
