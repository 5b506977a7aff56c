import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from reservoir.decisions import facts, services
from reservoir.decisions.demo import load
from reservoir.decisions.engine import decide
from reservoir.decisions.enums import DecisionChannel, HitPolicy
from reservoir.decisions.facts import DecisionContext
from reservoir.decisions.models import DecisionLog
from reservoir.decisions.tests.factories import published_table
from reservoir.parties.models import Trait
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales.tests.factories import OrderFactory, OrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db
CHANNELS = [c.value for c in DecisionChannel]


def ctx(channel="phone", **kw):
    return DecisionContext(channel=channel, at=kw.pop("at", None) or timezone.now(), **kw)


def trait(party, key, value):
    Trait.objects.update_or_create(
        party=party,
        key=key,
        defaults={"value": value, "source": "manual", "computed_at": timezone.now()},
    )


def offers(decision):
    return [o.code for o in decision.offers]


def test_gold_customer_gets_accessory_discount_when_vip(admin_user):
    load(admin_user)
    party = PartyFactory()
    trait(party, "vip", True)

    decision = decide(party.pk, ctx())

    assert [(d.pct, d.applies_to) for d in decision.discounts] == [("10.00", "配件 Accessories")]
    assert decision.price_list == "GOLD-2026"
    assert decision.priority == 70
    assert DecisionLog.objects.filter(party_id=party.pk, channel="phone").count() == 1


def test_owned_products_drive_cross_sell_when_orders_exist(admin_user):
    load(admin_user)
    party = PartyFactory()
    tv = ProductFactory(sku="QL-TV-55-01", category=None)
    from reservoir.sales.services import ensure_category

    tv.category = ensure_category(["影音 TV & Video", "电视 TVs"])
    tv.save()
    OrderLineFactory(
        order=OrderFactory(party=party, ordered_at=timezone.now() - dt.timedelta(days=3)),
        product=tv,
    )

    decision = decide(party.pk, ctx())

    assert offers(decision) == ["QL-AU-SBR-01"]
    assert decision.fired[0].tests[0][2] == "影音 TV & Video"


def test_open_complaint_suppresses_sales_offers_in_every_channel_until_resolved(admin_user):
    published_table(
        admin_user, key="cross-sell", inputs=[("Kind", "customer.kind")],
        rows=[(["person"], {"offer_code": "QL-SV-WAR-01", "offer_margin": Decimal(150)})],
    )  # fmt: skip
    party = PartyFactory()
    open_complaints = {party.pk}

    def complaints(party_id, _ctx):
        return {"customer.has_open_complaint": party_id in open_complaints}

    with facts.provider("support.complaints", ["customer.has_open_complaint"], complaints):
        during = [decide(party.pk, ctx(c)) for c in CHANNELS]
        open_complaints.clear()
        after = [decide(party.pk, ctx(c)) for c in CHANNELS]

    assert [offers(d) for d in during] == [[]] * len(CHANNELS)
    assert {tuple(o.code for o in d.withheld) for d in during} == {("QL-SV-WAR-01",)}
    assert {s.kind for d in during for s in d.suppressions} == {"sales"}
    assert [offers(d) for d in after] == [["QL-SV-WAR-01"]] * len(CHANNELS)


def test_open_complaint_fact_defaults_to_false_when_no_provider_registered(admin_user):
    party = PartyFactory()

    decision = decide(party.pk, ctx(), log=False)

    assert decision.facts["customer.has_open_complaint"] is False


