"""API: merge two parties, list and read merges, undo a merge.

POST /merges answers 201 with the merge; the merged party then reads as a tombstone at
GET /parties/{id} (status "merged", `merged_into`). Errors are problem+json: 422 for a
party merged with itself or a person with an organization, 404 for unknown or invisible
ids, 409 for a party already merged or a merge already undone, 403 for a role that may not.
"""

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from reservoir.core.api import (
    BodyId,
    Id,
    IdempotencyKey,
    Input,
    Page,
    PageQuery,
    idempotent,
    paginate,
)
from reservoir.parties.models import Party
from reservoir.resolution.merging import merge_parties, selectors, unmerge
from reservoir.resolution.models import Merge, MergeRule
from reservoir.resolution.survivorship import FIELD_KEYS

router = Router(tags=["merges"])
FieldKey = Literal[FIELD_KEYS]  # type: ignore[valid-type]


class MergeIn(Input):
    survivor_id: BodyId = Field(description="The party that keeps its id.")
    merged_id: BodyId = Field(description="The party absorbed into the survivor.")
    rule: MergeRule = Field(MergeRule.MOST_RECENT, description="Survivorship rule per field.")
    choices: dict[FieldKey, Literal["survivor", "merged"]] = Field(
        default_factory=dict, description="Per-field override of the rule."
    )


class MergeFilters(PageQuery):
    auto: bool | None = Field(None, description="true: automatic merges; false: manual ones.")
    party: Id | None = Field(None, description="Merges a party took part in.")


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    by_id: int | None
    auto: bool
    probability: float | None
    rule: MergeRule
    choices: dict[str, str] = Field(description="Which side's value each field kept.")
    moved: dict[str, int] = Field(description="Rows moved to the survivor, per kind.")
    created_at: dt.datetime
    unmerged_at: dt.datetime | None
    unmerged_by_id: int | None

    @staticmethod
    def resolve_moved(obj: Any) -> dict[str, int]:
        if not hasattr(obj, "moved"):
            selectors.attach_moved([obj])
        return dict(obj.moved)


def _party(party_id: int) -> Party:
    # Visibility is checked by merge_parties (an invisible party answers 404 there).
    return Party.objects.filter(pk=party_id).first() or Party(pk=party_id)


@router.post("/merges", response={201: MergeOut}, summary="Merge two parties")
@idempotent("resolution.merges.create")
def create_merge(
    request: HttpRequest, payload: MergeIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, MergeOut]:
    merge = merge_parties(
        _party(payload.survivor_id),
        _party(payload.merged_id),
        by=request.auth,  # type: ignore[attr-defined]
        choices=dict(payload.choices),
        rule=payload.rule,
    )
    return 201, MergeOut.from_orm(merge)


@router.get("/merges", response=Page[MergeOut], summary="Recent merges")
def list_merges(request: HttpRequest, filters: Query[MergeFilters]) -> dict[str, Any]:
    qs = selectors.list_merges(
        actor=request.auth,  # type: ignore[attr-defined]
        auto=filters.auto,
        party_id=filters.party,
    )
    page = paginate(qs, ("-id",), cursor=filters.cursor, limit=filters.limit)
    selectors.attach_moved(page["items"])
    return page


@router.get("/merges/{merge_id}", response=MergeOut, summary="One merge")
def get_merge(request: HttpRequest, merge_id: Id) -> Merge:
    return selectors.get_merge(actor=request.auth, merge_id=merge_id)  # type: ignore[attr-defined]


@router.post("/merges/{merge_id}/unmerge", response=MergeOut, summary="Undo a merge")
@transaction.atomic
def unmerge_merge(request: HttpRequest, merge_id: Id) -> Merge:
    actor = request.auth  # type: ignore[attr-defined]
    merge = selectors.get_merge(actor=actor, merge_id=merge_id)
    unmerge(merge, by=actor)
    return merge
