"""The briefing part of the emulation score (rules in collaborators/scoring.py)."""

from django.db.models import Count, Q

from meetings.models import Attendance, Invitation, Meeting


def parts(year: int, collaborator_ids=None) -> dict[str, dict[int, float]]:
    """``meetings``: present (excused counts half) / invited, held meetings of the year."""
    held = Q(meeting__status=Meeting.Status.HELD, meeting__starts_at__year=year)
    invitations = Invitation.objects.sent().filter(held)
    attendances = Attendance.objects.filter(held)
    if collaborator_ids is not None:
        invitations = invitations.filter(collaborator_id__in=list(collaborator_ids))
        attendances = attendances.filter(collaborator_id__in=list(collaborator_ids))
    invited = dict(
        invitations.values("collaborator_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("collaborator_id", "n")
    )
    result = {}
    rows = (
        attendances.values("collaborator_id")
        .annotate(
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            excused=Count("id", filter=Q(status=Attendance.Status.EXCUSED)),
            recorded=Count("id"),
        )
        .order_by()
    )
    attended = {row["collaborator_id"]: row for row in rows}
    for collaborator_id in invited.keys() | attended.keys():
        row = attended.get(collaborator_id)
        expected = max(invited.get(collaborator_id, 0), row["recorded"] if row else 0)
        points = (row["present"] + row["excused"] / 2) if row else 0
        result[collaborator_id] = min(1.0, points / expected)
    return {"meetings": result}
