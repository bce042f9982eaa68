"""A survey and its questionnaire: versions, sections, questions, choices, the bank."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet, in_subtree


def new_public_key() -> str:
    """The unguessable part of a survey's public link."""
    return secrets.token_urlsafe(12)


class SurveyQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def owned_by(self, user):
        # A collaborator sees the surveys they are assigned to, and nothing else.
        from .sample import Assignment

        return self.filter(
            Exists(
                Assignment.objects.filter(
                    survey=OuterRef("pk"), collaborator__user=user
                )
            )
        )

    def with_related(self):
        return self.select_related("unit", "created_by", "current_version")

    def open(self):
        return self.filter(status=Survey.Status.OPEN)


class Survey(models.Model):
    """An opinion survey (cuộc điều tra dư luận xã hội) of a unit's population."""

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face", _("Face to face, by collaborators")
        ONLINE = "online", _("Online link")
        BOTH = "both", _("Face to face and online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    class Allocation(models.TextChoices):
        PROPORTIONAL = "proportional", _("Proportional to population")
        EQUAL = "equal", _("Equal per commune")

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        help_text=_("Its subtree is the survey's population."),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    title = models.CharField(_("title"), max_length=255)
    purpose = models.TextField(_("purpose"), blank=True)
    mode = models.CharField(
        _("mode"), max_length=10, choices=Mode.choices, default=Mode.FACE_TO_FACE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Online link: the unguessable key of /s/<key>/ and the most answers it takes.
    public_key = models.CharField(max_length=32, unique=True, default=new_public_key)
    answer_cap = models.PositiveIntegerField(
        _("answer cap"),
        null=True,
        blank=True,
        help_text=_("The online link closes once this many answers have come in."),
    )
    # Answers the link has taken: raised in one conditional UPDATE, so the cap
    # holds when many respondents submit at once.
    online_count = models.PositiveIntegerField(default=0, editable=False)
    min_seconds_per_question = models.PositiveSmallIntegerField(
        _("minimum seconds per question"),
        default=4,
        help_text=_("An interview entered faster than this per question is flagged."),
    )
    # The sample plan (the sample-size helper's inputs and its result).
    margin_of_error = models.DecimalField(
        _("margin of error"),
        max_digits=4,
        decimal_places=3,
        default="0.050",
        validators=[MinValueValidator(0.005), MaxValueValidator(0.5)],
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence level (%)"),
        default=95,
        choices=[(90, "90 %"), (95, "95 %"), (99, "99 %")],
    )
    expected_proportion = models.DecimalField(
        _("expected proportion"),
        max_digits=3,
        decimal_places=2,
        default="0.50",
        validators=[MinValueValidator(0.01), MaxValueValidator(0.99)],
    )
    response_rate = models.DecimalField(
        _("expected response rate"),
        max_digits=3,
        decimal_places=2,
        default="0.90",
        validators=[MinValueValidator(0.05), MaxValueValidator(1)],
    )
    allocation = models.CharField(
        _("allocation"),
        max_length=15,
        choices=Allocation.choices,
        default=Allocation.PROPORTIONAL,
    )
    # Set when the staff adopt a plan: the sample was drawn to it, so a margin of
    # error may be stated for its face-to-face answers.
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    current_version = models.ForeignKey(
        "surveys.QuestionnaireVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Raised by every review and weighting: the key of the cached results.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    weighting = models.CharField(max_length=20, blank=True, editable=False)
    weighted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_date_order",
                violation_error_message=_("The survey ends before it starts."),
            ),
        ]
        indexes = [
            # The survey list of a unit's subtree, newest first.
            models.Index(fields=["unit", "-starts_on"], name="surveys_unit_starts"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey-detail", args=[self.pk])

    @property
    def collects_face_to_face(self) -> bool:
        return self.mode in (self.Mode.FACE_TO_FACE, self.Mode.BOTH)

    @property
    def collects_online(self) -> bool:
        return self.mode in (self.Mode.ONLINE, self.Mode.BOTH)

    @property
    def is_planned(self) -> bool:
        """The face-to-face answers were drawn to a plan: margins may be stated."""
        return self.sample_size is not None and self.collects_face_to_face

    def touch_results(self) -> None:
        """Cached results of this survey are stale (a review, a weighting)."""
        Survey.objects.filter(pk=self.pk).update(
            results_version=models.F("results_version") + 1
        )


class QuestionnaireVersion(models.Model):
    """One version of a survey's questionnaire; answers point at the one they saw."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self):
        return f"{self.survey} v{self.number}"

    def ordered_questions(self):
        return self.questions.order_by("order", "pk").prefetch_related("choices")


class QuestionFields(models.Model):
    """What a survey's question and a bank question share."""

    class Kind(models.TextChoices):
        SECTION = "section", _("Section heading")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating scale")
        GRID = "grid", _("Grid of rating rows")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        DATE = "date", _("Date")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.RATING, Kind.GRID)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.TextField(_("question"))
    hint = models.CharField(_("hint"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Question(QuestionFields):
    """A question (or a section heading) of one questionnaire version."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(default=0)
    # The variable name in exports and XLSForm, and what show-if rules refer to.
    name = models.SlugField(_("variable name"), max_length=64)
    required = models.BooleanField(_("required"), default=False)
    # A grid's rows: [{"name": "r1", "label": "..."}]; they share the choices.
    rows = models.JSONField(default=list, blank=True)
    # Show-if rule on earlier answers (see surveys.rules); {} shows it always.
    show_if = models.JSONField(default=dict, blank=True)
    minimum = models.IntegerField(_("smallest number"), null=True, blank=True)
    maximum = models.IntegerField(_("largest number"), null=True, blank=True)
    # Copied from the bank: the same question compared across surveys and years.
    bank_question = models.ForeignKey(
        "surveys.BankQuestion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
        ]
        indexes = [
            # The same bank question over surveys and years.
            models.Index(fields=["bank_question"], name="surveys_question_bank"),
        ]

    def __str__(self):
        return f"{self.name}: {self.label[:60]}"


class Choice(models.Model):
    """One answer option of a question (for a grid, one point of its shared scale)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    order = models.PositiveIntegerField(default=0)
    value = models.SlugField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=300)
    # "Khác (ghi rõ)": choosing it asks for the respondent's own words.
    is_other = models.BooleanField(_("other, please specify"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self):
        return self.label


class BankQuestionQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def visible_to(self, user):
        # Staff use their own unit's bank, the banks below it and those above it
        # (a province's usual questions serve its towns).
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_collaborator or user.org_unit_id is None:
            return self.none()
        unit = user.org_unit
        return self.filter(in_subtree("unit", unit) | Q(unit_id__in=unit.path_ids))


class BankQuestion(QuestionFields):
    """A board's usual question, copied into surveys and compared across them."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="bank_questions"
    )
    code = models.SlugField(_("code"), max_length=64)
    # [{"value", "label", "is_other"}] and [{"name", "label"}], as a question's.
    choices = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BankQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank question")
        verbose_name_plural = _("question bank")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"], name="%(app_label)s_%(class)s_unique_code"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.label[:60]}"
