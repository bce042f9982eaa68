"""A province's five years of reports for ``seed_demo --scale``.

Periods, about forty topics, a million reports with their streams, topics and
events, issues grouping some of them, follow-ups and leaders' directions. Rows
are built period by period and streamed into the tables, so memory stays flat.
Hands ``ctx.shared["periods"]`` (ids, oldest first) to the meetings seeder.
"""

import datetime
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from dluan.models import OrgUnit, User
from dluan.periods import period_bounds
from dluan.scale import ScaleContext, skewed_weights
from dluan.search import fold
from reports import scale_texts as texts
from reports.models import (
    Direction,
    FocusTopic,
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
    Topic,
)
from reports.services.discipline import RECORD_COLUMNS, Roster, discipline_rows
from reports.services.periods import topics_seed_defaults

Status = OpinionReport.Status
D = OpinionStream.Direction
URGENT_SHARE = 0.03
# One period stands out: mid-2025, when provinces and communes were merged, the
# network filed urgent reports on it several times over, and that period holds
# about 200,000 reports (the summary benches' largest period). SURGE_AGE counts
# periods back from the current one (July–August 2025 in November 2026).
SURGE_AGE = 8
SURGE_SHARE = 0.17  # of the size's reports, filed urgently in that period
DIRECTION_WEIGHTS = {D.SUPPORT: 0.45, D.CONCERN: 0.25, D.OPPOSE: 0.2, D.UNCLEAR: 0.1}
SOCIAL_GROUPS = [value for value, _label in OpinionStream.SocialGroup.choices]
CHANNELS = [value for value, _label in OpinionStream.Channel.choices]

REPORT_COLUMNS = [
    "id",
    "author_id",
    "unit_id",
    "kind",
    "period_id",
    "title",
    "area_id",
    "occurred_on",
    "description",
    "proposals",
    "urgency",
    "status",
    "is_rumour",
    "balance_confirmed",
    "issue_id",
    "quality_depth",
    "quality_balance",
    "quality_timeliness",
    "quality_usefulness",
    "feedback",
    "reviewed_by_id",
    "reviewed_at",
    "submitted_at",
    "accepted_at",
    "version",
    "search_text",
    "created_at",
    "updated_at",
    "town_id",
]
ISSUE_COLUMN = REPORT_COLUMNS.index("issue_id")
STREAM_COLUMNS = [
    "id",
    "report_id",
    "summary",
    "direction",
    "breadth",
    "intensity",
    "social_groups",
    "channels",
    "is_rumour",
    "position",
]
EVENT_COLUMNS = [
    "id",
    "report_id",
    "actor_id",
    "from_status",
    "to_status",
    "action",
    "note",
    "created_at",
]


class _Texts:
    """A topic's texts, each with its folded form for ``search_text``."""

    def __init__(self, topic_name: str):
        source = texts.TEXTS.get(topic_name, texts.GENERIC)
        lowered = topic_name[0].lower() + topic_name[1:]

        def pairs(items):
            out = []
            for item in items:
                text = item.replace("{topic}", lowered)
                out.append((text, fold(text)))
            return out

        self.titles = pairs(source["titles"])
        self.descriptions = pairs(source["descriptions"])
        self.proposals = pairs(source["proposals"])
        streams = {
            direction: pairs(items)
            for direction, items in source["streams"].items()
            if items
        }
        for direction, items in texts.GENERIC["streams"].items():
            streams.setdefault(direction, pairs(items))
        self.streams = streams


@dataclass
class _Plan:
    """An issue to be: where, about what, from when, how many reports."""

    pk: int
    unit: int
    town: int
    topic: int
    period: int
    wanted: int
    reports: list = field(default_factory=list)  # (report id, commune, day)


def _topics(ctx: ScaleContext) -> list[Topic]:
    topics_seed_defaults()
    for parent_name, children in texts.EXTRA_TOPICS:
        parent, _made = Topic.objects.get_or_create(parent=None, name=parent_name)
        for child in children:
            Topic.objects.get_or_create(parent=parent, name=child)
    topics = list(Topic.objects.active())
    rank = {name: index for index, name in enumerate(texts.POPULAR)}
    topics.sort(key=lambda t: (rank.get(t.name, len(rank)), t.children.exists(), t.pk))
    ctx.log(f"  {len(topics)} topics")
    return topics


def _periods(ctx: ScaleContext) -> list[ReportingPeriod]:
    periods = []
    for start in ctx.period_starts:
        _start, end, deadline = period_bounds(start)
        period, _made = ReportingPeriod.objects.get_or_create(
            start=start, defaults={"end": end, "deadline": deadline}
        )
        periods.append(period)
    return periods


