"""The province's surveys for ``seed_demo --scale``: what ``make bench`` measures.

- An online rapid survey of the province still open, of 10 questions, with
  200,000 answers (``large``; 2,000 in ``small``), weighted to the population of
  every commune: the results page, the cross-tab, the raking, the exports and the
  load run of 200 respondents are measured on it.
- A face-to-face survey of 5,000 interviews (``large``; 400 in ``small``), drawn in
  two stages: communes across the towns, then quotas by sex and age group in
  each, shared among the communes' collaborators: the quota-fill page.

Responses and their answer rows are built as tuples, the answer rows exactly as
:func:`surveys.services.collect._answer_rows` makes them, and streamed with
``COPY`` a chunk at a time, so the 200,000 responses never sit in memory at once.
Weights come from the weighting service in :func:`finish`, on indexed tables.
"""

import datetime
import itertools
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from dluan.models import User
from dluan.scale import ScaleContext
from dluan.search import fold
from surveys import demo, stats
from surveys.answers import fingerprint
from surveys.models import (
    Answer,
    Assignment,
    Question,
    QuestionnaireVersion,
    Response,
    Survey,
    SurveyCell,
)

K = Question.Kind


@dataclass(frozen=True)
class Size:
    online: int  # answers through the link
    face: int  # interviews of the face-to-face survey
    face_communes: int  # communes drawn at its first stage


SIZES = {
    "large": Size(online=200_000, face=5_000, face_communes=200),
    "small": Size(online=2_000, face=400, face_communes=12),
}
CHUNK = 20_000  # responses built and copied at a time

ONLINE_TITLE = (
    "Điều tra nhanh dư luận xã hội về tình hình kinh tế - xã hội và sự hài lòng "
    "của Nhân dân năm 2026"
)
ONLINE_PURPOSE = (
    "Lấy ý kiến rộng rãi của cán bộ, đảng viên và Nhân dân toàn tỉnh qua đường "
    "liên kết trực tuyến, phục vụ tổng kết năm và xây dựng chương trình công tác "
    "tuyên truyền năm tới."
)
FACE_TITLE = (
    "Điều tra dư luận xã hội toàn tỉnh về việc sắp xếp đơn vị hành chính và "
    "chính quyền địa phương hai cấp"
)

