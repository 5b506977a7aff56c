"""Customer accounts: sign-in by password (+ one-time code) or e-mailed link, invitations.

Side effects are listed per function. Failed sign-ins are rows in LoginAttempt (shared by
every server process); they are written outside any transaction the caller might roll back.
Tokens are random 32-byte strings; only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable

import pyotp
from django.conf import settings
from django.contrib.auth import hashers, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import Conflict, DomainError, InvalidInput
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.normalize import normalize
from reservoir.portal.events import CustomerInvited, CustomerSignedIn
from reservoir.portal.models import LoginAttempt, MagicLink, PortalAccount

LinkBuilder = Callable[[str], str]  # token → absolute URL of the sign-in link


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class SignInFailed(DomainError):
    status = 401
    code = "sign_in_failed"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def window() -> dt.timedelta:
    return dt.timedelta(minutes=_setting("PORTAL_LOGIN_WINDOW_MINUTES", 15))


def normalize_email(raw: str) -> str:
    """The normalized address, or InvalidInput (field "email")."""
    try:
        return normalize(ContactKind.EMAIL, raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="email") from exc


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------- rate limiting


def _failures(email: str, ip: str, kinds: tuple[str, ...]) -> tuple[int, int]:
    since = timezone.now() - window()
    recent = LoginAttempt.objects.filter(at__gte=since, kind__in=kinds)
    by_email = recent.filter(email=email).count() if email else 0
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return by_email, by_ip


def check_rate(email: str, ip: str, *, kinds: tuple[str, ...] = ("password", "otp")) -> None:
    """Raise RateLimited when `email` or `ip` failed too often within the window."""
    by_email, by_ip = _failures(email, ip, kinds)
    per_email = _setting("PORTAL_LOGIN_MAX_FAILURES", 5)
    per_ip = _setting("PORTAL_LOGIN_MAX_FAILURES_PER_IP", 20)
    if by_email >= per_email or by_ip >= per_ip:
        minutes = int(window().total_seconds() // 60)
        raise RateLimited(
            _(
                "Too many attempts. For your security, sign-in is paused for this address; "
                "please try again in %(minutes)s minutes."
            )
            % {"minutes": minutes}
        )


def note_failure(email: str, ip: str, kind: str) -> None:
    """Count one failure (its own autocommitted INSERT). Side effects: one row."""
    LoginAttempt.objects.create(email=email[:254], ip=ip[:45], kind=kind)


def purge_attempts(now: dt.datetime | None = None) -> int:
    """Delete failures and links older than a day; return how many rows went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    gone, _detail = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    links, _detail = MagicLink.objects.filter(expires_at__lt=cutoff).delete()
    return gone + links


# ---------------------------------------------------------------------------- accounts


def _primary_email(party: Party) -> str:
    value = (
        ContactPoint.objects.filter(party=party, kind=ContactKind.EMAIL)
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
    )
    return value or ""


@transaction.atomic
def create_account(
    party: Party, *, email: str, password: str = "", by: object = None
) -> PortalAccount:
    """Open a portal account for `party`. Side effects: audit "portal.account.created".

    Raises Conflict when the party or the address already has an account.
    """
    address = normalize_email(email)
    if PortalAccount.objects.filter(party=party).exists():
        raise Conflict(_("This customer already has a portal account."), field="party")
    account = PortalAccount(party=party, email=address)
    if password:
        _validate_password(password)
        account.password = hashers.make_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise Conflict(
            _("This e-mail address already has a portal account."), field="email"
        ) from exc
    actor = by if getattr(by, "is_authenticated", False) else None
    audit.record(actor, "portal.account.created", party, data={"account": account.pk})
    return account


def _validate_password(password: str) -> None:
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc


@transaction.atomic
def set_password(account: PortalAccount, password: str) -> None:
    """Set the customer's password. Side effects: audit "portal.account.password_set"."""
    _validate_password(password)
    account.password = hashers.make_password(password)
    account.save(update_fields=["password"])
    audit.record(None, "portal.account.password_set", account.party, data={"account": account.pk})


def authenticate_password(email: str, password: str, *, ip: str) -> PortalAccount:
    """The active account whose password matches, or RateLimited / SignInFailed.

    Side effects: a LoginAttempt row per failure. A blocked address stays blocked for the
    window even when the right password comes.
    """
    try:
        address = normalize_email(email)
    except InvalidInput:
        address = email.strip().lower()[:254]
    check_rate(address, ip)
    account = PortalAccount.objects.filter(email=address, is_active=True).first()
    if account is None or not account.password:
        hashers.make_password(password)  # same work either way: no account enumeration by time
        ok = False
    else:
        ok = hashers.check_password(password, account.password)
    if not ok or account is None:
        note_failure(address, ip, "password")
        raise SignInFailed(_("That e-mail address and password do not match."))
    return account


def verify_otp(account: PortalAccount, code: str, *, ip: str) -> None:
    """Accept a current one-time code, once. Side effects: the step is remembered; a wrong
    code is a LoginAttempt. Raises RateLimited / SignInFailed."""
    check_rate(account.email, ip)
    step = _matching_step(account.otp_secret, code)
    with transaction.atomic():
        fresh = PortalAccount.objects.select_for_update().get(pk=account.pk)
        if step is not None and step > fresh.otp_last_step:
            fresh.otp_last_step = step
            fresh.save(update_fields=["otp_last_step"])
            account.otp_last_step = step
            return
    note_failure(account.email, ip, "otp")
    raise SignInFailed(_("That code is not right or was already used."), field="code")


def _matching_step(secret: str, code: str) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for offset in (-1, 0, 1):  # a phone clock 30 seconds off still works
        moment = now + dt.timedelta(seconds=30 * offset)
        if hmac.compare_digest(totp.at(moment), code):
            return int(totp.timecode(moment))
    return None