def test_marketing_opt_out_suppresses_marketing_offers_in_every_channel(admin_user):
    published_table(
        admin_user, key="offers", inputs=[("Kind", "customer.kind")],
        rows=[
            (["person"], {"offer_code": "NEWSLETTER", "offer_kind": "marketing"}),
            (["person"], {"offer_code": "QL-SV-WAR-01"}),
        ],
    )  # fmt: skip
    party = PartyFactory()
    trait(party, "marketing_opt_out", True)

    decisions = [decide(party.pk, ctx(c)) for c in CHANNELS]

    assert [offers(d) for d in decisions] == [["QL-SV-WAR-01"]] * len(CHANNELS)
    assert {o.code for d in decisions for o in d.withheld} == {"NEWSLETTER"}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(HitPolicy.FIRST, ["A"]), (HitPolicy.PRIORITY, ["B"]), (HitPolicy.COLLECT, ["A", "B", "C"])],
)
def test_hit_policy_selects_rows_when_several_match(admin_user, policy, expected):
    published_table(
        admin_user, key="t", hit_policy=policy, inputs=[("Kind", "customer.kind")],
        rows=[
            (["person"], {"offer_code": "A", "priority": 10, "offer_margin": Decimal(30)}),
            (["-"], {"offer_code": "B", "priority": 90, "offer_margin": Decimal(20)}),
            (["person"], {"offer_code": "C", "offer_margin": Decimal(10)}),
            (["organization"], {"offer_code": "D", "priority": 99}),
        ],
    )  # fmt: skip
    party = PartyFactory()

    decision = decide(party.pk, ctx(), log=False)

    assert offers(decision) == expected


def test_offers_are_ranked_by_expected_value_when_propensities_present(admin_user):
    published_table(
        admin_user, key="t", inputs=[("Kind", "customer.kind")],
        rows=[
            (["person"], {"offer_code": "BIG", "offer_margin": Decimal(1000)}),
            (["person"], {"offer_code": "SMALL", "offer_margin": Decimal(100)}),
        ],
    )  # fmt: skip
    party = PartyFactory()
    trait(party, "propensities", {"BIG": 0.01, "SMALL": 0.5})

    decision = decide(party.pk, ctx(), log=False)

    assert [(o.code, o.expected_value) for o in decision.offers] == [("SMALL", 50.0), ("BIG", 10.0)]


def test_version_in_force_is_chosen_by_effective_dates(admin_user):
    first = published_table(
        admin_user,
        key="t",
        inputs=[("Kind", "customer.kind")],
        rows=[(["person"], {"offer_code": "OLD"})],
    )
    draft = services.start_draft(first.table, by=admin_user)
    services.save_row(
        draft, cells=["person"], offer_code="NEW", row=draft.rows.get(), by=admin_user
    )
    start = timezone.now() + dt.timedelta(days=1)
    services.publish(draft, by=admin_user, effective_from=start)
    party = PartyFactory()

    today = decide(party.pk, ctx(), log=False)
    tomorrow = decide(party.pk, ctx(at=start + dt.timedelta(hours=1)), log=False)

    assert (offers(today), today.versions) == (["OLD"], {"t": 1})
    assert (offers(tomorrow), tomorrow.versions) == (["NEW"], {"t": 2})


def test_decision_log_records_facts_digest_outputs_and_versions(admin_user):
    load(admin_user)
    party = PartyFactory()

    decision = decide(party.pk, ctx("portal"), actor=admin_user)

    entry = DecisionLog.objects.get()
    assert (entry.party_id, entry.channel, entry.actor, entry.facts_digest, entry.outputs_digest) == (
        party.pk, "portal", admin_user, decision.facts_digest, decision.outputs_digest,
    )  # fmt: skip
    assert entry.versions == {
        "gold-benefits": 1,
        "cross-sell": 1,
        "contact-suppressions": 1,
        "service-routing": 1,
    }
    assert entry.outputs["fired"] == [["service-routing", 1, 4]]


def test_batch_writes_the_log_in_bulk_when_the_block_ends(admin_user):
    from reservoir.decisions import log

    party = PartyFactory()

    with log.batch():
        for channel in ("phone", "chat", "email"):
            decide(party.pk, ctx(channel))
        during = DecisionLog.objects.count()

    assert (during, DecisionLog.objects.count()) == (0, 3)
