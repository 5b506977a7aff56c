"""Completeness scores: weights, persons vs organizations, the trait, the weights service."""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import InvalidInput, PermissionDenied
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import ContactKind, RelationshipKind, TraitSource
from reservoir.parties.models import (
    ContactPoint,
    Party,
    PostalAddress,
    Profile,
    Relationship,
    Trait,
    TraitHistory,
)
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.resolution.completeness import services
from reservoir.resolution.completeness.fields import FIELDS, only_missing
from reservoir.resolution.completeness.scoring import presence_of, presence_rows
from reservoir.resolution.completeness.selectors import get_party_completeness
from reservoir.resolution.completeness.weights import defaults, get_weights
from reservoir.resolution.models import CompletenessRun, CompletenessWeight
from reservoir.resolution.tasks_completeness import recompute_completeness

pytestmark = pytest.mark.django_db

# Default person weights: name 10, email 15, phone 15, messaging 8, address 12, birth_date 8,
# gender 4, employer 6, language 4, demographics 6, preferences 6 = 94.
# Default organization weights: legal_name 12, email 15, phone 15, address 12, language 4,
# demographics 6, industry 8, website 8, contact_person 15 = 95.


def _bare_person(**fields):
    base = {"family_name": "", "given_name": "", "gender": "", "language": ""}
    return PartyFactory(display_name="Someone", **{**base, **fields})


def _bare_org(**fields):
    return OrganizationFactory(display_name="Acme", **fields)


def _trait(party):
    return Trait.objects.get(party=party, key="completeness")


def test_person_scores_zero_when_nothing_is_filled():
    party = _bare_person()

    result = get_party_completeness(party=party)

    assert result.score == 0
    assert [f.key for f in result.missing] == [
        "email", "phone", "address", "name", "messaging", "birth_date", "employer",
        "demographics", "preferences", "gender", "language",
    ]  # fmt: skip
    assert result.filled == []


def test_person_score_weighs_filled_fields_when_some_are_filled():
    party = _bare_person(family_name="张", given_name="伟", gender="male")
    ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value="zw@example.com")
    ContactPoint.objects.create(party=party, kind=ContactKind.WECHAT, value="wxid_zw")
    Profile.objects.create(party=party, demographics={"occupation": "teacher"}, preferences={})

    result = get_party_completeness(party=party)

    # name 10 + email 15 + messaging 8 + gender 4 + demographics 6 = 43 of 94 → 45.7 → 46
    assert result.score == 46
    assert {f.key for f in result.filled} == {
        "name", "email", "messaging", "gender", "demographics",
    }  # fmt: skip
    assert "preferences" in {f.key for f in result.missing}


def test_organization_is_scored_on_organization_fields_when_kind_is_organization():
    org = _bare_org(legal_name="Acme Ltd", industry="Retail", website="https://acme.example")
    person = _bare_person(family_name="Li", given_name="Na")
    Relationship.objects.create(from_party=person, to_party=org, kind=RelationshipKind.EMPLOYEE_OF)
    PostalAddress.objects.create(party=org, city="Shanghai")

    org_result = get_party_completeness(party=org)
    person_result = get_party_completeness(party=person)

    # legal 12 + industry 8 + website 8 + contact person 15 + address 12 = 55 of 95 → 58
    assert org_result.score == 58
    assert [f.key for f in org_result.missing] == [
        "email", "phone", "demographics", "language",
    ]  # fmt: skip
    # name 10 + employer 6 = 16 of 94 → 17; the person never counts legal name or website
    assert person_result.score == 17


def test_score_follows_the_weights_when_they_change(admin_user):
    party = _bare_person(family_name="Li", given_name="Na")
    ContactPoint.objects.create(party=party, kind=ContactKind.PHONE, value="+8613800138000")
    zero = {f.key: (0, f.applies_to) for f in defaults().items if f.key != "phone"}

    services.save_weights(by=admin_user, values={**zero, "phone": (30, "both")})

    assert get_party_completeness(party=party).score == 100
    assert get_weights().by_key()["phone"].weight == 30


def test_organization_fields_count_for_persons_when_applies_to_both(admin_user):
    party = _bare_person()
    ContactPoint.objects.create(party=party, kind=ContactKind.PHONE, value="+8613800138000")

    services.save_weights(by=admin_user, values={"messaging": (8, "organization")})

    # phone 15 of 94 - 8 (messaging no longer counts for persons) = 86 → 17.4 → 17
    assert get_party_completeness(party=party).score == 17


def test_kind_scores_100_when_no_field_is_weighted_for_it(admin_user):
    org = _bare_org()
    zero = {f.key: (0, f.applies_to) for f in defaults().items}

    services.save_weights(by=admin_user, values=zero)

    assert get_party_completeness(party=org).score == 100


def test_saving_weights_audits_and_queues_a_rescore_when_a_weight_changes(manager_b):
    services.save_weights(by=manager_b, values={"gender": (9, "person"), "email": (15, "both")})

    row = CompletenessWeight.objects.get()
    assert (row.field_key, row.weight, row.updated_by) == ("gender", 9, manager_b)
    entry = AuditEntry.objects.get(action="resolution.completeness_weight.changed")
    assert entry.changes == {"weight": [4, 9]}
    assert entry.actor == manager_b
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("recompute_completeness")
    assert queued.args_kwargs["kwargs"] == {"trigger": "weights"}