STANCE = demo.STANCE
ONLINE_QUESTIONS = [
    demo.q(
        "nguon_thong_tin",
        K.MULTIPLE,
        "Ông/bà thường tiếp nhận thông tin thời sự qua những kênh nào?",
        required=True,
        choices=[
            ("truyen_hinh", "Truyền hình, phát thanh"),
            ("bao_dien_tu", "Báo điện tử"),
            ("mang_xa_hoi", "Mạng xã hội"),
            ("hoi_hop", "Hội họp ở khu dân cư"),
            ("loa", "Loa truyền thanh cơ sở"),
        ],
        other="khac",
    ),
    demo.q(
        "danh_gia_kt_xh",
        K.SINGLE,
        "Ông/bà đánh giá tình hình kinh tế - xã hội của tỉnh năm qua thế nào?",
        required=True,
        choices=[
            ("tot_hon", "Tốt hơn năm trước"),
            ("nhu_cu", "Như năm trước"),
            ("kem_hon", "Kém hơn năm trước"),
            ("kho_danh_gia", "Khó đánh giá"),
        ],
    ),
    demo.q(
        "hai_long_dvc",
        K.RATING,
        demo.BANK["hai-long-dvc-truc-tuyen"]["label"],
        required=True,
        bank="hai-long-dvc-truc-tuyen",
    ),
    demo.q(
        "van_de_quan_tam",
        K.MULTIPLE,
        "Những vấn đề ông/bà quan tâm nhất hiện nay (chọn tối đa ba)?",
        required=True,
        choices=[
            ("gia_ca", "Giá cả, lạm phát"),
            ("viec_lam", "Việc làm, thu nhập"),
            ("moi_truong", "Ô nhiễm môi trường"),
            ("an_ninh", "An ninh, trật tự"),
            ("tham_nhung", "Tham nhũng, tiêu cực"),
            ("y_te", "Y tế, khám chữa bệnh"),
            ("giao_duc", "Giáo dục"),
        ],
    ),
    demo.q(
        "tan_thanh",
        K.GRID,
        "Ông/bà có tán thành các chủ trương sau không?",
        required=True,
        rows=[
            ("sap_xep", "Sắp xếp đơn vị hành chính cấp xã"),
            ("hai_cap", "Chính quyền địa phương hai cấp"),
            ("chuyen_doi_so", "Đẩy mạnh chuyển đổi số"),
        ],
        choices=STANCE,
    ),
    demo.q(
        "tin_tuong",
        K.RATING,
        demo.BANK["tin-tuong-chinh-quyen"]["label"],
        required=True,
        bank="tin-tuong-chinh-quyen",
    ),
    demo.q(
        "thu_nhap",
        K.SINGLE,
        "Thu nhập của gia đình ông/bà năm nay so với năm trước?",
        required=True,
        choices=[("tang", "Tăng"), ("nhu_cu", "Giữ nguyên"), ("giam", "Giảm")],
    ),
    demo.q(
        "nhan_khau",
        K.NUMBER,
        "Gia đình ông/bà có bao nhiêu nhân khẩu?",
        minimum=1,
        maximum=20,
    ),
    demo.q(
        "viec_lam",
        K.SINGLE,
        "Công việc chính của ông/bà hiện nay ổn định thế nào?",
        choices=[
            ("on_dinh", "Ổn định"),
            ("chua_on_dinh", "Chưa ổn định"),
            ("khong_co", "Chưa có việc làm"),
        ],
        other="khac",
    ),
    demo.q(
        "kien_nghi",
        K.LONG_TEXT,
        "Ông/bà có kiến nghị gì với cấp ủy, chính quyền tỉnh?",
    ),
]

# A response's columns and their values unless given (see _response).
RESPONSE_DEFAULTS = {
    "id": None,
    "survey_id": None,
    "version_id": None,
    "mode": Response.Mode.ONLINE,
    "client_id": None,
    "entered_by_id": None,
    "collaborator_id": None,
    "commune_id": None,
    "sex": "",
    "age_group": "",
    "occupation": "",
    "answers": {},
    "state": Response.State.SUBMITTED,
    "review": Response.Review.APPROVED,
    "review_comment": "",
    "reviewed_by_id": None,
    "reviewed_at": None,
    "flag_fast": False,
    "flag_duplicate": False,
    "over_quota": False,
    "fingerprint": "",
    "cell_id": None,
    "weight": 1.0,
    "started_at": None,
    "ended_at": None,
    "submitted_at": None,
    "created_at": None,
    "updated_at": None,
}
# Those the model has (a weight on the response, or its cell's).
RESPONSE_COLUMNS = [
    name
    for name in RESPONSE_DEFAULTS
    if name in {f.attname for f in Response._meta.concrete_fields}
]
ANSWER_COLUMNS = [
    "id",
    "response_id",
    "question_id",
    "row",
    "choice_id",
    "number",
    "date",
    "text",
    "search_text",
]


# --- Answer rows as tuples ----------------------------------------------------------


@dataclass
class Compiled:
    """A question as the row builder needs it: ids, kind, choice ids by code."""

    pk: int
    name: str
    kind: str
    choices: dict  # code -> choice id
    other: set  # codes of "Khác (ghi rõ)"


def compile_questions(questions) -> list[Compiled]:
    return [
        Compiled(
            pk=question.pk,
            name=question.name,
            kind=question.kind,
            choices={c.value: c.pk for c in question.choices.all()},
            other={c.value for c in question.choices.all() if c.is_other},
        )
        for question in questions
    ]


