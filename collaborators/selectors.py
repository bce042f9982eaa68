"""Reads of the roster: lists, filters, history and counts, each starting from scope."""

from dataclasses import dataclass
from datetime import timedelta

from auditlog.models import LogEntry
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from collaborators.models import (
    Collaborator,
    Regulation,
    RegulationAcknowledgement,
    RosterEvent,
    TrainingAttendance,
    TrainingSession,
)
from dluan.models import OrgUnit, User
from dluan.search import search

TERM_ENDING_DAYS = 60


def units_for(user: User) -> QuerySet[OrgUnit]:
    """The org units a manager may pick: their subtree (all of them for a superuser)."""
    return OrgUnit.objects.visible_to(user).filter(is_active=True).order_by("path")


@dataclass
class RosterFilters:
    query: str = ""
    unit: OrgUnit | None = None
    status: str = ""
    party_member: bool | None = None
    term_ending_days: int | None = None


def collaborator_list(*, user: User, filters: RosterFilters | None = None) -> QuerySet:
    """The roster a user may see, filtered, with what the list and export show."""
    filters = filters or RosterFilters()
    # Not ``with_related()``: neither the list nor the export reads the coverage
    # areas through a prefetch (the export reads them in one query of its own).
    queryset = Collaborator.objects.visible_to(user).select_related("unit", "user")
    if filters.query:
        queryset = search(queryset, filters.query)
    if filters.unit is not None:
        queryset = queryset.filter(unit__path__startswith=filters.unit.path)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.party_member is not None:
        queryset = queryset.filter(is_party_member=filters.party_member)
    if filters.term_ending_days is not None:
        queryset = queryset.term_ending_within(filters.term_ending_days)
    return queryset.order_by("full_name", "pk")


def terms_ending(*, user: User, days: int = TERM_ENDING_DAYS) -> QuerySet:
    """Active or suspended collaborators whose term ends within ``days`` days."""
    return (
        Collaborator.objects.visible_to(user)
        .with_related()
        .exclude(status=Collaborator.Status.DISMISSED)
        .term_ending_within(days)
        .order_by("term_end", "full_name")
    )


def roster_counts(*, user: User, regulation: Regulation | None) -> dict:
    """Figures for the staff home panel, in one query plus one for acknowledgements."""
    today = timezone.localdate()
    scope = Collaborator.objects.visible_to(user)
    # Counted on status (never empty), which the unit-and-status index holds with
    # the term's end: the index answers alone, without visiting the rows.
    counts = scope.aggregate(
        active=Count("status", filter=Q(status=Collaborator.Status.ACTIVE)),
        suspended=Count("status", filter=Q(status=Collaborator.Status.SUSPENDED)),
        ending=Count(
            "status",
            filter=~Q(status=Collaborator.Status.DISMISSED)
            & Q(
                term_end__gte=today,
                term_end__lte=today + timedelta(days=TERM_ENDING_DAYS),
            ),
        ),
    )
    counts["not_acknowledged"] = (
        not_acknowledged(user=user, regulation=regulation).count()
        if regulation
        else None
    )
    return counts


def regulation_in_force(*, user: User) -> Regulation | None:
    """The latest version already in effect among those the user may read."""
    return Regulation.objects.visible_to(user).in_force().select_related("unit").first()


def not_acknowledged(*, user: User, regulation: Regulation) -> QuerySet:
    """Active collaborators in the user's scope who have not acknowledged a version."""
    return (
        Collaborator.objects.visible_to(user)
        .active()
        .filter(unit__path__startswith=regulation.unit.path)
        .exclude(acknowledgements__regulation=regulation)
        .select_related("unit")
        .order_by("unit__path", "full_name")
    )


def acknowledgement_of(
    *, collaborator: Collaborator | None, regulation: Regulation | None
) -> RegulationAcknowledgement | None:
    if collaborator is None or regulation is None:
        return None
    return RegulationAcknowledgement.objects.filter(
        collaborator=collaborator, regulation=regulation
    ).first()


