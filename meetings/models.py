"""Briefing meetings (giao ban), their agenda, attendance and minutes; reference documents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet
from dluan.search import nfc
from reports.models import FollowUp, Issue, OpinionReport, ReportingPeriod


class MeetingQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def owned_by(self, user):
        # A collaborator sees the meetings they were sent an invitation to.
        return self.filter(
            pk__in=Invitation.objects.sent()
            .filter(collaborator__user=user)
            .values("meeting")
        )

    def with_related(self):
        return self.select_related("unit", "period", "created_by")

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Meeting.Status.PLANNED, starts_at__gte=now).order_by(
            "starts_at", "pk"
        )

    def past(self, now=None):
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__lt=now) | ~Q(status=Meeting.Status.PLANNED)
        ).order_by("-starts_at", "-pk")


class Meeting(models.Model):
    """A briefing meeting (hội nghị giao ban) of a unit's board with its collaborators."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        AD_HOC = "ad_hoc", _("Ad hoc")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    chair = models.CharField(_("chair"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    minutes_number = models.CharField(_("minutes number"), max_length=50, blank=True)
    reported_summary = models.TextField(_("what was reported"), blank=True)
    guidance = models.TextField(_("guidance to collaborators"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    secretary = models.CharField(_("secretary"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefing meeting")
        verbose_name_plural = _("briefing meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ad_hoc") | Q(period__isnull=False),
                name="%(app_label)s_%(class)s_periodic_has_period",
            ),
            models.UniqueConstraint(
                fields=["unit", "period"],
                condition=Q(kind="periodic"),
                name="%(app_label)s_%(class)s_one_periodic_per_period",
            ),
        ]
        indexes = [
            # Upcoming and past meeting lists: by status and date.
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts"),
            # "The unit's last held briefing" for the agenda proposal.
            models.Index(fields=["unit", "status", "starts_at"], name="meeting_unit"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title).strip()
        self.place = nfc(self.place).strip()
        self.chair = nfc(self.chair).strip()
        self.reported_summary = nfc(self.reported_summary)
        self.guidance = nfc(self.guidance)
        self.conclusions = nfc(self.conclusions)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", args=[self.pk])

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_open(self) -> bool:
        """Whether the agenda, invitees and records may still change."""
        return self.status != self.Status.CANCELLED


class InvitationQuerySet(ScopedQuerySet):
    unit_path_lookup = "meeting__unit__path"
    owner_lookup = "collaborator__user"

    def owned_by(self, user):
        return self.sent().filter(collaborator__user=user)

    def with_related(self):
        return self.select_related("meeting", "meeting__unit", "collaborator__unit")

    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def sent(self):
        return self.active().filter(sent_at__isnull=False)


class Invitation(models.Model):
    """A collaborator invited to a meeting, and their answer."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ATTEND = "attend", _("Will attend")
        CANNOT_ATTEND = "cannot_attend", _("Cannot attend")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="invitations"
    )
    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Taking someone off the list keeps the row (and any answer) for the record.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["collaborator__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "collaborator"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=~Q(response="cannot_attend") | ~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_when_cannot",
            ),
        ]
        indexes = [
            # A collaborator's invitations on their home page.
            models.Index(fields=["collaborator", "sent_at"], name="invitation_collab"),
        ]

    def __str__(self):
        return f"{self.collaborator} · {self.meeting}"


class AgendaItemQuerySet(ScopedQuerySet):
    unit_path_lookup = "meeting__unit__path"

    def current(self):
        """The items on the agenda: a dropped item stays on record, off the agenda."""
        return self.filter(dropped_at__isnull=True)


class AgendaItem(models.Model):
    """One point of a meeting's agenda (nội dung giao ban)."""

    class Source(models.TextChoices):
        PROPOSED = "proposed", _("Proposed from reports and issues")
        MANUAL = "manual", _("Added by staff")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reports = models.ManyToManyField(
        OpinionReport, verbose_name=_("reports"), blank=True, related_name="+"
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    # Dropping an item keeps the row for the record.
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title).strip()
        self.note = nfc(self.note)
        super().save(*args, **kwargs)


class AttendanceQuerySet(ScopedQuerySet):
    unit_path_lookup = "meeting__unit__path"
    owner_lookup = "collaborator__user"


class Attendance(models.Model):
    """Whether an invited collaborator was at the meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Absent with reason")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendances"
    )
    collaborator = models.ForeignKey(
        Collaborator, on_delete=models.PROTECT, related_name="meeting_attendances"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "collaborator__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "collaborator"], name="%(app_label)s_%(class)s_once"
            ),
        ]
        indexes = [
            # Meeting attendance rate per collaborator (emulation score).
            models.Index(fields=["collaborator", "status"], name="attendance_collab"),
        ]

    def __str__(self):
        return f"{self.collaborator}: {self.get_status_display()}"


class MeetingActionQuerySet(ScopedQuerySet):
    unit_path_lookup = "meeting__unit__path"


class MeetingAction(models.Model):
    """A follow-up action decided in the minutes; it may become a FollowUp on an issue."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField(_("requested action"))
    agency = models.CharField(_("responsible agency"), max_length=255, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up = models.OneToOneField(
        FollowUp,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_action",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.description[:80]

    def save(self, *args, **kwargs):
        self.description = nfc(self.description).strip()
        self.agency = nfc(self.agency).strip()
        super().save(*args, **kwargs)


class ReferenceDocumentQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def owned_by(self, user):
        # A collaborator sees the documents handed out to them.
        return self.filter(
            pk__in=DocumentReceipt.objects.filter(collaborator__user=user).values(
                "document"
            )
        )

    def with_related(self):
        return self.select_related("unit", "meeting", "uploaded_by")


class ReferenceDocument(models.Model):
    """A reference document (tài liệu tham khảo) handed out to collaborators."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("Who issued it, e.g. the provincial Propaganda Board."),
    )
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("handed out at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    recipients = models.ManyToManyField(
        Collaborator,
        through="DocumentReceipt",
        related_name="reference_documents",
        verbose_name=_("recipients"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferenceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference document")
        verbose_name_plural = _("reference documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title).strip()
        self.source = nfc(self.source).strip()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:document-detail", args=[self.pk])


class DocumentReceiptQuerySet(ScopedQuerySet):
    unit_path_lookup = "document__unit__path"
    owner_lookup = "collaborator__user"

    def unread(self):
        return self.filter(read_at__isnull=True)


class DocumentReceipt(models.Model):
    """A document handed to one collaborator, and when they confirmed reading it."""

    document = models.ForeignKey(
        ReferenceDocument, on_delete=models.PROTECT, related_name="receipts"
    )
    collaborator = models.ForeignKey(
        Collaborator, on_delete=models.PROTECT, related_name="document_receipts"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DocumentReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("document receipt")
        verbose_name_plural = _("document receipts")
        ordering = ["collaborator__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "collaborator"],
                name="%(app_label)s_%(class)s_once",
            ),
        ]
        indexes = [
            # A collaborator's unread documents on their home page.
            models.Index(fields=["collaborator", "read_at"], name="receipt_collab"),
        ]

    def __str__(self):
        return f"{self.collaborator} · {self.document}"