def answer_rows(compiled: list[Compiled], answers: dict) -> list[tuple]:
    """(question_id, row, choice_id, number, date, text, search_text) per answer
    row, as ``_answer_rows`` builds them (the same order)."""
    rows = []
    for question in compiled:
        value = answers.get(question.name)
        if value in (None, "", [], {}):
            continue
        other = answers.get(f"{question.name}__other", "")
        kind = question.kind
        if kind == "multiple":
            for code in value:
                text = other if code in question.other else ""
                rows.append(
                    (
                        question.pk,
                        "",
                        question.choices[code],
                        None,
                        None,
                        text,
                        fold(text) if text else "",
                    )
                )
        elif kind == "grid":
            for row_name, code in value.items():
                rows.append(
                    (question.pk, row_name, question.choices[code], None, None, "", "")
                )
        elif kind in ("single", "rating"):
            text = other if value in question.other else ""
            rows.append(
                (
                    question.pk,
                    "",
                    question.choices[value],
                    None,
                    None,
                    text,
                    fold(text) if text else "",
                )
            )
        elif kind == "number":
            rows.append((question.pk, "", None, value, None, "", ""))
        elif kind == "date":
            rows.append((question.pk, "", None, None, value, "", ""))
        else:
            rows.append((question.pk, "", None, None, None, value, fold(value)))
    return rows


# --- Answers ---------------------------------------------------------------------

AGES = [a.value for a in demo.AgeGroup]
ONLINE_AGE_WEIGHTS = [36, 34, 21, 9]
ONLINE_OCCUPATIONS = {
    "18-29": ["student", "student", "official", "worker", "business", "armed"],
    "30-44": ["official", "official", "business", "worker", "farmer", "other"],
    "45-59": ["official", "business", "farmer", "farmer", "other"],
    "60+": ["retiree", "retiree", "retiree", "other"],
}
CONCERNS = ["gia_ca", "viec_lam", "moi_truong", "an_ninh", "tham_nhung", "y_te"]
CONCERN_WEIGHTS = [34, 26, 14, 10, 8, 5, 3]  # and giao_duc
SOURCES = {
    "truyen_hinh": 0.55,
    "bao_dien_tu": 0.45,
    "mang_xa_hoi": 0.8,
    "hoi_hop": 0.3,
    "loa": 0.2,
    "khac": 0.02,
}


def online_answers(rng, age: str, rural: bool) -> dict:
    """One respondent's answers to the province's 10 questions (a story: the
    young read news on social networks, prices worry most, the rural less
    content with online public services)."""
    young = age in ("18-29", "30-44")
    chosen = [
        code
        for code, share in SOURCES.items()
        if rng.random() < (share if young or code != "mang_xa_hoi" else 0.45)
    ]
    answers = {"nguon_thong_tin": chosen or ["truyen_hinh"]}
    if "khac" in chosen:
        answers["nguon_thong_tin__other"] = "Nghe bạn bè kể lại"
    roll = rng.random()
    answers["danh_gia_kt_xh"] = (
        "tot_hon"
        if roll < 0.58
        else "nhu_cu"
        if roll < 0.82
        else "kem_hon"
        if roll < 0.93
        else "kho_danh_gia"
    )
    mean = (3.8 if young else 3.3) - (0.3 if rural else 0)
    answers["hai_long_dvc"] = demo.rating(rng, mean)
    concerns = set(
        rng.choices([*CONCERNS, "giao_duc"], CONCERN_WEIGHTS, k=rng.randint(1, 3))
    )
    answers["van_de_quan_tam"] = sorted(concerns)
    answers["tan_thanh"] = {
        "sap_xep": "agree" if rng.random() < 0.8 else rng.choice(["oppose", "unsure"]),
        "hai_cap": "agree" if rng.random() < 0.76 else rng.choice(["oppose", "unsure"]),
        "chuyen_doi_so": "agree" if rng.random() < 0.88 else "unsure",
    }
    answers["tin_tuong"] = demo.rating(rng, 3.7)
    roll = rng.random()
    answers["thu_nhap"] = "tang" if roll < 0.41 else "nhu_cu" if roll < 0.8 else "giam"
    if rng.random() < 0.9:
        answers["nhan_khau"] = str(min(20, max(1, round(rng.gauss(4.2, 1.5)))))
    if rng.random() < 0.85:
        roll = rng.random()
        answers["viec_lam"] = (
            "on_dinh" if roll < 0.66 else "chua_on_dinh" if roll < 0.9 else "khong_co"
        )
        if roll > 0.985:
            answers["viec_lam"] = "khac"
            answers["viec_lam__other"] = "Làm thời vụ theo mùa"
    if rng.random() < 0.08:
        answers["kien_nghi"] = rng.choice(demo.SUGGESTIONS)
    return answers


