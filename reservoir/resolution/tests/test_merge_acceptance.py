"""Acceptance 4: a merge followed by an unmerge restores every affected row exactly,
including an interaction recorded between the two."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties import services as parties
from reservoir.parties.enums import ContactKind, PartyKind, PartyStatus, RelationshipKind
from reservoir.parties.models import Party, Trait, TraitHistory
from reservoir.resolution.merging import merge_parties, unmerge
from reservoir.sales import services as sales
from reservoir.sales.models import Order, OrderLine
from reservoir.timeline.models import Conversation, Interaction
from reservoir.timeline.services import InteractionInput, open_conversation, record_interaction

pytestmark = pytest.mark.django_db
UTC = dt.UTC
DERIVED = "completeness"


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def _affected_models() -> list[type[models.Model]]:
    return [
        *apps.get_app_config("parties").get_models(),
        *apps.get_app_config("timeline").get_models(),
        Order,
        OrderLine,
    ]


def _all_rows() -> dict[str, dict[object, dict[str, object]]]:
    """Every row of every affected table, as {table: {pk: {column: value}}}.

    The completeness score is a derived trait that its scorer recomputes (restamping it and
    appending to the trait history) after every change, an unmerge included: its value is
    compared on its own (`_derived`), its rows are left out here.
    """
    return {
        model._meta.db_table: {
            row["id"]: row
            for row in model._default_manager.values()
            if not (model in (Trait, TraitHistory) and row["key"] == DERIVED)
        }
        for model in _affected_models()
    }


def _derived() -> dict[int, object]:
    return dict(Trait.objects.filter(key=DERIVED).values_list("party_id", "value"))


def _customer(by, family: str, given: str, phone: str, email: str, **fields) -> Party:
    return parties.create_party(
        by=by,
        kind=PartyKind.PERSON,
        family_name=family,
        given_name=given,
        roles=["customer"],
        contact_points=[(ContactKind.PHONE, phone), (ContactKind.EMAIL, email)],
        owner=by,
        **fields,
    )


def _two_customers_with_history(manager):
    org = parties.create_party(by=manager, kind=PartyKind.ORGANIZATION, display_name="Acme")
    friend = _customer(manager, "Li", "Na", "13900000001", "na@example.com")
    a = _customer(manager, "Zhang", "Wei", "13800000001", "wei@example.com", gender="m")
    b = _customer(
        manager, "张", "伟", "13800138000", "WEI@example.com", birth_date=dt.date(1990, 5, 4)
    )
    parties.add_contact_point(b, kind=ContactKind.WECHAT, raw="zhangwei88", by=manager)
    parties.set_roles(b, ["customer", "prospect"], by=manager)
    parties.add_address(a, by=manager, country="CN", region="上海", city="上海", street="南京路1号")
    parties.add_address(b, by=manager, country="CN", region="上海", city="上海", street="南京路1号")
    parties.add_address(b, by=manager, country="CN", region="北京", city="北京", street="长安街2号")
    parties.relate(a, org, kind=RelationshipKind.EMPLOYEE_OF, by=manager, title="Buyer")
    parties.relate(b, org, kind=RelationshipKind.EMPLOYEE_OF, by=manager, title="CTO")
    parties.relate(b, a, kind=RelationshipKind.HOUSEHOLD_MEMBER, by=manager)
    parties.relate(friend, b, kind=RelationshipKind.PARTNER_OF, by=manager)
    parties.update_profile(a, by=manager, demographics={"occupation": "engineer"}, needs=["tv"])
    parties.update_profile(b, by=manager, demographics={"income": "high"}, needs=["phone"])
    parties.set_trait(a, key="tier", value="gold", by=manager, computed_at=_at(1))
    parties.set_trait(b, key="tier", value="silver", by=manager, computed_at=_at(2))
    parties.set_trait(b, key="tier", value="platinum", by=manager, computed_at=_at(3))
    parties.set_trait(b, key="nps", value=9, by=manager, computed_at=_at(3))
    product = sales.create_product(by=manager, sku="TV-1", name="TV", price=Decimal("999.00"))
    sales.place_order(a, by=manager, lines=[(product, 1)], ordered_at=_at(4))
    sales.place_order(b, by=manager, lines=[(product, 2)], ordered_at=_at(5))
    conv = open_conversation(b, channel="phone", subject="Delivery", by=manager, started_at=_at(6))
    for day, party in ((6, b), (7, a)):
        record_interaction(
            InteractionInput(
                channel="phone",
                direction="inbound",
                party_id=party.pk,
                occurred_at=_at(day),
                subject=f"Call {day}",
                conversation_id=conv.pk if party == b else None,
            ),
            by=manager,
        )
    record_interaction(
        InteractionInput(
            channel="phone", direction="inbound", contact_value="13800138000", occurred_at=_at(8)
        ),
        by=None,
    )
    return a, b


def test_unmerge_restores_every_row_when_an_interaction_arrived_in_between(
    django_capture_on_commit_callbacks,
):
    manager = UserFactory(role=Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        a, b = _two_customers_with_history(manager)
    before, derived_before = _all_rows(), _derived()
    b_interactions = set(Interaction.objects.filter(party=b).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        merge = merge_parties(a, b, by=manager)
    assert _all_rows() != before
    assert Party.objects.get(pk=b.pk).status == PartyStatus.MERGED
    assert len(b_interactions) == 3
    assert set(Interaction.objects.filter(party=a).values_list("pk", flat=True)) >= b_interactions
    assert Order.objects.filter(party=b).count() == 0
    assert Conversation.objects.filter(party=b).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        later, created = record_interaction(
            InteractionInput(
                channel="phone",
                direction="inbound",
                contact_value="+86 (138) 0013-8000",
                occurred_at=_at(20),
                subject="After the merge",
            ),
            by=None,
        )
    assert created is True
    assert later.party_id == a.pk
    with django_capture_on_commit_callbacks(execute=True):
        unmerge(merge, by=manager)
    after, derived_after = _all_rows(), _derived()

    later_row = after["timeline_interaction"].pop(later.pk)
    assert later_row["party_id"] == b.pk
    assert after["parties_party"][b.pk]["last_interaction_at"] == _at(20)
    after["parties_party"][b.pk]["last_interaction_at"] = before["parties_party"][b.pk][
        "last_interaction_at"
    ]
    assert after == before
    assert derived_after == derived_before
