"""Transactions → per-customer recency/frequency/monetary summaries (no side effects).

The summary the BG/NBD and Gamma-Gamma models take: a purchase *period* is a calendar day
(several purchases on one day count as one transaction whose value is their sum, as in the
CDNOW analyses of Fader, Hardie & Lee), and times are measured in `unit_days` (7 = weeks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

Transaction = tuple[Hashable, dt.date | dt.datetime, float]
FloatArray = np.ndarray


@dataclass(frozen=True)
class RFMSummary:
    """One row per customer (parallel arrays, in `customer_ids` order).

    frequency: repeat purchases (distinct purchase days − 1; with `first_purchase_counts`,
    all distinct purchase days). recency: last − first purchase, T: end − first purchase, both
    in `unit_days`. monetary_value: mean value of the repeat purchase days (of all purchase
    days with `first_purchase_counts`); 0 when frequency is 0.
    """

    customer_ids: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary_value: np.ndarray

    def __len__(self) -> int:
        return len(self.customer_ids)

    def index_of(self, customer_id: Hashable) -> int:
        """The row of one customer (ValueError when absent)."""
        hits = np.flatnonzero(self.customer_ids == customer_id)
        if not len(hits):
            raise ValueError(f"unknown customer {customer_id!r}")
        return int(hits[0])


def _day(value: dt.date | dt.datetime) -> int:
    """The proleptic ordinal of a date, or of a datetime's own calendar date."""
    if isinstance(value, dt.datetime):
        return value.date().toordinal()
    if isinstance(value, dt.date):
        return value.toordinal()
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _collect(
    transactions: Iterable[Transaction],
) -> tuple[list[Hashable], np.ndarray, np.ndarray, np.ndarray]:
    """Customer keys (first-seen order) and parallel arrays: customer index, day, value."""
    index: dict[Hashable, int] = {}
    codes: list[int] = []
    days: list[int] = []
    values: list[float] = []
    ordinals: dict[dt.date | dt.datetime, int] = {}  # dates repeat: convert each once
    for key, when, value in transactions:
        code = index.get(key)
        if code is None:
            code = index[key] = len(index)
        codes.append(code)
        day = ordinals.get(when)
        if day is None:
            day = ordinals[when] = _day(when)
        days.append(day)
        values.append(float(value))
    return (
        list(index),
        np.asarray(codes, dtype=np.int64),
        np.asarray(days, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
    )


def _key_array(keys: list[Hashable]) -> np.ndarray:
    """Keys as a 1-d array: a plain dtype when numpy infers one, else objects."""
    arr = np.empty(len(keys), dtype=object)
    arr[:] = keys
    if keys and all(isinstance(k, int | np.integer) and not isinstance(k, bool) for k in keys):
        return arr.astype(np.int64)
    if keys and all(isinstance(k, str) for k in keys):
        return arr.astype(str)
    return arr


def _summarize_arrays(
    keys: list[Hashable],
    codes: np.ndarray,
    days: np.ndarray,
    values: np.ndarray,
    *,
    end_day: int,
    unit_days: float,
    first_purchase_counts: bool,
) -> RFMSummary:
    """The summary of purchases already restricted to days <= end_day."""
    if unit_days <= 0:
        raise ValueError("unit_days must be positive")
    n_keys = len(keys)
    order = np.lexsort((days, codes))
    codes, days, values = codes[order], days[order], values[order]
    # collapse same customer + same day into one transaction (values summed)
    if len(codes):
        new = np.empty(len(codes), dtype=bool)
        new[0] = True
        new[1:] = (codes[1:] != codes[:-1]) | (days[1:] != days[:-1])
        starts = np.flatnonzero(new)
        codes, days = codes[starts], days[starts]
        values = np.add.reduceat(values, starts)
    present = np.zeros(n_keys, dtype=bool)
    present[codes] = True
    counts = np.bincount(codes, minlength=n_keys)
    firsts = np.full(n_keys, end_day, dtype=np.int64)
    lasts = np.full(n_keys, end_day, dtype=np.int64)
    totals = np.bincount(codes, weights=values, minlength=n_keys)
    if len(codes):
        is_first = np.empty(len(codes), dtype=bool)
        is_first[0] = True
        is_first[1:] = codes[1:] != codes[:-1]
        is_last = np.empty(len(codes), dtype=bool)
        is_last[-1] = True
        is_last[:-1] = codes[1:] != codes[:-1]
        firsts[codes[is_first]] = days[is_first]
        lasts[codes[is_last]] = days[is_last]
        first_values = np.zeros(n_keys)
        first_values[codes[is_first]] = values[is_first]
    else:
        first_values = np.zeros(n_keys)
    keep = np.flatnonzero(present)
    counts, firsts, lasts = counts[keep], firsts[keep], lasts[keep]
    totals, first_values = totals[keep], first_values[keep]
    spend: np.ndarray
    if first_purchase_counts:
        frequency = counts.astype(np.float64)
        spend = totals
    else:
        frequency = (counts - 1).astype(np.float64)
        spend = totals - first_values
    monetary = np.divide(spend, frequency, out=np.zeros_like(spend), where=frequency > 0)
    return RFMSummary(
        customer_ids=_key_array([keys[i] for i in keep]),
        frequency=frequency,
        recency=(lasts - firsts) / unit_days,
        T=(end_day - firsts) / unit_days,
        monetary_value=monetary,
    )


def summarize(
    transactions: Iterable[Transaction],
    *,
    observation_end: dt.date | dt.datetime,
    unit_days: float = 7.0,
    first_purchase_counts: bool = False,
) -> RFMSummary:
    """Summarise `(customer, date, value)` purchases up to `observation_end` (inclusive).

    Purchases after `observation_end` are ignored; customers are listed in the order first
    seen. Same-day purchases collapse into one transaction (values summed).
    """
    keys, codes, days, values = _collect(transactions)
    end_day = _day(observation_end)
    mask = days <= end_day
    return _summarize_arrays(
        keys,
        codes[mask],
        days[mask],
        values[mask],
        end_day=end_day,
        unit_days=unit_days,
        first_purchase_counts=first_purchase_counts,
    )


def calibration_holdout(
    transactions: Iterable[Transaction],
    *,
    calibration_end: dt.date | dt.datetime,
    observation_end: dt.date | dt.datetime,
    unit_days: float = 7.0,
) -> tuple[RFMSummary, np.ndarray, float]:
    """Split purchases at `calibration_end` for a holdout test of a fitted model.

    Returns the calibration summary (customers who bought by `calibration_end`), each
    customer's number of distinct purchase days in (calibration_end, observation_end], and
    the holdout length in `unit_days`.
    """
    keys, codes, days, values = _collect(transactions)
    cal_day, end_day = _day(calibration_end), _day(observation_end)
    if end_day < cal_day:
        raise ValueError("observation_end is before calibration_end")
    cal = days <= cal_day
    summary = _summarize_arrays(
        keys,
        codes[cal],
        days[cal],
        values[cal],
        end_day=cal_day,
        unit_days=unit_days,
        first_purchase_counts=False,
    )
    hold = (days > cal_day) & (days <= end_day)
    pairs = np.unique(np.stack([codes[hold], days[hold]]), axis=1) if hold.any() else None
    per_key = np.zeros(len(keys), dtype=np.int64)
    if pairs is not None:
        per_key = np.bincount(pairs[0], minlength=len(keys))
    cal_keys = np.zeros(len(keys), dtype=bool)
    cal_keys[codes[cal]] = True
    holdout = per_key[np.flatnonzero(cal_keys)].astype(np.float64)
    return summary, holdout, (end_day - cal_day) / unit_days
