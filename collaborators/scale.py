"""The province's roster at scale: collaborators, their accounts and their history.

Hands ``ctx.shared["collaborators"]`` to the reports seeder: one :class:`Member`
per collaborator, with the period they joined in, the one they left in (if they
did) and how diligent a reporter they are.
"""

import datetime
from dataclasses import dataclass

from collaborators.models import Collaborator, RosterEvent
from dluan.models import User
from dluan.scale import USER_COLUMNS, ScaleContext, skewed_weights
from dluan.search import fold_parts

OCCUPATIONS = [
    ("Giáo viên", "Giáo viên trường THCS"),
    ("Cán bộ hưu trí", "Nguyên Bí thư chi bộ"),
    ("Công chức xã", "Công chức Văn hóa - Xã hội"),
    ("Cán bộ đoàn thể", "Chủ tịch Hội Phụ nữ xã"),
    ("Cán bộ đoàn thể", "Chủ tịch Hội Cựu chiến binh xã"),
    ("Cán bộ đoàn thể", "Bí thư Đoàn xã"),
    ("Trưởng thôn", "Trưởng thôn"),
    ("Bác sĩ", "Trạm trưởng Trạm Y tế xã"),
    ("Nông dân", "Chi hội trưởng Chi hội Nông dân"),
    ("Công chức xã", "Công chức Tư pháp - Hộ tịch"),
]


@dataclass(slots=True)
class Member:
    pk: int
    commune: int
    town: int
    joined: int  # index of the first period they were active in
    left: int | None  # index of the period they were suspended or dismissed in
    diligence: float  # chance of filing the periodic report in a period
    user: int


def seed(ctx: ScaleContext) -> None:
    size, rng = ctx.size, ctx.rng
    periods = ctx.period_starts
    communes = [c for town in ctx.towns for c in ctx.communes_by_town[town.pk]]
    # Some communes keep many collaborators, most a middling number.
    weights = [w * rng.uniform(0.7, 1.3) for w in skewed_weights(len(communes), 0.15)]
    rng.shuffle(weights)
    total = sum(weights)
    counts = [max(3, round(size.collaborators * w / total)) for w in weights]
    counts[0] += size.collaborators - sum(counts)

    collaborator_ids = iter(ctx.ids(Collaborator, size.collaborators))
    user_ids = iter(ctx.ids(User, size.collaborators))
    event_ids = ctx.ids(RosterEvent, size.collaborators * 4)
    next_event = iter(event_ids)
    members: list[Member] = []
    collaborators, users, coverage, events = [], [], [], []
    now = ctx.aware(ctx.today)
    number = 0
    for commune, count in zip(communes, counts, strict=True):
        town = ctx.commune_town[commune]
        staff = ctx.town_staff[town]
        for _ in range(count):
            number += 1
            pk, user = next(collaborator_ids), next(user_ids)
            gender = "female" if rng.random() < 0.42 else "male"
            name = ctx.person_name(gender)
            # The first collaborators of the first town stay active from the start:
            # the benchmark's load run signs in as them.
            anchored = number <= 200
            joined = (
                0 if anchored or rng.random() < 0.7 else rng.randrange(len(periods))
            )
            left = None
            status = Collaborator.Status.ACTIVE
            roll = rng.random()
            if not anchored and roll < 0.03 and joined < len(periods) - 2:
                left = rng.randrange(joined + 1, len(periods))
                status = Collaborator.Status.DISMISSED
            elif not anchored and roll < 0.07 and joined < len(periods) - 2:
                left = rng.randrange(max(joined + 1, len(periods) - 4), len(periods))
                status = Collaborator.Status.SUSPENDED
            diligence = min(0.98, max(0.15, rng.gauss(0.72, 0.18)))
            members.append(Member(pk, commune, town, joined, left, diligence, user))
            occupation, position = rng.choice(OCCUPATIONS)
            phone = f"09{number:08d}"
            appointed = periods[joined] - datetime.timedelta(days=rng.randrange(1, 40))
            # Terms run 24 months and are renewed; the current one started at the
            # last renewal before today.
            term_start = appointed
            renewals = []
            while term_start + datetime.timedelta(days=730) < ctx.today:
                term_start += datetime.timedelta(days=730)
                renewals.append(term_start)
            term_end = term_start + datetime.timedelta(days=730)
            decision = f"{rng.randrange(10, 400)}-QĐ/BTG"
            collaborators.append(
                (
                    pk,
                    name,
                    gender,
                    rng.randrange(1955, 1998),
                    phone,
                    "",
                    commune,
                    occupation,
                    position,
                    rng.random() < 0.8,
                    occupation == "Cán bộ hưu trí",
                    decision,
                    appointed,
                    term_start,
                    term_end,
                    rng.choice([300000, 500000, 700000]),
                    status,
                    "",
                    user if status != Collaborator.Status.DISMISSED else None,
                    fold_parts(name, phone, occupation, position, decision),
                    now,
                    now,
                )
            )
            users.append(
                (
                    user,
                    f"ctv{number:05d}",
                    name,
                    User.Role.COLLABORATOR,
                    commune,
                    ctx.password_hash,
                    "",
                    "",
                    "",
                    phone,
                    False,
                    False,
                    status == Collaborator.Status.ACTIVE,
                    now,
                )
            )
            coverage.append((pk, commune))
            events.append(
                (
                    next(next_event),
                    pk,
                    RosterEvent.Kind.APPOINT,
                    appointed,
                    decision,
                    "",
                    appointed + datetime.timedelta(days=730),
                    Collaborator.Status.ACTIVE,
                    staff,
                    now,
                )
            )
            for renewed in renewals[:2]:
                events.append(
                    (
                        next(next_event),
                        pk,
                        RosterEvent.Kind.RENEW,
                        renewed,
                        f"{rng.randrange(10, 400)}-QĐ/BTG",
                        "",
                        renewed + datetime.timedelta(days=730),
                        Collaborator.Status.ACTIVE,
                        staff,
                        now,
                    )
                )
            if left is not None:
                kind = (
                    RosterEvent.Kind.DISMISS
                    if status == Collaborator.Status.DISMISSED
                    else RosterEvent.Kind.SUSPEND
                )
                events.append(
                    (
                        next(next_event),
                        pk,
                        kind,
                        periods[left],
                        "",
                        "Chuyển công tác"
                        if kind == RosterEvent.Kind.DISMISS
                        else "Ốm đau dài ngày",
                        None,
                        status,
                        staff,
                        now,
                    )
                )

    ctx.load(User, USER_COLUMNS, users, ctx.progress("accounts", len(users)))
    ctx.load(
        Collaborator,
        [
            "id",
            "full_name",
            "gender",
            "birth_year",
            "phone",
            "email",
            "unit_id",
            "occupation",
            "position",
            "is_party_member",
            "is_retired",
            "decision_number",
            "decision_date",
            "term_start",
            "term_end",
            "monthly_allowance",
            "status",
            "notes",
            "user_id",
            "search_text",
            "created_at",
            "updated_at",
        ],
        collaborators,
        ctx.progress("collaborators", len(collaborators)),
    )
    ctx.load(
        Collaborator.coverage_areas.through,
        ["collaborator_id", "orgunit_id"],
        coverage,
    )
    ctx.load(
        RosterEvent,
        [
            "id",
            "collaborator_id",
            "kind",
            "date",
            "decision_number",
            "reason",
            "term_end",
            "status_after",
            "created_by_id",
            "created_at",
        ],
        events,
        ctx.progress("roster decisions", len(events)),
    )
    ctx.reset_sequences(User, Collaborator, RosterEvent)
    ctx.shared["collaborators"] = members
