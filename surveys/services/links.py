"""Personal one-time links (printed as QR slips) and the QR codes of the links."""

import qrcode
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.html import format_html, mark_safe
from django.utils.translation import gettext_lazy as _

from surveys.forms.respondent import survey_communes
from surveys.models import PersonalLink, Survey

MAX_LINKS_AT_ONCE = 500
MAX_LINKS_PER_SURVEY = 20000


def qr_svg(data: str, *, label: str = ""):
    """The QR code of ``data`` as inline SVG markup, drawn here (no outside service).

    Drawn from the module grid the ``qrcode`` library computes, one square per
    dark module in one path: no ``style`` attribute (the Content-Security-Policy
    forbids inline styles), no ``id`` (a page of slips holds many), no fixed
    size (the ``qr-code`` class sizes it).
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # the quiet zone included
    size = len(matrix)
    squares = "".join(
        f"M{x},{y}h1v1h-1z"
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    )
    name = (
        format_html('role="img" aria-label="{}"', label)
        if label
        else mark_safe('aria-hidden="true"')
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        'class="qr-code" {name} focusable="false" shape-rendering="crispEdges">'
        '<rect width="{size}" height="{size}" fill="#ffffff"/>'
        '<path d="{squares}" fill="#000000"/></svg>',
        size=size,
        name=name,
        squares=squares,
    )


def link_counts(survey: Survey) -> dict:
    """How many personal links a survey has, used and not (one query)."""
    counts = PersonalLink.objects.filter(survey=survey).aggregate(
        total=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
    )
    counts["unused"] = counts["total"] - counts["used"]
    counts["fill"] = (
        round(100 * counts["used"] / counts["total"]) if counts["total"] else 0
    )
    return counts


def personal_link_make(
    *, survey: Survey, count: int, commune=None
) -> list[PersonalLink]:
    """Make ``count`` one-time links, numbered after the survey's last slip."""
    if not 1 <= count <= MAX_LINKS_AT_ONCE:
        raise ValidationError(
            _("Make between 1 and %(n)s links at a time.") % {"n": MAX_LINKS_AT_ONCE},
            code="count",
        )
    if (
        commune is not None
        and not survey_communes(survey).filter(pk=commune.pk).exists()
    ):
        raise ValidationError(
            _("Choose a commune or ward of the survey's area."), code="commune"
        )
    if survey.status in (Survey.Status.CLOSED, Survey.Status.ARCHIVED):
        raise ValidationError(
            _("This survey is closed: it takes no more links."), code="closed"
        )
    with transaction.atomic():
        # One maker at a time per survey: the slip numbers follow each other.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        existing = PersonalLink.objects.filter(survey=survey).aggregate(
            last=Max("number"), total=Count("pk")
        )
        if existing["total"] + count > MAX_LINKS_PER_SURVEY:
            raise ValidationError(
                _("A survey takes at most %(n)s personal links.")
                % {"n": MAX_LINKS_PER_SURVEY},
                code="count",
            )
        first = (existing["last"] or 0) + 1
        return PersonalLink.objects.bulk_create(
            [
                PersonalLink(survey=survey, number=first + i, commune=commune)
                for i in range(count)
            ]
        )
