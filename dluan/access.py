"""Role checks and form helpers shared by every app's views.

The wrong role gets a 404, like an object out of scope: nothing is disclosed.
"""

from django.http import Http404


def require_collaborator(user):
    if not user.is_collaborator or not hasattr(user, "collaborator"):
        raise Http404


def require_manager(user):
    if not user.is_manager:
        raise Http404


def require_staff(user):
    if not user.is_board_staff:
        raise Http404


def require_leader(user):
    if not (user.is_leader or user.is_superuser):
        raise Http404


def posted_int(value: str) -> int | None:
    """A posted id or version: ASCII digits only (``"²".isdigit()`` is true)."""
    value = value.strip()
    if value.isascii() and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None


def add_errors(form, error) -> None:
    """Put a service's ValidationError on the form: on its fields or on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
