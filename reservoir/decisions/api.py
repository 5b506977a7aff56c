"""Contact rules API: the one `decide` every channel calls, the decision log, the tables.

A caller may only ask about a party it may see: the lookup goes through the party directory
that an upper app registers (decisions cannot import parties), and an invisible party
answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from reservoir.core.api import Page, PageQuery, paginate
from reservoir.core.errors import NotFound, PermissionDenied
from reservoir.decisions import facts as registry
from reservoir.decisions import selectors
from reservoir.decisions.engine import Decision, decide
from reservoir.decisions.facts import DecisionContext
from reservoir.decisions.models import DecisionTable
from reservoir.decisions.schemas import (
    DecideContextIn,
    DecideIn,
    DecisionOut,
    LogEntryOut,
    LogFilters,
    TableOut,
)
from reservoir.iam.enums import Role

router = Router()


def may_read_log(user: Any) -> bool:
    return bool(
        user.has_role(Role.MANAGER) or user.has_role(Role.ANALYST) or user.has_role(Role.MARKETER)
    )


@router.post("/decide", response=DecisionOut, summary="Decide offers, discounts and suppressions")
def decide_endpoint(request: HttpRequest, payload: DecideIn) -> Decision:
    """The same answer in every channel: only scripts and routing may differ by channel."""
    actor = request.auth  # type: ignore[attr-defined]
    if registry.party_directory().get(actor, payload.party_id) is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": payload.party_id})
    extra = payload.context or DecideContextIn(intent="", basket_skus=[])
    context = DecisionContext(
        channel=payload.channel,
        at=timezone.now(),
        staff_username=actor.get_username(),
        staff_role=actor.role,
        intent=extra.intent,
        basket_skus=tuple(extra.basket_skus),
    )
    return decide(payload.party_id, context, actor=actor, defer_log=True)


@router.get("/decision-log", response=Page[LogEntryOut], summary="The decision log")
def decision_log(request: HttpRequest, filters: Query[LogFilters]) -> dict[str, Any]:
    if not may_read_log(request.auth):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Only managers, marketers and analysts read the decision log."))
    visible = registry.party_directory().visible_ids(request.auth)  # type: ignore[attr-defined]
    qs = selectors.list_log(channel=filters.channel or "", party_id=filters.party_id)
    qs = qs.filter(party_id__in=visible)
    return paginate(
        qs.select_related(None), ("-decided_at", "-id"), cursor=filters.cursor, limit=filters.limit
    )


@router.get("/decision-tables", response=Page[TableOut], summary="Contact-rule tables")
def decision_tables(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    result = paginate(
        selectors.list_tables(), ("position", "id"), cursor=page.cursor, limit=page.limit
    )
    result["items"] = [_table_out(t) for t in result["items"]]
    return result


def _table_out(table: DecisionTable) -> dict[str, Any]:
    current = selectors.published(table)
    return {
        "id": table.pk,
        "key": table.key,
        "name": table.name,
        "description": table.description,
        "position": table.position,
        "published_version": current.number if current else None,
        "hit_policy": current.hit_policy if current else None,
        "rows": current.row_count if current else 0,  # type: ignore[attr-defined]
    }
