"""Demo surveys of Hương Trà: one finished face-to-face survey with its approved
report, an online rapid survey still open with a few thousand answers, and a
small face-to-face survey under way, so a collaborator signing in has interviews
to make. One bank question (satisfaction with online public services) is asked in
all three, so its trend shows across surveys.

Responses and their answer rows are built in memory and written with
``bulk_create`` (the same rows :func:`surveys.services.collect.response_save`
writes one at a time), so the demo seeds in a few seconds. Safe to run twice:
surveys are looked up by unit and title first, bank questions by unit and code.
"""

import datetime
import random
import uuid
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from collaborators.models import Collaborator
from surveys import stats
from surveys.answers import fingerprint
from surveys.models import (
    AgeGroup,
    Answer,
    Assignment,
    BankQuestion,
    Choice,
    Question,
    QuestionnaireVersion,
    Response,
    Sex,
    Survey,
    SurveyCell,
    SurveyReport,
)
from surveys.services.collect import _answer_rows

K = Question.Kind
AGE_GROUPS = [a.value for a in AgeGroup]
SEXES = [s.value for s in Sex]
SATISFACTION = [
    ("1", "Rất không hài lòng"),
    ("2", "Không hài lòng"),
    ("3", "Bình thường"),
    ("4", "Hài lòng"),
    ("5", "Rất hài lòng"),
]
STANCE = [("agree", "Tán thành"), ("oppose", "Phản đối"), ("unsure", "Băn khoăn")]

# The board's usual questions, copied into the surveys below.
BANK = {
    "hai-long-dvc-truc-tuyen": {
        "kind": K.RATING,
        "label": "Mức độ hài lòng của ông/bà với dịch vụ công trực tuyến",
        "hint": "Từ 1 (rất không hài lòng) đến 5 (rất hài lòng).",
        "choices": SATISFACTION,
    },
    "tin-tuong-chinh-quyen": {
        "kind": K.RATING,
        "label": (
            "Ông/bà tin tưởng ở mức nào rằng chính quyền xã, phường sẽ phục vụ "
            "nhân dân tốt hơn?"
        ),
        "hint": "Từ 1 (hoàn toàn không tin tưởng) đến 5 (rất tin tưởng).",
        "choices": [
            ("1", "Hoàn toàn không tin tưởng"),
            ("2", "Ít tin tưởng"),
            ("3", "Phân vân"),
            ("4", "Tin tưởng"),
            ("5", "Rất tin tưởng"),
        ],
    },
}


def q(name, kind, label, **extra) -> dict:
    return {"name": name, "kind": kind, "label": label, **extra}


# --- 1. The finished face-to-face survey -----------------------------------------

FACE_TITLE = (
    "Điều tra dư luận xã hội về việc sắp xếp đơn vị hành chính và tổ chức chính "
    "quyền địa phương hai cấp"
)
FACE_PURPOSE = (
    "Nắm bắt nhận thức, thái độ và những băn khoăn của cán bộ, đảng viên và Nhân "
    "dân thị xã về chủ trương sắp xếp đơn vị hành chính, không tổ chức cấp huyện, "
    "tổ chức chính quyền địa phương hai cấp; làm cơ sở tham mưu Thường trực Thị ủy "
    "chỉ đạo công tác tuyên truyền, định hướng dư luận."
)
FACE_QUESTIONS = [
    q("phan_1", K.SECTION, "Phần I. Nhận thức về chủ trương"),
    q(
        "biet_chu_truong",
        K.SINGLE,
        "Ông/bà có biết chủ trương sắp xếp đơn vị hành chính, tổ chức chính quyền "
        "địa phương hai cấp không?",
        required=True,
        choices=[
            ("biet_ro", "Biết rõ"),
            ("co_nghe", "Có nghe nhưng chưa rõ"),
            ("khong_biet", "Không biết"),
        ],
    ),
    q(
        "kenh_thong_tin",
        K.MULTIPLE,
        "Ông/bà biết thông tin về chủ trương này qua những kênh nào? (có thể chọn "
        "nhiều)",
        show_if={
            "question": "biet_chu_truong",
            "is": "one_of",
            "value": ["biet_ro", "co_nghe"],
        },
        choices=[
            ("truyen_hinh", "Truyền hình, phát thanh"),
            ("bao_chi", "Báo in, báo điện tử"),
            ("mang_xa_hoi", "Mạng xã hội (Zalo, Facebook…)"),
            ("hoi_nghi", "Hội nghị, họp tổ dân phố, thôn"),
            ("can_bo", "Cán bộ, đảng viên, cộng tác viên"),
        ],
        other="khac",
    ),
    q(
        "danh_gia_chu_truong",
        K.SINGLE,
        "Ông/bà đánh giá thế nào về sự cần thiết của chủ trương này?",
        required=True,
        choices=[
            ("rat_can_thiet", "Rất cần thiết"),
            ("can_thiet", "Cần thiết"),
            ("chua_can_thiet", "Chưa cần thiết"),
        ],
        other="khac",
    ),
    q(
        "tan_thanh",
        K.GRID,
        "Ông/bà có tán thành các nội dung sau không?",
        required=True,
        rows=[
            ("sap_nhap_xa", "Sáp nhập các xã, phường để thành lập đơn vị mới"),
            ("khong_cap_huyen", "Không tổ chức cấp huyện, chính quyền hai cấp"),
            ("dat_ten", "Cách đặt tên đơn vị hành chính mới"),
            ("tru_so", "Việc bố trí trụ sở làm việc của xã, phường mới"),
        ],
        choices=STANCE,
    ),
    q("phan_2", K.SECTION, "Phần II. Băn khoăn, kiến nghị"),
    q(
        "ban_khoan",
        K.SINGLE,
        "Ông/bà có băn khoăn, lo lắng gì khi thực hiện sắp xếp không?",
        required=True,
        choices=[("co", "Có"), ("khong", "Không")],
    ),
    q(
        "dieu_ban_khoan",
        K.SINGLE,
        "Điều ông/bà băn khoăn nhất là gì?",
        required=True,
        show_if={"question": "ban_khoan", "is": "equals", "value": "co"},
        choices=[
            ("di_lai", "Đi lại làm thủ tục hành chính xa hơn"),
            ("giay_to", "Phải điều chỉnh giấy tờ cá nhân, đất đai"),
            ("can_bo", "Việc bố trí cán bộ, công chức dôi dư"),
            ("ten_goi", "Mất tên gọi truyền thống của quê hương"),
        ],
        other="khac",
    ),
    q(
        "hai_long_dvc",
        K.RATING,
        BANK["hai-long-dvc-truc-tuyen"]["label"],
        bank="hai-long-dvc-truc-tuyen",
    ),
    q(
        "so_lan_mot_cua",
        K.NUMBER,
        "Trong 12 tháng qua, ông/bà đến bộ phận một cửa của xã, phường bao nhiêu lần?",
        minimum=0,
        maximum=50,
    ),
    q(
        "tin_tuong",
        K.RATING,
        BANK["tin-tuong-chinh-quyen"]["label"],
        bank="tin-tuong-chinh-quyen",
    ),
    q(
        "kien_nghi",
        K.LONG_TEXT,
        "Ông/bà có kiến nghị, đề xuất gì với cấp ủy, chính quyền?",
    ),
]