def collaborator_history(*, collaborator: Collaborator) -> dict:
    """Everything that happened to one record, for its profile page."""
    return {
        "events": RosterEvent.objects.filter(collaborator=collaborator)
        .select_related("created_by")
        .order_by("-date", "-pk"),
        "audit_entries": audit_trail(
            LogEntry.objects.get_for_object(collaborator)
            # Changes only: who read the record is in the audit trail.
            .exclude(action=LogEntry.Action.ACCESS)
            .select_related("actor", "content_type")
            .order_by("-timestamp")
        ),
        "trainings": TrainingAttendance.objects.filter(
            collaborator=collaborator, attended=True
        )
        .select_related("session")
        .order_by("-session__date"),
        "acknowledgements": RegulationAcknowledgement.objects.filter(
            collaborator=collaborator
        )
        .select_related("regulation")
        .order_by("-acknowledged_at"),
    }


def training_list(*, user: User) -> QuerySet:
    return (
        TrainingSession.objects.visible_to(user).with_related().order_by("-date", "-pk")
    )


def attendance_choices(*, user: User, session: TrainingSession) -> QuerySet:
    """Who may be ticked: collaborators of the session's unit subtree in the user's scope."""
    return (
        Collaborator.objects.visible_to(user)
        .filter(unit__path__startswith=session.unit.path)
        .filter(
            Q(status=Collaborator.Status.ACTIVE)
            | Q(training_attendances__session=session)
        )
        .distinct()
        .select_related("unit")
        .order_by("unit__path", "full_name")
    )


@dataclass
class AuditLine:
    entry: LogEntry
    changes: list[tuple[str, str]]


def audit_trail(entries) -> list[AuditLine]:
    """Audit entries with each change as (field, "old → new") ready to show."""
    lines = []
    for entry in entries:
        raw = entry.changes_dict
        labels = {}
        for name in raw:
            try:
                labels[name] = str(Collaborator._meta.get_field(name).verbose_name)
            except Exception:
                labels[name] = name
        display = entry.changes_display_dict
        changes = []
        for name, values in raw.items():
            label = labels[name]
            if isinstance(values, dict):  # many-to-many: {"operation", "objects"}
                sign = "+" if values.get("operation") == "add" else "−"
                changes.append(
                    (label, f"{sign} {'; '.join(values.get('objects', []))}")
                )
                continue
            old, new = display.get(label, values)[:2]
            if entry.action == LogEntry.Action.CREATE:
                changes.append((label, str(new)))
            else:
                changes.append((label, f"{old} → {new}"))
        lines.append(AuditLine(entry=entry, changes=changes))
    return lines


# --- Emulation scores (rules in collaborators/scoring.py) ---------------------------


def score_ranking(*, user: User, year: int, unit: OrgUnit | None = None) -> QuerySet:
    """The year's scores a user may see, highest first; ``unit``: its subtree only."""
    from collaborators.models import CollaboratorScore

    queryset = CollaboratorScore.objects.visible_to(user).filter(year=year)
    if unit is not None:
        queryset = queryset.in_subtree(unit)
    return queryset.ranked()


def score_rows(keys) -> QuerySet:
    """A ranking page's rows, for its keys, with the names and units they show."""
    from collaborators.models import CollaboratorScore

    return CollaboratorScore.objects.filter(pk__in=keys).with_related()


def score_of(*, collaborator: Collaborator, year: int):
    from collaborators.models import CollaboratorScore

    return CollaboratorScore.objects.filter(
        collaborator=collaborator, year=year
    ).first()


def with_score(queryset: QuerySet, *, year: int) -> QuerySet:
    """Collaborators with ``score``: their stored total for the year (or None)."""
    from django.db.models import OuterRef, Subquery

    from collaborators.models import CollaboratorScore

    return queryset.annotate(
        score=Subquery(
            CollaboratorScore.objects.filter(
                collaborator=OuterRef("pk"), year=year
            ).values("total")[:1]
        )
    )
