"""Consent API: what a visible party agreed to (and when), and recording a change."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from reservoir.consent import selectors, services
from reservoir.consent.schemas import ConsentIn, ConsentRecordOut, ConsentStateOut
from reservoir.core.api import Id
from reservoir.parties import selectors as party_selectors

router = Router()


@router.get("/parties/{party_id}/consent", response=ConsentStateOut, summary="Consent in force")
def get_consent(request: HttpRequest, party_id: Id) -> dict[str, Any]:
    party = party_selectors.get_party(actor=request.auth, party_id=party_id)  # type: ignore[attr-defined]
    prefs = selectors.current_preferences(party.pk)
    return {
        "party_id": party.pk,
        "preferences": [p.__dict__ for p in prefs.values()],
        "history": list(selectors.list_history(party.pk)[:500]),
    }


@router.post(
    "/parties/{party_id}/consent",
    response={200: ConsentRecordOut, 201: ConsentRecordOut},
    summary="Record a grant or a withdrawal (200 with the row in force when unchanged)",
)
def record_consent(request: HttpRequest, party_id: Id, payload: ConsentIn) -> tuple[int, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    party = party_selectors.get_party(actor=actor, party_id=party_id)
    row = services.record_consent(
        party,
        channel=payload.channel,
        purpose=payload.purpose,
        status=payload.status,
        source=payload.source,
        by=actor,
        evidence=payload.evidence,
    )
    if row is None:
        return 200, selectors.latest_records(party.pk)[(payload.channel, payload.purpose)]
    return 201, row