SUGGESTIONS = [
    "Đề nghị công khai sớm phương án bố trí trụ sở để nhân dân yên tâm.",
    "Cần hướng dẫn cụ thể việc điều chỉnh giấy tờ, không thu phí của người dân.",
    "Bố trí điểm tiếp nhận hồ sơ tại các thôn xa trung tâm.",
    "Quan tâm chế độ cho cán bộ không chuyên trách nghỉ việc.",
    "Giữ lại tên gọi truyền thống cho thôn, tổ dân phố.",
    "Tăng cường tuyên truyền bằng loa truyền thanh ở khu dân cư.",
    "Hướng dẫn người cao tuổi sử dụng dịch vụ công trực tuyến.",
    "Đề nghị đường truyền mạng ổn định hơn để làm thủ tục trực tuyến.",
    "Cán bộ một cửa cần niềm nở, hướng dẫn một lần là đủ.",
    "Nên lấy ý kiến nhân dân về tên xã mới rộng rãi hơn.",
    "Sớm ổn định tổ chức để không ảnh hưởng việc giải quyết hồ sơ đất đai.",
    "Đề nghị có đường dây nóng tiếp nhận phản ánh trong thời gian chuyển tiếp.",
]
OTHER_CHANNELS = ["Loa phát thanh thôn", "Nghe người thân kể lại", "Tờ rơi của xã"]
OTHER_WORRIES = [
    "Lo chậm giải quyết hồ sơ trong thời gian chuyển tiếp",
    "Lo con em phải chuyển trường",
]
OTHER_VIEWS = ["Cần thiết nhưng nên có lộ trình", "Tùy từng địa phương"]

# --- 2. The online rapid survey, open ------------------------------------------

ONLINE_TITLE = "Điều tra nhanh dư luận về dịch vụ công trực tuyến và chuyển đổi số"
ONLINE_PURPOSE = (
    "Lấy ý kiến nhanh của cán bộ, đảng viên và Nhân dân về việc sử dụng dịch vụ "
    "công trực tuyến, những khó khăn gặp phải và đề xuất, phục vụ sơ kết phong trào "
    "“Bình dân học vụ số” trên địa bàn thị xã."
)
ONLINE_QUESTIONS = [
    q(
        "da_nop_truc_tuyen",
        K.SINGLE,
        "Trong 6 tháng qua, ông/bà đã nộp hồ sơ dịch vụ công trực tuyến lần nào chưa?",
        required=True,
        choices=[
            ("nhieu_lan", "Đã nộp nhiều lần"),
            ("mot_lan", "Đã nộp một lần"),
            ("chua_khong_biet", "Chưa, vì không biết cách"),
            ("chua_nhu_cau", "Chưa có nhu cầu"),
        ],
    ),
    q(
        "hai_long_dvc",
        K.RATING,
        BANK["hai-long-dvc-truc-tuyen"]["label"],
        required=True,
        bank="hai-long-dvc-truc-tuyen",
    ),
    q(
        "kho_khan",
        K.MULTIPLE,
        "Ông/bà gặp khó khăn gì khi sử dụng dịch vụ công trực tuyến?",
        choices=[
            ("loi_he_thong", "Hệ thống hay lỗi, chậm"),
            ("thu_tuc", "Thủ tục, biểu mẫu phức tạp"),
            ("huong_dan", "Không có người hướng dẫn"),
            ("bao_mat", "Lo lộ thông tin cá nhân"),
        ],
        other="khac",
    ),
    q(
        "vneid",
        K.SINGLE,
        "Ông/bà đã kích hoạt tài khoản định danh điện tử VNeID mức 2 chưa?",
        required=True,
        choices=[("roi", "Đã kích hoạt"), ("chua", "Chưa"), ("khong_ro", "Không rõ")],
    ),
    q(
        "de_xuat",
        K.LONG_TEXT,
        "Ông/bà có đề xuất gì để dịch vụ công trực tuyến thuận tiện hơn?",
    ),
]
ONLINE_ANSWERS = 3000
ONLINE_SUGGESTIONS = [
    "Giao diện cần đơn giản hơn cho người lớn tuổi.",
    "Nên có video hướng dẫn ngắn từng thủ tục.",
    "Thanh toán phí trực tuyến còn hay lỗi, cần khắc phục.",
    "Đoàn thanh niên nên tổ chức hướng dẫn tại nhà văn hóa thôn.",
    "Rút ngắn thời gian trả kết quả hồ sơ nộp trực tuyến.",
    "Không yêu cầu nộp thêm bản giấy khi đã nộp trực tuyến.",
    "Tin nhắn báo tình trạng hồ sơ nên gửi qua Zalo.",
]
OTHER_OBSTACLES = ["Điện thoại không hỗ trợ", "Mạng yếu ở thôn"]

