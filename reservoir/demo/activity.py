"""Two years of interactions: the shared recorder, order-related contacts, browsing,
messaging, letters, statements and campaigns. Multi-step episodes live in episodes.py."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from reservoir.demo import campaigns, texts
from reservoir.demo import episodes as ep
from reservoir.demo.catalog import MAIN_PRODUCTS, PRODUCTS
from reservoir.demo.clock import Clock
from reservoir.demo.dataset import ConversationRow, InteractionRow, OrderRow, PartyRow
from reservoir.demo.staff import CONTACT_CENTER_STAFF, SALES_BY_REGION, SERVICE_STAFF

HISTORY_DAYS = 730
SMS_COST = Decimal("0.05")
MESSAGING_KINDS = ("wechat", "whatsapp", "line")
APP_NAME = {"wechat": "微信", "whatsapp": "WhatsApp", "line": "LINE"}
PERSONAL = {"consumer", "lead"}


class Recorder:
    """Collects interactions and conversations, with the helpers every generator needs."""

    def __init__(self, rng: random.Random, clock: Clock, parties: list[PartyRow]) -> None:
        self.rng = rng
        self.clock = clock
        self.today = clock.today
        self.start = self.today - dt.timedelta(days=HISTORY_DAYS)
        self.parties = parties
        self.products = {p.sku: p for p in PRODUCTS}
        self.rows: list[InteractionRow] = []
        self.conversations: list[ConversationRow] = []

    # -- time --------------------------------------------------------------------------------

    def office(self, party: PartyRow) -> bool:
        """Whether `party` keeps office hours (organizations and their people do)."""
        return party.segment not in PERSONAL

    def on(
        self, party: PartyRow, day: dt.date, *, office: bool | None = None
    ) -> dt.datetime | None:
        """Return a time on `day` for `party`, or None when `day` is outside the history."""
        if day < self.start or day >= self.today:
            return None
        office = self.office(party) if office is None else office
        if office:
            day = self.clock.business_day(day)
        return self.clock.moment(self.rng, day, party.tz, office=office)

    def random_day(self, lo: dt.date | None = None) -> dt.date:
        """Return a day between `lo` (or the start of the history) and yesterday."""
        first = max(lo or self.start, self.start)
        span = max(1, (self.today - first).days)
        return first + dt.timedelta(days=self.rng.randrange(span))

    def later(
        self, party: PartyRow, base: dt.datetime, lo: int, hi: int, *, office: bool | None = None
    ) -> dt.datetime | None:
        """Return a time `lo`..`hi` days after `base` (always after it), or None if in the future."""
        offset = self.rng.randint(lo, hi)
        if offset == 0:
            when = base + dt.timedelta(minutes=self.rng.randint(3, 90))
        else:
            found = self.on(party, base.date() + dt.timedelta(days=offset), office=office)
            if found is None:
                return None
            when = found if found > base else base + dt.timedelta(minutes=self.rng.randint(3, 90))
        return when if when < self.clock.end else None

    # -- people ------------------------------------------------------------------------------

    def sales_rep(self, party: PartyRow) -> str:
        """Return the party's owner, or a rep who covers its region."""
        if party.owner:
            return party.owner
        reps = SALES_BY_REGION.get(party.region) or SALES_BY_REGION["key"]
        return self.rng.choice(reps)

    def agent(self) -> str:
        return self.rng.choice(CONTACT_CENTER_STAFF)

    def service(self) -> str:
        return self.rng.choice(SERVICE_STAFF)

    def address(self, party: PartyRow, channel: str) -> str:
        """Return the contact point a message in `channel` went to or came from."""
        if channel in {"phone", "ivr", "sms"}:
            return party.contact("phone")
        if channel == "fax":
            fax = [c.value for c in party.contacts if c.label == "fax"]
            return fax[0] if fax else party.contact("phone")
        if channel == "email":
            return party.contact("email")
        if channel == "messaging":
            return next((c.value for c in party.contacts if c.kind in MESSAGING_KINDS), "")
        return ""

    # -- writing -----------------------------------------------------------------------------

    def add(  # noqa: PLR0917 - who, where, which way, what, when, which text: reads as a sentence
        self,
        party: PartyRow,
        channel: str,
        direction: str,
        kind: str,
        when: dt.datetime,
        template: str,
        *,
        staff: str | None = None,
        outcome: str = "",
        duration: int | None = None,
        cost: Decimal | None = None,
        conversation: int | None = None,
        **values: object,
    ) -> InteractionRow:
        """Record one interaction rendered from `template` in the party's language."""
        subject, body = texts.render(template, party.language, **values)
        row = InteractionRow(
            party_key=party.key,
            channel=channel,
            direction=direction,
            kind=kind,
            occurred_at=when,
            staff=staff,
            subject=subject,
            body=body,
            outcome=outcome,
            duration_seconds=duration,
            cost=cost,
            contact_address=self.address(party, channel),
            conversation=conversation,
        )
        self.rows.append(row)
        if conversation is not None:
            conv = self.conversations[conversation]
            conv.last_at = max(conv.last_at, when)
        return row

    def open(self, party: PartyRow, channel: str, subject: str, when: dt.datetime) -> int:
        """Start a conversation (episode) and return its key."""
        if party.language == "zh-hant":
            subject = texts.to_hant(subject)
        self.conversations.append(
            ConversationRow(len(self.conversations), party.key, subject[:255], channel, when, when)
        )
        return len(self.conversations) - 1

    def duration(self, channel: str) -> int:
        """Return a believable length in seconds for a call, chat, meeting or visit."""
        lo, median = {"phone": (40, 240), "ivr": (20, 70), "chat": (90, 420),
                      "meeting": (1800, 3600), "visit": (900, 2700)}[channel]  # fmt: skip
        return max(lo, int(self.rng.lognormvariate(0, 0.5) * median))

    def product(self, sku: str) -> str:
        return self.products[sku].name


