"""The sample: population and quota per commune × sex × age group, assignments, links."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet

from .design import Survey
from .vocab import AgeGroup, Sex


class SurveyCellQuerySet(ScopedQuerySet):
    unit_path_lookup = "survey__unit__path"


class SurveyCell(models.Model):
    """One commune × sex × age group: its population and its quota of interviews."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="cells")
    commune = models.ForeignKey(
        OrgUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.CharField(
        _("age group"), max_length=10, choices=AgeGroup.choices
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    quota = models.PositiveIntegerField(_("quota"), default=0)
    # The weight of its approved responses from the last weighting (post-
    # stratification or raking); None: not weighed, its responses count 1.
    weight = models.FloatField(_("weight"), null=True, blank=True, editable=False)

    objects = SurveyCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("population cell")
        verbose_name_plural = _("population cells")
        ordering = ["survey", "commune__path", "sex", "age_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "commune", "sex", "age_group"],
                name="%(app_label)s_%(class)s_unique",
            ),
        ]

    def __str__(self):
        return f"{self.commune} · {self.get_sex_display()} · {self.age_group}"


class AssignmentQuerySet(ScopedQuerySet):
    unit_path_lookup = "survey__unit__path"
    owner_lookup = "collaborator__user"

    def with_related(self):
        return self.select_related("survey", "collaborator", "commune")


class Assignment(models.Model):
    """A collaborator's share of a commune's quota: the interviews they are to make."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="assignments"
    )
    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="survey_assignments",
    )
    commune = models.ForeignKey(
        OrgUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.PositiveIntegerField(_("interviews to make"), default=0)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["survey", "commune__path", "collaborator__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "collaborator", "commune"],
                name="%(app_label)s_%(class)s_unique",
            ),
        ]
        indexes = [
            # A collaborator's assignments on their home page.
            models.Index(fields=["collaborator", "survey"], name="surveys_assign_ctv"),
        ]

    def __str__(self):
        return f"{self.collaborator} · {self.commune} · {self.target}"


def new_link_token() -> str:
    return secrets.token_urlsafe(16)


class PersonalLinkQuerySet(ScopedQuerySet):
    unit_path_lookup = "survey__unit__path"


class PersonalLink(models.Model):
    """A one-time link for one person of a list-based sample, printed as a QR slip.

    It names nobody: the slip's number is all the board keeps; who got which slip
    stays on the board's paper list.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="personal_links"
    )
    number = models.PositiveIntegerField(_("slip number"))
    token = models.CharField(max_length=32, unique=True, default=new_link_token)
    commune = models.ForeignKey(
        OrgUnit,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], name="%(app_label)s_%(class)s_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["survey"],
                condition=Q(used_at__isnull=True),
                name="surveys_link_unused",
            ),
        ]

    def __str__(self):
        return f"{self.survey} #{self.number}"
