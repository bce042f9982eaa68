"""Reads for briefings and reference documents, each with a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    AgendaItem,
    Attendance,
    DocumentReceipt,
    Invitation,
    Meeting,
    MeetingAction,
    ReferenceDocument,
)
from reports.models import FocusTopic, Issue, OpinionReport, ReportingPeriod

# The proposal looks at no more than this many accepted reports (the newest).
PROPOSAL_REPORT_LIMIT = 300


def meeting_list(user, *, when: str = "upcoming"):
    """Meetings the user may see, upcoming (soonest first) or past (latest first)."""
    queryset = Meeting.objects.visible_to(user).with_related()
    queryset = queryset.upcoming() if when == "upcoming" else queryset.past()
    queryset = queryset.annotate(
        invitee_count=Count(
            "invitations",
            filter=Q(
                invitations__withdrawn_at__isnull=True,
                invitations__sent_at__isnull=False,
            ),
        )
    )
    if user.is_collaborator:
        mine = Invitation.objects.filter(
            meeting=OuterRef("pk"), collaborator__user=user
        ).values("response")[:1]
        queryset = queryset.annotate(my_response=Subquery(mine))
    return queryset


def meeting_invitations(meeting: Meeting):
    """The meeting's invitees, with the name and unit its pages and files show."""
    return (
        meeting.invitations.active()
        .select_related("collaborator__unit")
        # A collaborator's record is long; the rows show the name and the unit.
        .only(
            *(f.name for f in Invitation._meta.concrete_fields),
            "collaborator__full_name",
            "collaborator__unit__name",
        )
        .order_by("collaborator__full_name", "pk")
    )


def meeting_detail(meeting: Meeting) -> dict:
    """Everything the meeting page shows, in a fixed number of queries."""
    agenda = list(
        meeting.agenda_items.current()
        .select_related("issue")
        .prefetch_related(
            Prefetch("reports", queryset=OpinionReport.objects.select_related("author"))
        )
    )
    invitations = list(meeting_invitations(meeting))
    attendance = {a.collaborator_id: a for a in meeting.attendances.all()}
    rows = [(i, attendance.get(i.collaborator_id)) for i in invitations]
    actions = list(meeting.actions.select_related("issue", "follow_up").order_by("pk"))
    documents = list(
        meeting.documents.annotate(
            recipient_count=Count("receipts"),
            read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
        ).order_by("-created_at", "-pk")
    )
    counts = dict.fromkeys(Invitation.Response.values, 0)
    for invitation in invitations:
        counts[invitation.response] += 1
    present = sum(
        1 for a in attendance.values() if a.status == Attendance.Status.PRESENT
    )
    return {
        "agenda": agenda,
        "rows": rows,
        "invitations": invitations,
        "response_counts": counts,
        "unsent_count": sum(1 for i in invitations if i.sent_at is None),
        "present_count": present,
        "attendance_recorded": bool(attendance),
        "actions": actions,
        "documents": documents,
    }


def collaborator_invitation(meeting: Meeting, user) -> Invitation | None:
    return (
        Invitation.objects.sent()
        .filter(meeting=meeting, collaborator__user=user)
        .select_related("collaborator")
        .first()
    )


# --- The agenda proposal ---------------------------------------------------------------


@dataclass
class Proposal:
    title: str
    issue: Issue | None = None
    reports: list = field(default_factory=list)
    is_focus: bool = False
    note: str = ""
    severity: int = 0


