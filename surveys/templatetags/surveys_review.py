"""The review queue's rows (``surveys/review_list.html``), written in Python.

Twenty-five rows of eleven cells went through the template engine a lookup at a
time (a response's fields, its url, a date filter, a translated label per row):
more than the rest of the page. The markup is the template's.
"""

from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

register = template.Library()

BADGES = {
    "approved": "text-bg-success",
    "rejected": "text-bg-danger",
    "has_issues": "text-bg-warning",
}


def _e(value) -> str:
    return escape(str(value))


@register.simple_tag
def response_rows(rows, can_review) -> str:
    """The ``<tr>``s of ``rows`` (the view's dicts: the response and its labels)."""
    if not rows:
        return mark_safe(  # noqa: S308 (a translated constant, escaped)
            f'<tr><td colspan="{11 if can_review else 10}" '
            f'class="text-body-secondary">{_e(gettext("No responses match."))}</td></tr>'
        )
    flags = (
        f'<span class="badge text-bg-warning me-1">{_e(gettext("Too fast"))}</span>',
        f'<span class="badge text-bg-warning me-1">{_e(gettext("Near-identical"))}'
        "</span>",
        f'<span class="badge text-bg-secondary">{_e(gettext("Over quota"))}</span>',
    )
    tick = gettext("Tick response #%(number)s")
    parts = []
    for row in rows:
        r = row["response"]
        pk = r.pk
        cells = []
        if can_review:
            cells.append(
                f'<td><input class="form-check-input" type="checkbox" name="ids" '
                f'value="{pk}" id="pick-{pk}" '
                f'aria-label="{_e(tick % {"number": pk})}"></td>'
            )
        commune = r.commune.name if r.commune_id else ""
        interviewer = r.collaborator.full_name if r.collaborator_id else ""
        submitted = (
            date_format(localtime(r.submitted_at), "d/m/Y H:i")
            if r.submitted_at
            else ""
        )
        marks = (
            (flags[0] if r.flag_fast else "")
            + (flags[1] if r.flag_duplicate else "")
            + (flags[2] if r.over_quota else "")
        )
        badge = BADGES.get(r.review, "text-bg-light border")
        cells.append(
            f'<td><a href="{_e(r.get_absolute_url())}" data-testid="response-{pk}">'
            f"#{pk}</a></td>"
            f"<td>{_e(commune or '—')}</td>"
            f"<td>{_e(row['sex'] or '—')}</td>"
            f"<td>{_e(row['age_group'] or '—')}</td>"
            f"<td>{_e(row['mode'])}</td>"
            f"<td>{_e(interviewer or '—')}</td>"
            f"<td>{submitted}</td>"
            f"<td>{_e(row['duration'] or '—')}</td>"
            f"<td>{marks}</td>"
            f'<td><span class="badge {badge}">{_e(row["review"])}</span></td>'
        )
        parts.append(f'<tr data-testid="response-row">{"".join(cells)}</tr>')
    # Every value from the responses and every label is escaped above.
    return mark_safe("\n".join(parts))  # noqa: S308
