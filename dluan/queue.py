"""Queuing Celery jobs so that a broker that is down breaks no page and loses no job.

Every job is queued through ``enqueue_on_commit`` (or ``enqueue`` outside a
transaction). When the broker cannot be reached, the request still succeeds: the
job is kept as an ``UnsentTask`` row and ``unsent_tasks_send``, run by beat every
minute, sends it once the broker answers again. Jobs are safe to run twice (the
notification e-mail claims each notification, a compilation claims its version),
so a row sent again after a crash between sending and deleting it does no harm.

What is not covered: a web process killed between the commit and the send; the
job is then lost, although its work stays findable (a notification with no
``emailed_at``, a summary shown as stalled with a way to retry).
"""

import logging
from functools import partial

import redis.exceptions
from celery import Task, current_app
from django.db import DatabaseError, transaction
from django.db.models import F
from kombu.exceptions import OperationalError

from dluan.models import UnsentTask

logger = logging.getLogger(__name__)

# What a broker that is down, restarting or hanging raises while we publish.
# OSError covers refused connections and socket timeouts.
BROKER_ERRORS = (
    OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
SEND_BATCH = 200


def _publish(name: str, args: list) -> None:
    # No retry loop of our own: the redis client already retries a connection,
    # and a request must not wait for a broker that is gone.
    task = current_app.tasks.get(name)
    if task is None:
        current_app.send_task(name, args=args, retry=False)
    else:
        task.apply_async(args=args, retry=False)


def enqueue(task: Task, *args) -> bool:
    """Send ``task(*args)`` to the broker now; keep it for later if it is down.

    Returns whether the broker took it. Inline mode (no broker configured) runs
    the task here, and its errors propagate as before.
    """
    if current_app.conf.task_always_eager:
        task.apply_async(args=args)
        return True
    try:
        _publish(task.name, list(args))
    except BROKER_ERRORS as error:
        logger.warning(
            "Broker unreachable; %s%s kept to send later: %s", task.name, args, error
        )
        try:
            UnsentTask.objects.create(
                task=task.name, args=list(args), last_error=str(error)[:1000]
            )
        except DatabaseError:
            # The transaction that wanted the job has committed: say so, and leave
            # the work to the sweeps over its own tables and to the retry button.
            logger.exception("Could not keep %s%s either", task.name, args)
        return False
    return True


def enqueue_on_commit(task: Task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (never before)."""
    transaction.on_commit(partial(enqueue, task, *args))


def unsent_tasks_send(*, batch: int = SEND_BATCH) -> int:
    """Send the jobs kept while the broker was down, oldest first.

    Stops at the first failure (the broker is still down) and counts an attempt
    on each row left. Two sweeps at once take different rows.
    """
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                UnsentTask.objects.select_for_update(skip_locked=True).order_by("pk")[
                    :batch
                ]
            )
            if not rows:
                return sent
            done = []
            failure = None
            for row in rows:
                try:
                    _publish(row.task, row.args)
                except BROKER_ERRORS as error:
                    failure = error
                    break
                done.append(row.pk)
            UnsentTask.objects.filter(pk__in=done).delete()
            sent += len(done)
            if failure is not None:
                UnsentTask.objects.filter(
                    pk__in=[row.pk for row in rows[len(done) :]]
                ).update(attempts=F("attempts") + 1, last_error=str(failure)[:1000])
                logger.warning(
                    "Broker still unreachable; %s job(s) left unsent: %s",
                    UnsentTask.objects.count(),
                    failure,
                )
                return sent
        logger.info("Sent %s job(s) kept while the broker was down.", len(done))
