"""Writes for reports; one module per part of the workflow, all re-exported here."""

from .base import ConflictError
from .discipline import discipline_compute, discipline_refresh
from .filing import (
    BalancePromptRequired,
    attachment_remove,
    attachments_add,
    report_file,
    report_save_draft,
    report_submit,
)
from .issues import (
    direction_create,
    followup_create,
    followup_respond,
    followups_flag_overdue,
    issue_create,
    issue_refresh_seen,
    issue_update,
    report_link_issue,
    report_unlink_issue,
)
from .periods import (
    earliest_report_day,
    focus_topics_set,
    period_bounds,
    period_for,
    periods_ensure_ahead,
    topic_create,
    topic_set_active,
    topic_update,
    topics_seed_defaults,
)
from .reminders import missing_digest_send, reminders_send
from .review import (
    report_accept,
    report_archive,
    report_mark_rumour,
    report_rate,
    report_retag,
    report_return,
)
from .towns import report_towns_sync
from .warnings import warning_acknowledge, warnings_raise

__all__ = [
    "BalancePromptRequired",
    "ConflictError",
    "attachment_remove",
    "attachments_add",
    "direction_create",
    "discipline_compute",
    "discipline_refresh",
    "earliest_report_day",
    "focus_topics_set",
    "followup_create",
    "followup_respond",
    "followups_flag_overdue",
    "issue_create",
    "issue_refresh_seen",
    "issue_update",
    "missing_digest_send",
    "period_bounds",
    "period_for",
    "periods_ensure_ahead",
    "reminders_send",
    "report_accept",
    "report_archive",
    "report_file",
    "report_link_issue",
    "report_mark_rumour",
    "report_rate",
    "report_retag",
    "report_return",
    "report_save_draft",
    "report_submit",
    "report_towns_sync",
    "report_unlink_issue",
    "topic_create",
    "topic_set_active",
    "topic_update",
    "topics_seed_defaults",
    "warning_acknowledge",
    "warnings_raise",
]
