"""Six periods of periodic reports for the Hương Trà demo, and one incident.

Most collaborators file every period, some late, some not at all, a few reports
are returned; the current period is half in, with a queue to review. Around one
incident (a school food poisoning) three communes send urgent reports within a
week. Each collaborator keeps a habit (``HABITS``), so the discipline figures
differ from person to person and from period to period, and are never all 100 %
or all 0 %. Safe to run twice: a collaborator's periodic report for a period is
looked up before it is made.
"""

import datetime
import random

from django.utils import timezone

from collaborators.models import Collaborator
from reports import scale_texts as texts
from reports import services
from reports.models import OpinionReport, OpinionStream, ReportingPeriod, Topic

PERIODS_BACK = 6
# Each collaborator's habit, by their place in the roster: the chance of filing a
# period's report, and of filing it after the deadline.
HABITS = [(0.97, 0.0), (0.9, 0.1), (0.85, 0.35), (0.7, 0.2), (0.5, 0.4)]
TOPICS = [
    "Đất đai, cấp giấy chứng nhận quyền sử dụng đất",
    "Khai thác cát, sỏi trái phép trên các dòng sông",
    "Cải cách chính sách tiền lương",
    "Công tác cán bộ, sắp xếp tổ chức bộ máy",
    "Đường giao thông nông thôn",
    "Bảo hiểm y tế",
    "Ô nhiễm môi trường",
    "Tín dụng đen",
]
BREADTH = OpinionStream.Breadth
INCIDENT = (
    "Nhiều học sinh nhập viện sau bữa ăn bán trú tại {place}",
    "Khoảng 11 giờ trưa, sau bữa ăn bán trú, nhiều học sinh tiểu học có biểu hiện "
    "đau bụng, nôn, được đưa đến Trung tâm Y tế thị xã. Phụ huynh tập trung đông "
    "tại trường, một số người quay video đăng lên mạng xã hội.",
    "Đề nghị cơ quan y tế sớm công bố nguyên nhân; kiểm tra đơn vị cung cấp suất ăn; "
    "thông tin chính thức để tránh tin đồn.",
    [
        ("Phụ huynh bức xúc, yêu cầu làm rõ trách nhiệm nhà trường và đơn vị nấu ăn.",
         "oppose", BREADTH.MAJORITY),
        ("Nhiều người lo lắng về an toàn thực phẩm bán trú ở các trường khác.",
         "concern", BREADTH.MANY),
        ("Trên mạng xã hội lan truyền tin có học sinh tử vong, chưa được kiểm chứng.",
         "unclear", BREADTH.SOME),
    ],
)  # fmt: skip


def seed(ctx, *, fixed_titles=()) -> None:
    """``fixed_titles``: the demo's hand-written reports (reports/demo.py)."""
    today = timezone.localdate()
    services.periods_ensure_ahead(today=today, ahead=1, behind=PERIODS_BACK)
    periods = list(
        ReportingPeriod.objects.filter(start__lte=today).order_by("-start")[
            : PERIODS_BACK + 1
        ]
    )[::-1]  # oldest first
    for parent_name, children in texts.EXTRA_TOPICS:
        parent, _made = Topic.objects.get_or_create(parent=None, name=parent_name)
        for child in children:
            Topic.objects.get_or_create(parent=parent, name=child)
    topics = {t.name: t for t in Topic.objects.filter(name__in=TOPICS)}
    authors = list(
        Collaborator.objects.filter(user__in=ctx.collaborator_users)
        .select_related("user", "unit")
        .prefetch_related("coverage_areas")
        .order_by("user__username")
    )
    rng = random.Random(2019)
    # One long-serving collaborator went quiet two periods ago: their commune falls
    # silent (an early warning).
    covering = {}
    for author in authors:
        for area in author.coverage_areas.all():
            covering.setdefault(area.pk, []).append(author)
    silent = next(
        (
            a
            for a in authors
            if a.decision_date
            and a.decision_date < periods[0].start
            and [area.pk for area in a.coverage_areas.all()] == [a.unit_id]
            and covering[a.unit_id] == [a]
            # Not a unit the demo's own reports speak for lately (a rule on the
            # fixed demo reports only, so a second run picks the same person).
            and not OpinionReport.objects.filter(
                unit=a.unit, period__in=periods[-3:], title__in=fixed_titles
            ).exists()
        ),
        None,
    )
    others = [a for a in authors if a != silent]
    made = 0
    for age, period in enumerate(reversed(periods)):
        for index, author in enumerate(authors):
            made += _periodic(
                ctx, rng, period, index, author, topics, today,
                quiet=author == silent and age < 3,
                steady=author == silent and age >= 3,
            )  # fmt: skip
    made += _incident(ctx, others, today)
    made += _pollution(ctx, others, topics, today)
    for period in periods:
        services.discipline_compute(period=period, today=today)
    raised = services.warnings_raise(today=today)
    ctx.log(
        f"Report history: {made} reports over {len(periods)} periods, "
        f"{raised} early warnings raised."
    )


