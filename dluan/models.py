"""Org units, users and notifications: what every other app builds on."""

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from dluan.scoping import ScopedQuerySet
from dluan.search import fold_parts, nfc


class OrgUnitQuerySet(ScopedQuerySet):
    unit_path_lookup = "path"

    def owned_by(self, user):
        # A collaborator sees their own unit and its subtree (e.g. to pick an area).
        if user.org_unit_id is None:
            return self.none()
        return self.filter(path__startswith=user.org_unit.path)


class OrgUnit(models.Model):
    """A node of the organisation tree: province, commune or ward, agency, party body."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province / city")
        TOWN = "town", _("Town / district-level unit")
        COMMUNE = "commune", _("Commune / ward")
        AGENCY = "agency", _("Agency")
        PARTY = "party", _("Grassroots party organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/5/12/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, default="")

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
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
        with transaction.atomic():
            creating = self.pk is None
            old_path = self.path
            if creating:
                super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else "/"
            if f"/{self.pk}/" in parent_path:
                raise ValueError("An org unit cannot be moved under its own subtree.")
            self.path = f"{parent_path}{self.pk}/"
            self.depth = self.path.count("/") - 2
            if creating:
                super().save(update_fields=["path", "depth"])
                return
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(
                    pk=self.pk
                ):
                    child.path = self.path + child.path[len(old_path) :]
                    child.depth = child.path.count("/") - 2
                    models.Model.save(child, update_fields=["path", "depth"])

    def clean(self):
        if self.pk and self.parent_id and f"/{self.pk}/" in self.parent.path:
            raise ValidationError(
                {"parent": _("A unit cannot be placed under itself or its sub-units.")}
            )

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)

    @property
    def path_ids(self) -> list[int]:
        """Ids from the root down to this unit, read off the path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        return OrgUnit.objects.filter(pk__in=self.path_ids).order_by("depth")

    def contains(self, other) -> bool:
        return bool(other) and other.path.startswith(self.path)

    @property
    def indented_name(self) -> str:
        return "— " * self.depth + self.name


class UserQuerySet(ScopedQuerySet):
    unit_path_lookup = "org_unit__path"

    def owned_by(self, user):
        return self.filter(pk=user.pk)


class DluanUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: admin, board staff, leader or collaborator."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Board staff")
        LEADER = "leader", _("Leader")
        COLLABORATOR = "collaborator", _("Collaborator")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.COLLABORATOR
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The language the person reads, kept on the account: never the browser's.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="vi",
        db_default="vi",  # rows bulk-loaded without the column read Vietnamese
    )
    # Signed in with a one-time code: a password must be set before anything else.
    must_change_password = models.BooleanField(
        _("must set a password"), default=False, db_default=False
    )
    # Part of the hash every session carries: raising it ends all the person's
    # sessions at once, whatever key each has by then (``dluan.auth.sessions_end``).
    session_generation = models.PositiveIntegerField(
        default=0, db_default=0, editable=False
    )

    objects = DluanUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name).strip()
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            # Only sessions_end raises the generation, with an UPDATE: a copy
            # loaded before it must not lower it again and revive ended sessions.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname not in deferred
                and field.name != "session_generation"
            ]
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.username

    def get_session_auth_hash(self):
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, *, secret: str | None) -> str:
        """Django's hash of the password, with the session generation once raised.

        At generation 0 it is Django's own, so sessions opened before the
        generation existed stay signed in.
        """
        value = self.password
        if self.session_generation:
            value = f"{value}:{self.session_generation}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_collaborator(self) -> bool:
        return self.role == self.Role.COLLABORATOR and not self.is_superuser

    @property
    def is_board_staff(self) -> bool:
        return self.role in {self.Role.STAFF, self.Role.ADMIN} or self.is_superuser

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def is_manager(self) -> bool:
        """Staff, leaders and admins: people who see their unit's subtree."""
        return not self.is_collaborator


class NotificationQuerySet(ScopedQuerySet):
    owner_lookup = "recipient"

    def visible_to(self, user):
        # Notifications are private to their recipient, whatever the role.
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user, shown in the app and sent by e-mail."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Set by the worker that is sending the e-mail, so that a second delivery of
    # the same job skips it; a claim older than the task's hard limit is dead.
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the notice is about ("reminder:before:12"): one per recipient and key.
    key = models.CharField(
        _("key"), max_length=200, blank=True, default="", db_default=""
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The bell in the navigation bar: a user's unread notifications.
            models.Index(
                fields=["recipient", "read_at"], name="dluan_notif_recipient_read"
            ),
        ]
        constraints = [
            # A keyed notice is sent once per recipient, whoever inserts it first;
            # key first, so that notification_send reads back a batch by its key.
            models.UniqueConstraint(
                fields=["key", "recipient"],
                condition=~models.Q(key=""),
                name="%(app_label)s_%(class)s_once_per_key",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url or reverse("notifications")


class SignInCode(models.Model):
    """A one-time code given on a printed slip: it signs in once, before it expires.

    Only its hash is kept; the code itself is shown once, on the slip.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signin_codes"
    )
    code_hash = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # A newer code, a password set by e-mail, or staff taking sign-in away.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time sign-in code")
        verbose_name_plural = _("one-time sign-in codes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Signing in with a code: the user's codes still usable.
            models.Index(fields=["user", "used_at", "revoked_at"], name="code_usable"),
        ]

    def __str__(self):
        return f"{self.user} {self.created_at:%d/%m/%Y}"

    @property
    def is_usable(self) -> bool:
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class UserSession(models.Model):
    """A signed-in session of a person, so they can see and end all of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.created_at:%d/%m/%Y %H:%M}"


class UnsentTask(models.Model):
    """A job the broker could not take when it was queued; the sweep sends it later.

    The work itself stays findable in its own tables (a notification not yet
    e-mailed, a summary still queued); this row only remembers the message.
    """

    task = models.CharField(_("job"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("unsent job")
        verbose_name_plural = _("unsent jobs")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


class ApiTokenQuerySet(ScopedQuerySet):
    unit_path_lookup = "owner__org_unit__path"
    owner_lookup = "owner"


# Audited: its creation and its revocation. Its use (``last_used_at``) is
# written with ``update()``, past auditlog, at most once a minute.
@auditlog.register(exclude_fields=["key_hash", "last_used_at"])
class ApiToken(models.Model):
    """A personal key to the read-only API: only its SHA-256 is kept."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The key's first characters, shown in lists to tell keys apart.
    prefix = models.CharField(_("key prefix"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The last day the key works (the board's time zone).
    expires_on = models.DateField(_("expires on"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()
