"""Factories of the surveys app, and a questionnaire with one question of each kind."""

import datetime

import factory
from django.utils import timezone

from surveys.models import (
    Assignment,
    Choice,
    Question,
    QuestionnaireVersion,
    Survey,
    SurveyCell,
)


class SurveyFactory(factory.django.DjangoModelFactory):
    """An open face-to-face survey of ``unit``, begun a week ago, with version 1."""

    class Meta:
        model = Survey
        skip_postgeneration_save = True

    title = factory.Sequence(
        lambda n: f"Điều tra dư luận về chuyển đổi số trong dịch vụ công {n}"
    )
    purpose = "Nắm bắt mức độ hài lòng của người dân với dịch vụ công trực tuyến."
    mode = Survey.Mode.FACE_TO_FACE
    status = Survey.Status.OPEN
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=7)
    )
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=30))

    @factory.post_generation
    def version(obj, create, extracted, **kwargs):
        if create and obj.current_version_id is None:
            obj.current_version = QuestionnaireVersion.objects.create(survey=obj)
            Survey.objects.filter(pk=obj.pk).update(current_version=obj.current_version)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    name = factory.Sequence(lambda n: f"q{n}")
    kind = Question.Kind.SINGLE
    label = "Ông/bà có hài lòng với dịch vụ công trực tuyến không?"
    order = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    value = factory.Sequence(lambda n: f"c{n}")
    label = factory.Sequence(lambda n: f"Lựa chọn {n}")
    order = factory.Sequence(lambda n: n)


class SurveyCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyCell

    sex = "female"
    age_group = "30-44"
    population = 1000
    quota = 10


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    target = 20


def add_choices(question, *pairs, other=None):
    for order, (value, label) in enumerate(pairs):
        Choice.objects.create(question=question, order=order, value=value, label=label)
    if other:
        Choice.objects.create(
            question=question,
            order=len(pairs),
            value=other,
            label="Khác (ghi rõ)",
            is_other=True,
        )
    return question


def questionnaire(version) -> dict:
    """One question of each kind, with a show-if rule; name → Question.

    satisfied (single, required, "Khác (ghi rõ)") → why_not (long text, shown if
    satisfied is "no"); channels (multiple); rating (1–5); grid (two rows sharing
    "agree / disagree / unsure"); age_years (number 18–100); email_kind (short
    text, shown if "zalo" is among channels); visited_on (date).
    """
    K = Question.Kind
    q = {}

    def make(name, kind, label, **kwargs):
        q[name] = Question.objects.create(
            version=version, name=name, kind=kind, label=label, order=len(q), **kwargs
        )
        return q[name]

    make("intro", K.SECTION, "Phần I. Dịch vụ công trực tuyến")
    add_choices(
        make(
            "satisfied",
            K.SINGLE,
            "Ông/bà có hài lòng với dịch vụ công trực tuyến không?",
            required=True,
        ),
        ("yes", "Hài lòng"),
        ("no", "Không hài lòng"),
        other="other",
    )
    make(
        "why_not",
        K.LONG_TEXT,
        "Vì sao ông/bà chưa hài lòng?",
        show_if={"question": "satisfied", "is": "equals", "value": "no"},
    )
    add_choices(
        make("channels", K.MULTIPLE, "Ông/bà biết thông tin qua kênh nào?"),
        ("tv", "Truyền hình"),
        ("zalo", "Zalo, Facebook"),
        ("meeting", "Hội họp ở khu dân cư"),
    )
    add_choices(
        make("rating", K.RATING, "Ông/bà chấm mức độ thuận tiện (1 đến 5)"),
        *[(str(i), str(i)) for i in range(1, 6)],
    )
    add_choices(
        make(
            "grid",
            K.GRID,
            "Ông/bà có tán thành các chủ trương sau?",
            rows=[
                {"name": "merge", "label": "Sắp xếp đơn vị hành chính cấp xã"},
                {"name": "nodistrict", "label": "Không tổ chức cấp huyện"},
            ],
        ),
        ("agree", "Tán thành"),
        ("disagree", "Phản đối"),
        ("unsure", "Băn khoăn"),
    )
    make(
        "age_years", K.NUMBER, "Năm nay ông/bà bao nhiêu tuổi?", minimum=18, maximum=100
    )
    make(
        "zalo_group",
        K.TEXT,
        "Ông/bà tham gia nhóm Zalo nào của khu dân cư?",
        show_if={"question": "channels", "is": "selected", "value": "zalo"},
    )
    make("visited_on", K.DATE, "Lần gần nhất ông/bà đến bộ phận một cửa là ngày nào?")
    return q