def seed(ctx: ScaleContext) -> None:
    rng, size = ctx.rng, ctx.size
    members = ctx.shared["collaborators"]
    topics = _topics(ctx)
    topic_texts = {t.pk: _Texts(t.name) for t in topics}
    topic_weights = skewed_weights(len(topics), 0.9)
    topic_ids = [t.pk for t in topics]
    periods = _periods(ctx)
    ctx.shared["periods"] = [p.pk for p in periods]
    last = len(periods) - 1
    places = {
        pk: (name[0].lower() + name[1:], fold(name))
        for pk, name in ctx.commune_names.items()
    }
    # Some communes are far livelier than others.
    liveliness = {pk: rng.uniform(0.5, 1.5) for pk in ctx.commune_names}
    users = {m.pk: m.user for m in members}

    # Each collaborator's chance of filing in a period, scaled so that the total
    # comes to the size asked for.
    weights = [
        m.diligence * liveliness[m.commune]
        for p in range(len(periods))
        for m in members
        if m.joined <= p and (m.left is None or p < m.left)
    ]
    periodic_target = size.reports * (1 - URGENT_SHARE)
    factor = periodic_target / max(sum(weights), 1)
    for _round in range(4):
        # No one files twice a period: a chance above one is one.
        expected = sum(min(1.0, w * factor) for w in weights)
        factor *= periodic_target / max(expected, 1)
    del weights

    plans = _issue_plans(ctx, periods, topic_ids, topic_weights)
    plans_by_period = defaultdict(list)
    for plan in plans:
        plans_by_period[plan.period].append(plan)

    report_ids = ctx.ids(OpinionReport, int(size.reports * 1.3))
    next_report = iter(report_ids)
    next_stream = iter(ctx.ids(OpinionStream, int(size.reports * 1.3 * 3)))
    next_event = iter(ctx.ids(ReportEvent, int(size.reports * 1.3 * 3)))
    bar = ctx.progress("reports", round(size.reports * (1 + SURGE_SHARE)))
    made = 0
    for p, period in enumerate(periods):
        age = last - p
        chosen = [
            (m, OpinionReport.Kind.PERIODIC)
            for m in members
            if m.joined <= p
            and (m.left is None or p < m.left)
            and rng.random() < m.diligence * liveliness[m.commune] * factor
        ]
        urgent_count = round(len(chosen) * URGENT_SHARE / (1 - URGENT_SHARE))
        if age == SURGE_AGE:
            urgent_count += round(size.reports * SURGE_SHARE)
        active = [
            m for m in members if m.joined <= p and (m.left is None or p < m.left)
        ]
        chosen += [
            (rng.choice(active), OpinionReport.Kind.URGENT) for _ in range(urgent_count)
        ]
        rows, streams, links, events = [], [], [], []
        cells = defaultdict(list)
        for member, kind in chosen:
            pk = next(next_report)
            topic = rng.choices(topic_ids, topic_weights)[0]
            row, day = _report_row(
                ctx,
                pk,
                member,
                kind,
                period,
                age,
                topic_texts[topic],
                places[member.commune],
                users[member.pk],
                streams,
                events,
                next_stream,
                next_event,
            )
            rows.append(row)
            links.append((pk, topic))
            if row[REPORT_COLUMNS.index("status")] in (
                Status.SUBMITTED,
                Status.ACCEPTED,
            ):
                cells[(member.town, topic)].append((len(rows) - 1, member.commune, day))
        for plan in plans_by_period[p]:
            candidates = cells.get((plan.town, plan.topic), [])
            rng.shuffle(candidates)
            taken, cells[(plan.town, plan.topic)] = (
                candidates[: plan.wanted],
                candidates[plan.wanted :],
            )
            for index, commune, day in taken:
                rows[index][ISSUE_COLUMN] = plan.pk
                plan.reports.append((rows[index][0], commune, day))
        ctx.load(OpinionReport, REPORT_COLUMNS, rows, bar)
        ctx.load(OpinionStream, STREAM_COLUMNS, streams)
        ctx.load(OpinionReport.topics.through, ["opinionreport_id", "topic_id"], links)
        ctx.load(ReportEvent, EVENT_COLUMNS, events)
        made += len(rows)
    bar.finish()
    _write_issues(ctx, plans, periods, topic_texts)
    _focus_topics(ctx, periods, topics)
    ctx.reset_sequences(
        ReportingPeriod, OpinionReport, OpinionStream, ReportEvent, Issue, FollowUp
    )
    ctx.reset_sequences(Direction, FocusTopic, OpinionReport.topics.through)
    ctx.log(f"  {made:,} reports, {sum(len(p.reports) for p in plans):,} in issues")
    _reporting_records(ctx, periods, [m.pk for m in members])


