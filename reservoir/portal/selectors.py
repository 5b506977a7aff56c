"""Reads for the signed-in customer: always scoped to their own party id.

Another party's order or case looks exactly like a missing one (NotFound), so ids leak
nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from reservoir.core.errors import NotFound
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint, PostalAddress
from reservoir.sales.models import Order, Product


def list_my_orders(*, party_id: int) -> QuerySet[Order]:
    """The customer's orders, newest first, lines prefetched (two queries)."""
    return (
        Order.objects.filter(party_id=party_id)
        .prefetch_related("lines__product")
        .order_by("-ordered_at", "-id")
    )


def get_my_order(*, party_id: int, order_id: int) -> Order:
    order = list_my_orders(party_id=party_id).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No order with id %(id)s.") % {"id": order_id})
    return order


def my_products(*, party_id: int) -> QuerySet[Product]:
    """Products the customer bought (for the "which product?" choice of a new case)."""
    return (
        Product.objects.filter(
            pk__in=Order.objects.filter(party_id=party_id).values("lines__product_id")
        )
        .order_by("name")
        .distinct()
    )


PROFILE_CONTACT_KINDS = (ContactKind.EMAIL, ContactKind.PHONE)


def my_contact_points(*, party_id: int) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(party_id=party_id, kind__in=PROFILE_CONTACT_KINDS).order_by(
        "kind", "-is_primary", "id"
    )


def get_my_contact_point(*, party_id: int, contact_point_id: int) -> ContactPoint:
    cp = my_contact_points(party_id=party_id).filter(pk=contact_point_id).first()
    if cp is None:
        raise NotFound(_("No such contact detail."))
    return cp


def my_addresses(*, party_id: int) -> QuerySet[PostalAddress]:
    return PostalAddress.objects.filter(party_id=party_id).order_by("-is_primary", "id")