def _periodic(
    ctx, rng, period, index, author, topics, today, *, quiet=False, steady=False
) -> int:
    """One collaborator's periodic report for one period, as their habit has it."""
    filing, lateness = HABITS[index % len(HABITS)]
    # Draw every number first, so a rerun takes the same decisions.
    files, late, topic_name = (
        rng.random() < filing,
        rng.random() < lateness,
        rng.choice(TOPICS),
    )
    files = (files or steady) and not quiet
    text_rolls = [rng.random() for _ in range(6)]
    appointed = author.decision_date or author.term_start
    if (
        not files
        or not author.coverage_areas.all()
        or (appointed and appointed > period.deadline - datetime.timedelta(days=14))
        or OpinionReport.objects.filter(
            author=author, period=period, kind=OpinionReport.Kind.PERIODIC
        ).exists()
    ):
        return 0
    current = period.start <= today <= period.end
    if current and today <= period.deadline and text_rolls[0] < 0.45:
        return 0  # still writing it: not yet due
    day = (
        period.deadline + datetime.timedelta(days=1 + int(text_rolls[1] * 12))
        if late
        else period.deadline - datetime.timedelta(days=int(text_rolls[1] * 20))
    )
    day = max(period.start, min(day, today))
    area = author.coverage_areas.all()[0]
    source = texts.TEXTS.get(topic_name, texts.GENERIC)
    lowered = topic_name[0].lower() + topic_name[1:]
    place = area.name[0].lower() + area.name[1:]

    def pick(items, roll):
        return items[int(roll * len(items)) % len(items)].replace("{topic}", lowered)

    streams = []
    for position, direction in enumerate(
        ("support", "concern", "oppose")[: 1 + index % 3]
    ):
        options = (
            source["streams"].get(direction) or texts.GENERIC["streams"][direction]
        )
        streams.append(
            {
                "summary": pick(options, text_rolls[2 + position]),
                "direction": direction,
                "breadth": BREADTH.MANY if position == 0 else BREADTH.SOME,
                "intensity": OpinionStream.Intensity.MEDIUM,
                "social_groups": ["farmers", "elderly"][: 1 + position % 2],
                "channels": ["direct"],
            }
        )
    report = services.report_save_draft(
        author=author,
        user=author.user,
        data={
            "kind": OpinionReport.Kind.PERIODIC,
            "title": pick(source["titles"], text_rolls[5]).format(place=place),
            "area": area,
            # What it tells of happened within the period, even if sent late.
            "occurred_on": max(
                period.start, min(day, period.deadline) - datetime.timedelta(days=3)
            ),
            "description": pick(source["descriptions"], text_rolls[2]).format(
                place=place
            ),
            "proposals": pick(source["proposals"], text_rolls[3]),
        },
        topics=[topics[topic_name]] if topic_name in topics else [],
        streams=streams,
    )
    report = services.report_submit(
        report=report, user=author.user, confirm_balance=True
    )
    sent = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 10)))
    OpinionReport.objects.filter(pk=report.pk).update(submitted_at=sent)
    report.refresh_from_db()
    # The board reviews what came before the current period; a few go back.
    if not current:
        if text_rolls[4] < 0.06:
            services.report_return(
                report=report,
                user=ctx.staff,
                version=report.version,
                question=texts.RETURN_QUESTIONS[index % len(texts.RETURN_QUESTIONS)],
            )
        else:
            services.report_accept(
                report=report, user=ctx.staff, version=report.version
            )
    return 1


