"""Reporting periods, topics, opinion reports and their streams, issues and follow-up."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collaborators.models import Collaborator
from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet
from dluan.search import fold_parts, nfc


class ReportingPeriodQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(start__lte=on, end__gte=on).first()

    def containing(self, day):
        return self.filter(start__lte=day, end__gte=day).first()


class ReportingPeriod(models.Model):
    """A reporting period (kỳ báo cáo), two calendar months by default; the same for every unit."""

    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    deadline = models.DateField(_("deadline"))

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="%(app_label)s_%(class)s_order"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start")) & Q(deadline__lte=F("end")),
                name="%(app_label)s_%(class)s_deadline_inside",
            ),
            models.UniqueConstraint(
                fields=["start"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def keeps_topics(user) -> bool:
    """Whether ``user`` may add, rename or retire topics.

    The list is the whole province's: administrators and the board staff of the
    root unit keep it; a town's or a ward's staff read it.
    """
    return user.is_superuser or (
        user.is_board_staff
        and user.org_unit_id is not None
        and user.org_unit.parent_id is None
    )


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def changeable_by(self, user):
        """All topics for those who keep the list, none for anyone else."""
        return self if keeps_topics(user) else self.none()


class Topic(models.Model):
    """A subject of public opinion (lĩnh vực), nested."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    search_text = models.TextField(editable=False, default="")

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name).strip()
        self.search_text = fold_parts(self.name)
        super().save(*args, **kwargs)


