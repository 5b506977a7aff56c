from decimal import Decimal

import pytest

from reservoir.core.errors import InvalidInput
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales import services
from reservoir.sales.models import Order
from reservoir.sales.tests.factories import ProductFactory
from reservoir.timeline.models import Interaction

pytestmark = pytest.mark.django_db


def test_order_total_is_sum_of_lines_and_lands_on_timeline():
    party = PartyFactory()
    a, b = ProductFactory(price=Decimal("10.50")), ProductFactory(price=Decimal("3.00"))

    order = services.place_order(party, by=None, lines=[(a, 2), (b, 1)])

    assert order.total == Decimal("24.00")
    interaction = Interaction.objects.get(party=party)
    assert (interaction.kind, interaction.link_model, interaction.link_pk) == (
        "transaction",
        "order",
        str(order.pk),
    )


def test_nothing_is_written_when_a_quantity_is_not_positive():
    party = PartyFactory()

    with pytest.raises(InvalidInput):
        services.place_order(party, by=None, lines=[(ProductFactory(), 0)])

    assert Order.objects.count() == 0
    assert Interaction.objects.count() == 0


def test_category_path_is_created_once():
    first = services.ensure_category(["Audio", "Headphones"])
    second = services.ensure_category(["Audio", "Headphones"])

    assert first.pk == second.pk
    assert first.path == "Audio / Headphones"


def test_same_external_order_is_stored_once():
    party, product = PartyFactory(), ProductFactory()

    first = services.place_order(
        party, by=None, lines=[(product, 1)], source="shop", external_id="o-1"
    )
    second = services.place_order(
        party, by=None, lines=[(product, 1)], source="shop", external_id="o-1"
    )

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert Interaction.objects.count() == 1
