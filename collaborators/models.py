"""The collaborator roster: people, their dated history, regulation and training."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet
from dluan.search import fold_parts, nfc


class CollaboratorQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"
    owner_lookup = "user"

    def with_related(self):
        return self.select_related("unit", "user").prefetch_related("coverage_areas")

    def active(self):
        return self.filter(status=Collaborator.Status.ACTIVE)

    def term_ending_within(self, days: int):
        today = timezone.localdate()
        return self.filter(
            term_end__gte=today, term_end__lte=today + timezone.timedelta(days=days)
        )


class Collaborator(models.Model):
    """A public-opinion collaborator (CTV) on a unit's roster."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DISMISSED = "dismissed", _("Dismissed")

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900)],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        help_text=_("Workplace or sending organisation."),
        on_delete=models.PROTECT,
        related_name="collaborators",
    )
    coverage_areas = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("coverage areas"),
        blank=True,
        related_name="covering_collaborators",
    )
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    is_retired = models.BooleanField(_("retired"), default=False)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    monthly_allowance = models.DecimalField(
        _("monthly allowance (VND)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    # The collaborator's own choice; reminders stay in the app either way.
    reminder_emails = models.BooleanField(
        _("send me reminder e-mails"),
        default=True,
        # Rows loaded in bulk (COPY in dluan.scale) name their columns; this one
        # defaults in the database too.
        db_default=True,
        help_text=_("Reminders about report deadlines stay in the app either way."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborator",
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollaboratorQuerySet.as_manager()

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        ordering = ["full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=F("term_start")),
                name="%(app_label)s_%(class)s_term_order",
                violation_error_message=_("The term ends before it starts."),
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="%(app_label)s_%(class)s_unique_phone",
                violation_error_message=_(
                    "Another collaborator already has this phone number."
                ),
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=~Q(email=""),
                name="%(app_label)s_%(class)s_unique_email",
                violation_error_message=_(
                    "Another collaborator already has this e-mail address."
                ),
            ),
        ]
        indexes = [
            # Roster list filtered by unit subtree and status; the home page's
            # roster figures, from the index alone.
            models.Index(
                fields=["unit", "status"],
                include=["term_end"],
                name="collab_unit_status",
            ),
            # The roster list in name order, read in index order until a page is
            # full; scope and status are checked in the index.
            models.Index(
                fields=["full_name", "id"],
                include=["unit", "status"],
                name="collab_name",
            ),
            # "Terms ending in the next 60 days".
            models.Index(fields=["term_end"], name="collab_term_end"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.prepare_to_save()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("collaborators:collaborator-detail", args=[self.pk])

    def prepare_to_save(self):
        """What ``save`` stores besides the fields as set; a bulk insert calls it."""
        self.normalise()
        self.search_text = fold_parts(
            self.full_name,
            self.phone,
            self.email,
            self.occupation,
            self.position,
            self.decision_number,
        )

    def normalise(self):
        """Store text NFC and phones and e-mails in the form uniqueness compares."""
        self.full_name = nfc(self.full_name).strip()
        self.occupation = nfc(self.occupation).strip()
        self.position = nfc(self.position).strip()
        self.email = (self.email or "").strip().lower()
        self.phone = normalise_phone(self.phone)

    def clean(self):
        self.normalise()
        errors = {}
        if self.birth_year and self.birth_year > timezone.localdate().year:
            errors["birth_year"] = _("The birth year is in the future.")
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("The term ends before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def term_days_left(self) -> int | None:
        if self.term_end is None:
            return None
        return (self.term_end - timezone.localdate()).days


def normalise_phone(phone: str) -> str:
    """Digits only, with a leading + kept: "0905 123 456" and "0905.123.456" are one phone."""
    phone = (phone or "").strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" + digits) if phone.startswith("+") and digits else digits


class RosterEventQuerySet(ScopedQuerySet):
    unit_path_lookup = "collaborator__unit__path"
    owner_lookup = "collaborator__user"

    def with_related(self):
        return self.select_related("collaborator", "created_by")


class RosterEvent(models.Model):
    """One dated roster decision (kiện toàn); history is appended, never rewritten."""

    class Kind(models.TextChoices):
        APPOINT = "appoint", _("Appoint")
        RENEW = "renew", _("Renew")
        SUSPEND = "suspend", _("Suspend")
        DISMISS = "dismiss", _("Dismiss")
        REINSTATE = "reinstate", _("Reinstate")

    collaborator = models.ForeignKey(
        Collaborator, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    term_end = models.DateField(_("new term end"), null=True, blank=True)
    status_after = models.CharField(
        _("status after"), max_length=20, choices=Collaborator.Status.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RosterEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster event")
        verbose_name_plural = _("roster events")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Roster events are appended, never rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Roster events are appended, never deleted.")


class RegulationQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def visible_to(self, user):
        # Everyone reads the regulations issued by their unit or the units above it.
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.org_unit_id is None:
            return self.none()
        ancestor_ids = user.org_unit.path_ids
        scope = Q(unit_id__in=ancestor_ids)
        if user.is_manager:
            scope |= Q(unit__path__startswith=user.org_unit.path)
        return self.filter(scope)

    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(effective_date__lte=on).order_by("-effective_date", "-pk")


class Regulation(models.Model):
    """A version of the regulation of operation (quy chế hoạt động) issued by a unit."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=255)
    version = models.CharField(_("version"), max_length=50)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    effective_date = models.DateField(_("effective date"))
    file = models.FileField(_("file"), upload_to="regulations/%Y/", blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["-effective_date", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.version})"

    def get_absolute_url(self):
        return reverse("collaborators:regulation-detail", args=[self.pk])


class RegulationAcknowledgement(models.Model):
    """A collaborator's confirmation of having read one regulation version."""

    regulation = models.ForeignKey(
        Regulation, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    collaborator = models.ForeignKey(
        Collaborator, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("regulation acknowledgement")
        verbose_name_plural = _("regulation acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "collaborator"],
                name="%(app_label)s_%(class)s_once",
            ),
        ]

    def __str__(self):
        return f"{self.collaborator} · {self.regulation}"


class TrainingSessionQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"
    owner_lookup = "attendances__collaborator__user"

    def with_related(self):
        return self.select_related("unit").annotate(
            attendee_count=models.Count(
                "attendances", filter=Q(attendances__attended=True)
            )
        )


class TrainingSession(models.Model):
    """A training session (tập huấn nghiệp vụ) and who attended it."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=255)
    organiser = models.CharField(_("organiser"), max_length=255)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    topics = models.TextField(_("topics"), blank=True)
    attendees = models.ManyToManyField(
        Collaborator,
        through="TrainingAttendance",
        related_name="training_sessions",
        verbose_name=_("attendees"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("collaborators:training-detail", args=[self.pk])


class TrainingAttendance(models.Model):
    """One collaborator's attendance at a training session."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    collaborator = models.ForeignKey(
        Collaborator, on_delete=models.PROTECT, related_name="training_attendances"
    )
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "collaborator"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self):
        return f"{self.collaborator} · {self.session}"


class CollaboratorScoreQuerySet(ScopedQuerySet):
    # The collaborator's unit when scored, kept on the row (like a reporting
    # record's): a province's ranking is scoped without joining the roster.
    unit_path_lookup = "unit__path"
    owner_lookup = "collaborator__user"

    def with_related(self):
        return self.select_related("collaborator", "unit")

    def ranked(self):
        return self.order_by("-total", "id")


class CollaboratorScore(models.Model):
    """A collaborator's emulation score (điểm thi đua) for a year, with its parts.

    Computed by ``collaborators.scoring.scores_compute``, whose docstring holds the
    rules; never typed in.
    """

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Part name → 0..1; a part where nothing was expected of them is absent.
    parts = models.JSONField(_("parts"), default=dict, blank=True)
    total = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = CollaboratorScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("emulation score")
        verbose_name_plural = _("emulation scores")
        ordering = ["-year", "-total", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "year"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100),
                name="%(app_label)s_%(class)s_total_range",
            ),
        ]
        indexes = [
            # The ranking of a year, read in score order until a page is full;
            # the unit subtree is checked in the index.
            models.Index(
                fields=["year", "-total", "id"],
                include=["unit"],
                name="score_year_rank",
            ),
        ]

    def __str__(self):
        return f"{self.collaborator_id} {self.year}: {self.total}"


class ImportMapping(models.Model):
    """How a unit's own roster workbook's columns map to the roster's fields,
    remembered from its last import so the next one starts from it."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="roster_import_mapping"
    )
    # Folded column heading → field name ("" for a column left out).
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("roster import mapping")
        verbose_name_plural = _("roster import mappings")

    def __str__(self):
        return str(self.unit)


class ImportDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An uploaded roster is its uploader's alone, until imported or expired."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def expired(self, now=None):
        cutoff = (now or timezone.now()) - timezone.timedelta(
            hours=settings.IMPORT_DRAFT_HOURS
        )
        return self.filter(created_at__lt=cutoff)


class ImportDraft(models.Model):
    """An uploaded roster as read, waiting between its upload and its import.

    Kept out of the session, which every request loads; removed by the import,
    by the uploader's next upload, or by the daily job after IMPORT_DRAFT_HOURS.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=43, unique=True)
    name = models.CharField(max_length=200)
    # Sheet.to_json(): the header row, the headings and the rows below them.
    sheet = models.JSONField()
    # A field (or "") per column, once chosen on the columns page.
    mapping = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ImportDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster import draft")
        verbose_name_plural = _("roster import drafts")
        indexes = [
            # The daily job's removal of drafts older than IMPORT_DRAFT_HOURS.
            models.Index(fields=["created_at"], name="collab_importdraft_created"),
        ]

    def __str__(self):
        return self.name
