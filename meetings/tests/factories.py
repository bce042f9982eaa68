import datetime

import factory
from django.utils import timezone

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory as BaseCollaboratorFactory
from meetings.models import Invitation, Meeting, ReferenceDocument
from reports.models import Issue, OpinionReport, ReportingPeriod


def in_days(days: int, hour: int = 8) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


class CollaboratorFactory(BaseCollaboratorFactory):
    """Meetings invite people who sign in: every collaborator here has an account."""

    gender = Collaborator.Gender.FEMALE
    with_account = True


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


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    start = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=20)
    )
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(days=60))
    deadline = factory.LazyAttribute(lambda o: o.end - datetime.timedelta(days=5))


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    unit = None
    title = factory.Sequence(lambda n: f"Ô nhiễm sông Bồ {n}")
    created_by = None


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpinionReport

    author = None
    unit = factory.LazyAttribute(lambda o: o.author.unit)
    title = factory.Sequence(lambda n: f"Dư luận về giá điện {n}")
    status = OpinionReport.Status.ACCEPTED
    accepted_at = factory.LazyFunction(timezone.now)


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
