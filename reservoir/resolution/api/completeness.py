"""API: one party's completeness score and the gap report, over visible parties only."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Query as QueryParams

from reservoir.core.api import Id
from reservoir.resolution.completeness import selectors
from reservoir.resolution.completeness.report import Group, ReportFilters, build_report

router = Router()

RoleFilter = Literal["customer", "prospect", "distributor", "partner", "supplier", "none"]


class FieldOut(Schema):
    key: str
    label: str
    weight: int


class CompletenessOut(Schema):
    party_id: int
    score: int = Field(description="0–100")
    missing: list[FieldOut] = Field(description="heaviest first")
    filled: list[FieldOut]
    weights_version: str


class ReportQuery(Schema):
    kind: Literal["person", "organization"] | None = None
    role: RoleFilter | None = Field(None, description='a role, or "none" for parties without')
    owner: str | None = Field(
        None, pattern=r"^(none|[1-9][0-9]{0,17})$", description='a user id, or "none"'
    )
    source: str | None = Field(
        None, min_length=1, max_length=100, description='a source tag, or "none"'
    )


class GapOut(Schema):
    key: str
    label: str
    weight: int
    applicable: int
    missing: int
    missing_pct: float


class BucketOut(Schema):
    low: int
    high: int
    count: int


class GroupOut(Schema):
    key: str
    label: str
    filters: dict[str, str]
    parties: int
    average: float
    gaps: list[GapOut]


class ReportOut(Schema):
    parties: int
    average: float
    complete: int
    histogram: list[BucketOut]
    gaps: list[GapOut] = Field(description="most missing first")
    by_segment: list[GroupOut]
    by_owner: list[GroupOut]
    by_source: list[GroupOut]


def _gap(g: Any) -> dict[str, Any]:
    return {
        "key": g.key,
        "label": g.label,
        "weight": g.weight,
        "applicable": g.applicable,
        "missing": g.missing,
        "missing_pct": g.missing_pct,
    }


def _group(g: Group) -> dict[str, Any]:
    return {
        "key": g.key,
        "label": g.label,
        "filters": g.query,
        "parties": g.parties,
        "average": g.average,
        "gaps": [_gap(x) for x in g.gaps],
    }


@router.get(
    "/parties/{party_id}/completeness",
    response=CompletenessOut,
    summary="A party's data completeness score",
)
def party_completeness(request: HttpRequest, party_id: Id) -> Any:
    """The score computed now with the weights in force, and the fields still missing."""
    return selectors.get_visible_party_completeness(
        actor=request.auth,  # type: ignore[attr-defined]
        party_id=party_id,
    )


@router.get("/quality/report", response=ReportOut, summary="Data completeness gap report")
def quality_report(request: HttpRequest, filters: QueryParams[ReportQuery]) -> dict[str, Any]:
    """Average score, distribution and the share missing per field, overall and by segment
    (role · kind), owner and source, over the parties the caller may see."""
    report = build_report(
        actor=request.auth,  # type: ignore[attr-defined]
        filters=ReportFilters(
            kind=filters.kind or "",
            role=filters.role or "",
            owner=filters.owner or "",
            source=filters.source or "",
        ),
    )
    return {
        "parties": report.parties,
        "average": report.average,
        "complete": report.complete,
        "histogram": [{"low": b.low, "high": b.high, "count": b.count} for b in report.histogram],
        "gaps": [_gap(g) for g in report.gaps],
        "by_segment": [_group(g) for g in report.by_segment],
        "by_owner": [_group(g) for g in report.by_owner],
        "by_source": [_group(g) for g in report.by_source],
    }
