"""Multi-step episodes (conversations) that cross channels: after-sales service, business
development with organizations, and lead nurturing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reservoir.demo import texts
from reservoir.demo.catalog import MAIN_PRODUCTS

if TYPE_CHECKING:
    from reservoir.demo.activity import Recorder
    from reservoir.demo.dataset import PartyRow

ENTRY_CHANNELS = (
    ("ivr", 30),
    ("phone", 20),
    ("chat", 20),
    ("messaging", 12),
    ("email", 10),
    ("portal", 8),
)
ONSITE_WORDS = ("上门", "工程师")


def _pick(rec: Recorder, options: tuple[tuple[str, int], ...]) -> str:
    return rec.rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def service_episode(
    rec: Recorder, party: PartyRow, base: dt.datetime, sku: str, general: int | None = None
) -> None:
    """Record an after-sales episode: first contact, follow-ups, maybe a repair visit, a survey.

    `general` picks one of the general issues (0 = a return request) instead of a product fault.
    """
    rng = rec.rng
    top = rec.products[sku].category[0]
    if general is None and top in texts.ISSUES and rng.random() < 0.75:
        issue = rng.choice(texts.ISSUES[top])
    else:
        issue = texts.GENERAL_ISSUES[general if general is not None else rng.randrange(4)]
    zh, en, advice, advice_en = issue
    start = rec.later(party, base, 0, 10) if general == 0 else rec.later(party, base, 3, 90)
    if start is None:
        return
    entry = _pick(rec, ENTRY_CHANNELS)
    if entry == "messaging" and not rec.address(party, "messaging"):
        entry = "phone"
    values: dict[str, Any] = {"issue": zh if party.language != "en" else en, "advice": advice, "advice_en": advice_en,
              "product": rec.product(sku)}  # fmt: skip
    conv = rec.open(
        party, entry, f"{zh} {en}" if party.language != "en" else en.capitalize(), start
    )
    resolved = rng.random() < 0.45
    first_outcome = "resolved" if resolved else rng.choice(("follow_up", "follow_up", "escalated"))
    when = start
    if entry == "ivr":
        rec.add(party, "ivr", "inbound", "call", when, "ivr_service", duration=rec.duration("ivr"),
                outcome="escalated", conversation=conv, wait=rng.randint(5, 120))  # fmt: skip
        when = when + dt.timedelta(minutes=rng.randint(1, 4))
        entry = "phone"
    if entry == "phone":
        rec.add(party, "phone", "inbound", "call", when, "phone_service", staff=rec.agent(),
                duration=rec.duration("phone"), outcome=first_outcome, conversation=conv, **values)  # fmt: skip
    elif entry in {"chat", "messaging"}:
        rec.add(party, entry, "inbound", "message", when, "chat_service", staff=rec.agent(),
                duration=rec.duration("chat"), outcome=first_outcome, conversation=conv, **values)  # fmt: skip
    elif entry == "email":
        rec.add(
            party, "email", "inbound", "message", when, "email_issue", conversation=conv, **values
        )
        resolved = False
    else:
        rec.add(
            party,
            "portal",
            "inbound",
            "message",
            when,
            "portal_request",
            conversation=conv,
            **values,
        )
        resolved = False
    last_outcome = first_outcome if resolved else ""
    if not resolved:
        if (update := rec.later(party, when, 0, 1, office=True)) and rng.random() < 0.6:
            rec.add(party, "email", "outbound", "message", update, "email_service", staff=rec.service(),
                    conversation=conv, **values)  # fmt: skip
            when = update
        onsite = any(w in advice for w in ONSITE_WORDS)
        fix_zh, fix_en = rng.choice(texts.ON_SITE_FIXES)
        if onsite and (visit := rec.later(party, when, 1, 6, office=True)):
            rec.add(party, "visit", "outbound", "visit", visit, "visit_repair", staff=rec.service(),
                    duration=rec.duration("visit"), cost=Decimal(rng.randint(80, 300)), outcome="resolved",
                    conversation=conv, fix=fix_zh, fix_en=fix_en, **values)  # fmt: skip
            when, last_outcome = visit, "resolved"
        elif callback := rec.later(party, when, 1, 4, office=True):
            last_outcome = rng.choices(
                ("resolved", "escalated", "complained"), weights=(85, 10, 5)
            )[0]
            rec.add(party, "phone", "outbound", "call", callback, "phone_callback", staff=rec.service(),
                    duration=rec.duration("phone"), outcome=last_outcome, conversation=conv, **values)  # fmt: skip
            when = callback
            if (
                last_outcome == "complained"
                and (letter := rec.later(party, when, 3, 10))
                and rng.random() < 0.4
            ):
                rec.add(party, "letter", "inbound", "message", letter, "letter_complaint", outcome="complained",
                        conversation=conv, **values)  # fmt: skip
                when = letter
    if (
        last_outcome == "resolved"
        and rng.random() < 0.4
        and (survey := rec.later(party, when, 0, 2))
    ):
        score = rng.choices((5, 4, 3, 2, 1), weights=(50, 30, 10, 6, 4))[0]
        comment = rng.choice(texts.SURVEY_COMMENTS)
        rec.add(party, rng.choice(("sms", "portal")), "inbound", "survey", survey, "survey", conversation=conv,
                score=score, comment=comment[0] if party.language != "en" else comment[1])  # fmt: skip
        when = survey
    rec.conversations[conv].is_open = (
        last_outcome != "resolved" and (rec.today - when.date()).days < 14
    )


SALES_PLAYS = {
    "distributor": (("qbr", 30), ("briefing", 20), ("store", 25), ("rfq", 20), ("contract", 5)),
    "business": (("rfq", 45), ("briefing", 30), ("qbr", 15), ("contract", 10)),
    "prospect_org": (("intro", 60), ("rfq", 25), ("briefing", 15)),
    "partner": (("partner", 70), ("partner_call", 30)),
    "supplier": (("supplier", 50), ("supplier_call", 50)),
}


def business_episode(rec: Recorder, org: PartyRow, contacts: list[PartyRow]) -> None:
    """Record one business episode with `org` (or one of its people) in its segment's style."""
    rng = rec.rng
    party = rng.choice(contacts) if contacts and rng.random() < 0.5 else org
    play = _pick(rec, SALES_PLAYS[org.segment])
    start = rec.on(party, rec.random_day(), office=True)
    if start is None:
        return
    staff = rec.sales_rep(org) if org.segment != "supplier" else "manager"
    spec = rng.choice(MAIN_PRODUCTS)
    qty = (
        rng.choice((10, 20, 50, 100, 200))
        if org.segment != "prospect_org"
        else rng.choice((5, 10, 20))
    )
    values: dict[str, Any] = {"product": spec.name, "qty": qty, "price": (spec.price * Decimal("0.82")).quantize(Decimal("1")),
              "num": f"{start:%y%m}{rng.randint(100, 999)}", "year": start.year,
              "q": (start.month - 1) // 3 + 1}  # fmt: skip
    steps: list[tuple[str, str, str, str]]  # channel, direction, kind, template
    if play == "qbr":
        steps = [("meeting", "outbound", "meeting", "meeting_qbr")]
    elif play == "briefing":
        steps = [
            ("email", "outbound", "message", "email_intro"),
            ("meeting", "outbound", "meeting", "meeting_briefing"),
        ]
    elif play == "store":
        steps = [("visit", "outbound", "visit", "visit_store")]
    elif play == "rfq":
        steps = [("email", "inbound", "message", "email_rfq"), ("email", "outbound", "message", "email_quote"),
                 ("phone", "outbound", "call", "phone_lead")]  # fmt: skip
    elif play == "contract":
        steps = [
            ("meeting", "outbound", "meeting", "meeting_contract"),
            ("letter", "outbound", "message", "letter_contract"),
        ]
    elif play == "intro":
        steps = [("email", "outbound", "message", "email_intro"), ("phone", "outbound", "call", "phone_lead"),
                 ("meeting", "outbound", "meeting", "meeting_briefing")]  # fmt: skip
        steps = steps[: rng.randint(1, 3)]
    elif play == "partner":
        steps = [("meeting", "outbound", "meeting", "meeting_partner")]
    elif play == "partner_call":
        steps = [("phone", "outbound", "call", "phone_partner")]
    elif play == "supplier":
        steps = [("meeting", "inbound", "meeting", "meeting_supplier")]
    else:
        steps = [("phone", "inbound", "call", "phone_supplier")]
    reaction, reacted = _reaction(rec)
    subject, _body = texts.render(steps[0][3], party.language, **values, **reaction)
    conv = rec.open(party, steps[0][0], subject, start) if len(steps) > 1 else None
    when = start
    for index, (channel, direction, kind, template) in enumerate(steps):
        if index:
            found = rec.later(party, when, 0 if channel == "email" else 1, 7, office=True)
            if found is None:
                break
            when = found
        final = index == len(steps) - 1
        outcome = reacted if final and template in {"phone_lead", "meeting_briefing"} else ""
        if template in {"meeting_qbr", "meeting_contract", "visit_store"}:
            outcome = (
                "resolved"
                if template != "meeting_contract"
                else rng.choice(("follow_up", "resolved"))
            )
        duration = rec.duration(channel) if channel in {"phone", "meeting", "visit"} else None
        cost = Decimal(rng.randint(50, 400)) if channel == "visit" else None
        if channel == "letter":
            cost = Decimal("22.00")  # EMS
        rec.add(party, channel, direction, kind, when, template, staff=staff if direction == "outbound" or channel in {"meeting", "phone"} else None,
                outcome=outcome, duration=duration, cost=cost, conversation=conv, **values, **reaction)  # fmt: skip
    if conv is not None:
        last = rec.conversations[conv].last_at
        rec.conversations[conv].is_open = (rec.today - last.date()).days < 21


def _reaction(rec: Recorder) -> tuple[dict[str, Any], str]:
    """Return how a contact reacted to an offer (template values) and the outcome it implies."""
    zh, en, outcome = rec.rng.choice(texts.REACTIONS)
    return {"reaction": zh, "reaction_en": en}, outcome


def lead_nurture(rec: Recorder, lead: PartyRow) -> None:
    """Record a lead's path: browsing, a chat or a showroom visit, then a rep's call."""
    rng = rec.rng
    start = rec.on(lead, rec.random_day())
    if start is None:
        return
    spec = rng.choice(MAIN_PRODUCTS)
    for _i in range(rng.randint(1, 4)):
        seen = start - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 10))
        if seen.date() >= rec.start:
            rec.add(
                lead,
                "web",
                "inbound",
                "page_view",
                seen,
                "web_product",
                product=spec.name,
                sku=spec.sku,
            )
    subject, _body = texts.render(
        "chat_presale", lead.language, product=spec.name, **texts.question(rng)
    )
    conv = rec.open(lead, "chat", subject, start)
    if rng.random() < 0.15 and lead.region not in {"intl"}:
        rec.add(lead, "visit", "inbound", "visit", start, "visit_showroom", staff=rec.sales_rep(lead),
                duration=rec.duration("visit"), conversation=conv, product=spec.name)  # fmt: skip
    else:
        rec.add(lead, "chat", "inbound", "message", start, "chat_presale", staff=rec.agent(),
                duration=rec.duration("chat"), conversation=conv, product=spec.name, **texts.question(rng))  # fmt: skip
    if call := rec.later(lead, start, 1, 5, office=True):
        reaction, reacted = _reaction(rec)
        answered = rng.random() < 0.7
        outcome = reacted if answered else rng.choice(("no_answer", "left_message"))
        rec.add(lead, "phone", "outbound", "call", call, "phone_lead", staff=rec.sales_rep(lead),
                duration=rec.duration("phone") if answered else rng.randint(15, 40), outcome=outcome,
                conversation=conv, product=spec.name, **reaction)  # fmt: skip
        rec.conversations[conv].is_open = outcome in {"interested", "follow_up", "left_message"}


def presale_chat(rec: Recorder, party: PartyRow) -> None:
    """Record a pre-sales web chat, sometimes followed by a rep's call."""
    rng = rec.rng
    start = rec.on(party, rec.random_day())
    if start is None:
        return
    spec = rng.choice(MAIN_PRODUCTS)
    question = texts.question(rng)
    subject, _body = texts.render("chat_presale", party.language, product=spec.name, **question)
    conv = rec.open(party, "chat", subject, start)
    rec.add(party, "chat", "inbound", "message", start, "chat_presale", staff=rec.agent(),
            duration=rec.duration("chat"), outcome="resolved", conversation=conv, product=spec.name,
            **question)  # fmt: skip
    if rng.random() < 0.3 and (call := rec.later(party, start, 1, 3, office=True)):
        reaction, reacted = _reaction(rec)
        rec.add(party, "phone", "outbound", "call", call, "phone_lead", staff=rec.sales_rep(party),
                duration=rec.duration("phone"), outcome=reacted, conversation=conv, product=spec.name,
                **reaction)  # fmt: skip