class FocusTopic(models.Model):
    """A topic a unit's board asks its collaborators to watch in one period."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="focus_topics"
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("focus topic")
        verbose_name_plural = _("focus topics")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "topic", "unit"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self):
        return f"{self.topic} ({self.period})"


def unsent_drafts(prefix: str = "") -> Q:
    """Reports never submitted: drafts, and drafts their author archived unsent.

    ``prefix`` leads from another model to its report (``"report__"``).
    """
    Status = OpinionReport.Status
    return Q(**{f"{prefix}status": Status.DRAFT}) | Q(
        **{f"{prefix}status": Status.ARCHIVED, f"{prefix}submitted_at__isnull": True}
    )


class DraftsStayPrivate:
    """Scoping for a report and what hangs off it: a draft is its author's alone.

    Staff, leaders and admins see a report once it has been submitted; until then
    it is out of their scope like another town's (404) on every path that starts
    from ``visible_to``.
    """

    report_prefix = ""

    def visible_to(self, user):
        queryset = super().visible_to(user)
        if user is None or not user.is_authenticated or user.is_collaborator:
            return queryset  # nothing, or the collaborator's own work
        return queryset.exclude(unsent_drafts(self.report_prefix))


class OpinionReportQuerySet(DraftsStayPrivate, ScopedQuerySet):
    unit_path_lookup = "unit__path"
    owner_lookup = "author__user"

    def with_related(self):
        return self.select_related(
            "author", "unit", "area", "period", "issue", "reviewed_by"
        ).prefetch_related("topics")

    def live(self):
        return self.exclude(status=OpinionReport.Status.ARCHIVED)


class OpinionReport(models.Model):
    """An opinion report (báo cáo dư luận xã hội) filed by a collaborator."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        URGENT = "urgent", pgettext_lazy("report kind", "Urgent")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for more information")
        ACCEPTED = "accepted", _("Accepted")
        ARCHIVED = "archived", _("Archived")

    class Urgency(models.IntegerChoices):
        NORMAL = 1, _("Normal")
        URGENT = 2, _("Urgent")
        VERY_URGENT = 3, _("Very urgent")

    author = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # The author's unit when the report was filed: staff scope follows it.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PERIODIC
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=255)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    area = models.ForeignKey(
        OrgUnit,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_rumour = models.BooleanField(_("rumour"), default=False)
    balance_confirmed = models.BooleanField(
        _("one-sided report confirmed by the collaborator"), default=False
    )
    issue = models.ForeignKey(
        "Issue",
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # Quality rating by staff, 1–5 each, with written feedback the collaborator reads.
    quality_depth = models.PositiveSmallIntegerField(
        _("depth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    quality_balance = models.PositiveSmallIntegerField(
        _("balance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    quality_timeliness = models.PositiveSmallIntegerField(
        _("timeliness"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    quality_usefulness = models.PositiveSmallIntegerField(
        _("usefulness"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback = models.TextField(_("feedback"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpinionReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion report")
        verbose_name_plural = _("opinion reports")
        ordering = ["-urgency", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgency__gte=1) & Q(urgency__lte=3),
                name="%(app_label)s_%(class)s_urgency_range",
            ),
        ]
        indexes = [
            # The review queue, read in index order until a page is full: urgent
            # first, then oldest first. The included columns let scope and filters
            # be checked in the index alone, without visiting the rows.
            # - filtered by status:
            models.Index(
                fields=["status", "-urgency", "submitted_at", "id"],
                include=["unit", "period", "kind"],
                name="report_queue",
            ),
            # - every status but drafts and archived (the queue as it opens):
            models.Index(
                fields=["-urgency", "submitted_at", "id"],
                include=["unit", "status", "period"],
                name="report_queue_all",
            ),
            # - filtered by period (a period's reports sit together in time, so
            #   the orders above would read most of the table to find them):
            models.Index(
                fields=["period", "-urgency", "submitted_at", "id"],
                # kind too: a period's counts by status and kind (home-page
                # figures, the summary's reports by kind) read the index alone.
                include=["unit", "status", "kind"],
                name="report_queue_period",
            ),
            # A unit subtree's reports by status, counted from the index alone
            # (queue counts, home-page figures).
            models.Index(fields=["unit", "status", "id"], name="report_unit_status"),
            # Reporting rate per period and collaborator.
            models.Index(
                fields=["period", "author", "status"], name="report_period_author"
            ),
            # A collaborator's own list.
            models.Index(fields=["author", "-created_at"], name="report_author_recent"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title).strip()
        self.description = nfc(self.description)
        self.proposals = nfc(self.proposals)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:report-detail", args=[self.pk])

    def refresh_search_text(self, streams=None):
        """Fold title, text, proposals and stream summaries into ``search_text``."""
        streams = self.streams.all() if streams is None else streams
        self.search_text = fold_parts(
            self.title, self.description, self.proposals, *(s.summary for s in streams)
        )

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    @property
    def is_urgent(self) -> bool:
        return self.kind == self.Kind.URGENT or self.urgency > self.Urgency.NORMAL

    @property
    def has_rating(self) -> bool:
        return self.quality_depth is not None

    def is_one_sided(self, streams) -> bool:
        """All streams supportive and nothing proposed: the balance prompt's case."""
        directions = {s.direction for s in streams}
        return (
            directions == {OpinionStream.Direction.SUPPORT}
            and not self.proposals.strip()
        )


class OpinionStream(models.Model):
    """One current of opinion in a report (luồng dư luận)."""

    class Direction(models.TextChoices):
        SUPPORT = "support", _("Support")
        OPPOSE = "oppose", _("Oppose")
        CONCERN = "concern", _("Concern")
        UNCLEAR = "unclear", _("Unclear")

    class Breadth(models.IntegerChoices):
        FEW = 1, _("A few")
        SOME = 2, _("Some")
        MANY = 3, _("Many")
        MAJORITY = 4, _("Majority")
        OVERWHELMING = 5, _("Overwhelming majority")

    class Intensity(models.IntegerChoices):
        LOW = 1, pgettext_lazy("intensity", "Low")
        MEDIUM = 2, pgettext_lazy("intensity", "Medium")
        HIGH = 3, pgettext_lazy("intensity", "High")

    class SocialGroup(models.TextChoices):
        OFFICIALS = "officials", _("Officials and civil servants")
        PARTY_MEMBERS = "party_members", _("Party members")
        WORKERS = "workers", _("Workers")
        FARMERS = "farmers", _("Farmers")
        INTELLECTUALS = "intellectuals", _("Intellectuals")
        YOUTH = "youth", _("Youth")
        ELDERLY = "elderly", _("Elderly people")
        RELIGIOUS = "religious", _("Religious dignitaries and followers")
        BUSINESS = "business", _("Businesses and traders")
        STUDENTS = "students", _("Pupils and students")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        DIRECT = "direct", _("In person")
        SOCIAL_MEDIA = "social_media", _("Social media")
        PRESS = "press", _("Press")
        MEETINGS = "meetings", _("Meetings")
        PHONE = "phone", _("Phone, messages")

    report = models.ForeignKey(
        OpinionReport, on_delete=models.CASCADE, related_name="streams"
    )
    summary = models.TextField(_("what people say"))
    # Blank only while the report is a draft; submitting requires both.
    direction = models.CharField(
        pgettext_lazy("opinion stream", "direction"),
        max_length=20,
        choices=Direction.choices,
        blank=True,
    )
    breadth = models.PositiveSmallIntegerField(
        _("breadth"), choices=Breadth.choices, null=True, blank=True
    )
    intensity = models.PositiveSmallIntegerField(
        _("intensity"), choices=Intensity.choices, default=Intensity.MEDIUM
    )
    social_groups = models.JSONField(_("social groups"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    is_rumour = models.BooleanField(_("rumour rather than opinion"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("opinion stream")
        verbose_name_plural = _("opinion streams")
        ordering = ["report", "position", "pk"]

    def __str__(self):
        return self.summary[:80]

    def save(self, *args, **kwargs):
        self.summary = nfc(self.summary).strip()
        super().save(*args, **kwargs)

    def get_social_groups_display(self) -> list[str]:
        labels = dict(self.SocialGroup.choices)
        return [str(labels.get(code, code)) for code in self.social_groups]

    def get_channels_display(self) -> list[str]:
        labels = dict(self.Channel.choices)
        return [str(labels.get(code, code)) for code in self.channels]


class AttachmentQuerySet(DraftsStayPrivate, ScopedQuerySet):
    unit_path_lookup = "report__unit__path"
    owner_lookup = "report__author__user"
    report_prefix = "report__"

    def present(self):
        """Attachments the author has not removed: the ones a report shows."""
        return self.filter(removed_at__isnull=True)


class Attachment(models.Model):
    """A file attached to a report, stored outside the static root."""

    report = models.ForeignKey(
        OpinionReport, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Removing keeps the row and the file: staff still see what was sent.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="%(app_label)s_%(class)s_removed_by_whom",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class ReportEventQuerySet(DraftsStayPrivate, ScopedQuerySet):
    unit_path_lookup = "report__unit__path"
    owner_lookup = "report__author__user"
    report_prefix = "report__"


class ReportEvent(models.Model):
    """A state change or exchange on a report: who, when, from, to, note."""

    class Action(models.TextChoices):
        CREATED = "created", _("Draft created")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with a question")
        RESUBMITTED = "resubmitted", _("Answered and resubmitted")
        ACCEPTED = "accepted", _("Accepted")
        RUMOUR = "rumour", _("Marked as rumour")
        RETAGGED = "retagged", _("Topics changed")
        RATED = "rated", _("Quality rated")
        LINKED = "linked", _("Added to an issue")
        UNLINKED = "unlinked", _("Removed from an issue")
        ATTACHMENT_REMOVED = "attachment_removed", _("Attachment removed")
        ARCHIVED = "archived", _("Archived")

    report = models.ForeignKey(
        OpinionReport, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def from_status_label(self) -> str:
        return (
            str(OpinionReport.Status(self.from_status).label)
            if self.from_status
            else ""
        )

    @property
    def to_status_label(self) -> str:
        return str(OpinionReport.Status(self.to_status).label) if self.to_status else ""


class IssueQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def owned_by(self, user):
        # Collaborators see the issues their own reports belong to.
        return self.filter(
            pk__in=OpinionReport.objects.filter(author__user=user)
            .exclude(issue=None)
            .values("issue")
        )

    def with_related(self, user=None):
        """Eager loading; given ``user``, only the areas that user may see."""
        areas = (
            "areas"
            if user is None
            else models.Prefetch("areas", queryset=OrgUnit.objects.visible_to(user))
        )
        return self.select_related("unit", "created_by").prefetch_related(
            areas, "topics"
        )

    def open(self):
        return self.exclude(status__in=[Issue.Status.RESOLVED, Issue.Status.CLOSED])


class Issue(models.Model):
    """A matter of public concern (vấn đề dư luận quan tâm) that groups reports."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        MONITORING = "monitoring", _("Monitoring")
        HANDLING = "handling", _("Being handled")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")
        CRITICAL = 4, _("Critical")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    areas = models.ManyToManyField(OrgUnit, verbose_name=_("areas"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    last_seen = models.DateField(_("last seen"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-last_seen", "-pk"]
        indexes = [
            # Issue list: open issues of a unit subtree, most recently seen first.
            models.Index(fields=["status", "-last_seen"], name="issue_status_seen"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title).strip()
        self.description = nfc(self.description)
        self.search_text = fold_parts(self.title, self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:issue-detail", args=[self.pk])


class FollowUpQuerySet(ScopedQuerySet):
    unit_path_lookup = "issue__unit__path"

    def overdue(self, on=None):
        on = on or timezone.localdate()
        return self.filter(responded_on__isnull=True, due_date__lt=on)


class FollowUp(models.Model):
    """What was asked of which agency about an issue, by when, and its answer."""

    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="follow_ups"
    )
    agency = models.CharField(_("responsible agency"), max_length=255)
    request = models.TextField(_("requested action"))
    due_date = models.DateField(_("due date"))
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("response date"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        indexes = [
            # Overdue follow-ups on staff and leader home pages.
            models.Index(fields=["responded_on", "due_date"], name="followup_overdue"),
        ]

    def __str__(self):
        return f"{self.agency}: {self.request[:60]}"

    @property
    def is_overdue(self) -> bool:
        return self.responded_on is None and self.due_date < timezone.localdate()


class DirectionQuerySet(ScopedQuerySet):
    unit_path_lookup = "issue__unit__path"


class Direction(models.Model):
    """A leader's direction (ý kiến chỉ đạo) on an issue."""

    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="directions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(pgettext_lazy("leaders", "direction"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DirectionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("leaders", "direction")
        verbose_name_plural = pgettext_lazy("leaders", "directions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text[:80]


class ReportingRecordQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"
    owner_lookup = "collaborator__user"

    def with_related(self):
        return self.select_related("collaborator", "period", "unit")


class ReportingRecord(models.Model):
    """Whether a collaborator filed a period's periodic report, and on time."""

    class State(models.TextChoices):
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")
        MISSING = "missing", _("Missing")
        PENDING = "pending", _("Not yet due")
        NOT_EXPECTED = "not_expected", _("Not expected")

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="reporting_records",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="reporting_records",
    )
    # The collaborator's unit when computed: a collaborator counts in their unit.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    report = models.ForeignKey(
        OpinionReport,
        verbose_name=_("opinion report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = ReportingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting record")
        verbose_name_plural = _("reporting records")
        ordering = ["period", "collaborator"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "period"], name="%(app_label)s_%(class)s_once"
            ),
        ]
        indexes = [
            # The discipline page: a period's records of a unit subtree counted by
            # unit and state from the index alone; also its collaborator list.
            models.Index(
                fields=["period", "unit", "state"], name="record_period_unit_state"
            ),
        ]

    def __str__(self):
        return f"{self.collaborator_id} {self.period_id}: {self.state}"


class ReportingTallyQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"


class ReportingTally(models.Model):
    """How many of a unit's collaborators are in each state for a period.

    Kept with the records (``reports.services.discipline``): the discipline page
    of a province sums a few thousand of these rather than counting hundreds of
    thousands of records.
    """

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=ReportingRecord.State.choices
    )
    count = models.PositiveIntegerField(_("count"), default=0)

    objects = ReportingTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting tally")
        verbose_name_plural = _("reporting tallies")
        ordering = ["period", "unit", "state"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "state"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self):
        return f"{self.period_id} {self.unit_id} {self.state}: {self.count}"


class EarlyWarningQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def with_related(self):
        return self.select_related(
            "unit", "topic", "area", "issue", "period", "acknowledged_by"
        )

    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class EarlyWarning(models.Model):
    """An early warning (cảnh báo sớm) raised by the daily job for a unit's staff."""

    # What the figures behind a warning are called on its page.
    FIGURE_LABELS = {
        "reports": _("Reports"),
        "baseline": _("Reports a period before (average)"),
        "baseline_periods": _("Periods in the baseline"),
        "ratio": _("Times the baseline at least"),
        "streams": _("Opinion streams"),
        "negative_streams": _("Opposed or worried streams"),
        "share": _("Share opposed or worried (%)"),
        "baseline_share": _("Share before (%)"),
        "baseline_streams": _("Opinion streams before"),
        "points": _("Rise needed (percentage points)"),
        "communes": _("Communes"),
        "days": _("Within (days)"),
        "similarity": _("Similarity at least"),
        "periods": _("Periods without a report"),
        "last_period": _("Last reported in"),
        "hours": _("Hours waiting"),
        "limit_hours": _("Hours allowed"),
    }

    class Kind(models.TextChoices):
        VOLUME_JUMP = "volume_jump", _("More reports than usual")
        NEGATIVE_JUMP = "negative_jump", _("More opposed or worried opinion")
        SPREAD = "spread", _("Reported from several communes")
        SIMILAR = "similar", _("Similar reports not in an issue")
        SILENT_AREA = "silent_area", _("Area without reports")
        URGENT_WAITING = "urgent_waiting", _("Urgent report waiting for review")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Whose staff see it: the lowest unit holding every report behind it.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        OrgUnit,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("reason"), max_length=500)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    report_ids = models.JSONField(default=list, blank=True)
    # The condition's identity: the same condition never raises twice.
    key = models.CharField(max_length=200)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "key"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="%(app_label)s_%(class)s_acknowledged_by_whom",
            ),
        ]
        indexes = [
            # The warnings page and home panels: a subtree's warnings, open ones
            # first, newest first.
            models.Index(
                fields=["unit", "acknowledged_at", "-raised_at"],
                name="warning_unit_open_recent",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:warnings")

    def figure_rows(self) -> list[tuple[str, object]]:
        """The figures with their names, in the order the rule gives them."""
        return [
            (self.FIGURE_LABELS.get(key, key), value)
            for key, value in (self.figures or {}).items()
        ]

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