def order_activity(rec: Recorder, order: OrderRow) -> None:
    """Record the transaction for `order` and the contacts around it."""
    rng = rec.rng
    party = rec.parties[order.party_key]
    when = order.ordered_at
    rec.rows.append(
        InteractionRow(
            party_key=party.key,
            channel=order.channel,
            direction="inbound",
            kind="transaction",
            occurred_at=when,
            subject=f"Order {order.number} — {order.total} CNY",
            order=order.key,
            source="sales.order",
        )
    )
    sku = order.lines[0][0]
    product = rec.product(sku)
    if party.segment == "consumer":
        if order.channel == "portal" and rng.random() < 0.6:
            for _i in range(rng.randint(1, 4)):
                seen = when - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 5))
                if seen.date() >= rec.start:
                    rec.add(
                        party,
                        "web",
                        "inbound",
                        "page_view",
                        seen,
                        "web_product",
                        product=product,
                        sku=sku,
                    )
        elif order.channel == "chat":
            rec.add(party, "chat", "inbound", "message", when - dt.timedelta(minutes=rng.randint(5, 40)),
                    "chat_presale", staff=rec.agent(), duration=rec.duration("chat"), outcome="purchased",
                    product=product, **texts.question(rng))  # fmt: skip
        shipped = rec.later(party, when, 0, 2, office=True)
        if shipped and order.status != "cancelled" and rng.random() < 0.8:
            rec.add(party, "sms", "outbound", "message", shipped, "sms_shipped", cost=SMS_COST,
                    order=order.number, tracking=rng.randint(10**11, 10**12 - 1))  # fmt: skip
            if (delivered := rec.later(party, shipped, 1, 3)) and rng.random() < 0.5:
                rec.add(party, "sms", "outbound", "message", delivered, "sms_delivered", cost=SMS_COST,
                        order=order.number)  # fmt: skip
        if (warranty := rec.later(party, when, 2, 14)) and rng.random() < 0.3:
            rec.add(party, "portal", "inbound", "message", warranty, "portal_warranty", product=product,
                    serial=f"QL{rng.randint(10**9, 10**10 - 1)}", date=when.date().isoformat())  # fmt: skip
        if (status := rec.later(party, when, 1, 3)) and rng.random() < 0.1:
            rec.add(party, "ivr", "inbound", "call", status, "ivr_status", duration=rec.duration("ivr"),
                    outcome="resolved")  # fmt: skip
        if (
            order.total >= 1500
            and (care := rec.later(party, when, 7, 20, office=True))
            and rng.random() < 0.25
        ):
            staff = party.owner or rec.agent()
            rec.add(party, "phone", "outbound", "call", care, "phone_care", staff=staff,
                    duration=rec.duration("phone"), outcome="resolved", product=product)  # fmt: skip
        installable = sku.startswith(("QL-TV-", "QL-KT-WP", "QL-SH-SEC-01")) and rng.random() < 0.5
        if installable and (install := rec.later(party, when, 2, 5, office=True)):
            rec.add(party, "visit", "outbound", "visit", install, "visit_install", staff=rec.service(),
                    duration=rec.duration("visit"), cost=Decimal(rng.randint(60, 180)),
                    outcome="resolved", product=product)  # fmt: skip
        if order.status == "returned":
            ep.service_episode(rec, party, when, sku, general=0)
        elif rng.random() < 0.15:
            ep.service_episode(rec, party, when, sku)
        return
    staff = rec.sales_rep(party)
    if (confirm := rec.later(party, when, 0, 1)) and rng.random() < 0.5:
        channel = "fax" if order.channel == "fax" and rng.random() < 0.7 else "email"
        rec.add(party, channel, "outbound", "message", confirm, "fax_order" if channel == "fax" else "email_order_confirm",
                staff=staff, order=order.number, total=order.total)  # fmt: skip
    if (invoice := rec.later(party, when, 3, 20)) and rng.random() < 0.3:
        rec.add(
            party, "portal", "inbound", "message", invoice, "portal_invoice", order=order.number
        )
    if order.status == "returned" or rng.random() < 0.02:
        ep.service_episode(rec, party, when, sku, general=0 if order.status == "returned" else None)


