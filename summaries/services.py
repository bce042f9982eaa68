"""Writes for summaries: request a compilation, compile, edit, approve, render."""

import logging
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.temp import NamedTemporaryFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dluan.models import OrgUnit, User
from dluan.services import notification_send
from reports.models import ReportingPeriod
from summaries import jobs
from summaries.brief import official_brief
from summaries.models import Summary, SummaryRead
from summaries.renderers.pdf import render_brief_pdf
from summaries.renderers.word import render_brief_docx
from summaries.renderers.xlsx import write_summary_workbook
from summaries.snapshot import build_snapshot

logger = logging.getLogger(__name__)

# What a new version takes over from the one before it: the staff's words.
CARRIED_OVER = (
    "general_situation",
    "prominent_opinion",
    "forecast",
    "recommendations",
    "quotes",
    "include_names",
    "number",
    "confidentiality",
    "recipients",
    "sign_for",
    "sign_title",
    "signer",
)
EDITABLE = CARRIED_OVER
# Progress of a compilation: the figures, then the workbook, then the brief.
FIGURES_UNTIL = 40
WORKBOOK_UNTIL = 85


def units_with_staff():
    """Units that have at least one active board staff account."""
    return OrgUnit.objects.filter(
        pk__in=User.objects.filter(
            role=User.Role.STAFF, is_active=True, org_unit__isnull=False
        ).values("org_unit")
    )


@transaction.atomic
def summary_request(
    *,
    unit: OrgUnit,
    period: ReportingPeriod,
    user: User | None = None,
    enqueue: bool = True,
) -> Summary:
    """Queue a new version of ``unit``'s summary for ``period``.

    A compilation already waiting or running for the same unit and period is
    returned instead of a second one. The new version carries over the text and
    heading of the latest compiled version, so recompiling never loses words.
    Without ``enqueue`` the caller compiles it (``compile_summary`` does, in the
    foreground).
    """
    # The unit's row serialises requests for it: versions are numbered in turn.
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    existing = Summary.objects.running().filter(unit=unit, period=period).first()
    if existing is not None:
        if existing.is_stalled:
            return summary_retry(summary=existing, user=user, enqueue=enqueue)
        return existing
    versions = Summary.objects.filter(unit=unit, period=period)
    latest = versions.compiled().order_by("-version").first()
    number = (versions.aggregate(top=Max("version"))["top"] or 0) + 1
    summary = Summary(
        unit=unit,
        period=period,
        version=number,
        requested_by=user,
        requested_at=timezone.now(),
    )
    if latest is not None:
        for name in CARRIED_OVER:
            setattr(summary, name, getattr(latest, name))
    else:
        summary.recipients = "\n".join(default_recipients(unit))
    summary.save()
    if enqueue:
        jobs.compile_on_commit(summary.pk)
    return summary


def default_recipients(unit: OrgUnit) -> list[str]:
    """Nơi nhận of a first version; staff correct it on the edit page."""
    return [
        "Thường trực cấp ủy (để báo cáo)",
        "Các đồng chí Ủy viên Ban Thường vụ",
        "Ban Tuyên giáo và Dân vận cấp trên",
        "Lưu VT",
    ]


@transaction.atomic
def summary_retry(
    *, summary: Summary, user: User | None = None, enqueue: bool = True
) -> Summary:
    """Queue a failed or stalled compilation again (the same version)."""
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if not (summary.status == Summary.Status.FAILED or summary.is_stalled):
        raise ValidationError(_("Only a failed compilation can be retried."))
    summary.status = Summary.Status.QUEUED
    summary.error = ""
    summary.progress = 0
    summary.progress_step = ""
    summary.started_at = None
    summary.requested_at = timezone.now()
    if user is not None:
        summary.requested_by = user
    summary.save()
    if enqueue:
        jobs.compile_on_commit(summary.pk)
    return summary


