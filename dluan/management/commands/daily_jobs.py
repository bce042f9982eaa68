import datetime
import traceback
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# The jobs Celery beat runs each day, in the order they depend on each other: the
# periods must exist before anyone is reminded of them, and scores read the
# discipline records. Each entry names a service
# function, imported when the command runs (dluan does not import the apps above it),
# how it is given the day, and how its result reads.
JOBS = [
    {
        "label": "periods ahead",
        "function": "reports.services.periods_ensure_ahead",
        "kwargs": lambda today: {"today": today},
        "describe": lambda result: f"{len(result)} periods present",
    },
    {
        "label": "periodic meetings",
        "function": "meetings.services.meeting_ensure_periodic",
        "kwargs": lambda today: {"on": today},
        "describe": lambda result: f"{result} meetings created",
    },
    {
        "label": "overdue follow-ups",
        "function": "reports.services.followups_flag_overdue",
        "kwargs": lambda today: {"today": today},
        "describe": lambda result: f"{result} follow-ups escalated",
    },
    {
        "label": "reporting discipline",
        "function": "reports.services.discipline_refresh",
        "kwargs": lambda today: {"today": today},
        "describe": lambda result: f"{result} records computed",
    },
    {
        "label": "emulation scores",
        "function": "collaborators.scoring.scores_compute",
        "kwargs": lambda today: {"year": today.year},
        "describe": lambda result: f"{result} collaborators scored",
    },
    {
        "label": "deadline reminders",
        "function": "reports.services.reminders.reminders_send",
        "kwargs": lambda today: {"today": today},
        "describe": lambda result: f"{result} notifications sent",
    },
    {
        "label": "missing-report digest",
        "function": "reports.services.reminders.missing_digest_send",
        "kwargs": lambda today: {"today": today},
        "describe": lambda result: f"{result} notifications sent",
    },
    {
        "label": "early warnings",
        "function": "reports.services.warnings_raise",
        "kwargs": lambda today: {"today": today},
        "describe": lambda result: f"{result} warnings raised",
    },
    {
        "label": "stale roster uploads",
        "function": "collaborators.services.import_drafts_purge",
        "kwargs": lambda today: {},
        "describe": lambda result: f"{result} uploads removed",
    },
]


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
        "(periods and meetings ahead, overdue follow-ups, reminders, early warnings) "
        "and print what each did. Safe to re-run: a second run sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Run as if today were this day (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        failed = []
        for job in JOBS:
            function = _load(job["function"])
            if function is None:
                raise CommandError(f"{job['function']} does not exist.")
            try:
                result = function(**job["kwargs"](today))
            except Exception as exc:  # the other jobs still run
                failed.append(job["label"])
                self.stderr.write(f"{job['label']}: failed: {exc!r}")
                self.stderr.write(traceback.format_exc())
                continue
            self.stdout.write(f"{job['label']}: {job['describe'](result)}")
        if failed:
            raise CommandError("Failed: " + ", ".join(failed))
        self.stdout.write(self.style.SUCCESS("Daily jobs done."))
