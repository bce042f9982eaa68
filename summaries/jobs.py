"""The summary's background jobs, as the services queue them.

Tasks call services (``summaries.tasks`` imports ``summaries.services``); services
queue tasks through here, by the task's registered name, so services never import
tasks and the two modules form no cycle. ``summaries.tasks`` declares its tasks
under these names, and ``SummariesConfig.ready`` imports it, so every process
(web, worker, the eager mode of ``make run`` and the tests) has them registered.
"""

from celery import current_app

from dluan.queue import enqueue_on_commit

COMPILE = "summaries.tasks.summary_compile"
RENDER = "summaries.tasks.summary_render"
COMPILE_DUE = "summaries.tasks.summaries_compile_due"


def compile_on_commit(summary_id: int) -> None:
    """Compile the version once the transaction that queued it commits."""
    # A broker that is down keeps the job for the sweep (dluan.queue): the version
    # waits as queued, and is shown as stalled with a retry if it never runs.
    enqueue_on_commit(current_app.tasks[COMPILE], summary_id)


def render_on_commit(summary_id: int) -> None:
    """Render the brief's PDF and Word file again once the edit commits."""
    enqueue_on_commit(current_app.tasks[RENDER], summary_id)
