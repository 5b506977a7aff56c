"""Factories for products and orders."""

from decimal import Decimal

import factory
from django.utils import timezone

from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales.models import Order, OrderLine, Product


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    price = Decimal("99.00")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    party = factory.SubFactory(PartyFactory)
    number = factory.Sequence(lambda n: f"SO-{n:06d}")
    ordered_at = factory.LazyFunction(timezone.now)
    total = Decimal("99.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("99.00")
    amount = Decimal("99.00")