# --- Seeding -----------------------------------------------------------------------


def _survey(ctx, staff, *, title, purpose, mode, specs, bank, **extra):
    survey = Survey.objects.create(
        unit=ctx.province,
        title=title,
        purpose=purpose,
        mode=mode,
        created_by=staff,
        **extra,
    )
    version = QuestionnaireVersion.objects.create(survey=survey, number=1)
    survey.current_version = version
    survey.save(update_fields=["current_version"])
    return survey, version, demo.make_questionnaire(version, specs, bank)


def _populations(ctx, communes) -> dict:
    """Adults per (commune, sex, age group)."""
    rng = ctx.rng
    cells = {}
    for commune in communes:
        rural = ctx.commune_names[commune].startswith("Xã")
        adults = rng.randrange(3500, 9000) if rural else rng.randrange(6000, 14000)
        for age, share in demo.AGE_SHARES.items():
            for sex in demo.SEXES:
                sex_share = 0.5 if age != "60+" else (0.57 if sex == "female" else 0.43)
                cells[(commune, sex, age)] = round(adults * share * sex_share)
    return cells


def _cell_rows(survey, cells: dict, quotas: dict) -> list[SurveyCell]:
    return [
        SurveyCell(
            survey=survey,
            commune_id=commune,
            sex=sex,
            age_group=age,
            population=population,
            quota=quotas.get((commune, sex, age), 0),
        )
        for (commune, sex, age), population in cells.items()
    ]


def _load(ctx, label, survey, version, questions, made, count) -> None:
    """Copy ``count`` responses of ``made`` (an iterator of Response-column
    tuples without id, survey and version, plus the answers dict last) with their
    answer rows, a chunk at a time."""
    compiled = compile_questions(questions)
    response_ids = iter(ctx.ids(Response, count))
    first_answer = next_answer = ctx.ids(Answer, 0).start
    bar = ctx.progress(label, count)
    done = 0
    while done < count:
        responses, answers = [], []
        for values in itertools.islice(made, min(CHUNK, count - done)):
            pk = next(response_ids)
            fields = dict(zip(RESPONSE_COLUMNS[3:], values, strict=True))
            fields["fingerprint"] = fingerprint(questions, fields["answers"])
            responses.append((pk, survey.pk, version.pk, *fields.values()))
            for row in answer_rows(compiled, fields["answers"]):
                answers.append((next_answer, pk, *row))
                next_answer += 1
        ctx.load(Response, RESPONSE_COLUMNS, responses)
        ctx.load(Answer, ANSWER_COLUMNS, answers)
        done += len(responses)
        bar.advance(len(responses))
    bar.finish()
    ctx.ids(Answer, next_answer - first_answer)
    ctx.reset_sequences(Response, Answer)


def _response(**fields) -> tuple:
    """A response's columns after id, survey and version (see RESPONSE_COLUMNS)."""
    values = {**RESPONSE_DEFAULTS, **fields}
    return tuple(values[name] for name in RESPONSE_COLUMNS[3:])


def _cell_ids(survey) -> dict:
    """The survey's cells' ids by (commune, sex, age group)."""
    return {
        (c.commune_id, c.sex, c.age_group): c.pk
        for c in SurveyCell.objects.filter(survey=survey)
    }


