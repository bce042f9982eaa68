"""Giving sign-in and taking it back: the board makes the accounts itself.

A person with an e-mail address gets a one-time link to choose a password,
e-mailed through the notification queue after commit; one without gets a printed
slip with a one-time code. The code exists only in the ``Slip`` this module
returns and in the PDF rendered from it in the same response: it is never stored
(only its keyed hash, by ``dluan.accounts``), logged, put in the session, a
notification, an e-mail or the audit trail.

The slips' PDF is rendered inside the transaction that makes the accounts and
codes: if it cannot be made (``PDFRenderError``, past a render limit), nothing is
kept, no link is e-mailed, and pressing again gives the same people sign-in.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan import pdf
from dluan.accounts import signin_code_issue, signin_codes_revoke, signin_link_send
from dluan.models import OrgUnit, SignInCode, User
from dluan.search import fold

# Giving sign-in to many at once runs in the request: each account costs about ten
# queries and a slip about 0.07 s of PDF layout, so a run is capped (about 15 s at
# worst) and the page says so; staff press again for the next ones. The batch's
# rows stay locked while its PDF renders: a second press waits, then finds them
# given (or, if the PDF failed, still to give).
BULK_LIMIT = 200
USERNAME_MAX = 150


@dataclass(frozen=True)
class Slip:
    """What one printed slip says; the code is kept out of ``repr`` (and so logs)."""

    full_name: str
    unit: str
    username: str
    expires_at: datetime
    code: str = field(repr=False)


@dataclass
class Given:
    """The outcome of giving (or resetting) one person's sign-in: with a slip,
    its PDF, made in the same transaction."""

    user: User
    emailed: bool
    slip: Slip | None = None
    pdf: bytes | None = field(default=None, repr=False)


@dataclass
class BulkGiven:
    emailed: list[User] = field(default_factory=list)
    slips: list[Slip] = field(default_factory=list)
    remaining: int = 0
    pdf: bytes | None = field(default=None, repr=False)


# --- Usernames ------------------------------------------------------------------


def _username_base(*, phone: str, full_name: str, prefix: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits:
        return digits
    words = "".join(
        ch if ch.isascii() and ch.isalnum() else " " for ch in fold(full_name)
    ).split()
    return "-".join([prefix, *words])[: USERNAME_MAX - 6] or prefix


def _claim(base: str, taken: set[str]) -> str:
    """``base`` or ``base-2``, ``base-3``… whichever no account has; remembered."""
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate.lower())
    return candidate


def _taken_like(bases) -> set[str]:
    """Usernames in use that a proposal from ``bases`` could collide with: one
    query for the bases, then one per base already taken (for its suffixes)."""
    bases = set(bases)
    clashing = set(
        User.objects.filter(username__in=bases).values_list("username", flat=True)
    )
    taken = {name.lower() for name in clashing}
    for base in clashing:
        taken.update(
            name.lower()
            for name in User.objects.filter(
                username__istartswith=f"{base}-"
            ).values_list("username", flat=True)
        )
    return taken


def username_propose(*, phone: str = "", full_name: str = "", prefix="ctv") -> str:
    """A free username: the phone's digits, else ``ctv-nguyen-van-an`` (unique)."""
    base = _username_base(phone=phone, full_name=full_name, prefix=prefix)
    return _claim(base, _taken_like([base]))


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Enter a username.")})
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    return username


# --- Delivery: an e-mail link or a slip -------------------------------------------


def _deliver(*, actor: User, user: User) -> Given:
    """Close the old password and codes, then a link by e-mail or a new code and
    its slip (PDFRenderError past a render limit: the caller's transaction then
    keeps nothing)."""
    if user.email:
        signin_codes_revoke(user=user)
        user.set_unusable_password()
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        signin_link_send(users=[user])
        return Given(user=user, emailed=True)
    slip = _slip(actor=actor, user=user)
    return Given(user=user, emailed=False, slip=slip, pdf=slips_pdf([slip]))


def _slip(*, actor: User, user: User, unit_name: str = "") -> Slip:
    code = signin_code_issue(user=user, created_by=actor)
    expires_at = (
        SignInCode.objects.filter(user=user, used_at__isnull=True, revoked_at=None)
        .values_list("expires_at", flat=True)
        .first()
    )
    return Slip(
        full_name=user.get_full_name(),
        unit=unit_name or str(user.org_unit or ""),
        username=user.username,
        expires_at=expires_at,
        code=code,
    )


def slips_pdf(slips: list[Slip]) -> bytes:
    """The printable slips, several to an A4 page with cut lines, in Vietnamese."""
    with translation.override("vi"):
        return pdf.render_pdf(
            "collaborators/signin_slips_pdf.html",
            {
                "doc": {"title": "PHIẾU ĐĂNG NHẬP", "subject": ""},
                "slips": slips,
                "site_url": settings.SITE_URL,
                "board": pdf.BOARD_NAME,
            },
        )


