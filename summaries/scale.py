"""Summaries for ``seed_demo --scale``: the trend the dashboards draw.

Nothing is loaded with the bulk rows; once the indexes are rebuilt and the
planner has its statistics, :func:`finish` compiles, for the units the benchmark's
staff and leaders belong to, the last periods' figures and briefs, approved, so
their home pages show six periods of trend. The workbooks are left to
``compile_summary`` and the benchmark, which time them.
"""

from django.utils import timezone

from dluan.models import User
from dluan.scale import ScaleContext
from reports.models import ReportingPeriod
from summaries.models import Summary
from summaries.snapshot import build_snapshot

# Periods compiled for each unit: the large scale fills the six-period trend.
PERIODS = {"large": 6, "small": 2}


def seed(ctx: ScaleContext) -> None:
    """Nothing to bulk-load: see :func:`finish`."""


def finish(ctx: ScaleContext) -> None:
    from summaries.services import _render_brief, default_recipients

    units = list(
        {
            user.org_unit
            for user in User.objects.filter(
                role__in=[User.Role.STAFF, User.Role.LEADER],
                username__in=["tinh_canbo", "huyen_canbo", "xa_canbo"],
            ).select_related("org_unit")
        }
    )
    periods = list(
        ReportingPeriod.objects.filter(deadline__lt=ctx.today).order_by("-start")[
            : PERIODS.get(ctx.scale, 2)
        ]
    )[::-1]
    staff = User.objects.filter(role=User.Role.STAFF, org_unit__in=units).first()
    bar = ctx.progress("summaries", len(units) * len(periods))
    for unit in sorted(units, key=lambda unit: unit.path):
        for period in periods:
            now = timezone.now()
            summary = Summary(
                unit=unit,
                period=period,
                status=Summary.Status.APPROVED,
                snapshot=build_snapshot(unit, period),
                requested_at=now,
                started_at=now,
                compiled_at=now,
                progress=100,
                recipients="\n".join(default_recipients(unit)),
                sign_title="TRƯỞNG BAN",
                signer="Nguyễn Văn Thành",
                approved_by=staff,
                approved_at=now,
            )
            pdf, docx = _render_brief(summary)
            summary.pdf.save(f"scale-{unit.pk}-{period.pk}.pdf", _file(pdf), False)
            summary.docx.save(f"scale-{unit.pk}-{period.pk}.docx", _file(docx), False)
            summary.rendered_at = now
            summary.save()
            bar.advance()
    bar.finish()


def _file(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)
