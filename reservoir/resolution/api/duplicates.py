"""API: the duplicates queue, dismissing a pair, and matching a record against the base.

Every read is filtered by what the caller may see: a pair shows only when both parties
are visible; /match returns only visible parties.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from reservoir.core.api import Id, Input, Page, PageQuery, paginate
from reservoir.core.errors import InvalidInput, NotFound
from reservoir.parties.normalize import normalize_email, normalize_phone
from reservoir.resolution import duplicates, selectors
from reservoir.resolution.matching.records import PartyRecord
from reservoir.resolution.models import CandidateStatus, DuplicateCandidate

router = Router()


class EvidenceOut(Schema):
    field: str
    level: str
    weight: float
    left: str
    right: str
    label: str


class DuplicateOut(Schema):
    id: int
    party_a_id: int
    party_b_id: int
    probability: float
    cluster_key: str
    status: CandidateStatus
    evidence: list[EvidenceOut]
    decided_by_id: int | None
    decided_at: dt.datetime | None
    created_at: dt.datetime


class DuplicateFilters(PageQuery):
    status: CandidateStatus = CandidateStatus.OPEN
    min_probability: float = Field(0.0, ge=0.0, le=1.0)


class MatchIn(Input):
    """A party-like record; every field is optional, but give at least a name or identifier."""

    kind: str = Field("person", pattern="^(person|organization)$")
    family_name: str = Field("", max_length=100)
    given_name: str = Field("", max_length=100)
    full_name: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    gender: str = Field("", max_length=16)
    emails: list[str] = Field(default_factory=list, max_length=10)
    phones: list[str] = Field(default_factory=list, max_length=10)
    company: str = Field("", max_length=200)
    street: str = Field("", max_length=255)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field("", max_length=2)
    limit: int = Field(5, ge=1, le=20)


class CandidateOut(Schema):
    party_id: int
    probability: float
    evidence: list[EvidenceOut]


class MatchOut(Schema):
    candidates: list[CandidateOut]


@router.get("/duplicates", response=Page[DuplicateOut], summary="The duplicates queue")
def list_duplicates(request: HttpRequest, filters: Query[DuplicateFilters]) -> dict[str, Any]:
    qs = selectors.visible_candidates(
        actor=request.auth,  # type: ignore[attr-defined]
        status=filters.status,
        min_probability=filters.min_probability,
    )
    return paginate(qs, ("-probability", "-id"), cursor=filters.cursor, limit=filters.limit)


@router.post(
    "/duplicates/{candidate_id}/dismiss",
    response=DuplicateOut,
    summary="Not a duplicate (never suggested again)",
)
def dismiss_duplicate(request: HttpRequest, candidate_id: Id) -> DuplicateCandidate:
    actor = request.auth  # type: ignore[attr-defined]
    candidate = selectors.get_candidate(actor=actor, candidate_id=candidate_id)
    if candidate is None:
        raise NotFound(_("No duplicate pair with id %(id)s.") % {"id": candidate_id})
    return duplicates.dismiss_candidate(candidate, by=actor)


@router.post("/match", response=MatchOut, summary="Find the parties a record may be")
def match(request: HttpRequest, payload: MatchIn) -> dict[str, Any]:
    emails = []
    for i, raw in enumerate(payload.emails):
        try:
            emails.append(normalize_email(raw))
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"emails[{i}]") from exc
    phones = []
    for i, raw in enumerate(payload.phones):
        try:
            phones.append(normalize_phone(raw))
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"phones[{i}]") from exc
    names = (payload.family_name + payload.given_name + payload.full_name).strip()
    if not names and not emails and not phones:
        raise InvalidInput(_("Give at least a name, an email or a phone number."))
    record = PartyRecord(
        key="query",
        kind=payload.kind,
        family_name=payload.family_name.strip(),
        given_name=payload.given_name.strip(),
        full_name=payload.full_name.strip(),
        birth_date=payload.birth_date,
        gender=payload.gender.strip(),
        emails=tuple(emails),
        phones=tuple(phones),
        company=payload.company.strip(),
        street=payload.street.strip(),
        city=payload.city.strip(),
        region=payload.region.strip(),
        postal_code=payload.postal_code.strip(),
        country=payload.country.strip().upper(),
    )
    found = selectors.match_record(
        record,
        actor=request.auth,  # type: ignore[attr-defined]
        limit=payload.limit,
    )
    return {
        "candidates": [
            {
                "party_id": c.party_id,
                "probability": c.probability,
                "evidence": duplicates.evidence_json(c.evidence),
            }
            for c in found
        ]
    }
