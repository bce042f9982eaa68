"""Topics of public opinion, and those a unit's board asks to watch."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.search import fold_parts, nfc

from .periods import ReportingPeriod


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
