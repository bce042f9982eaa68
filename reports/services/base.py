"""What the report services share: conflict detection, events, who to notify."""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit, User
from reports.models import OpinionReport, ReportEvent


class ConflictError(ValidationError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, *, by: User | None = None, action: str = "", at=None):
        if by is None:
            super().__init__(
                _(
                    "Someone else changed this record after you opened it. "
                    "Nothing was saved: look at the current version and try again."
                ),
                code="conflict",
            )
            return
        super().__init__(
            _(
                "%(name)s has just changed this report (%(action)s, %(time)s). "
                "Nothing of yours was saved: read the report again below, then "
                "decide."
            ),
            code="conflict",
            params={
                "name": by.get_full_name() or by.get_username(),
                "action": action,
                "time": formats.date_format(timezone.localtime(at), "H:i d/m/Y"),
            },
        )


def lock_report(report: OpinionReport, version: int | None) -> OpinionReport:
    """The report's row, locked for this transaction; checks the expected version.

    The lock makes two reviewers of the same report take turns; the version the
    form was shown with tells the second that the first has decided meanwhile.
    """
    locked = OpinionReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        last = locked.events.select_related("actor").order_by("-pk").first()
        if last is None:
            raise ConflictError()
        raise ConflictError(
            by=last.actor, action=last.get_action_display(), at=last.created_at
        )
    return locked


def record_event(
    *,
    report: OpinionReport,
    actor: User,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> ReportEvent:
    """One step in the report's history; ``to_status`` defaults to its status now."""
    return ReportEvent.objects.create(
        report=report,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status or report.status,
        note=note,
    )


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """ "/1/5/9/" → ["/1/", "/1/5/", "/1/5/9/"]: the units whose subtree holds ``unit``."""
    parts = [part for part in unit.path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: index + 1]) + "/" for index in range(len(parts))]


def users_over(unit: OrgUnit, roles) -> list[User]:
    """Active users with one of ``roles`` whose org unit contains ``unit``."""
    return list(
        User.objects.filter(
            is_active=True,
            role__in=list(roles),
            org_unit__path__in=ancestor_paths(unit),
        ).order_by("pk")
    )