def new_otp_secret() -> str:
    return pyotp.random_base32()


def otp_uri(account: PortalAccount, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name="Reservoir")


@transaction.atomic
def enable_otp(account: PortalAccount, secret: str, code: str) -> None:
    """Turn on one-time codes once the customer proves their app shows them.

    Side effects: secret stored; audit "portal.account.otp_enabled".
    """
    step = _matching_step(secret, code)
    if step is None:
        raise InvalidInput(
            _("That code is not right. Check your phone's time and try again."), field="code"
        )
    account.otp_secret, account.otp_enabled, account.otp_last_step = secret, True, step
    account.save(update_fields=["otp_secret", "otp_enabled", "otp_last_step"])
    audit.record(None, "portal.account.otp_enabled", account.party, data={"account": account.pk})


@transaction.atomic
def disable_otp(account: PortalAccount, code: str) -> None:
    """Turn off one-time codes (needs a current code). Side effects: audit entry."""
    if _matching_step(account.otp_secret, code) is None:
        raise InvalidInput(_("That code is not right."), field="code")
    account.otp_secret, account.otp_enabled = "", False
    account.save(update_fields=["otp_secret", "otp_enabled"])
    audit.record(None, "portal.account.otp_disabled", account.party, data={"account": account.pk})


def record_sign_in(account: PortalAccount, *, method: str) -> None:
    """Side effects: last_login; audit "portal.account.signed_in"; CustomerSignedIn."""
    with transaction.atomic():
        account.last_login = timezone.now()
        account.save(update_fields=["last_login"])
        audit.record(
            None,
            "portal.account.signed_in",
            account.party,
            data={"account": account.pk, "method": method},
        )
        events.publish(
            CustomerSignedIn(account_id=account.pk, party_id=account.party_id, method=method)
        )


# ---------------------------------------------------------------------------- links


def _issue_link(account: PortalAccount, *, purpose: str, lifetime: dt.timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    MagicLink.objects.create(
        account=account,
        token_hash=_hash(token),
        purpose=purpose,
        created_at=now,
        expires_at=now + lifetime,
    )
    return token


def _send_link(account: PortalAccount, to: str, url: str, *, invite: bool) -> None:
    language = account.party.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"url": url, "party": account.party, "invite": invite}
        subject = (
            _("Your invitation to the customer portal")
            if invite
            else _("Your sign-in link for the customer portal")
        )
        body = render_to_string("portal/email/sign_in_link.txt", context)
    send_mail(subject, body, None, [to], fail_silently=False)


def request_magic_link(email: str, *, ip: str, link_for: LinkBuilder) -> None:
    """E-mail a sign-in link if `email` belongs to an account or to a customer's contact
    point (an account is opened then). Says nothing about which: the caller shows one
    message either way.

    Side effects: maybe an account, a MagicLink, an e-mail; a LoginAttempt (kind "link")
    per request, which limits requests per address and IP.
    """
    address = normalize_email(email)
    check_rate(address, ip, kinds=("link",))
    note_failure(address, ip, "link")
    account = PortalAccount.objects.select_related("party").filter(email=address).first()
    if account is None:
        party = party_selectors.identify(ContactKind.EMAIL, address)
        if party is None:
            return
        account = PortalAccount.objects.select_related("party").filter(
            party=party
        ).first() or create_account(party, email=address)
    if not account.is_active:
        return
    minutes = _setting("PORTAL_LINK_MINUTES", 15)
    token = _issue_link(account, purpose="sign_in", lifetime=dt.timedelta(minutes=minutes))
    _send_link(account, address, link_for(token), invite=False)


def consume_magic_link(token: str) -> PortalAccount:
    """The account of an unused, unexpired link, marking it used (once, even under races).

    Raises SignInFailed otherwise.
    """
    now = timezone.now()
    link = MagicLink.objects.filter(token_hash=_hash(token)).select_related("account").first()
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise SignInFailed(
            _("This sign-in link has expired or was already used. Ask for a new one.")
        )
    claimed = MagicLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if claimed != 1 or not link.account.is_active:
        raise SignInFailed(
            _("This sign-in link has expired or was already used. Ask for a new one.")
        )
    return link.account


def invite_customer(party: Party, *, by: object, link_for: LinkBuilder) -> PortalAccount:
    """Open (or reuse) the party's portal account and e-mail an invitation link (3 days).

    Side effects: maybe an account; a MagicLink; an e-mail; audit "portal.account.invited";
    CustomerInvited after commit. InvalidInput when the party has no e-mail address.
    """
    with transaction.atomic():
        account = PortalAccount.objects.filter(party=party).first()
        if account is None:
            email = _primary_email(party)
            if not email:
                raise InvalidInput(
                    _("This customer has no e-mail address to send the invitation to."),
                    field="email",
                )
            account = create_account(party, email=email, by=by)
        account.party = party
        if getattr(by, "is_authenticated", False) and account.invited_by_id is None:
            account.invited_by = by  # type: ignore[assignment]
            account.save(update_fields=["invited_by"])
        hours = _setting("PORTAL_INVITE_HOURS", 72)
        token = _issue_link(account, purpose="invite", lifetime=dt.timedelta(hours=hours))
        actor = by if getattr(by, "is_authenticated", False) else None
        audit.record(actor, "portal.account.invited", party, data={"account": account.pk})
        events.publish(
            CustomerInvited(
                account_id=account.pk, party_id=party.pk, by_id=getattr(actor, "pk", None)
            )
        )
    _send_link(account, account.email, link_for(token), invite=True)
    return account