def seed_online(ctx, staff, bank, communes, cells, count: int) -> Survey:
    rng = ctx.rng
    today = ctx.today
    starts = today - datetime.timedelta(days=4)
    survey, version, questions = _survey(
        ctx,
        staff,
        title=ONLINE_TITLE,
        purpose=ONLINE_PURPOSE,
        mode=Survey.Mode.ONLINE,
        specs=ONLINE_QUESTIONS,
        bank=bank,
        status=Survey.Status.OPEN,
        starts_on=starts,
        ends_on=today + datetime.timedelta(days=5),
        online_count=count,
    )
    SurveyCell.objects.bulk_create(_cell_rows(survey, cells, {}), batch_size=5000)
    cell_ids = _cell_ids(survey)
    # Answers come from every commune, the wards and large communes more.
    by_commune = {}
    for (commune, _sex, _age), population in cells.items():
        by_commune[commune] = by_commune.get(commune, 0) + population
    weights = [
        by_commune[c] * (1.6 if not ctx.commune_names[c].startswith("Xã") else 1.0)
        for c in communes
    ]
    cumulative = list(itertools.accumulate(weights))
    rural = {c: ctx.commune_names[c].startswith("Xã") for c in communes}
    start = ctx.aware(starts, 6 * 60)
    span = (ctx.aware(today, 6 * 60) - start).total_seconds()

    def made():
        for _ in range(count):
            commune = rng.choices(communes, cum_weights=cumulative)[0]
            age = rng.choices(AGES, ONLINE_AGE_WEIGHTS)[0]
            sex = "female" if rng.random() < 0.53 else "male"
            # Most answers the day the link went round, fewer each day after.
            ended = start + datetime.timedelta(
                seconds=min(span - 1, rng.expovariate(3 / span))
            )
            yield _response(
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                commune_id=commune,
                sex=sex,
                age_group=age,
                cell_id=cell_ids.get((commune, sex, age)),
                occupation=rng.choice(ONLINE_OCCUPATIONS[age]),
                answers=online_answers(rng, age, rural[commune]),
                started_at=ended - datetime.timedelta(seconds=rng.randrange(60, 600)),
                ended_at=ended,
                submitted_at=ended,
                created_at=ended,
                updated_at=ended,
            )

    _load(ctx, "online survey answers", survey, version, questions, made(), count)
    return survey


