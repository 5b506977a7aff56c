"""Actions that leave Reservoir: email from a template, signed webhooks.

Both run inside the run's transaction but cannot be rolled back: a run retried after a
crash may send again (at-least-once), which is why both carry the run id for receivers
to dedupe on (`X-Reservoir-Run` header, Message-ID-like subject-free header).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from django.core.mail import EmailMessage
from django.template import Context, Engine
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation.actions.registry import ActionContext
from reservoir.automation.actions.work import recipient
from reservoir.parties.models import ContactPoint

_ENGINE = Engine(autoescape=False)


def render_text(template: str, ctx: ActionContext) -> str:
    """Render a plain-text template with only strings in reach ({{ customer }} …)."""
    owner = recipient(ctx, "owner", None)
    values = {
        "customer": ctx.party.display_name if ctx.party is not None else "",
        "owner": str(owner) if owner else "",
        "rule": str(ctx.rule_id),
    }
    return _ENGINE.from_string(template).render(Context(values))


def run_email(ctx: ActionContext, options: dict[str, Any]) -> str:
    to = options.get("address", "")
    if options["to"] == "owner":
        owner = recipient(ctx, "owner", None)
        to = owner.email if owner else ""
    elif options["to"] == "customer" and ctx.party is not None:
        to = (
            ContactPoint.objects.filter(party=ctx.party, kind="email")
            .order_by("-is_primary", "id")
            .values_list("value", flat=True)
            .first()
            or ""
        )
    if not to:
        return _("No email address: nothing sent.")
    message = EmailMessage(
        render_text(options["subject"], ctx)[:200],
        render_text(options["body"], ctx),
        to=[to],
        headers={"X-Reservoir-Run": str(ctx.run_id)},
    )
    message.send(fail_silently=False)
    if ctx.party is not None:
        audit.record(None, "automation.email.sent", ctx.party, data={"to": to, "run": ctx.run_id})
    return _("Email sent to %(to)s.") % {"to": to}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def run_webhook(ctx: ActionContext, options: dict[str, Any]) -> str:
    payload = {
        "rule_id": ctx.rule_id,
        "run_id": ctx.run_id,
        "party_id": ctx.party.pk if ctx.party is not None else None,
        "event": ctx.event,
        "at": ctx.now.isoformat(),
    }
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an administrator's http(s) URL
        options["url"],
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Reservoir-Signature": sign(options["secret"], body),
            "X-Reservoir-Run": str(ctx.run_id),
        },
    )
    if not options["url"].startswith(("http://", "https://")):
        raise ValueError(_("Only http(s) webhooks are called."))
    try:
        with urllib.request.urlopen(request, timeout=int(options.get("timeout") or 5)) as resp:  # noqa: S310
            status = resp.status
    except urllib.error.HTTPError as exc:
        raise ValueError(_("The webhook answered %(s)s.") % {"s": exc.code}) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ValueError(_("The webhook could not be reached: %(e)s") % {"e": exc}) from exc
    return _("Webhook answered %(s)s.") % {"s": status}