def _incident(ctx, authors, today) -> int:
    """Urgent reports of one incident from three communes within a week."""
    title, description, proposals, streams = INCIDENT
    with_areas = [a for a in authors if a.coverage_areas.all()]
    made = 0
    for offset, author in enumerate(with_areas[:3]):
        area = author.coverage_areas.all()[0]
        place = area.name[0].lower() + area.name[1:]
        if OpinionReport.objects.filter(
            author=author, title=title.format(place=place)
        ).exists():
            continue
        day = today - datetime.timedelta(days=2 + offset * 2)
        report = services.report_save_draft(
            author=author,
            user=author.user,
            data={
                "kind": OpinionReport.Kind.URGENT,
                "urgency": OpinionReport.Urgency.VERY_URGENT,
                "title": title.format(place=place),
                "area": area,
                "occurred_on": day,
                "description": description,
                "proposals": proposals,
            },
            topics=list(Topic.objects.filter(name="Y tế, chăm sóc sức khỏe")),
            streams=[
                {
                    "summary": summary,
                    "direction": direction,
                    "breadth": breadth,
                    "intensity": OpinionStream.Intensity.HIGH,
                    "social_groups": ["students", "workers"],
                    "channels": ["direct", "social_media"],
                    "is_rumour": direction == "unclear",
                }
                for summary, direction, breadth in streams
            ],
        )
        report = services.report_submit(
            report=report, user=author.user, confirm_balance=True
        )
        sent = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
        OpinionReport.objects.filter(pk=report.pk).update(submitted_at=sent)
        made += 1
    return made


POLLUTION = (
    "Trang trại heo xả thải ra mương thủy lợi ở {place}",
    "Nước thải từ trang trại chăn nuôi heo chảy thẳng ra mương, bốc mùi hôi thối; "
    "nhiều hộ dân phải đóng cửa cả ngày, ruộng lúa cuối mương bị ảnh hưởng.",
    "Đề nghị Phòng Tài nguyên và Môi trường kiểm tra, xử phạt và buộc trang trại "
    "xây hệ thống xử lý nước thải.",
    [
        ("Người dân bức xúc vì đã phản ánh nhiều lần nhưng tình trạng vẫn kéo dài.",
         "oppose", BREADTH.MAJORITY),
        ("Bà con lo ngại nguồn nước giếng và sức khỏe trẻ nhỏ.", "concern",
         BREADTH.MANY),
    ],
)  # fmt: skip


def _pollution(ctx, authors, topics, today) -> int:
    """A wave of reports on one farm's pollution this period, reviewed at once.

    Far more reports on the topic than in the periods before, and far more
    opposed and worried opinion: the early warnings of a jump.
    """
    title, description, proposals, streams = POLLUTION
    with_areas = [a for a in authors if a.coverage_areas.all()]
    if not with_areas:
        return 0
    area = with_areas[-1].coverage_areas.all()[0]
    place = area.name[0].lower() + area.name[1:]
    topic = topics.get("Ô nhiễm môi trường")
    made = 0
    for offset, author in enumerate(with_areas[-6:]):
        wording = f"{title.format(place=place)} (lần {offset + 1})"
        if OpinionReport.objects.filter(author=author, title=wording).exists():
            continue
        day = today - datetime.timedelta(days=offset)
        report = services.report_save_draft(
            author=author,
            user=author.user,
            data={
                "kind": OpinionReport.Kind.URGENT,
                "urgency": OpinionReport.Urgency.URGENT,
                "title": wording,
                "area": area if area in author.coverage_areas.all() else None,
                "occurred_on": day,
                "description": description,
                "proposals": proposals,
            },
            topics=[topic] if topic else [],
            streams=[
                {
                    "summary": summary,
                    "direction": direction,
                    "breadth": breadth,
                    "intensity": OpinionStream.Intensity.HIGH,
                    "social_groups": ["farmers"],
                    "channels": ["direct"],
                }
                for summary, direction, breadth in streams
            ],
        )
        if report.area_id is None:
            report.area = author.coverage_areas.all()[0]
            report.save(update_fields=["area"])
        report = services.report_submit(
            report=report, user=author.user, confirm_balance=True
        )
        services.report_accept(report=report, user=ctx.staff, version=report.version)
        made += 1
    return made