def browsing(rec: Recorder, party: PartyRow, visits: int) -> None:
    """Record web visits: product pages and site pages, spread over the history."""
    rng = rec.rng
    for _i in range(visits):
        when = rec.on(party, rec.random_day())
        if when is None:
            continue
        if rng.random() < 0.6:
            spec = rng.choice(PRODUCTS)
            rec.add(
                party,
                "web",
                "inbound",
                "page_view",
                when,
                "web_product",
                product=spec.name,
                sku=spec.sku,
            )
        else:
            zh, en, path = rng.choice(texts.PAGES)
            rec.add(
                party,
                "web",
                "inbound",
                "page_view",
                when,
                "web_page",
                page_zh=zh,
                page_en=en,
                path=path,
            )


def messaging(rec: Recorder, party: PartyRow, threads: int) -> None:
    """Record short messaging-app threads: a question and the agent's answer, as an episode."""
    rng = rec.rng
    app = next((c.kind for c in party.contacts if c.kind in MESSAGING_KINDS), "")
    if not app:
        return
    for _i in range(threads):
        when = rec.on(party, rec.random_day())
        if when is None:
            continue
        spec = rng.choice(MAIN_PRODUCTS)
        question = texts.question(rng)
        subject, _body = texts.render(
            "msg_question", party.language, app=APP_NAME[app], product=spec.name, **question
        )
        conv = rec.open(party, "messaging", subject, when)
        rec.add(party, "messaging", "inbound", "message", when, "msg_question", conversation=conv,
                app=APP_NAME[app], product=spec.name, **question)  # fmt: skip
        reply = when + dt.timedelta(minutes=rng.randint(1, 45))
        if reply < rec.clock.end:
            rec.add(party, "messaging", "outbound", "message", reply, "msg_reply", staff=rec.agent(),
                    conversation=conv, outcome="resolved", product=spec.name, **question)  # fmt: skip