def test_saving_unchanged_weights_writes_nothing_when_values_equal_the_defaults(admin_user):
    changed = services.save_weights(by=admin_user, values={"email": (15, "both")})

    assert changed == []
    assert CompletenessWeight.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": (101, "both")}, "email"),
        ({"email": (-1, "both")}, "email"),
        ({"birth_date": (5, "organization")}, "birth_date"),
        ({"shoe_size": (5, "both")}, "shoe_size"),
    ],
)
def test_save_weights_refuses_bad_values_when_out_of_range_or_unknown(admin_user, values, field):
    with pytest.raises(InvalidInput) as exc:
        services.save_weights(by=admin_user, values=values)

    assert exc.value.field == field
    assert CompletenessWeight.objects.count() == 0


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.MARKETER, Role.ANALYST])
def test_save_weights_is_refused_when_user_is_not_a_manager(role):
    user = UserFactory(role=role)

    with pytest.raises(PermissionDenied):
        services.save_weights(by=user, values={"email": (1, "both")})

    assert CompletenessWeight.objects.count() == 0


def test_recompute_writes_the_trait_of_every_party_when_run():
    person = _bare_person(family_name="Li", given_name="Na")
    org = _bare_org(legal_name="Acme Ltd")

    run = services.recompute(trigger="manual")

    assert (run.parties, run.changed) == (2, 2)
    trait = _trait(person)
    assert trait.value == {
        "score": 11,
        "missing": [
            "email", "phone", "address", "messaging", "birth_date", "employer",
            "demographics", "preferences", "gender", "language",
        ],
    }  # fmt: skip
    assert (trait.source, trait.model_version) == (TraitSource.COMPUTED, get_weights().version)
    assert _trait(org).value["score"] == 13  # legal name 12 of 95
    assert TraitHistory.objects.filter(key="completeness").count() == 2
    assert AuditEntry.objects.filter(action="resolution.completeness.recomputed").count() == 1


def test_recompute_writes_nothing_when_no_score_changed():
    _bare_person(family_name="Li", given_name="Na")
    services.recompute(trigger="manual")

    run = services.recompute(trigger="nightly")

    assert (run.parties, run.changed) == (1, 0)
    assert TraitHistory.objects.count() == 1


def test_weights_change_rescores_the_base_when_the_queued_task_runs(admin_user):
    party = _bare_person(family_name="Li", given_name="Na")
    services.recompute(trigger="manual")
    zero = {f.key: (0, f.applies_to) for f in defaults().items if f.key != "name"}

    services.save_weights(by=admin_user, values=zero)
    result = recompute_completeness.call(trigger="weights")

    assert result == {"parties": 1, "changed": 1}
    assert _trait(party).value == {"score": 100, "missing": []}
    assert CompletenessRun.objects.order_by("-pk").first().trigger == "weights"


def test_recompute_party_keeps_history_short_when_called_twice():
    party = _bare_person()

    first = services.recompute_party(party.pk)
    second = services.recompute_party(party.pk)

    assert (first, second) == (True, False)
    assert TraitHistory.objects.filter(party=party).count() == 1
    assert _trait(party).value["score"] == 0


def test_bulk_and_per_party_presence_agree_with_the_missing_filter_when_data_varies():
    org = _bare_org(legal_name="Acme Ltd", website="https://acme.example")
    full = _bare_person(family_name="Li", given_name="Na", gender="f", language="zh-hans")
    ContactPoint.objects.create(party=full, kind=ContactKind.EMAIL, value="ln@example.com")
    ContactPoint.objects.create(party=full, kind=ContactKind.QQ, value="12345")
    PostalAddress.objects.create(party=full, city="Suzhou")
    Profile.objects.create(party=full, demographics={}, preferences={"channel": "qq"})
    Relationship.objects.create(from_party=full, to_party=org, kind=RelationshipKind.EMPLOYEE_OF)
    bare = _bare_person(birth_date=dt.date(1990, 1, 1))
    everyone = Party.objects.filter(pk__in=[org.pk, full.pk, bare.pk])

    bulk = {r.party_id: r.filled for r in presence_rows(everyone)}
    per_row = {r.party_id: r.filled for r in presence_rows(everyone, bulk=False)}
    one_by_one = {pk: presence_of(pk).filled for pk in bulk}

    assert bulk == per_row == one_by_one
    assert bulk[full.pk] == {
        "name", "email", "messaging", "address", "gender", "employer", "language", "preferences",
    }  # fmt: skip
    assert bulk[org.pk] == {"legal_name", "website", "contact_person"}
    assert bulk[bare.pk] == {"birth_date"}
    for spec in FIELDS:
        missing = set(only_missing(everyone, spec.key).values_list("pk", flat=True))
        assert missing == {pk for pk, filled in bulk.items() if spec.key not in filled}, spec.key
