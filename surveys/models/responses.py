"""A respondent's answers (phiếu), their review, and one row per answer for counting.

No name, phone or address of a respondent is stored anywhere: the quota variables
(commune, sex, age group, occupation) are all a response says of who gave it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet

from .design import Choice, Question, QuestionnaireVersion, Survey
from .sample import PersonalLink, SurveyCell
from .vocab import AgeGroup, Occupation, Sex


class ResponseQuerySet(ScopedQuerySet):
    unit_path_lookup = "survey__unit__path"
    owner_lookup = "entered_by"

    def visible_to(self, user):
        queryset = super().visible_to(user)
        if user is None or not user.is_authenticated or user.is_collaborator:
            return queryset
        # A draft is its interviewer's until it is submitted.
        return queryset.exclude(state=Response.State.DRAFT)

    def with_related(self):
        return self.select_related(
            "survey", "commune", "collaborator", "entered_by", "reviewed_by"
        )

    def submitted(self):
        return self.filter(state=Response.State.SUBMITTED)

    def approved(self):
        return self.filter(
            state=Response.State.SUBMITTED, review=Response.Review.APPROVED
        )


class Response(models.Model):
    """One respondent's questionnaire (phiếu khảo sát)."""

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face", _("Face to face")
        ONLINE = "online", _("Online link")
        PERSONAL = "personal", _("Personal link")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        HAS_ISSUES = "has_issues", _("Has issues")

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses"
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    # Made by the phone or the page: a retry or a double tap finds this response.
    client_id = models.UUIDField(_("client id"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("interviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    personal_link = models.OneToOneField(
        PersonalLink,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response",
    )
    commune = models.ForeignKey(
        OrgUnit,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    age_group = models.CharField(
        _("age group"), max_length=10, choices=AgeGroup.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=10, choices=Occupation.choices, blank=True
    )
    # {question name: value}: a string, a list of codes, {row: code} for a grid,
    # and "<name>__other" for the words after "Khác (ghi rõ)".
    answers = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    review = models.CharField(
        _("review"), max_length=12, choices=Review.choices, default=Review.PENDING
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Flags set at submission, for the reviewer.
    flag_fast = models.BooleanField(_("entered too fast"), default=False)
    flag_duplicate = models.BooleanField(_("near-identical to another"), default=False)
    over_quota = models.BooleanField(_("over its quota"), default=False)
    # The choice answers in a canonical form: the same string for two responses
    # that chose alike (near-identical, whatever the free text says).
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # What the phone's outbox last sent for this client id (sha256 of the
    # respondent and the answers): a repeat is told from one with changed content.
    content_digest = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    # The population cell of its commune, sex and age group (surveys.weights):
    # its weight is the cell's, so a weighting writes cells, not responses.
    cell = models.ForeignKey(
        SurveyCell,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        # Read from the response to its cell only: no index to keep up.
        db_index=False,
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client_id"],
                name="%(app_label)s_%(class)s_unique_client_id",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_at",
            ),
        ]
        indexes = [
            # The review queue: a survey's submitted responses by review state.
            models.Index(
                fields=["survey", "state", "review", "-submitted_at"],
                name="surveys_resp_queue",
            ),
            # The review queue with no review filter: its newest page, read in order.
            models.Index(
                fields=["survey", "state", "-submitted_at", "-id"],
                name="surveys_resp_newest",
            ),
            # Quota fill: approved and pending responses per cell.
            models.Index(
                fields=["survey", "commune", "sex", "age_group"],
                name="surveys_resp_cell",
            ),
            # An interviewer's own responses, and near-identical ones among them.
            models.Index(
                fields=["collaborator", "survey", "fingerprint"],
                name="surveys_resp_ctv",
            ),
        ]

    def __str__(self):
        return f"{self.survey} · {self.pk}"

    def get_absolute_url(self):
        return reverse("surveys:response-detail", args=[self.survey_id, self.pk])


class Answer(models.Model):
    """One answer of a submitted response, a row each, for counting in the database.

    A single choice is one row; a multiple choice a row per choice; a grid a row
    per grid row (``row``); numbers, dates and text their own column.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answer_rows"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answer_rows"
    )
    row = models.CharField(max_length=64, blank=True)
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    # Folded text (no case, no diacritics) for the free-text search.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # Counts per choice of a question (results, cross-tabs).
            models.Index(
                fields=["question", "row", "choice", "response"],
                name="surveys_answer_count",
            ),
            models.Index(fields=["response", "question"], name="surveys_answer_resp"),
        ]

    def __str__(self):
        return f"{self.response_id} · {self.question_id}"