def _reporting_records(ctx, periods, collaborator_ids) -> None:
    """Reporting discipline for every period, by the service's own rules.

    The roster is read once for all periods and the rows are streamed in, as the
    reports were: the upsert the service uses would cost minutes here.
    """
    started = time.monotonic()
    roster = Roster(collaborator_ids)
    now = timezone.now()
    today = timezone.localdate()
    bar = ctx.progress("reporting records", len(periods) * len(roster.units))
    made = 0
    unit_column, state_column = (
        RECORD_COLUMNS.index("unit_id"),
        RECORD_COLUMNS.index("state"),
    )
    for period in periods:
        rows = list(discipline_rows(period=period, roster=roster, today=today, now=now))
        made += ctx.load(ReportingRecord, RECORD_COLUMNS, rows, bar)
        tallies = Counter((row[unit_column], row[state_column]) for row in rows)
        ctx.load(
            ReportingTally,
            ["period_id", "unit_id", "state", "count"],
            [(period.pk, unit, state, n) for (unit, state), n in tallies.items()],
        )
    bar.finish()
    ctx.reset_sequences(ReportingRecord, ReportingTally)
    ctx.log(f"  {made:,} reporting records in {time.monotonic() - started:.1f} s")


def _report_row(
    ctx,
    pk,
    member,
    kind,
    period,
    age,
    topic_texts,
    place,
    author_user,
    streams,
    events,
    next_stream,
    next_event,
):
    """One report's row; its streams and events are appended to their lists."""
    rng = ctx.rng
    place_name, place_folded = place
    staff = ctx.town_staff[member.town]
    urgent = kind == OpinionReport.Kind.URGENT
    last_day = min(period.end, ctx.today)
    span = (last_day - period.start).days
    if urgent:
        day = period.start + datetime.timedelta(days=rng.randrange(span + 1))
    elif rng.random() < 0.12 and age > 0:
        # Late: after the deadline, within a few weeks.
        day = period.deadline + datetime.timedelta(days=rng.randrange(1, 25))
    else:
        on_time = (min(period.deadline, last_day) - period.start).days
        day = period.start + datetime.timedelta(
            days=rng.randrange(max(on_time // 3, 0), on_time + 1)
        )
    day = min(day, ctx.today)
    roll = rng.random()
    # The board keeps up with its queue: reports wait for review in the current
    # and the previous period; older ones were reviewed long ago (a few returned
    # and never answered, some archived, a few drafts never sent).
    if age == 0:
        status = (
            Status.DRAFT
            if roll < 0.12
            else Status.RETURNED
            if roll < 0.17
            else Status.ACCEPTED
            if roll < 0.45
            else Status.SUBMITTED
        )
    elif age == 1:
        status = (
            Status.DRAFT
            if roll < 0.03
            else Status.ARCHIVED
            if roll < 0.06
            else Status.RETURNED
            if roll < 0.09
            else Status.SUBMITTED
            if roll < 0.19
            else Status.ACCEPTED
        )
    else:
        status = (
            Status.DRAFT
            if roll < 0.015
            else Status.ARCHIVED
            if roll < 0.05
            else Status.RETURNED
            if roll < 0.055
            else Status.ACCEPTED
        )
    title, title_f = rng.choice(topic_texts.titles)
    description, description_f = rng.choice(topic_texts.descriptions)
    proposals, proposals_f = rng.choice(topic_texts.proposals)
    submitted = ctx.aware(day, rng.randrange(7 * 60, 22 * 60))
    created = submitted - datetime.timedelta(hours=rng.randrange(1, 48))
    reviewed = submitted + datetime.timedelta(hours=rng.randrange(2, 120))
    if reviewed.date() > ctx.today:
        reviewed = submitted + datetime.timedelta(minutes=30)
    is_draft = status == Status.DRAFT
    parts = [
        title.format(place=place_name),
        description.format(place=place_name),
        proposals,
    ]
    folded = [
        title_f.format(place=place_folded),
        description_f.format(place=place_folded),
        proposals_f,
    ]
    count = rng.choices((1, 2, 3), (0.3, 0.45, 0.25))[0]
    available = [d for d in DIRECTION_WEIGHTS if d in topic_texts.streams]
    weights = [DIRECTION_WEIGHTS[d] for d in available]
    directions = []
    for position in range(count):
        direction = rng.choices(available, weights)[0]
        directions.append(direction)
        summary, summary_f = rng.choice(topic_texts.streams[direction])
        folded.append(summary_f)
        streams.append(
            (
                next(next_stream),
                pk,
                summary,
                direction,
                rng.choices((1, 2, 3, 4, 5), (0.1, 0.3, 0.3, 0.2, 0.1))[0],
                rng.choices((1, 2, 3), (0.3, 0.5, 0.2))[0],
                rng.sample(SOCIAL_GROUPS, rng.randrange(1, 3)),
                rng.sample(CHANNELS, rng.randrange(1, 3)),
                rng.random() < 0.02,
                position,
            )
        )
    one_sided = set(directions) == {D.SUPPORT} and not proposals
    accepted = status == Status.ACCEPTED
    rated = accepted and rng.random() < 0.35
    reviewed_by = staff if status in (Status.ACCEPTED, Status.RETURNED) else None
    if not is_draft:
        events.append(
            (
                next(next_event),
                pk,
                author_user,
                Status.DRAFT,
                Status.SUBMITTED,
                ReportEvent.Action.SUBMITTED,
                "",
                submitted,
            )
        )
    if accepted and rng.random() < 0.05:
        # Returned with a question, answered, then accepted: the history says so.
        asked = submitted + (reviewed - submitted) / 3
        answered = submitted + (reviewed - submitted) * 2 / 3
        events.append(
            (
                next(next_event),
                pk,
                staff,
                Status.SUBMITTED,
                Status.RETURNED,
                ReportEvent.Action.RETURNED,
                rng.choice(texts.RETURN_QUESTIONS),
                asked,
            )
        )
        events.append(
            (
                next(next_event),
                pk,
                author_user,
                Status.RETURNED,
                Status.SUBMITTED,
                ReportEvent.Action.RESUBMITTED,
                "Đã bổ sung theo yêu cầu của Ban.",
                answered,
            )
        )
    if status in (Status.ACCEPTED, Status.RETURNED, Status.ARCHIVED):
        action, note = {
            Status.ACCEPTED: (ReportEvent.Action.ACCEPTED, ""),
            Status.RETURNED: (
                ReportEvent.Action.RETURNED,
                rng.choice(texts.RETURN_QUESTIONS),
            ),
            Status.ARCHIVED: (ReportEvent.Action.ARCHIVED, ""),
        }[status]
        events.append(
            (
                next(next_event),
                pk,
                staff if status != Status.ARCHIVED else author_user,
                Status.SUBMITTED,
                status,
                action,
                note,
                reviewed,
            )
        )
    row = [
        pk,
        member.pk,
        member.commune,
        kind,
        period.pk,
        parts[0],
        member.commune,
        day - datetime.timedelta(days=rng.randrange(0, 6)),
        parts[1],
        parts[2],
        rng.choice((2, 3)) if urgent else 1,
        status,
        accepted and rng.random() < 0.01,
        one_sided and not is_draft,
        None,
        rng.randrange(2, 6) if rated else None,
        rng.randrange(2, 6) if rated else None,
        rng.randrange(2, 6) if rated else None,
        rng.randrange(2, 6) if rated else None,
        rng.choice(texts.FEEDBACK) if rated else "",
        reviewed_by,
        reviewed if reviewed_by else None,
        None if is_draft else submitted,
        reviewed if accepted else None,
        1,
        " ".join(part for part in folded if part),
        created,
        reviewed if reviewed_by else submitted,
        member.town,
    ]
    return row, day


def _issue_plans(ctx, periods, topic_ids, topic_weights) -> list[_Plan]:
    rng, size = ctx.rng, ctx.size
    ids = iter(ctx.ids(Issue, size.issues))
    mean = size.linked_reports / max(size.issues, 1)
    plans = []
    for _ in range(size.issues):
        town = rng.choice(ctx.towns)
        # Most issues are a town's; a few the province takes up itself.
        unit = ctx.province.pk if rng.random() < 0.05 else town.pk
        wanted = max(1, min(60, round(rng.paretovariate(1.6) * mean * 0.375)))
        plans.append(
            _Plan(
                pk=next(ids),
                unit=unit,
                town=town.pk,
                topic=rng.choices(topic_ids, topic_weights)[0],
                period=rng.randrange(len(periods)),
                wanted=wanted,
            )
        )
    return plans


def _write_issues(ctx, plans, periods, topic_texts) -> None:
    rng = ctx.rng
    staff_of = ctx.town_staff
    leaders = list(
        User.objects.filter(role=User.Role.LEADER, org_unit__isnull=False)
        .filter(org_unit__path__startswith=ctx.province.path)
        .values_list("pk", "org_unit_id")
    )
    town_names = dict(OrgUnit.objects.filter(pk__in=staff_of).values_list("pk", "name"))
    issues, areas, topic_links, follow_ups, directions = [], [], [], [], []
    next_follow_up = iter(ctx.ids(FollowUp, len(plans) * 3))
    next_direction = iter(ctx.ids(Direction, len(plans)))
    last = len(periods) - 1
    for plan in plans:
        period = periods[plan.period]
        days = sorted(day for _pk, _commune, day in plan.reports) or [period.start]
        first_seen, last_seen = days[0], days[-1]
        age = last - plan.period
        roll = rng.random()
        if age > 3 and roll < 0.8:
            status = Issue.Status.RESOLVED if roll < 0.6 else Issue.Status.CLOSED
        else:
            status = rng.choice(
                [Issue.Status.NEW, Issue.Status.MONITORING, Issue.Status.HANDLING]
            )
        done = status in (Issue.Status.RESOLVED, Issue.Status.CLOSED)
        town_name = town_names[plan.town]
        place = town_name[0].lower() + town_name[1:]
        title = rng.choice(topic_texts[plan.topic].titles)[0].format(place=place)
        description = rng.choice(topic_texts[plan.topic].descriptions)[0].format(
            place=place
        )
        created = ctx.aware(first_seen, 10 * 60)
        resolved = (
            ctx.aware(min(last_seen + datetime.timedelta(days=45), ctx.today))
            if done
            else None
        )
        staff = staff_of[plan.town]
        issues.append(
            (
                plan.pk,
                plan.unit,
                title,
                description,
                status,
                rng.choices((1, 2, 3, 4), (0.2, 0.45, 0.25, 0.1))[0],
                first_seen,
                last_seen,
                "Đã được cơ quan chức năng giải quyết, nhân dân đồng tình."
                if done
                else "",
                resolved,
                1,
                fold(f"{title} {description}"),
                staff,
                created,
                resolved or created,
            )
        )
        for commune in sorted({commune for _pk, commune, _day in plan.reports}):
            areas.append((plan.pk, commune))
        topic_links.append((plan.pk, plan.topic))
        if rng.random() < 0.6:
            for index in range(rng.randrange(1, 4)):
                due = first_seen + datetime.timedelta(days=30 + 20 * index)
                answered = done or (due < ctx.today and rng.random() < 0.6)
                follow_ups.append(
                    (
                        next(next_follow_up),
                        plan.pk,
                        rng.choice(texts.FOLLOW_UP_AGENCIES),
                        "Kiểm tra, xác minh nội dung dư luận phản ánh và báo cáo kết "
                        "quả xử lý về Ban Thường vụ.",
                        due,
                        "Đã kiểm tra, xử lý và thông tin lại cho nhân dân."
                        if answered
                        else "",
                        min(due, ctx.today) if answered else None,
                        None,
                        staff,
                        created,
                    )
                )
        if leaders and rng.random() < 0.3:
            author = next(
                (pk for pk, unit in leaders if unit == plan.town), leaders[0][0]
            )
            directions.append(
                (
                    next(next_direction),
                    plan.pk,
                    author,
                    "Giao cơ quan chủ trì khẩn trương kiểm tra, giải quyết dứt điểm, "
                    "báo cáo kết quả trước kỳ giao ban tới.",
                    first_seen + datetime.timedelta(days=30),
                    created + datetime.timedelta(days=2),
                )
            )
    ctx.load(
        Issue,
        [
            "id",
            "unit_id",
            "title",
            "description",
            "status",
            "severity",
            "first_seen",
            "last_seen",
            "outcome",
            "resolved_at",
            "version",
            "search_text",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        issues,
        ctx.progress("issues", len(issues)),
    )
    ctx.load(Issue.areas.through, ["issue_id", "orgunit_id"], areas)
    ctx.load(Issue.topics.through, ["issue_id", "topic_id"], topic_links)
    ctx.load(
        FollowUp,
        [
            "id",
            "issue_id",
            "agency",
            "request",
            "due_date",
            "response",
            "responded_on",
            "escalated_at",
            "created_by_id",
            "created_at",
        ],
        follow_ups,
    )
    ctx.load(
        Direction,
        ["id", "issue_id", "author_id", "text", "due_date", "created_at"],
        directions,
    )
    ctx.reset_sequences(Issue.areas.through, Issue.topics.through)


def _focus_topics(ctx, periods, topics) -> None:
    for period in periods[-3:]:
        for topic in topics[:3]:
            FocusTopic.objects.get_or_create(
                period=period, topic=topic, unit=ctx.province
            )
