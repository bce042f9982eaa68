"""What a collaborator files: the report, its opinion streams, files and events."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collaborators.models import Collaborator
from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet
from dluan.search import fold_parts, nfc

from .periods import ReportingPeriod
from .topics import Topic


def town_of(unit: OrgUnit) -> int | None:
    """The id of the town ``unit`` lies in (itself, for a town); None at the root."""
    ids = unit.path_ids
    return ids[1] if len(ids) > 1 else None


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
    # The town (the unit one level below the root) the unit belongs to, None at
    # the root: a town's text search reads one index keyed on it with the words
    # (``report_town_search``). Set on insert, re-synced when units move
    # (``report_towns_sync``).
    town = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
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
    # Made by the phone's outbox (or the page): a retry of the same item finds
    # this report instead of making a second one.
    client_id = models.UUIDField(_("client id"), null=True, blank=True, editable=False)
    # What the item last sent said (sha256 of its fields and photos): a repeat
    # of the same client id is told apart from one with changed content.
    content_digest = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
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
            # One report per item of an author's outbox, however often it is sent.
            # The client id leads: a send looks it up alone too (another
            # author's item answers 404).
            models.UniqueConstraint(
                fields=["client_id", "author"],
                condition=Q(client_id__isnull=False),
                name="%(app_label)s_%(class)s_unique_client_id",
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
            # - in a town (a town's staff, or the unit filter at a town or
            #   below): the order above would pass over the other towns' reports.
            models.Index(
                fields=["town", "-urgency", "submitted_at", "id"],
                include=["unit", "status", "period"],
                name="report_queue_town",
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
            # A text search, in a town or across the province: report_town_search,
            # GIN on (town, search_text trigrams), made on PostgreSQL only by
            # migration 0011 (SQLite scans).
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title).strip()
        self.description = nfc(self.description)
        self.proposals = nfc(self.proposals)
        if self._state.adding and self.town_id is None and self.unit_id:
            self.town_id = town_of(self.unit)
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
