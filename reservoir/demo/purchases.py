"""Orders from CDNOW purchase histories, one history per buying party plus extra histories
for distributors and business customers (their branches and departments)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from reservoir.demo.cdnow import YUAN_PER_DOLLAR, LineSplitter, Purchase, load_histories, shift_days
from reservoir.demo.clock import Clock
from reservoir.demo.dataset import OrderRow, PartyRow

BUYING_SEGMENTS = ("consumer", "distributor", "business")
# How many extra CDNOW histories a buying organization draws, relative to the others.
EXTRA_WEIGHT = {"distributor": 4, "business": 1}
ORDER_CHANNELS = {
    "consumer": (("portal", 55), ("messaging", 15), ("visit", 15), ("phone", 8), ("chat", 7)),
    "distributor": (("email", 35), ("portal", 30), ("fax", 20), ("phone", 10), ("meeting", 5)),
    "business": (("email", 40), ("phone", 20), ("visit", 20), ("portal", 20)),
}
_NUMBER_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def assign_histories(
    parties: list[PartyRow], target_orders: int
) -> list[tuple[PartyRow, tuple[Purchase, ...], int]]:
    """Pair buying parties with CDNOW customers, in CDNOW id order, until `target_orders`.

    Every buying party takes one customer (the first ~N customers of the file); buying
    organizations then take further customers in a weighted round robin. Past the end of
    the file the histories are reused from the start; the third item counts those rounds.
    """
    histories = load_histories()
    buyers = [p for p in parties if p.segment in BUYING_SEGMENTS]
    pairs: list[tuple[PartyRow, tuple[Purchase, ...], int]] = []
    total = 0
    for index, party in enumerate(buyers):
        history = histories[index % len(histories)]
        pairs.append((party, history, index // len(histories)))
        total += len(history)
    slots = [p for p in buyers for _w in range(EXTRA_WEIGHT.get(p.segment, 0))]
    index = len(buyers)
    while slots and total < target_orders:
        history = histories[index % len(histories)]
        pairs.append((slots[index % len(slots)], history, index // len(histories)))
        total += len(history)
        index += 1
    return pairs


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _status(rng: random.Random, age_days: int) -> str:
    if age_days <= 2:
        return "placed" if rng.random() < 0.5 else "paid"
    if age_days <= 7:
        return "shipped" if rng.random() < 0.7 else "paid"
    r = rng.random()
    return "returned" if r < 0.035 else "cancelled" if r < 0.06 else "completed"


def build_orders(
    rng: random.Random, parties: list[PartyRow], today: dt.date, clock: Clock, target_orders: int
) -> list[OrderRow]:
    """Return the orders, oldest first; each carries lines whose total is near its CDNOW value."""
    shift = dt.timedelta(days=shift_days(today))
    splitter = LineSplitter()
    volume: dict[int, int] = {}
    drafts: list[tuple[dt.datetime, PartyRow, Purchase, int, list[tuple[str, int, Decimal]]]] = []
    for party, history, cycle in assign_histories(parties, target_orders):
        if party.key not in volume:
            volume[party.key] = (
                rng.randint(6, 20) if party.segment == "distributor"
                else rng.randint(2, 5) if party.segment == "business" else 1
            )  # fmt: skip
        office = party.kind == "organization"
        for purchase in history:
            day = purchase.day + shift
            when = clock.moment(
                rng, clock.business_day(day) if office else day, party.tz, office=office
            )
            basket = splitter.split(
                rng, purchase.dollars * YUAN_PER_DOLLAR, purchase.units, volume[party.key]
            )
            drafts.append((when, party, purchase, cycle, [(p.sku, q, p.price) for p, q in basket]))
    drafts.sort(key=lambda d: (d[0].timestamp(), d[1].key, d[3], d[2].row))
    orders: list[OrderRow] = []
    numbers: set[str] = set()
    for when, party, purchase, cycle, lines in drafts:
        while True:
            number = f"SO-{when:%y%m}-{''.join(rng.choices(_NUMBER_CHARS, k=6))}"
            if number not in numbers:
                numbers.add(number)
                break
        orders.append(
            OrderRow(
                key=len(orders),
                party_key=party.key,
                number=number,
                ordered_at=when,
                status=_status(rng, (today - when.date()).days),
                channel=_weighted(rng, ORDER_CHANNELS[party.segment]),
                owner=party.owner,
                external_id=f"cdnow-{purchase.customer:05d}-{purchase.row}"
                + (f"-{cycle}" if cycle else ""),
                lines=lines,
                total=sum((price * qty for _sku, qty, price in lines), Decimal("0")),
            )
        )
    return orders
