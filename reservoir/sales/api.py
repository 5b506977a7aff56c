"""API: products and orders, and the Customer 360.

The 360 view reads parties, the timeline and orders, so it lives here, in the highest app
it reads (imports point down only); its path stays under /parties/{id}/360.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from reservoir.core.api import Id, IdempotencyKey, Page, idempotent, paginate
from reservoir.core.errors import InvalidInput, NotFound
from reservoir.parties import selectors as party_selectors
from reservoir.sales import selectors, services
from reservoir.sales.models import Order
from reservoir.sales.schemas import (
    OrderFilters,
    OrderIn,
    OrderOut,
    Party360,
    ProductFilters,
    ProductOut,
)
from reservoir.timeline import selectors as timeline_selectors

router = Router()
customer_router = Router()
MAX_AMOUNT = Decimal(10) ** 12  # Order.total and OrderLine.amount hold 12 integer digits


@customer_router.get("/parties/{party_id}/360", response=Party360, summary="Customer 360")
def party_360(request: HttpRequest, party_id: Id) -> dict[str, Any]:
    """Identity, contacts, addresses, relationships, profile, traits, orders and timeline.

    Nine indexed queries (token included), none of which grows with the party's history;
    once the party is visible, its orders and timeline need no visibility join.
    """
    actor = request.auth  # type: ignore[attr-defined]
    party = party_selectors.get_party_360(actor=actor, party_id=party_id)
    relationships = [
        {
            "direction": direction,
            "kind": rel.kind,
            "title": rel.title,
            "since": rel.since,
            "until": rel.until,
            "party": other,
        }
        for direction, rel, other in party_selectors.list_visible_relationships(party, actor=actor)
    ]
    return {
        "party": party,
        "contact_points": party.contact_points.all(),
        "addresses": party.addresses.all(),
        "relationships": relationships,
        "profile": getattr(party, "profile", None),
        "traits": party.traits.all(),
        "orders": selectors.latest_orders_for_party(party.pk, limit=5),
        "timeline": timeline_selectors.latest_for_party(party.pk, limit=20),
    }


@router.get("/orders", response=Page[OrderOut], summary="Orders, newest first")
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    if filters.party_id is not None:
        party_selectors.get_party(actor=actor, party_id=filters.party_id)
    qs = selectors.list_orders(actor=actor, party_id=filters.party_id)
    order = ("-ordered_at", "-id")
    return paginate(qs, order, cursor=filters.cursor, limit=filters.limit)


@router.post("/orders", response={201: OrderOut}, summary="Place an order at list prices")
@idempotent("sales.order")
def place_order(
    request: HttpRequest, payload: OrderIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, OrderOut]:
    actor = request.auth  # type: ignore[attr-defined]
    party = party_selectors.for_user(actor).filter(pk=payload.party_id).first()
    if party is None:
        raise InvalidInput(
            _("No customer with id %(id)s.") % {"id": payload.party_id}, field="party_id"
        )
    products = selectors.products_by_sku([line.sku for line in payload.lines])
    lines = []
    for i, line in enumerate(payload.lines):
        product = products.get(line.sku)
        if product is None:
            raise InvalidInput(
                _("No active product with SKU “%(sku)s”.") % {"sku": line.sku},
                field=f"lines[{i}].sku",
            )
        lines.append((product, line.quantity))
    if sum((p.price * q for p, q in lines), Decimal(0)) >= MAX_AMOUNT:
        raise InvalidInput(_("The order total is too large."), field="lines")
    placed = services.place_order(
        party,
        by=actor,
        lines=lines,
        ordered_at=payload.ordered_at,
        channel=payload.channel,
        source="api",
    )
    return 201, OrderOut.from_orm(selectors.list_orders(actor=actor).get(pk=placed.pk))


@router.get("/orders/{order_id}", response=OrderOut, summary="One order")
def get_order(request: HttpRequest, order_id: Id) -> Order:
    found = selectors.list_orders(actor=request.auth).filter(pk=order_id).first()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound(_("No order with id %(id)s.") % {"id": order_id})
    return found


@router.get("/products", response=Page[ProductOut], summary="Active products")
def list_products(request: HttpRequest, filters: Query[ProductFilters]) -> dict[str, Any]:
    qs = selectors.list_products(search=filters.q)
    return paginate(qs, ("name", "id"), cursor=filters.cursor, limit=filters.limit)