# --- 3. A small face-to-face survey under way ------------------------------------

FOLLOW_TITLE = (
    "Khảo sát ý kiến Nhân dân về hoạt động của chính quyền xã, phường sau sắp xếp"
)
FOLLOW_PURPOSE = (
    "Đánh giá bước đầu mức độ hài lòng của Nhân dân với việc giải quyết thủ tục "
    "hành chính tại các xã, phường sau sắp xếp; phát hiện sớm vướng mắc để kiến "
    "nghị khắc phục."
)
FOLLOW_QUESTIONS = [
    q(
        "da_lam_thu_tuc",
        K.SINGLE,
        "Từ khi sắp xếp, ông/bà đã đến trung tâm phục vụ hành chính công của xã, "
        "phường chưa?",
        required=True,
        choices=[("roi", "Đã đến"), ("chua", "Chưa")],
    ),
    q(
        "thoi_gian_cho",
        K.SINGLE,
        "Thời gian chờ giải quyết hồ sơ so với trước khi sắp xếp thế nào?",
        show_if={"question": "da_lam_thu_tuc", "is": "equals", "value": "roi"},
        choices=[
            ("nhanh_hon", "Nhanh hơn"),
            ("nhu_cu", "Như cũ"),
            ("cham_hon", "Chậm hơn"),
        ],
    ),
    q(
        "hai_long_dvc",
        K.RATING,
        BANK["hai-long-dvc-truc-tuyen"]["label"],
        required=True,
        bank="hai-long-dvc-truc-tuyen",
    ),
    q(
        "tin_tuong",
        K.RATING,
        BANK["tin-tuong-chinh-quyen"]["label"],
        required=True,
        bank="tin-tuong-chinh-quyen",
    ),
    q(
        "y_kien",
        K.LONG_TEXT,
        "Ý kiến khác của ông/bà về hoạt động của chính quyền xã, phường mới",
    ),
]
FOLLOW_SAMPLE = 140

