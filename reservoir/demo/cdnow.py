"""Real purchase behaviour from the CDNOW master file (see data/README.md).

Each CDNOW record (customer, date, number of CDs, dollars) becomes one demo order. Dates
are shifted by a whole number of weeks so the history ends in the week before "today"
while weekdays and the gaps between purchases stay exactly as recorded; dollars become
yuan at a fixed factor and are split over one to three catalogue lines.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import gzip
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reservoir.demo.catalog import GIFT_SKU, PRODUCTS, ProductSpec

DATA_FILE = Path(__file__).resolve().parent / "data" / "CDNOW_master.txt.gz"
FIRST_DAY = dt.date(1997, 1, 1)
LAST_DAY = dt.date(1998, 6, 30)
# Not an exchange rate: a factor that turns 1997 CD baskets into believable electronics
# baskets (median $26 becomes about ¥650).
YUAN_PER_DOLLAR = Decimal(25)


@dataclass(frozen=True)
class Purchase:
    """One CDNOW record."""

    customer: int
    day: dt.date
    units: int
    dollars: Decimal
    row: int  # line number in the file, for a stable external id


@functools.cache
def load_histories() -> tuple[tuple[Purchase, ...], ...]:
    """Return every CDNOW customer's purchases, customers in id order (read once per process)."""
    by_customer: dict[int, list[Purchase]] = {}
    with gzip.open(DATA_FILE, "rt", encoding="ascii") as fh:
        next(fh)  # header
        for row, line in enumerate(fh, start=1):
            cust, day, units, dollars = line.split()
            purchase = Purchase(
                customer=int(cust),
                day=dt.date(int(day[:4]), int(day[4:6]), int(day[6:])),
                units=int(units),
                dollars=Decimal(dollars),
                row=row,
            )
            by_customer.setdefault(purchase.customer, []).append(purchase)
    return tuple(tuple(by_customer[c]) for c in sorted(by_customer))


def shift_days(today: dt.date) -> int:
    """Return the whole-week shift that moves CDNOW's last day into the week before `today`."""
    days = (today - dt.timedelta(days=1) - LAST_DAY).days
    return days - days % 7


def history_start(today: dt.date) -> dt.date:
    """Return the shifted date of CDNOW's first day."""
    return FIRST_DAY + dt.timedelta(days=shift_days(today))


class LineSplitter:
    """Turn a purchase amount into order lines over the catalogue, near the amount."""

    def __init__(self) -> None:
        self.products = sorted((p for p in PRODUCTS if p.price > 0), key=lambda p: (p.price, p.sku))
        self.prices = [p.price for p in self.products]
        self.gift = next(p for p in PRODUCTS if p.sku == GIFT_SKU)

    def _near(self, rng: random.Random, unit_target: Decimal, taken: set[str]) -> ProductSpec:
        """Return one of the products priced nearest to `unit_target`, not already taken."""
        at = bisect.bisect_left(self.prices, unit_target)
        lo, hi = max(0, at - 2), min(len(self.products), at + 2)
        window = [p for p in self.products[lo:hi] if p.sku not in taken]
        if not window:
            window = [p for p in self.products if p.sku not in taken]
        # Prefer the closest price, but let the runner-up win now and then for variety.
        window.sort(key=lambda p: (abs(p.price - unit_target), p.sku))
        return window[0] if rng.random() < 0.6 or len(window) == 1 else window[1]

    def split(
        self, rng: random.Random, amount: Decimal, units: int, volume: int = 1
    ) -> list[tuple[ProductSpec, int]]:
        """Return (product, quantity) lines whose list-price total is close to `amount`.

        `volume` multiplies the basket for business buyers (a distributor orders by the case).
        """
        if amount <= 0:
            return [(self.gift, 1)]
        n_lines = (
            1 if units == 1 else min(3, units, 1 + (rng.random() < 0.55) + (rng.random() < 0.3))
        )
        remaining = amount * volume
        lines: list[tuple[ProductSpec, int]] = []
        taken: set[str] = set()
        for index in range(n_lines):
            last = index == n_lines - 1
            share = remaining if last else remaining * Decimal(str(round(rng.uniform(0.5, 0.8), 2)))
            qty = max(1, round(volume * rng.uniform(0.6, 1.4))) if volume > 1 else 1
            if volume == 1 and units >= 4 and rng.random() < 0.3:
                qty = 2
            product = self._near(rng, share / qty, taken)
            lines.append((product, qty))
            taken.add(product.sku)
            remaining -= product.price * qty
            if remaining < self.prices[0] / 2:
                break
        return lines