def last_held_before(meeting: Meeting):
    """When the unit's last held briefing before this one took place, or None."""
    return (
        Meeting.objects.filter(
            unit_id=meeting.unit_id,
            status=Meeting.Status.HELD,
            starts_at__lt=meeting.starts_at,
        )
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def focus_topic_ids(meeting: Meeting) -> set[int]:
    """The focus topics chosen for the meeting's period by its unit or the units above."""
    period = meeting.period or ReportingPeriod.objects.containing(
        timezone.localdate(meeting.starts_at)
    )
    if period is None:
        return set()
    ancestor_ids = meeting.unit.path_ids
    return set(
        FocusTopic.objects.filter(period=period, unit_id__in=ancestor_ids).values_list(
            "topic_id", flat=True
        )
    )


def agenda_proposal(meeting: Meeting) -> list[Proposal]:
    """Items from reports accepted and issues open since the unit's last briefing.

    Focus topics of the period first, then issues by severity, then the other
    reports grouped by topic.
    """
    since = last_held_before(meeting)
    focus = focus_topic_ids(meeting)
    reports = (
        OpinionReport.objects.in_subtree(meeting.unit)
        .filter(status=OpinionReport.Status.ACCEPTED)
        .select_related("author")
        .prefetch_related("topics")
        .order_by("-accepted_at", "-pk")
    )
    if since is not None:
        reports = reports.filter(accepted_at__gt=since)
    reports = list(reports[:PROPOSAL_REPORT_LIMIT])
    issues = list(
        Issue.objects.in_subtree(meeting.unit)
        .open()
        .prefetch_related("topics")
        .order_by("-severity", "-last_seen", "-pk")
    )
    proposals = []
    issue_ids = set()
    for issue in issues:
        issue_ids.add(issue.pk)
        linked = [r for r in reports if r.issue_id == issue.pk]
        topics = {t.pk for t in issue.topics.all()}
        topics |= {t.pk for r in linked for t in r.topics.all()}
        proposals.append(
            Proposal(
                title=issue.title,
                issue=issue,
                reports=linked,
                is_focus=bool(topics & focus),
                severity=issue.severity,
            )
        )
    groups: dict = {}
    for report in reports:
        if report.issue_id in issue_ids:
            continue
        topics = sorted(report.topics.all(), key=lambda t: (t.pk not in focus, t.name))
        key = topics[0] if topics else None
        groups.setdefault(key, []).append(report)
    for topic, grouped in groups.items():
        title = (
            _("Public opinion on %(topic)s") % {"topic": topic.name}
            if topic is not None
            else _("Other accepted reports")
        )
        proposals.append(
            Proposal(
                title=title,
                reports=grouped,
                is_focus=topic is not None and topic.pk in focus,
            )
        )
    proposals.sort(
        key=lambda p: (not p.is_focus, p.issue is None, -p.severity, -len(p.reports))
    )
    return proposals


def pending_proposals(meeting: Meeting, agenda: list[AgendaItem]) -> list[Proposal]:
    """The proposed items not yet on the agenda."""
    issues = {item.issue_id for item in agenda if item.issue_id}
    titles = {item.title for item in agenda}
    return [
        p
        for p in agenda_proposal(meeting)
        if (p.issue.pk not in issues if p.issue else p.title not in titles)
    ]


# --- Reference documents ---------------------------------------------------------------


def document_list(user):
    """Documents in the user's scope, with how many recipients have read each."""
    return (
        ReferenceDocument.objects.visible_to(user)
        .with_related()
        .annotate(
            recipient_count=Count("receipts", distinct=True),
            read_count=Count(
                "receipts",
                filter=Q(receipts__read_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def collaborator_receipts(user):
    """A collaborator's own documents, unread first."""
    return (
        DocumentReceipt.objects.visible_to(user)
        .select_related("document", "document__meeting")
        .order_by("read_at", "-document__created_at", "-pk")
    )


def document_receipts(document: ReferenceDocument):
    """Who received a document: those who have not read it first."""
    return document.receipts.select_related("collaborator__unit").order_by(
        "read_at", "collaborator__full_name", "pk"
    )


def unread_by_collaborator(user):
    """Staff view: per collaborator in scope, the documents not yet read."""
    return (
        DocumentReceipt.objects.visible_to(user)
        .unread()
        .select_related("collaborator__unit", "document")
        .order_by("collaborator__full_name", "collaborator_id", "document__title")
    )


def actions_of(meeting: Meeting):
    return MeetingAction.objects.filter(meeting=meeting).select_related(
        "issue", "follow_up"
    )