REPORT = {
    "number": "45-BC/BTGDVTU",
    "recipients": (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy,\nThường trực Thị ủy,\n"
        "Các đồng chí Ủy viên Ban Thường vụ Thị ủy,\nĐảng ủy các xã, phường,\n"
        "Lưu Ban Tuyên giáo và Dân vận."
    ),
    "sign_for": "T/M BAN TUYÊN GIÁO VÀ DÂN VẬN",
    "sign_title": "TRƯỞNG BAN",
    "signer": "Trần Văn Hùng",
    "findings": (
        "1. Về nhận thức: đa số người được hỏi biết chủ trương sắp xếp đơn vị hành "
        "chính, tổ chức chính quyền địa phương hai cấp; tỷ lệ biết rõ cao hơn ở "
        "người từ 45 tuổi trở lên và ở cán bộ, đảng viên, người nghỉ hưu. Kênh thông "
        "tin chủ yếu là truyền hình, hội nghị ở khu dân cư và mạng xã hội; nhóm 18 "
        "đến 29 tuổi tiếp cận chủ yếu qua mạng xã hội.\n\n"
        "2. Về thái độ: trên 80 % cho rằng chủ trương là cần thiết hoặc rất cần "
        "thiết. Tỷ lệ tán thành việc sáp nhập xã, phường và không tổ chức cấp huyện "
        "rất cao; riêng cách đặt tên đơn vị mới và việc bố trí trụ sở còn nhiều ý "
        "kiến băn khoăn, nhất là ở các xã vùng nông thôn.\n\n"
        "3. Về băn khoăn: khoảng hai phần năm người được hỏi còn băn khoăn, chủ yếu "
        "về việc đi lại làm thủ tục xa hơn và điều chỉnh giấy tờ cá nhân, đất đai. "
        "Mức độ hài lòng với dịch vụ công trực tuyến ở mức khá, thấp hơn rõ rệt ở "
        "người từ 60 tuổi trở lên."
    ),
    "assessment": (
        "Kết quả điều tra cho thấy chủ trương lớn của Đảng về sắp xếp tổ chức bộ máy "
        "nhận được sự đồng thuận cao của cán bộ, đảng viên và Nhân dân thị xã; công "
        "tác tuyên truyền được triển khai kịp thời, đa dạng hình thức. Tuy nhiên, "
        "thông tin về phương án bố trí trụ sở, đặt tên đơn vị mới và thủ tục điều "
        "chỉnh giấy tờ chưa đến được với một bộ phận Nhân dân, nhất là người cao "
        "tuổi ở vùng nông thôn; nếu không được giải đáp kịp thời, các băn khoăn này "
        "có thể bị các đối tượng xấu lợi dụng xuyên tạc trên mạng xã hội."
    ),
    "recommendations": (
        "1. Đề nghị Thường trực Thị ủy chỉ đạo UBND thị xã sớm công khai phương án "
        "bố trí trụ sở, điểm tiếp nhận hồ sơ của các xã, phường mới.\n"
        "2. Các cơ quan chức năng hướng dẫn cụ thể, miễn phí việc điều chỉnh giấy tờ "
        "cho người dân; bố trí bộ phận hỗ trợ tại các thôn xa trung tâm.\n"
        "3. Mặt trận Tổ quốc và các đoàn thể, Đoàn Thanh niên tăng cường hướng dẫn "
        "người cao tuổi sử dụng dịch vụ công trực tuyến.\n"
        "4. Đội ngũ cộng tác viên dư luận xã hội tiếp tục nắm bắt, phản ánh kịp thời "
        "tâm tư của Nhân dân trong thời gian chuyển tiếp."
    ),
}
REJECTIONS = [
    "Phiếu hoàn thành trong chưa đầy 2 phút, không bảo đảm chất lượng phỏng vấn.",
    "Trùng với phiếu đã nhập cùng ngày của cùng người trả lời.",
    "Người trả lời không cư trú trên địa bàn xã được phân công.",
    "Nhiều câu trả lời mâu thuẫn nhau, đề nghị cộng tác viên phỏng vấn lại.",
]

# --- The population -------------------------------------------------------------

AGE_SHARES = {"18-29": 0.25, "30-44": 0.30, "45-59": 0.26, "60+": 0.19}
OCCUPATIONS = {
    "18-29": [
        ("student", 22),
        ("worker", 30),
        ("business", 20),
        ("farmer", 13),
        ("official", 10),
        ("armed", 5),
    ],
    "30-44": [
        ("farmer", 28),
        ("worker", 25),
        ("business", 25),
        ("official", 16),
        ("other", 6),
    ],
    "45-59": [
        ("farmer", 40),
        ("business", 24),
        ("worker", 15),
        ("official", 16),
        ("other", 5),
    ],
    "60+": [("retiree", 55), ("farmer", 35), ("other", 10)],
}


@dataclass
class Person:
    """Who answered, and what their answers lean on."""

    commune: object
    rural: bool
    sex: str
    age_group: str
    occupation: str


def pick(rng: random.Random, weighted) -> str:
    """A key of ``weighted`` ([(key, weight)] or {key: weight}), by weight."""
    pairs = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def rating(rng: random.Random, mean: float) -> str:
    """A 1–5 answer around ``mean``."""
    return str(min(5, max(1, round(rng.gauss(mean, 0.9)))))


def populations(communes, rng: random.Random) -> dict:
    """Adults per (commune, sex, age group): wards larger, communes older."""
    cells = {}
    for commune in communes:
        rural = commune.name.startswith("Xã")
        adults = rng.randrange(3800, 6500) if rural else rng.randrange(5500, 9800)
        for age, share in AGE_SHARES.items():
            if rural:
                share *= {"18-29": 0.85, "30-44": 0.95, "45-59": 1.05, "60+": 1.2}[age]
            for sex in SEXES:
                # More women among the oldest.
                sex_share = 0.5
                if age == "60+":
                    sex_share = 0.57 if sex == "female" else 0.43
                cells[(commune.pk, sex, age)] = round(
                    adults * share * sex_share * rng.uniform(0.93, 1.07)
                )
    return cells


def quotas(cells: dict, total: int) -> dict:
    """Quotas by cell: ``total`` allocated to communes, then to their cells."""
    by_commune = {}
    for (commune, _sex, _age), population in cells.items():
        by_commune[commune] = by_commune.get(commune, 0) + population
    shares = stats.allocate(total, by_commune)
    result = {}
    for commune, share in shares.items():
        own = {key: value for key, value in cells.items() if key[0] == commune}
        result.update(stats.allocate(share, own))
    return result


# --- Building a survey ------------------------------------------------------------


def bank_questions(ctx) -> dict:
    found = {}
    for code, spec in BANK.items():
        bank = BankQuestion.objects.filter(unit=ctx.town, code=code).first()
        if bank is None:
            bank = BankQuestion.objects.create(
                unit=ctx.town,
                code=code,
                kind=spec["kind"],
                label=spec["label"],
                hint=spec["hint"],
                choices=[
                    {"value": v, "label": label, "is_other": False}
                    for v, label in spec["choices"]
                ],
                created_by=ctx.staff,
            )
        found[code] = bank
    return found