def seed_face(ctx, staff, bank, cells, size: Size) -> Survey:
    """Communes drawn across the towns, quotas by sex and age group in each,
    shared among the communes' active collaborators, all interviewed."""
    rng = ctx.rng
    today = ctx.today
    members = [m for m in ctx.shared["collaborators"] if m.left is None]
    staffed = {}
    for member in members:
        staffed.setdefault(member.commune, []).append(member)
    # First stage: communes with collaborators, spread over the towns in turn.
    by_town = {}
    for commune in sorted(staffed):
        by_town.setdefault(ctx.commune_town[commune], []).append(commune)
    for choices in by_town.values():
        rng.shuffle(choices)
    drawn = []
    for commune in itertools.chain.from_iterable(
        itertools.zip_longest(*by_town.values())
    ):
        if commune is not None and len(drawn) < size.face_communes:
            drawn.append(commune)
    chosen = set(drawn)
    own = {key: value for key, value in cells.items() if key[0] in chosen}
    commune_sizes = dict.fromkeys(drawn, 0)
    for (commune, _sex, _age), population in own.items():
        commune_sizes[commune] += population
    quotas = {}
    for commune, share in stats.allocate(size.face, commune_sizes).items():
        quotas.update(
            stats.allocate(share, {k: v for k, v in own.items() if k[0] == commune})
        )
    starts = today - datetime.timedelta(days=20)
    survey, version, questions = _survey(
        ctx,
        staff,
        title=FACE_TITLE,
        purpose=demo.FACE_PURPOSE,
        mode=Survey.Mode.FACE_TO_FACE,
        specs=demo.FACE_QUESTIONS,
        bank=bank,
        status=Survey.Status.OPEN,
        starts_on=starts,
        ends_on=today + datetime.timedelta(days=10),
        sample_size=size.face,
        response_rate="1.00",
    )
    SurveyCell.objects.bulk_create(_cell_rows(survey, own, quotas), batch_size=5000)
    cell_ids = _cell_ids(survey)
    interviewers = {c: staffed[c][:3] for c in drawn}
    assignments = []
    for commune in drawn:
        share = sum(v for k, v in quotas.items() if k[0] == commune)
        people = interviewers[commune]
        targets = stats.allocate(share, {m.pk: 1 for m in people}, equal=True)
        assignments += [
            Assignment(
                survey=survey,
                collaborator_id=m.pk,
                commune_id=commune,
                target=targets[m.pk],
            )
            for m in people
        ]
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    names = {c: ctx.commune_names[c] for c in drawn}
    reviewer = staff.pk

    def made():
        for (commune, sex, age), quota in quotas.items():
            people = interviewers[commune]
            for number in range(quota):
                member = people[number % len(people)]
                p = demo.Person(
                    commune=None,
                    rural=names[commune].startswith("Xã"),
                    sex=sex,
                    age_group=age,
                    occupation=demo.pick(rng, demo.OCCUPATIONS[age]),
                )
                day = starts + datetime.timedelta(days=rng.randrange(20))
                started = ctx.aware(day, rng.randrange(7 * 60, 19 * 60))
                ended = started + datetime.timedelta(seconds=rng.randrange(480, 1500))
                roll = rng.random()
                review = (
                    Response.Review.APPROVED
                    if roll < 0.9
                    else Response.Review.PENDING
                    if roll < 0.97
                    else Response.Review.REJECTED
                )
                reviewed = review != Response.Review.PENDING
                yield _response(
                    mode=Response.Mode.FACE_TO_FACE,
                    client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    entered_by_id=member.user,
                    collaborator_id=member.pk,
                    commune_id=commune,
                    sex=sex,
                    age_group=age,
                    cell_id=cell_ids[(commune, sex, age)],
                    occupation=p.occupation,
                    answers=demo.face_answers(rng, p),
                    review=review,
                    review_comment=demo.REJECTIONS[number % len(demo.REJECTIONS)]
                    if review == Response.Review.REJECTED
                    else "",
                    reviewed_by_id=reviewer if reviewed else None,
                    reviewed_at=ended + datetime.timedelta(days=1)
                    if reviewed
                    else None,
                    started_at=started,
                    ended_at=ended,
                    submitted_at=ended,
                    created_at=ended,
                    updated_at=ended,
                )

    count = sum(quotas.values())
    _load(ctx, "face-to-face interviews", survey, version, questions, made(), count)
    return survey


def _bank(ctx, staff) -> dict:
    from surveys.models import BankQuestion

    return {
        code: BankQuestion.objects.create(
            unit=ctx.province,
            code=code,
            kind=spec["kind"],
            label=spec["label"],
            hint=spec["hint"],
            choices=[
                {"value": v, "label": label, "is_other": False}
                for v, label in spec["choices"]
            ],
            created_by=staff,
        )
        for code, spec in demo.BANK.items()
    }


def seed(ctx: ScaleContext) -> None:
    size = SIZES.get(ctx.scale, SIZES["small"])
    staff = User.objects.get(username="tinh_canbo")
    bank = _bank(ctx, staff)
    communes = [c for town in ctx.towns for c in ctx.communes_by_town[town.pk]]
    cells = _populations(ctx, communes)
    online = seed_online(ctx, staff, bank, communes, cells, size.online)
    face = seed_face(ctx, staff, bank, cells, size)
    ctx.shared["surveys"] = [online.pk, face.pk]
    ctx.log(f"  {size.online:,} online answers, {size.face:,} interviews")


def finish(ctx: ScaleContext) -> None:
    """Weights for both surveys, once the answers are indexed."""
    try:
        from surveys.services.weighting import survey_weigh
    except ImportError:
        ctx.log("  no weighting service yet: weights left at 1")
        return
    for survey in Survey.objects.filter(pk__in=ctx.shared.get("surveys", [])):
        try:
            result = survey_weigh(survey=survey)
        except ValidationError as error:
            ctx.log(f"  {survey}: not weighted ({' '.join(error.messages)})")
            continue
        ctx.log(f"  {survey.title[:40]}…: {result.method}, deff {result.deff:.2f}")
