"""Actions that leave Reservoir: email from a template, signed webhooks.

Delivery contract — at least once, with a dedup key. Each action of a run completes at most
once as far as Reservoir can know: its row in the per-action ledger (`automation.ledger`)
commits right after it, and a retried run skips it. The gap between "sent" and "ledger row
committed" cannot be closed (an SMTP server or a webhook receiver does not join our
transaction): a worker killed inside it makes the retry send again. For that case every send
carries a key that is the same on every retry of the same action of the same run, derived
from (run id, action index) by `ledger.dedup_key`, so the receiver can drop the repeat:
- webhooks: the `Idempotency-Key` header (plus `X-Reservoir-Run`);
- email: the `Message-ID` header, `<automation.<key>@<domain of DEFAULT_FROM_EMAIL>>`; mail
  servers and clients drop a message whose Message-ID they have seen.

An email to the customer obeys the consent ledger (`consent.selectors.may_contact` on the
email channel, for the purpose the rule chose: service unless said otherwise) and is recorded
on the customer's timeline as an outbound email, idempotent on (source "automation", the run
and action). The interaction is written before the send, in the action's transaction, so a
failed send leaves no interaction and a failed write sends nothing. Emails to the owner or to
a typed address are internal notices: no consent check, no timeline entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context, Engine
from django.utils.html import escape
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation import ledger
from reservoir.automation.actions.registry import ActionContext
from reservoir.automation.actions.work import recipient
from reservoir.automation.enums import TIMELINE_SOURCE
from reservoir.consent import selectors as consent_selectors
from reservoir.consent.enums import ConsentChannel, ConsentPurpose
from reservoir.parties.models import ContactPoint
from reservoir.timeline import services as timeline_services
from reservoir.timeline.enums import Channel, Direction, Kind

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


def message_id(ctx: ActionContext) -> str:
    """The Message-ID of action `ctx.index` of run `ctx.run_id` (the same on every retry)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "reservoir.localhost"
    return f"<automation.{ledger.dedup_key(ctx.run_id, ctx.index)}@{domain}>"


def interaction_external_id(ctx: ActionContext) -> str:
    """The timeline external id of the email of one action of one run."""
    return f"run:{ctx.run_id}:action:{ctx.index}"


def _customer_email(party: Any) -> str:
    return (
        ContactPoint.objects.filter(party=party, kind="email")
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
        or ""
    )


def _withheld(ctx: ActionContext, purpose: str) -> str | None:
    """Why the consent ledger forbids emailing the customer for `purpose`, or None.

    Side effects: an audit entry when it does, so every refusal can be shown later.
    """
    if consent_selectors.may_contact(ctx.party.pk, ConsentChannel.EMAIL, purpose):
        return None
    audit.record(
        None,
        "automation.email.withheld",
        ctx.party,
        data={"run": ctx.run_id, "action": ctx.index, "purpose": purpose},
    )
    label = ConsentPurpose(purpose).label if purpose in ConsentPurpose.values else purpose
    return _(
        "Not sent: the customer's consent to “%(purpose)s” by email is missing or withdrawn."
    ) % {"purpose": label}


def _record(ctx: ActionContext, to: str, subject: str, body: str) -> None:
    """Put the email on the customer's timeline (once per run and action).

    The email is plain text and timeline bodies are HTML: escaped, it reads there as sent.
    """
    timeline_services.record_interaction(
        timeline_services.InteractionInput(
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            kind=Kind.MESSAGE,
            party_id=ctx.party.pk,
            contact_kind="email",
            contact_value=to,
            subject=subject,
            body=escape(body),
            staff_id=None,
            link={
                "app": "automation",
                "model": "run",
                "pk": str(ctx.run_id),
                "label": ctx.rule_name,
            },
            source=TIMELINE_SOURCE,
            external_id=interaction_external_id(ctx),
        ),
        by=None,
    )


def run_email(ctx: ActionContext, options: dict[str, Any]) -> str:
    """Send the rule's email (see the module docstring for consent, timeline and retries).

    Side effects: one SMTP send; for the customer an interaction (InteractionRecorded after
    commit) or, when consent refuses, nothing but an audit entry; audit entry on send.
    """
    to_customer = options["to"] == "customer"
    to = options.get("address", "")
    if options["to"] == "owner":
        owner = recipient(ctx, "owner", None)
        to = owner.email if owner else ""
    elif to_customer:
        to = _customer_email(ctx.party) if ctx.party is not None else ""
    if not to:
        return _("No email address: nothing sent.")
    if to_customer:
        refused = _withheld(ctx, options.get("purpose") or ConsentPurpose.SERVICE)
        if refused is not None:
            return refused
    subject = render_text(options["subject"], ctx)[:200]
    body = render_text(options["body"], ctx)
    message = EmailMessage(
        subject,
        body,
        to=[to],
        headers={"X-Reservoir-Run": str(ctx.run_id), "Message-ID": message_id(ctx)},
    )
    if to_customer:
        _record(ctx, to, subject, body)
    message.send(fail_silently=False)
    if ctx.party is not None:
        audit.record(None, "automation.email.sent", ctx.party, data={"to": to, "run": ctx.run_id})
    return _("Email sent to %(to)s.") % {"to": to}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def run_webhook(ctx: ActionContext, options: dict[str, Any]) -> str:
    """POST the run as signed JSON; raise (so the run is retried) unless the answer is 2xx.

    Side effects: one HTTP request carrying `Idempotency-Key` (the same on every retry).
    """
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
            "Idempotency-Key": ledger.dedup_key(ctx.run_id, ctx.index),
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
