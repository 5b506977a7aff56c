"""Canned responses (insert by /shortcut) and who counts as a chat agent."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.contact_center.models import CannedResponse
from reservoir.core.errors import InvalidInput, NotFound, PermissionDenied
from reservoir.iam.models import User


def canned_for(user: User, shortcut: Any, language: str = "") -> CannedResponse:
    """The canned response `/shortcut` in `language` (else any language) for the user's team."""
    if not isinstance(shortcut, str) or not shortcut.strip("/ "):
        raise InvalidInput(_("Which canned response?"), field="shortcut")
    key = shortcut.strip("/ ").lower()
    qs = CannedResponse.objects.filter(shortcut=key).filter(
        Q(team__isnull=True) | Q(team_id=user.team_id or 0)
    )
    found = sorted(qs, key=lambda c: (c.language != language, c.language != ""))
    if not found:
        raise NotFound(_("No canned response /%(s)s.") % {"s": key})
    return found[0]


def save_canned(
    canned: CannedResponse | None, *, by: User, shortcut: str, title: str, body: str,
    language: str = "", team_id: int | None = None,
) -> CannedResponse:  # fmt: skip
    """Create or change a canned response. Side effects: audit entry."""
    from django.utils.text import slugify

    key = slugify(shortcut.strip("/ ")).lower()[:40]
    if not key:
        raise InvalidInput(_("Give a shortcut (letters, digits, dashes)."), field="shortcut")
    if not title.strip() or not body.strip():
        raise InvalidInput(_("Give a title and a text."), field="body")
    clash = CannedResponse.objects.filter(shortcut=key, language=language)
    if canned is not None:
        clash = clash.exclude(pk=canned.pk)
    if clash.exists():
        raise InvalidInput(_("That shortcut exists already in this language."), field="shortcut")
    canned = canned or CannedResponse()
    canned.shortcut, canned.title, canned.body = key, title.strip()[:120], body.strip()[:2000]
    canned.language, canned.team_id = language, team_id
    canned.save()
    audit.record(by, "contact_center.canned.saved", canned)
    return canned


def delete_canned(canned: CannedResponse, *, by: User) -> None:
    """Delete a canned response. Side effects: audit entry."""
    audit.record(by, "contact_center.canned.deleted", canned)
    canned.delete()


def require_agent(user: Any) -> None:
    if not is_chat_agent(user):
        raise PermissionDenied(_("Only chat agents may do this."))


def is_chat_agent(user: Any) -> bool:
    from reservoir.iam.enums import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and (user.has_role(Role.CONTACT_CENTER_AGENT) or user.has_role(Role.SERVICE_AGENT))
    )