def make_questionnaire(version, specs, bank: dict) -> list[Question]:
    """The questions of ``specs`` in ``version``; returned with their choices."""
    for order, spec in enumerate(specs):
        code = spec.get("bank")
        choices = spec.get("choices") or (
            [(c["value"], c["label"]) for c in bank[code].choices] if code else []
        )
        question = Question.objects.create(
            version=version,
            order=order,
            name=spec["name"],
            kind=spec["kind"],
            label=spec["label"],
            hint=bank[code].hint if code else "",
            required=spec.get("required", False),
            rows=[{"name": n, "label": label} for n, label in spec.get("rows", [])],
            show_if=spec.get("show_if", {}),
            minimum=spec.get("minimum"),
            maximum=spec.get("maximum"),
            bank_question=bank.get(code) if code else None,
        )
        rows = [
            Choice(question=question, order=i, value=v, label=label)
            for i, (v, label) in enumerate(choices)
        ]
        if spec.get("other"):
            rows.append(
                Choice(
                    question=question,
                    order=len(rows),
                    value=spec["other"],
                    label="Khác (ghi rõ)",
                    is_other=True,
                )
            )
        Choice.objects.bulk_create(rows)
    return list(version.ordered_questions())


def make_survey(ctx, *, title, purpose, mode, status, starts, ends, **extra):
    survey = Survey.objects.create(
        unit=ctx.town,
        title=title,
        purpose=purpose,
        mode=mode,
        status=status,
        starts_on=starts,
        ends_on=ends,
        created_by=ctx.staff,
        **extra,
    )
    version = QuestionnaireVersion.objects.create(survey=survey, number=1)
    survey.current_version = version
    survey.save(update_fields=["current_version"])
    return survey


def interviewers(ctx, communes) -> dict:
    """The demo collaborators with an account who work in each commune: those of
    the commune or covering it; a commune with none gets the least busy one."""
    people = list(
        Collaborator.objects.filter(user__in=ctx.collaborator_users)
        .select_related("user")
        .prefetch_related("coverage_areas")
        .order_by("user__username")
    )
    found = {commune.pk: [] for commune in communes}
    for person in people:
        areas = {person.unit_id, *(a.pk for a in person.coverage_areas.all())}
        for commune_pk in areas & set(found):
            found[commune_pk].append(person)
    for names in found.values():
        if not names and people:
            busiest = {p.pk: 0 for p in people}
            for others in found.values():
                for person in others:
                    busiest[person.pk] += 1
            names.append(min(people, key=lambda p: (busiest[p.pk], p.user.username)))
    return found


def plan_sample(survey, communes, rng, total, by_commune) -> dict:
    """Cells with population and quota, assignments sharing each commune's quota;
    returns the quotas by cell."""
    cells = populations(communes, rng)
    shares = quotas(cells, total)
    SurveyCell.objects.bulk_create(
        SurveyCell(
            survey=survey,
            commune_id=commune,
            sex=sex,
            age_group=age,
            population=population,
            quota=shares[(commune, sex, age)],
        )
        for (commune, sex, age), population in cells.items()
    )
    assignments = []
    for commune in communes:
        share = sum(v for k, v in shares.items() if k[0] == commune.pk)
        people = by_commune.get(commune.pk) or []
        targets = stats.allocate(share, {p.pk: 1 for p in people}, equal=True)
        assignments += [
            Assignment(
                survey=survey, collaborator=p, commune=commune, target=targets[p.pk]
            )
            for p in people
        ]
    Assignment.objects.bulk_create(assignments)
    return shares


def person_for(rng, commune_by_pk, key) -> Person:
    commune_pk, sex, age = key
    commune = commune_by_pk[commune_pk]
    return Person(
        commune=commune,
        rural=commune.name.startswith("Xã"),
        sex=sex,
        age_group=age,
        occupation=pick(rng, OCCUPATIONS[age]),
    )


def moment(day: datetime.date, minutes: int) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
        minutes=minutes
    )
    return timezone.make_aware(naive)


def has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def save_responses(questions, responses: list[Response]) -> int:
    """Write responses and their answer rows (as ``response_save`` would)."""
    cells = {}
    if responses and has_field(Response, "cell"):
        cells = {
            (c.commune_id, c.sex, c.age_group): c.pk
            for c in SurveyCell.objects.filter(survey=responses[0].survey)
        }
    for response in responses:
        if response.state == Response.State.SUBMITTED:
            response.fingerprint = fingerprint(questions, response.answers)
        if cells:
            key = (response.commune_id, response.sex, response.age_group)
            response.cell_id = cells.get(key)
    Response.objects.bulk_create(responses, batch_size=1000)
    rows = []
    for response in responses:
        if response.state == Response.State.SUBMITTED:
            rows += _answer_rows(response, questions, response.answers)
    Answer.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def weigh(survey, ctx) -> None:
    """Weights by the weighting service, when it is there."""
    try:
        from surveys.services.weighting import survey_weigh
    except ImportError:
        ctx.log(f"  {survey}: no weighting service yet, weights left at 1.")
        return
    try:
        result = survey_weigh(survey=survey)
    except ValidationError as error:
        ctx.log(f"  {survey}: not weighted ({' '.join(error.messages)}).")
        return
    ctx.log(f"  {survey}: weighted ({result.method}, deff {result.deff:.2f}).")


# --- Answers that tell a story ------------------------------------------------------