def _set_progress(summary_id: int, percent: int, step: str) -> None:
    Summary.objects.filter(pk=summary_id, status=Summary.Status.COMPILING).update(
        progress=min(max(percent, 0), 99), progress_step=step[:100]
    )


def summary_compile(
    *,
    summary_id: int,
    echo: Callable[[str, int], None] | None = None,
    render_brief: bool = True,
) -> Summary | None:
    """Compile a queued version: figures, workbook, brief. Safe to run twice.

    The job claims the version (queued → compiling) and writes its result only
    while it still holds it: a second run of the same job, or a run after a
    worker died mid-way, ends with one compiled version, never two. Returns None
    when there was nothing to do. Without ``render_brief`` the PDF and Word file
    are left to the render job (the demo edits each version straight away).
    """
    now = timezone.now()
    claimed = Summary.objects.filter(pk=summary_id, status__in=Summary.RUNNING).update(
        status=Summary.Status.COMPILING, started_at=now, progress=1, error=""
    )
    if not claimed:
        return None
    summary = Summary.objects.select_related("unit", "period").get(pk=summary_id)
    last = {"at": 0.0}

    def report(step: str, percent: int) -> None:
        if echo is not None:
            echo(step, percent)
        # One write a second at most: the page polls once a second.
        if time.monotonic() - last["at"] >= 1 or percent in (0, 99):
            last["at"] = time.monotonic()
            _set_progress(summary_id, percent, step)

    try:
        snapshot = build_snapshot(
            summary.unit,
            summary.period,
            progress=lambda step, p: report(step, 1 + p * (FIGURES_UNTIL - 1) // 100),
        )
        summary.snapshot = snapshot
        report("workbook", FIGURES_UNTIL)
        workbook = _write_workbook(summary, report)
        report("brief", WORKBOOK_UNTIL)
        pdf, docx = _render_brief(summary) if render_brief else (None, None)
        with workbook, transaction.atomic():
            current = (
                Summary.objects.select_for_update()
                .filter(pk=summary_id, status=Summary.Status.COMPILING)
                .first()
            )
            if current is None:  # another run of the job finished first
                return None
            current.snapshot = snapshot
            current.status = Summary.Status.DRAFT
            current.compiled_at = timezone.now()
            current.progress = 100
            current.progress_step = ""
            current.xlsx.save(_file_name(current, "xlsx"), workbook, save=False)
            if pdf is not None:
                current.pdf.save(
                    _file_name(current, "pdf"), ContentFile(pdf), save=False
                )
                current.docx.save(
                    _file_name(current, "docx"), ContentFile(docx), save=False
                )
                current.rendered_revision = current.revision
                current.rendered_at = timezone.now()
            current.save()
    except Exception as exc:
        # The page shows the failure with a way to retry; the log has the trace.
        logger.exception("Compiling summary %s failed", summary_id)
        Summary.objects.filter(pk=summary_id, status=Summary.Status.COMPILING).update(
            status=Summary.Status.FAILED,
            error=_("The compilation stopped with an error: %(error)s")
            % {"error": type(exc).__name__},
        )
        return None
    return current


def _file_name(summary: Summary, extension: str) -> str:
    return (
        f"bao-cao-tong-hop-{summary.unit_id}-{summary.period.start:%Y-%m}"
        f"-v{summary.version}-r{summary.revision}.{extension}"
    )


def _write_workbook(summary: Summary, report) -> File:
    span = WORKBOOK_UNTIL - FIGURES_UNTIL
    handle = NamedTemporaryFile(suffix=".xlsx")

    def progress(done: int, total: int) -> None:
        if total:
            report("workbook", FIGURES_UNTIL + span * done // total)

    write_summary_workbook(summary, handle, progress=progress)
    handle.flush()
    handle.seek(0)
    return File(handle)


def _render_brief(summary: Summary) -> tuple[bytes, bytes]:
    """The PDF and the Word file, both from one build of the brief."""
    document = official_brief(summary)
    return render_brief_pdf(document), render_brief_docx(document)


def summary_render(*, summary_id: int) -> Summary | None:
    """Render the PDF and the Word file of the version's current text.

    Runs after each edit and the approval; a render overtaken by a later edit
    leaves its files for the next one to replace.
    """
    summary = (
        Summary.objects.select_related("unit", "period")
        .filter(pk=summary_id)
        .filter(Q(status=Summary.Status.DRAFT) | Q(status=Summary.Status.APPROVED))
        .first()
    )
    if summary is None or summary.files_ready:
        return None
    revision = summary.revision
    pdf, docx = _render_brief(summary)
    with transaction.atomic():
        current = Summary.objects.select_for_update().get(pk=summary_id)
        if current.revision != revision:  # a later edit renders its own text
            return None
        current.pdf.save(_file_name(current, "pdf"), ContentFile(pdf), save=False)
        current.docx.save(_file_name(current, "docx"), ContentFile(docx), save=False)
        current.rendered_revision = revision
        current.rendered_at = timezone.now()
        current.save(update_fields=["pdf", "docx", "rendered_revision", "rendered_at"])
    return current


def _locked_draft(summary: Summary, revision: int | None = None) -> Summary:
    current = Summary.objects.select_for_update().get(pk=summary.pk)
    if current.status != Summary.Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; make a new version to change it.")
        )
    if revision is not None and current.revision != revision:
        raise ValidationError(
            _(
                "Someone else changed this summary while you were editing. "
                "Open it again to see their changes."
            ),
            code="conflict",
        )
    return current


@transaction.atomic
def summary_edit(
    *, summary: Summary, user: User, data: dict, revision: int | None = None
) -> Summary:
    """Save the narrative, quotes and heading of a draft; the brief is re-rendered."""
    current = _locked_draft(summary, revision)
    for name in EDITABLE:
        if name in data:
            setattr(current, name, data[name])
    current.edited_by = user
    current.edited_at = timezone.now()
    current.revision += 1
    current.save()
    jobs.render_on_commit(current.pk)
    return current


@transaction.atomic
def summary_approve(
    *, summary: Summary, user: User, revision: int | None = None
) -> Summary:
    """Approve a draft: it becomes read-only, and the unit's leaders are told."""
    current = _locked_draft(summary, revision)
    current.status = Summary.Status.APPROVED
    current.approved_by = user
    current.approved_at = timezone.now()
    current.revision += 1  # the date line of the brief is the approval's
    current.save()
    leaders = User.objects.filter(
        role=User.Role.LEADER, is_active=True, org_unit=current.unit
    )
    notification_send(
        recipients=leaders,
        title=_("Summary approved: %(unit)s, period %(period)s")
        % {"unit": current.unit, "period": current.period},
        body=_("Version %(version)s is ready to read.") % {"version": current.version},
        url=current.get_absolute_url(),
        key=f"summary-approved:{current.pk}",
    )
    jobs.render_on_commit(current.pk)
    return current


@transaction.atomic
def summary_mark_read(*, summary: Summary, user: User) -> SummaryRead:
    """The reader confirms having read an approved summary; the first time is kept."""
    if summary.status != Summary.Status.APPROVED:
        raise ValidationError(_("Only an approved summary can be marked as read."))
    receipt, _created = SummaryRead.objects.get_or_create(summary=summary, user=user)
    return receipt


def summaries_compile_due(*, today=None) -> list[Summary]:
    """A first draft for every unit with staff once a period's deadline has passed.

    Beat runs it daily; a unit that already has a version of that period gets
    nothing, so it is safe to run twice.
    """
    today = today or timezone.localdate()
    period = (
        ReportingPeriod.objects.filter(deadline__lt=today).order_by("-start").first()
    )
    if period is None:
        return []
    done = Summary.objects.filter(period=period).values("unit")
    created = []
    for unit in units_with_staff().exclude(pk__in=done).order_by("path"):
        created.append(summary_request(unit=unit, period=period))
    return created
