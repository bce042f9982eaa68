"""What the summary page tests share: the constants, a compiled draft, the form's
data, URLs and counts."""

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dluan.models import Notification
from summaries import services
from summaries.models import Summary, SummaryRead

NARRATIVE = "Tình hình dư luận trong kỳ cơ bản ổn định, nhân dân đồng tình."
PAGES = ("summary-detail", "summary-status")
FILES = ("pdf", "docx", "xlsx")
STAFF_ACTIONS = ("summary-approve", "summary-recompile", "summary-retry")


def vi(message: str) -> str:
    """A message as the (Vietnamese by default) pages show it."""
    with translation.override("vi"):
        return gettext(message)


def flashed(response) -> list[str]:
    """Messages waiting to be shown (the redirects are not followed: they add up)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def compiled(unit, period, user, **fields) -> Summary:
    """A compiled draft (the worker's job run in the foreground)."""
    queued = services.summary_request(
        unit=unit, period=period, user=user, enqueue=False
    )
    summary = services.summary_compile(summary_id=queued.pk)
    if fields:
        Summary.objects.filter(pk=summary.pk).update(**fields)
        summary.refresh_from_db()
    return summary


def edit_data(summary: Summary, **changes) -> dict:
    data = {
        "revision": summary.revision,
        "general_situation": summary.general_situation,
        "prominent_opinion": summary.prominent_opinion,
        "forecast": summary.forecast,
        "recommendations": summary.recommendations,
        "number": summary.number,
        "confidentiality": summary.confidentiality,
        "recipients": summary.recipients,
        "sign_for": summary.sign_for,
        "sign_title": summary.sign_title,
        "signer": summary.signer,
    }
    data.update(changes)
    return data


def url(name: str, summary: Summary, *args) -> str:
    return reverse(f"summaries:{name}", args=[summary.pk, *args])


def counts() -> tuple[int, int, int]:
    return (
        Summary.objects.count(),
        SummaryRead.objects.count(),
        Notification.objects.count(),
    )