def face_answers(rng: random.Random, p: Person) -> dict:
    old = p.age_group in ("45-59", "60+")
    informed = p.occupation in ("official", "retiree", "armed")
    know = pick(
        rng,
        {
            "biet_ro": 55 + (12 if old else 0) + (15 if informed else 0),
            "co_nghe": 33,
            "khong_biet": 12 if p.rural else 6,
        },
    )
    answers = {"biet_chu_truong": know}
    if know != "khong_biet":
        channels = {
            "truyen_hinh": 0.62 if old else 0.35,
            "bao_chi": 0.25,
            "mang_xa_hoi": 0.78 if p.age_group == "18-29" else 0.4,
            "hoi_nghi": 0.55 if old or p.rural else 0.3,
            "can_bo": 0.35,
            "khac": 0.04,
        }
        chosen = [code for code, share in channels.items() if rng.random() < share]
        answers["kenh_thong_tin"] = chosen or ["truyen_hinh"]
        if "khac" in answers["kenh_thong_tin"]:
            answers["kenh_thong_tin__other"] = rng.choice(OTHER_CHANNELS)
    view = pick(
        rng,
        {
            "rat_can_thiet": 44 + (8 if informed else 0),
            "can_thiet": 38,
            "chua_can_thiet": 12 if p.rural else 7,
            "khac": 4,
        },
    )
    answers["danh_gia_chu_truong"] = view
    if view == "khac":
        answers["danh_gia_chu_truong__other"] = rng.choice(OTHER_VIEWS)
    doubt = 1.6 if p.rural else 1.0
    stances = {
        "sap_nhap_xa": (82, 6, 12 * doubt),
        "khong_cap_huyen": (77, 7, 16 * doubt),
        "dat_ten": (57, 12 * doubt, 31),
        "tru_so": (50, 13, 37 * doubt),
    }
    answers["tan_thanh"] = {
        row: pick(rng, zip(("agree", "oppose", "unsure"), weights, strict=True))
        for row, weights in stances.items()
    }
    worried = rng.random() < (0.48 if p.rural else 0.32) + (
        0.1 if p.age_group == "60+" else 0
    )
    answers["ban_khoan"] = "co" if worried else "khong"
    if worried:
        worry = pick(
            rng,
            {
                "di_lai": 42 if p.rural else 28,
                "giay_to": 24,
                "can_bo": 20 if informed else 10,
                "ten_goi": 16 if old else 9,
                "khac": 5,
            },
        )
        answers["dieu_ban_khoan"] = worry
        if worry == "khac":
            answers["dieu_ban_khoan__other"] = rng.choice(OTHER_WORRIES)
    if rng.random() < 0.93:
        mean = {"18-29": 3.9, "30-44": 3.6, "45-59": 3.3, "60+": 2.8}[p.age_group]
        answers["hai_long_dvc"] = rating(rng, mean - (0.2 if p.rural else 0))
    visits = max(0, min(50, round(rng.expovariate(1 / (3.2 if old else 2.2)))))
    answers["so_lan_mot_cua"] = str(visits)
    answers["tin_tuong"] = rating(rng, 3.9 if answers["ban_khoan"] == "khong" else 3.2)
    if rng.random() < 0.35:
        answers["kien_nghi"] = rng.choice(SUGGESTIONS)
    return answers


def online_answers(rng: random.Random, p: Person) -> dict:
    young = p.age_group in ("18-29", "30-44")
    used = pick(
        rng,
        {
            "nhieu_lan": 34 if young else 16,
            "mot_lan": 28,
            "chua_khong_biet": 12 if young else 28,
            "chua_nhu_cau": 26,
        },
    )
    mean = {"nhieu_lan": 4.1, "mot_lan": 3.7}.get(used, 3.4)
    answers = {"da_nop_truc_tuyen": used, "hai_long_dvc": rating(rng, mean)}
    obstacles = {
        "loi_he_thong": 0.34,
        "thu_tuc": 0.28,
        "huong_dan": 0.18 if young else 0.42,
        "bao_mat": 0.2,
        "khac": 0.03,
    }
    chosen = [code for code, share in obstacles.items() if rng.random() < share]
    if chosen:
        answers["kho_khan"] = chosen
        if "khac" in chosen:
            answers["kho_khan__other"] = rng.choice(OTHER_OBSTACLES)
    answers["vneid"] = pick(
        rng, {"roi": 78 if young else 61, "chua": 15, "khong_ro": 7}
    )
    if rng.random() < 0.12:
        answers["de_xuat"] = rng.choice(ONLINE_SUGGESTIONS)
    return answers


def follow_answers(rng: random.Random, p: Person) -> dict:
    went = rng.random() < 0.45
    answers = {"da_lam_thu_tuc": "roi" if went else "chua"}
    if went:
        answers["thoi_gian_cho"] = pick(
            rng, {"nhanh_hon": 38, "nhu_cu": 44, "cham_hon": 18 if p.rural else 10}
        )
    answers["hai_long_dvc"] = rating(rng, 3.7 if p.age_group != "60+" else 3.1)
    answers["tin_tuong"] = rating(rng, 3.8)
    if rng.random() < 0.2:
        answers["y_kien"] = rng.choice(SUGGESTIONS)
    return answers


# --- The three surveys -------------------------------------------------------------


