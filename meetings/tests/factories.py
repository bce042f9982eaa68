import datetime

import factory
from django.utils import timezone

from meetings.models import Invitation, Meeting, ReferenceDocument


def in_days(days: int, hour: int = 8) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.AD_HOC
    title = factory.Sequence(lambda n: f"Giao ban đột xuất số {n}")
    starts_at = factory.LazyFunction(lambda: in_days(3))
    place = "Hội trường Thị ủy Hương Trà"
    chair = "Trần Văn Hùng"
    unit = None


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    collaborator = None
    sent_at = factory.LazyFunction(timezone.now)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceDocument

    unit = None
    title = factory.Sequence(lambda n: f"Tài liệu tuyên truyền số {n}")
    source = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    file = factory.django.FileField(filename="tai-lieu.pdf", data=b"%PDF-1.4 demo")
    original_name = "tai-lieu.pdf"
    content_type = "application/pdf"
    size = 13
    uploaded_by = None