# --- Giving and resetting -----------------------------------------------------------


def _check_staff_of(*, actor: User, collaborator: Collaborator) -> None:
    if not actor.is_board_staff or not (
        Collaborator.objects.visible_to(actor).filter(pk=collaborator.pk).exists()
    ):
        raise PermissionDenied


def _new_account(*, collaborator: Collaborator, username: str) -> User:
    user = User(
        username=username,
        role=User.Role.COLLABORATOR,
        org_unit=collaborator.unit,
        full_name=collaborator.full_name,
        email=collaborator.email,
        phone=collaborator.phone,
    )
    user.set_unusable_password()
    user.save()
    collaborator.user = user
    collaborator.save(update_fields=["user", "updated_at"])
    return user


@transaction.atomic
def signin_give(
    *, actor: User, collaborator: Collaborator, username: str = ""
) -> Given:
    """Make an active collaborator's account, link it and send a link or make a slip."""
    _check_staff_of(actor=actor, collaborator=collaborator)
    collaborator = (
        Collaborator.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=collaborator.pk)
    )
    if collaborator.user_id is not None:
        raise ValidationError(_("This collaborator can already sign in."))
    if collaborator.status != Collaborator.Status.ACTIVE:
        raise ValidationError(_("Only an active collaborator is given sign-in."))
    username = _check_username(
        username
        or username_propose(phone=collaborator.phone, full_name=collaborator.full_name)
    )
    user = _new_account(collaborator=collaborator, username=username)
    return _deliver(actor=actor, user=user)


@transaction.atomic
def signin_reset(*, actor: User, collaborator: Collaborator) -> Given:
    """A new link or slip; the old password, links, codes and sessions stop working."""
    _check_staff_of(actor=actor, collaborator=collaborator)
    collaborator = Collaborator.objects.select_related("user", "unit").get(
        pk=collaborator.pk
    )
    user = collaborator.user
    if user is None:
        raise ValidationError(_("This collaborator has no sign-in yet."))
    if collaborator.status != Collaborator.Status.ACTIVE or not user.is_active:
        raise ValidationError(
            _("Sign-in is closed while the collaborator is suspended or dismissed.")
        )
    # The e-mail may have changed on the roster since the account was made.
    if user.email != collaborator.email:
        user.email = collaborator.email
        user.save(update_fields=["email"])
    return _deliver(actor=actor, user=user)


def signin_candidates(*, user: User, unit: OrgUnit | None = None) -> QuerySet:
    """Active collaborators in scope who have no account yet, in unit and name order."""
    queryset = Collaborator.objects.visible_to(user).active().filter(user__isnull=True)
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    return queryset.select_related("unit").order_by("unit__path", "full_name", "pk")


@transaction.atomic
def signin_give_bulk(
    *, actor: User, unit: OrgUnit | None = None, limit: int = BULK_LIMIT
) -> BulkGiven:
    """Give sign-in to up to ``limit`` collaborators without an account: links by
    e-mail after commit, slips in one PDF; all of it, or nothing if the PDF fails."""
    if not actor.is_board_staff:
        raise PermissionDenied
    candidates = signin_candidates(user=actor, unit=unit)
    batch = list(candidates.select_for_update(of=("self",))[:limit])
    bases = {
        record.pk: _username_base(
            phone=record.phone, full_name=record.full_name, prefix="ctv"
        )
        for record in batch
    }
    taken = _taken_like(bases.values())
    result = BulkGiven()
    for record in batch:
        user = _new_account(
            collaborator=record, username=_claim(bases[record.pk], taken)
        )
        if user.email:
            result.emailed.append(user)
        else:
            result.slips.append(
                _slip(actor=actor, user=user, unit_name=record.unit.name)
            )
    if result.emailed:
        signin_link_send(users=result.emailed)
    if result.slips:
        # Last, inside the transaction: a PDF past its limits takes the accounts,
        # codes and queued links with it, so no one holds a code nobody saw.
        result.pdf = slips_pdf(result.slips)
    result.remaining = candidates.count()
    return result


@transaction.atomic
def account_give(
    *,
    actor: User,
    username: str,
    full_name: str,
    role: str,
    org_unit: OrgUnit,
    email: str = "",
) -> Given:
    """An administrator gives a board officer or a leader an account."""
    if not actor.is_superuser:
        raise PermissionDenied
    if role not in {User.Role.STAFF, User.Role.LEADER}:
        raise ValidationError({"role": _("Choose board staff or leader.")})
    user = User(
        username=_check_username(username),
        role=role,
        org_unit=org_unit,
        full_name=full_name,
        email=(email or "").strip().lower(),
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return _deliver(actor=actor, user=user)


def last_code(*, user: User | None) -> SignInCode | None:
    """The person's latest one-time code (never the code itself), for the profile."""
    if user is None:
        return None
    return SignInCode.objects.filter(user=user).order_by("-created_at", "-pk").first()
