"""The Celery app, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dluan.settings")

app = Celery("dluan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def lower_priority() -> None:
    """Give the machine's CPU to the web first: jobs (a province's summary and
    workbook take minutes of it) run at WORKER_NICE, so pages stay quick while
    one compiles."""
    from django.conf import settings

    if settings.WORKER_NICE:
        os.nice(settings.WORKER_NICE)


@worker_process_init.connect
def _worker_process_init(**kwargs):
    lower_priority()
