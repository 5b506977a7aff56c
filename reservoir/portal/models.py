"""Customer accounts for the portal, their one-time sign-in links and failed sign-ins.

Customers are not staff users: a PortalAccount belongs to a party and never to
`iam.User`, so no staff permission can leak to a customer session.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PortalAccount(models.Model):
    party = models.OneToOneField("parties.Party", on_delete=models.CASCADE, related_name="+")
    email = models.CharField(_("email"), max_length=254, unique=True)  # normalized
    password = models.CharField(max_length=128, blank=True)  # django hasher format; "" = none
    otp_secret = models.CharField(max_length=64, blank=True)
    otp_enabled = models.BooleanField(_("one-time codes"), default=False)
    # The last TOTP time step accepted: a code is used once, even within its 30 seconds.
    otp_last_step = models.BigIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    last_login = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    invited_by = models.ForeignKey(
        "iam.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.email

    @property
    def has_password(self) -> bool:
        return bool(self.password)


class MagicLink(models.Model):
    """A single-use sign-in link; only the SHA-256 of its token is stored."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=16, default="sign_in")  # sign_in | invite
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class LoginAttempt(models.Model):
    """A failed sign-in (or a link request): counted per email and per IP over a window.

    A table, not the cache: several server processes share it (SQLite or PostgreSQL).
    """

    email = models.CharField(max_length=254, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    kind = models.CharField(max_length=16, default="password")  # password | otp | link
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["ip", "at"]),
        ]
