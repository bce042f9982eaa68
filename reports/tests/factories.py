import datetime

import factory
from django.utils import timezone

from reports.models import (
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportingPeriod,
    Topic,
)
from reports.services import period_for


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """A reporting period; by default the current one, begun twenty days ago."""

    class Meta:
        model = ReportingPeriod

    start = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=20)
    )
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(days=60))
    deadline = factory.LazyAttribute(lambda o: o.end - datetime.timedelta(days=5))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Khai thác cát trên sông Bồ {n}")


class OpinionReportFactory(factory.django.DjangoModelFactory):
    """A submitted report by ``author`` (a Collaborator) about their own unit."""

    class Meta:
        model = OpinionReport
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Dư luận về khai thác cát {n}")
    unit = factory.LazyAttribute(lambda o: o.author.unit)
    area = factory.LazyAttribute(lambda o: o.author.unit)
    description = "Ghe hút cát hoạt động ban đêm trên sông Bồ."
    occurred_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=1)
    )
    period = factory.LazyAttribute(lambda o: period_for(day=o.occurred_on))
    status = OpinionReport.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        if create:
            obj.refresh_search_text()
            OpinionReport.objects.filter(pk=obj.pk).update(search_text=obj.search_text)


class OpinionStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpinionStream

    report = factory.SubFactory(OpinionReportFactory)
    summary = "Người dân bức xúc vì sạt lở bờ sông."
    direction = OpinionStream.Direction.OPPOSE
    breadth = OpinionStream.Breadth.MANY
    intensity = OpinionStream.Intensity.HIGH
    social_groups = ["farmers"]
    channels = ["direct"]


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"Khai thác cát trái phép {n}")
    status = Issue.Status.NEW


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    agency = "Công an thị xã"
    request = "Tuần tra ban đêm trên sông Bồ."
    due_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=7)
    )
