"""Issues that group reports, what was asked of agencies, leaders' directions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet
from dluan.search import fold_parts, nfc

from .filing import OpinionReport
from .topics import Topic


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
            # Issue list by default: open issues ranked by severity then last seen,
            # a page read in index order and counted from the index alone.
            models.Index(
                fields=["-severity", "-last_seen", "-id"],
                name="issue_open_rank",
                include=["unit"],
                condition=~models.Q(status__in=["resolved", "closed"]),
            ),
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
            # Overdue follow-ups on staff and leader home pages, oldest first: the
            # unanswered ones in due-date order.
            models.Index(
                fields=["due_date", "id"],
                name="followup_open_due",
                condition=models.Q(responded_on__isnull=True),
            ),
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
        indexes = [
            # Recent directions on the leaders' home page, newest first.
            models.Index(fields=["-created_at", "-id"], name="report_direction_recent"),
        ]

    def __str__(self):
        return self.text[:80]
