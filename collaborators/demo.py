"""Demo roster of Hương Trà: collaborators, decisions, regulation and training."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from collaborators import services
from collaborators.models import (
    Collaborator,
    Regulation,
    RegulationAcknowledgement,
    RosterEvent,
    TrainingSession,
)

OCCUPATIONS = [
    ("giáo viên", "tổ trưởng chuyên môn", False, True),
    ("cán bộ hưu trí", "bí thư chi bộ thôn", True, False),
    ("bí thư chi bộ", "bí thư chi bộ", False, True),
    ("chủ tịch hội nông dân xã", "chủ tịch hội", False, True),
    ("trưởng thôn", "trưởng thôn", False, True),
    ("cựu chiến binh", "chi hội trưởng cựu chiến binh", True, True),
    ("y sĩ trạm y tế", "trạm trưởng", False, True),
    ("tiểu thương", "", False, False),
    ("bí thư đoàn thanh niên", "bí thư đoàn", False, True),
    ("chủ tịch hội phụ nữ", "chủ tịch hội", False, True),
    ("cán bộ văn hóa xã hội", "công chức", False, True),
    ("nông dân", "tổ trưởng tổ hợp tác", False, False),
]
EXTRA_NAMES = [
    "Nguyễn Thị Ánh",
    "Trần Văn Bảo",
    "Lê Thị Cúc",
    "Phạm Văn Đạt",
    "Hoàng Thị Én",
    "Huỳnh Văn Gia",
    "Phan Thị Hồng",
    "Võ Văn Khánh",
    "Đặng Văn Lợi",
    "Bùi Thị Mận",
    "Đỗ Văn Nam",
    "Hồ Thị Oanh",
    "Ngô Văn Phước",
    "Dương Thị Quế",
    "Trương Văn Sang",
]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _gender(name: str) -> str:
    female = " Thị " in name or name.startswith("Tôn Nữ")
    return Collaborator.Gender.FEMALE if female else Collaborator.Gender.MALE


def _person(index: int) -> dict:
    """Deterministic details for the index-th demo collaborator."""
    today = timezone.localdate()
    occupation, position, retired, party = OCCUPATIONS[index % len(OCCUPATIONS)]
    # Every fifth term ends within the next 60 days; the others later.
    months_ago = 23 if index % 5 == 0 else (index * 3) % 20
    term_start = _add_months(today, -months_ago) - timedelta(days=index % 9)
    return {
        "birth_year": 1955 + (index * 7) % 40,
        "phone": f"0905{100000 + index * 1373:06d}",
        "occupation": occupation,
        "position": position,
        "is_party_member": party or index % 3 == 0,
        "is_retired": retired or index % 4 == 0,
        "decision_number": f"{100 + index}-QĐ/TU",
        "decision_date": term_start,
        "term_start": term_start,
        "term_end": _add_months(term_start, 24) - timedelta(days=1),
        "monthly_allowance": Decimal(300000 + (index % 3) * 100000),
    }


def seed(ctx) -> None:
    created = 0
    communes = ctx.communes
    for index, user in enumerate(ctx.collaborator_users, start=1):
        if Collaborator.objects.filter(user=user).exists():
            continue
        unit = user.org_unit
        areas = [unit]
        if unit not in communes:
            areas = [communes[index % len(communes)]]
            if index % 2:
                areas.append(communes[(index + 3) % len(communes)])
        data = _person(index)
        data.update(
            full_name=user.full_name,
            gender=_gender(user.full_name),
            unit=unit,
            user=user,
            email=user.email or "",
        )
        services.collaborator_create(actor=ctx.staff, data=data, coverage_areas=areas)
        created += 1
    for offset, name in enumerate(EXTRA_NAMES, start=len(ctx.collaborator_users) + 1):
        data = _person(offset)
        if Collaborator.objects.filter(phone=data["phone"]).exists():
            continue
        unit = communes[(offset * 5) % len(communes)]
        data.update(full_name=name, unit=unit, gender=_gender(name))
        services.collaborator_create(actor=ctx.staff, data=data, coverage_areas=[unit])
        created += 1
    _seed_decisions(ctx)
    _seed_regulation(ctx)
    _seed_training(ctx)
    ctx.log(f"Collaborators: {created} added, {Collaborator.objects.count()} in all.")


def _seed_decisions(ctx) -> None:
    """One suspended and one dismissed collaborator, each with its decision."""
    today = timezone.localdate()
    scope = Collaborator.objects.filter(unit__path__startswith=ctx.town.path)
    if RosterEvent.objects.filter(
        collaborator__in=scope, kind=RosterEvent.Kind.SUSPEND
    ).exists():
        return
    extras = list(scope.filter(user=None).order_by("pk")[:3])
    if len(extras) < 3:
        return
    suspended, dismissed, renewed = extras
    services.roster_event_record(
        actor=ctx.staff,
        collaborator=suspended,
        kind=RosterEvent.Kind.SUSPEND,
        date=today - timedelta(days=20),
        decision_number="215-QĐ/TU",
        reason="Đi làm ăn xa trong 6 tháng, tạm dừng theo đề nghị của cá nhân.",
    )
    services.roster_event_record(
        actor=ctx.staff,
        collaborator=dismissed,
        kind=RosterEvent.Kind.DISMISS,
        date=today - timedelta(days=45),
        decision_number="198-QĐ/TU",
        reason="Không thực hiện chế độ báo cáo trong hai kỳ liên tiếp.",
    )
    renewed.refresh_from_db()
    services.roster_event_record(
        actor=ctx.staff,
        collaborator=renewed,
        kind=RosterEvent.Kind.RENEW,
        date=today - timedelta(days=5),
        decision_number="230-QĐ/TU",
        reason="Hoàn thành tốt nhiệm vụ, gia hạn hợp đồng 24 tháng.",
        term_end=_add_months(renewed.term_end, 24),
    )


def _seed_regulation(ctx) -> None:
    today = timezone.localdate()
    if Regulation.objects.filter(unit=ctx.town).exists():
        return
    Regulation.objects.create(
        unit=ctx.town,
        title="Quy chế hoạt động của mạng lưới cộng tác viên dư luận xã hội",
        version="2019",
        decision_number="05-QC/TU",
        effective_date=date(2019, 3, 1),
        summary="Quy định nhiệm vụ, quyền hạn và chế độ báo cáo của cộng tác viên.",
        created_by=ctx.staff,
    )
    current = Regulation.objects.create(
        unit=ctx.town,
        title="Quy chế hoạt động của mạng lưới cộng tác viên dư luận xã hội",
        version="2025",
        decision_number="12-QC/TU",
        effective_date=today - timedelta(days=120),
        summary=(
            "Sửa đổi sau sắp xếp đơn vị hành chính: báo cáo định kỳ hai tháng một "
            "lần, báo cáo đột xuất trong 24 giờ qua ứng dụng dluan."
        ),
        created_by=ctx.staff,
    )
    readers = Collaborator.objects.filter(
        unit__path__startswith=ctx.town.path, status=Collaborator.Status.ACTIVE
    ).order_by("pk")
    for index, collaborator in enumerate(readers):
        if index % 3 != 2:
            RegulationAcknowledgement.objects.get_or_create(
                regulation=current, collaborator=collaborator
            )


def _seed_training(ctx) -> None:
    today = timezone.localdate()
    if TrainingSession.objects.filter(unit=ctx.town).exists():
        return
    people = list(
        Collaborator.objects.filter(
            unit__path__startswith=ctx.town.path, status=Collaborator.Status.ACTIVE
        ).order_by("pk")
    )
    sessions = [
        (
            "Tập huấn nghiệp vụ nắm bắt, tổng hợp dư luận xã hội năm 2025",
            today - timedelta(days=150),
            "Hội trường Thị ủy Hương Trà",
            "Kỹ năng nắm bắt dư luận; viết báo cáo dư luận xã hội; nhận diện tin đồn.",
            people[::2],
        ),
        (
            "Bồi dưỡng kỹ năng nắm bắt dư luận trên mạng xã hội",
            today - timedelta(days=40),
            "Trung tâm Chính trị thị xã",
            "Theo dõi dư luận trên mạng xã hội; đấu tranh phản bác quan điểm sai trái.",
            people[1::3],
        ),
    ]
    for title, day, place, topics, attendees in sessions:
        session = services.training_session_create(
            actor=ctx.staff,
            data={
                "unit": ctx.town,
                "title": title,
                "organiser": "Ban Tuyên giáo và Dân vận Thị ủy",
                "date": day,
                "place": place,
                "topics": topics,
            },
        )
        services.training_attendance_set(
            actor=ctx.staff, session=session, collaborators=attendees
        )
