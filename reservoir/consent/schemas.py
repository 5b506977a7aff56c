"""Consent API schemas."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from reservoir.consent.enums import ConsentChannel, ConsentPurpose, ConsentSource, ConsentStatus
from reservoir.core.api import Input


class ConsentIn(Input):
    channel: ConsentChannel
    purpose: ConsentPurpose
    status: ConsentStatus
    source: ConsentSource = ConsentSource.API
    evidence: str = Field("", max_length=2000)


class ConsentRecordOut(Schema):
    id: int
    party_id: int
    channel: str
    purpose: str
    status: str
    source: str
    at: dt.datetime
    evidence: str


class PreferenceOut(Schema):
    channel: str
    purpose: str
    allowed: bool
    status: str = Field(description="granted, withdrawn, or empty when the default applies")
    at: dt.datetime | None


class ConsentStateOut(Schema):
    party_id: int
    preferences: list[PreferenceOut]
    history: list[ConsentRecordOut]
