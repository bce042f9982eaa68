"""The quota variables every response records first: sex, age group, occupation.

Fixed lists, the same in every survey, so that population margins, quotas, weights
and cross-tabs line up across surveys and years.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class AgeGroup(models.TextChoices):
    # The census's adult bands as boards' surveys group them.
    A18_29 = "18-29", _("18 to 29")
    A30_44 = "30-44", _("30 to 44")
    A45_59 = "45-59", _("45 to 59")
    A60 = "60+", _("60 and over")


class Occupation(models.TextChoices):
    FARMER = "farmer", _("Farmer, fisher")
    WORKER = "worker", _("Worker")
    OFFICIAL = "official", _("Official, civil servant")
    BUSINESS = "business", _("Business, trade, services")
    STUDENT = "student", _("Student")
    RETIREE = "retiree", _("Retiree")
    ARMED = "armed", _("Armed forces")
    OTHER = "other", _("Other")