def interview(
    survey, version, p: Person, answers, collaborator, start, seconds, **extra
) -> Response:
    ended = start + datetime.timedelta(seconds=seconds)
    return Response(
        survey=survey,
        version=version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        entered_by=collaborator.user,
        collaborator=collaborator,
        commune=p.commune,
        sex=p.sex,
        age_group=p.age_group,
        occupation=p.occupation,
        answers=answers,
        started_at=start,
        ended_at=ended,
        # Sent when the interviewer is back in coverage.
        submitted_at=ended + datetime.timedelta(minutes=seconds % 37),
        **extra,
    )


def seed_face(ctx, bank) -> Survey | None:
    if Survey.objects.filter(unit=ctx.town, title=FACE_TITLE).exists():
        return None
    rng = random.Random(2025)
    today = timezone.localdate()
    starts = today - datetime.timedelta(days=52)
    ends = today - datetime.timedelta(days=31)
    survey = make_survey(
        ctx,
        title=FACE_TITLE,
        purpose=FACE_PURPOSE,
        mode=Survey.Mode.FACE_TO_FACE,
        status=Survey.Status.CLOSED,
        starts=starts,
        ends=ends,
        sample_size=400,
        margin_of_error="0.050",
        response_rate="1.00",
        min_seconds_per_question=6,
    )
    version = survey.current_version
    questions = make_questionnaire(version, FACE_QUESTIONS, bank)
    communes = ctx.communes
    by_commune = interviewers(ctx, communes)
    shares = plan_sample(survey, communes, rng, 400, by_commune)
    commune_by_pk = {c.pk: c for c in communes}
    reviewed = moment(ends + datetime.timedelta(days=2), 9 * 60)
    responses = []
    days = (ends - starts).days
    for key, quota in shares.items():
        people = by_commune[key[0]]
        for _ in range(quota):
            p = person_for(rng, commune_by_pk, key)
            start = moment(
                starts + datetime.timedelta(days=rng.randrange(days)),
                rng.randrange(7 * 60, 19 * 60),
            )
            responses.append(
                interview(
                    survey,
                    version,
                    p,
                    face_answers(rng, p),
                    rng.choice(people),
                    start,
                    rng.randrange(9 * 60, 24 * 60),
                    state=Response.State.SUBMITTED,
                    review=Response.Review.APPROVED,
                    reviewed_by=ctx.staff,
                    reviewed_at=reviewed,
                )
            )
    # Two near-identical ones from one interviewer, checked with them and kept.
    first = next(
        i
        for i in range(len(responses) - 1)
        if responses[i].commune_id == responses[i + 1].commune_id
    )
    twins = responses[first : first + 2]
    twins[1].answers = dict(twins[0].answers)
    twins[1].collaborator = twins[0].collaborator
    twins[1].entered_by = twins[0].entered_by
    for flagged in twins:
        flagged.flag_duplicate = True
        flagged.review_comment = (
            "Đã xác minh lại với cộng tác viên: hai người trả lời khác nhau, cùng "
            "ý kiến."
        )
    # A few rejected: too fast, a duplicate, out of area, contradictory.
    keys = [key for key, quota in shares.items() if quota]
    for index, comment in enumerate(REJECTIONS * 2):
        key = keys[(index * 7) % len(keys)]
        p = person_for(rng, commune_by_pk, key)
        start = moment(starts + datetime.timedelta(days=index + 1), 15 * 60)
        fast = index % len(REJECTIONS) == 0
        responses.append(
            interview(
                survey,
                version,
                p,
                face_answers(rng, p),
                by_commune[key[0]][0],
                start,
                40 if fast else rng.randrange(8 * 60, 15 * 60),
                state=Response.State.SUBMITTED,
                review=Response.Review.REJECTED,
                review_comment=comment,
                reviewed_by=ctx.staff,
                reviewed_at=reviewed,
                flag_fast=fast,
            )
        )
    rows = save_responses(questions, responses)
    weigh(survey, ctx)
    now = timezone.now()
    SurveyReport.objects.create(
        survey=survey,
        status=SurveyReport.Status.APPROVED,
        edited_by=ctx.staff,
        edited_at=now - datetime.timedelta(days=12),
        approved_by=ctx.leader,
        approved_at=now - datetime.timedelta(days=10),
        **REPORT,
    )
    ctx.log(f"  {survey}: {len(responses)} responses, {rows} answers.")
    return survey


