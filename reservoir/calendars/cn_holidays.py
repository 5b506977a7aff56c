"""Mainland China public holidays and make-up working days (调休), typed in as data.

Source for 2026: 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office,
November 2025). Source for 2027: the statutory days of 《全国年节及纪念日放假办法》 (2024
revision) on the 2027 lunar dates only -- the State Council's 2027 bridging arrangement
(extra days off and make-up working days) was not available when this was written: add it on
the calendars page from the official notice.
"""

from __future__ import annotations

import datetime as dt

D = dt.date

# (first day, last day, name) of each holiday period.
HOLIDAYS: list[tuple[dt.date, dt.date, str]] = [
    # 2026 (State Council notice)
    (D(2026, 1, 1), D(2026, 1, 3), "元旦 New Year's Day"),
    (D(2026, 2, 15), D(2026, 2, 23), "春节 Spring Festival"),
    (D(2026, 4, 4), D(2026, 4, 6), "清明节 Qingming Festival"),
    (D(2026, 5, 1), D(2026, 5, 5), "劳动节 Labour Day"),
    (D(2026, 6, 19), D(2026, 6, 21), "端午节 Dragon Boat Festival"),
    (D(2026, 9, 25), D(2026, 9, 27), "中秋节 Mid-Autumn Festival"),
    (D(2026, 10, 1), D(2026, 10, 7), "国庆节 National Day"),
    # 2027 (statutory days only; see the module docstring)
    (D(2027, 1, 1), D(2027, 1, 1), "元旦 New Year's Day"),
    (D(2027, 2, 5), D(2027, 2, 8), "春节 Spring Festival"),
    (D(2027, 4, 5), D(2027, 4, 5), "清明节 Qingming Festival"),
    (D(2027, 5, 1), D(2027, 5, 2), "劳动节 Labour Day"),
    (D(2027, 6, 9), D(2027, 6, 9), "端午节 Dragon Boat Festival"),
    (D(2027, 9, 15), D(2027, 9, 15), "中秋节 Mid-Autumn Festival"),
    (D(2027, 10, 1), D(2027, 10, 3), "国庆节 National Day"),
]

# Weekend days worked instead (调休上班), 2026 State Council notice.
MAKEUP_WORKDAYS: list[tuple[dt.date, str]] = [
    (D(2026, 1, 4), "元旦调休上班"),
    (D(2026, 2, 14), "春节调休上班"),
    (D(2026, 2, 28), "春节调休上班"),
    (D(2026, 5, 9), "劳动节调休上班"),
    (D(2026, 9, 20), "国庆节调休上班"),
    (D(2026, 10, 10), "国庆节调休上班"),
]


def days() -> list[tuple[dt.date, str, str]]:
    """Every seeded day as (date, kind, name), kind "holiday" or "workday"."""
    out = []
    for first, last, name in HOLIDAYS:
        day = first
        while day <= last:
            out.append((day, "holiday", name))
            day += dt.timedelta(days=1)
    out.extend((day, "workday", name) for day, name in MAKEUP_WORKDAYS)
    return sorted(out)
