"""Writes for the roster; one module per part of it, all re-exported here.

Giving sign-in (``collaborators.services.signin``) is used by name, as a module.
"""

from .imports import (
    collaborator_import,
    import_draft_complete,
    import_draft_create,
    import_draft_map,
    import_drafts_purge,
    import_mapping_remember,
)
from .regulations import regulation_acknowledge, regulation_create
from .roster import (
    collaborator_create,
    collaborator_set_reminder_emails,
    collaborator_update,
    roster_event_record,
)
from .training import (
    training_attendance_set,
    training_session_create,
    training_session_update,
)

__all__ = [
    "collaborator_create",
    "collaborator_import",
    "collaborator_set_reminder_emails",
    "collaborator_update",
    "import_draft_complete",
    "import_draft_create",
    "import_draft_map",
    "import_drafts_purge",
    "import_mapping_remember",
    "regulation_acknowledge",
    "regulation_create",
    "roster_event_record",
    "training_attendance_set",
    "training_session_create",
    "training_session_update",
]