def seed_online(ctx, bank) -> Survey | None:
    if Survey.objects.filter(unit=ctx.town, title=ONLINE_TITLE).exists():
        return None
    rng = random.Random(2026)
    today = timezone.localdate()
    starts = today - datetime.timedelta(days=3)
    survey = make_survey(
        ctx,
        title=ONLINE_TITLE,
        purpose=ONLINE_PURPOSE,
        mode=Survey.Mode.ONLINE,
        status=Survey.Status.OPEN,
        starts=starts,
        ends=today + datetime.timedelta(days=4),
        answer_cap=10_000,
    )
    version = survey.current_version
    questions = make_questionnaire(version, ONLINE_QUESTIONS, bank)
    communes = ctx.communes
    # No quotas online, but the population margins the answers are weighted to.
    SurveyCell.objects.bulk_create(
        SurveyCell(
            survey=survey,
            commune_id=commune,
            sex=sex,
            age_group=age,
            population=population,
        )
        for (commune, sex, age), population in populations(communes, rng).items()
    )
    # Wards answer more online, and the young more than the old.
    commune_weights = [(c, 1.0 if c.name.startswith("Xã") else 1.8) for c in communes]
    ages = {"18-29": 38, "30-44": 34, "45-59": 20, "60+": 8}
    occupations = {
        "18-29": {
            "student": 30,
            "official": 25,
            "worker": 20,
            "business": 20,
            "armed": 5,
        },
        "30-44": {
            "official": 35,
            "business": 25,
            "worker": 20,
            "farmer": 12,
            "other": 8,
        },
        "45-59": {"official": 35, "business": 25, "farmer": 25, "other": 15},
        "60+": {"retiree": 80, "other": 20},
    }
    now = timezone.now()
    responses = []
    for _ in range(ONLINE_ANSWERS):
        age = pick(rng, ages)
        p = Person(
            commune=pick(rng, commune_weights),
            rural=False,
            sex=pick(rng, {"male": 46, "female": 54}),
            age_group=age,
            occupation=pick(rng, occupations[age]),
        )
        p.rural = p.commune.name.startswith("Xã")
        # More answers on the first day the link went round the Zalo groups.
        ago = min(rng.expovariate(1 / 22), 3 * 24 - 1)
        ended = now - datetime.timedelta(hours=ago)
        started = ended - datetime.timedelta(seconds=rng.randrange(45, 400))
        responses.append(
            Response(
                survey=survey,
                version=version,
                mode=Response.Mode.ONLINE,
                client_id=uuid.uuid4(),
                commune=p.commune,
                sex=p.sex,
                age_group=p.age_group,
                occupation=p.occupation,
                answers=online_answers(rng, p),
                state=Response.State.SUBMITTED,
                review=Response.Review.APPROVED,
                started_at=started,
                ended_at=ended,
                submitted_at=ended,
            )
        )
    rows = save_responses(questions, responses)
    Survey.objects.filter(pk=survey.pk).update(online_count=len(responses))
    weigh(survey, ctx)
    ctx.log(f"  {survey}: {len(responses)} online answers, {rows} answer rows.")
    return survey


def seed_follow_up(ctx, bank) -> Survey | None:
    if Survey.objects.filter(unit=ctx.town, title=FOLLOW_TITLE).exists():
        return None
    rng = random.Random(2027)
    today = timezone.localdate()
    starts = today - datetime.timedelta(days=4)
    survey = make_survey(
        ctx,
        title=FOLLOW_TITLE,
        purpose=FOLLOW_PURPOSE,
        mode=Survey.Mode.FACE_TO_FACE,
        status=Survey.Status.OPEN,
        starts=starts,
        ends=today + datetime.timedelta(days=10),
        sample_size=FOLLOW_SAMPLE,
        response_rate="1.00",
    )
    version = survey.current_version
    questions = make_questionnaire(version, FOLLOW_QUESTIONS, bank)
    communes = ctx.communes
    by_commune = interviewers(ctx, communes)
    shares = plan_sample(survey, communes, rng, FOLLOW_SAMPLE, by_commune)
    commune_by_pk = {c.pk: c for c in communes}
    responses = []
    # About two fifths of the quota done so far: most reviewed, the last days' not.
    slots = Counter()
    for key, quota in shares.items():
        people = by_commune[key[0]]
        for _ in range(quota):
            slots[key[0]] += 1
            if rng.random() >= 0.4:
                continue
            p = person_for(rng, commune_by_pk, key)
            day = starts + datetime.timedelta(days=rng.randrange(4))
            start = moment(day, rng.randrange(7 * 60, 19 * 60))
            reviewed = day < today - datetime.timedelta(days=1)
            responses.append(
                interview(
                    survey,
                    version,
                    p,
                    follow_answers(rng, p),
                    people[slots[key[0]] % len(people)],
                    start,
                    rng.randrange(5 * 60, 12 * 60),
                    state=Response.State.SUBMITTED,
                    review=Response.Review.APPROVED
                    if reviewed
                    else Response.Review.PENDING,
                    reviewed_by=ctx.staff if reviewed else None,
                    reviewed_at=moment(day + datetime.timedelta(days=1), 8 * 60)
                    if reviewed
                    else None,
                )
            )
    # ctv01's interview begun this morning and saved as a draft.
    first = ctx.collaborator_users[0]
    mine = Assignment.objects.filter(survey=survey, collaborator__user=first).first()
    if mine is not None:
        p = Person(mine.commune, False, "female", "45-59", "farmer")
        draft = interview(
            survey,
            version,
            p,
            {"da_lam_thu_tuc": "roi"},
            mine.collaborator,
            moment(today, 7 * 60 + 30),
            180,
        )
        draft.ended_at = draft.submitted_at = None
        responses.append(draft)
    rows = save_responses(questions, responses)
    ctx.log(f"  {survey}: {len(responses)} responses so far, {rows} answers.")
    return survey


def seed(ctx) -> None:
    with transaction.atomic():
        bank = bank_questions(ctx)
        seed_face(ctx, bank)
        seed_online(ctx, bank)
        seed_follow_up(ctx, bank)
    ctx.log(
        f"Surveys: {Survey.objects.filter(unit=ctx.town).count()} surveys, "
        f"{Response.objects.filter(survey__unit=ctx.town).count()} responses."
    )
