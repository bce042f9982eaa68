"""Reporting periods: the two-month spans every unit reports in."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