def letters_and_statements(rec: Recorder, party: PartyRow) -> None:
    """Record yearly letters (greeting cards, catalogues) and monthly fax statements."""
    rng = rec.rng
    postage = Decimal("1.20") if party.region not in {"hk", "tw", "intl"} else Decimal("6.50")
    for year in range(rec.start.year, rec.today.year + 1):
        card = rec.on(
            party, dt.date(year, 1, 15) + dt.timedelta(days=rng.randint(0, 6)), office=True
        )
        if card and (
            party.segment in {"distributor", "business", "partner"}
            or any(k == "vip" for k, *_ in party.traits)
        ):
            rec.add(party, "letter", "outbound", "message", card, "letter_greeting", cost=postage,
                    staff=rec.sales_rep(party))  # fmt: skip
        catalogue = rec.on(
            party, dt.date(year, 2, 20) + dt.timedelta(days=rng.randint(0, 10)), office=True
        )
        if catalogue and party.segment in {"distributor", "business", "prospect_org"}:
            rec.add(party, "letter", "outbound", "message", catalogue, "letter_catalogue",
                    cost=postage * 4, staff=rec.sales_rep(party), year=year)  # fmt: skip
    if party.segment != "distributor" or not any(c.label == "fax" for c in party.contacts):
        return
    month = dt.date(rec.start.year, rec.start.month, 1)
    while month < rec.today:
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        sent = rec.on(party, nxt + dt.timedelta(days=rng.randint(0, 4)), office=True)
        label = f"{month:%Y-%m}"
        if sent:
            rec.add(
                party,
                "fax",
                "outbound",
                "message",
                sent,
                "fax_statement",
                staff=rec.sales_rep(party),
                month=label,
            )
            if (signed := rec.later(party, sent, 1, 5)) and rng.random() < 0.6:
                rec.add(party, "fax", "inbound", "message", signed, "fax_signed", month=label)
        month = nxt


def campaign_sends(rec: Recorder, audiences: dict[str, list[PartyRow]]) -> None:
    """Record every campaign message of the marketing calendar and the clicks it earned."""
    rng = rec.rng
    tz = rec.clock.zone("Asia/Shanghai")
    for day, spec in campaigns.occurrences(rec.start, rec.today):
        base = dt.datetime(day.year, day.month, day.day, 10, tzinfo=tz)
        values: dict[str, Any] = {"name_zh": spec.name_zh, "name_en": spec.name_en, "body_zh": spec.body_zh,
                  "body_en": spec.body_en}  # fmt: skip
        values = {k: v.replace("{next_year}", str(day.year + 1)) for k, v in values.items()}
        for party in audiences[spec.audience]:
            if rng.random() > 0.8:
                continue
            address = rec.address(party, spec.medium)
            if not address:
                continue
            when = base + dt.timedelta(seconds=rng.randrange(3600))
            clicked = rng.random() < 0.05
            row = rec.add(party, "campaign", "outbound", "message", when, "campaign",
                          cost=campaigns.MEDIUM_COST[spec.medium], outcome="interested" if clicked else "",
                          **values)  # fmt: skip
            row.contact_address = address
            if (
                clicked
                and (visit := when + dt.timedelta(minutes=rng.randint(1, 600))) < rec.clock.end
            ):
                zh, en, path = texts.PAGES[6]
                rec.add(
                    party,
                    "web",
                    "inbound",
                    "page_view",
                    visit,
                    "web_page",
                    page_zh=zh,
                    page_en=en,
                    path=path,
                )
