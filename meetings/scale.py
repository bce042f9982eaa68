"""Five years of briefings for ``seed_demo --scale``: each town's periodic meeting.

Every town holds its briefing once a period, inviting a rotating group of its
collaborators; past briefings are held with attendance and minutes recorded, the
current period's is planned.
"""

import datetime
from collections import defaultdict

from collaborators.scoring import scores_compute
from dluan.scale import ScaleContext
from meetings.models import Attendance, Invitation, Meeting
from reports.models import ReportingPeriod

Present = Attendance.Status


def seed(ctx: ScaleContext) -> None:
    rng, size = ctx.rng, ctx.size
    periods = list(
        ReportingPeriod.objects.filter(pk__in=ctx.shared["periods"]).order_by("start")
    )
    by_town = defaultdict(list)
    for member in ctx.shared["collaborators"]:
        by_town[member.town].append(member)
    count = len(ctx.towns) * len(periods)
    meeting_ids = iter(ctx.ids(Meeting, count))
    invitation_ids = iter(ctx.ids(Invitation, count * size.meeting_invitees))
    attendance_ids = iter(ctx.ids(Attendance, count * size.meeting_invitees))
    meetings, invitations, attendances = [], [], []
    last = len(periods) - 1
    for town in ctx.towns:
        staff = ctx.town_staff[town.pk]
        for index, period in enumerate(periods):
            pk = next(meeting_ids)
            held = index < last
            day = min(period.end - datetime.timedelta(days=2), ctx.today)
            if not held:
                day = max(period.end - datetime.timedelta(days=2), ctx.today)
            starts = ctx.aware(day, 8 * 60)
            meetings.append(
                (
                    pk,
                    Meeting.Kind.PERIODIC,
                    period.pk,
                    town.pk,
                    f"Giao ban cộng tác viên dư luận xã hội kỳ {period}",
                    starts,
                    f"Hội trường {town.name}",
                    "Phó Trưởng Ban Tuyên giáo và Dân vận",
                    Meeting.Status.HELD if held else Meeting.Status.PLANNED,
                    f"{index + 1:02d}-BB/BTG" if held else "",
                    "Các cộng tác viên báo cáo tình hình dư luận trên địa bàn."
                    if held
                    else "",
                    "Tiếp tục nắm bắt dư luận về các vấn đề nổi cộm." if held else "",
                    "Giao các cộng tác viên theo dõi sát diễn biến, báo cáo kịp thời."
                    if held
                    else "",
                    "Cán bộ Ban" if held else "",
                    staff,
                    starts - datetime.timedelta(days=14),
                    starts,
                )
            )
            active = [
                m
                for m in by_town[town.pk]
                if m.joined <= index and (m.left is None or index < m.left)
            ]
            invited = rng.sample(active, min(size.meeting_invitees, len(active)))
            sent = starts - datetime.timedelta(days=10)
            for member in invited:
                roll = rng.random()
                response = (
                    Invitation.Response.ATTEND
                    if roll < 0.75
                    else Invitation.Response.CANNOT_ATTEND
                    if roll < 0.85
                    else Invitation.Response.PENDING
                )
                invitations.append(
                    (
                        next(invitation_ids),
                        pk,
                        member.pk,
                        response,
                        "Bận công tác"
                        if response == Invitation.Response.CANNOT_ATTEND
                        else "",
                        sent + datetime.timedelta(days=1)
                        if response != Invitation.Response.PENDING
                        else None,
                        sent,
                        None,
                        sent,
                    )
                )
                if held:
                    status = (
                        Present.PRESENT
                        if response == Invitation.Response.ATTEND
                        and rng.random() < 0.95
                        else Present.EXCUSED
                        if response == Invitation.Response.CANNOT_ATTEND
                        else Present.ABSENT
                    )
                    attendances.append(
                        (
                            next(attendance_ids),
                            pk,
                            member.pk,
                            status,
                            "Bận công tác" if status == Present.EXCUSED else "",
                            staff,
                            starts,
                        )
                    )
    ctx.load(
        Meeting,
        [
            "id",
            "kind",
            "period_id",
            "unit_id",
            "title",
            "starts_at",
            "place",
            "chair",
            "status",
            "minutes_number",
            "reported_summary",
            "guidance",
            "conclusions",
            "secretary",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        meetings,
        ctx.progress("meetings", len(meetings)),
    )
    ctx.load(
        Invitation,
        [
            "id",
            "meeting_id",
            "collaborator_id",
            "response",
            "reason",
            "responded_at",
            "sent_at",
            "withdrawn_at",
            "created_at",
        ],
        invitations,
        ctx.progress("invitations", len(invitations)),
    )
    ctx.load(
        Attendance,
        [
            "id",
            "meeting_id",
            "collaborator_id",
            "status",
            "reason",
            "recorded_by_id",
            "recorded_at",
        ],
        attendances,
        ctx.progress("attendance", len(attendances)),
    )
    ctx.reset_sequences(Meeting, Invitation, Attendance)
    # The last layer: every part of this year's emulation scores is in now.
    scored = scores_compute(year=ctx.today.year)
    ctx.log(f"  {scored:,} collaborators scored")
