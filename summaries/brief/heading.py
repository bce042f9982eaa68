"""The brief's heading: issuing committee, number, place and date, recipients."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from dluan import pdf
from dluan.document.heading import committee
from summaries.models import Summary

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _issue_day(summary: Summary) -> datetime.date:
    moment = summary.approved_at or summary.compiled_at
    if moment is None:
        return timezone.localdate(timezone=TIME_ZONE)
    return timezone.localtime(moment, TIME_ZONE).date()


def heading(summary: Summary) -> dict:
    unit = summary.unit
    issuer = pdf.issuer_lines(unit)
    short, committee_name = committee(issuer)
    number_text = summary.number.strip()
    if not number_text:
        # Left blank for the office to fill in by hand; kept open in HTML too.
        number_text = "\u00a0" * 8 + f"-BC/BTGDV{short}"
    if not number_text.startswith("Số"):
        # "Số" (number) belongs to the Party's document format, like the heading.
        number_text = f"Số {number_text}"
    period = summary.period
    recipients = summary.recipient_lines() or [
        _("Standing Office of the %(committee)s (for report)")
        % {"committee": committee_name},
        _("Members of the Standing Committee"),
        _("Filed: office"),
    ]
    return {
        "issuer_lines": issuer,
        "number": number_text,
        "place_date": pdf.place_and_date(unit, _issue_day(summary)),
        "title": "BÁO CÁO",
        "subject": _("Public opinion in the period from %(start)s to %(end)s")
        % {"start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}"},
        "confidentiality": summary.confidentiality,
        "recipients": recipients,
        "sign_for": summary.sign_for,
        "sign_title": summary.sign_title or _("Head of the Board"),
        "signer": summary.signer,
    }
