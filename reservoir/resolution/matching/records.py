"""The value types of the matching engine: what goes in (`PartyRecord`) and what comes out.

Plain frozen dataclasses so that services, tasks and benchmarks pass them across process
boundaries and use them as cache keys (a prepared record is cached per `PartyRecord`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise

__all__ = ["Evidence", "MatchResult", "PartyRecord"]


@dataclass(frozen=True)
class PartyRecord:
    """One party (or one import row) as the engine sees it; every field is optional."""

    key: int | str
    kind: str = "person"  # "person" | "organization"
    family_name: str = ""
    given_name: str = ""
    full_name: str = ""  # when the parts are unknown: "Zhang Wei", "张伟", "Dr. Bill Smith"
    birth_date: datetime.date | None = None
    gender: str = ""
    emails: tuple[str, ...] = ()  # already normalized (lower-case)
    phones: tuple[str, ...] = ()  # already E.164
    other_ids: tuple[str, ...] = ()  # "wechat:abc", "line:xyz", "ssn:123"
    company: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class Evidence:
    """What one field contributed to a match decision."""

    field: str  # "given_name", "family_name", "birth_date", "email", "phone", "address", ...
    level: str  # "exact", "close", "partial", "different", "missing"
    weight: float  # log2 Bayes factor (positive = evidence for a match)
    left: str
    right: str
    label: str | Promise  # short translatable explanation


@dataclass(frozen=True)
class MatchResult:
    """A scored pair: probability of being the same party and the evidence per field."""

    probability: float  # 0..1
    weight: float  # total match weight (log2 odds, prior included)
    evidence: tuple[Evidence, ...]
