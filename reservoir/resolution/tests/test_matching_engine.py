"""The matching engine: scores, evidence, blocking keys, batch duplicates and clusters."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from reservoir.resolution.matching import (
    Matcher,
    MatchResult,
    ModelParams,
    PartyRecord,
    blocking_keys,
    cluster,
    find_duplicates,
)
from reservoir.resolution.matching.compare import prepare

DOB = datetime.date(1984, 3, 7)


def _evidence(result: MatchResult) -> dict[str, str]:
    return {e.field: e.level for e in result.evidence}


def test_same_person_scores_high_when_written_in_pinyin_and_traditional_chinese() -> None:
    a = PartyRecord(1, full_name="Zhang Wei", birth_date=DOB, city="Shanghai")
    b = PartyRecord(2, full_name="張偉", birth_date=DOB, city="shanghai")

    result = Matcher().score(a, b)

    assert result.probability > 0.99
    assert _evidence(result) == {
        "family_name": "exact",
        "given_name": "exact",
        "birth_date": "exact",
        "city": "exact",
    }


def test_nickname_and_typo_score_high_when_phone_shared() -> None:
    a = PartyRecord(1, given_name="Bill", family_name="Smith", phones=("+16175550100",))
    b = PartyRecord(2, given_name="William", family_name="Smtih", phones=("+16175550100",))

    result = Matcher().score(a, b)

    assert result.probability > 0.99
    assert _evidence(result) == {"family_name": "close", "given_name": "close", "phone": "exact"}


def test_different_person_scores_low_when_only_city_shared() -> None:
    a = PartyRecord(
        1, full_name="Maria Rossi", birth_date=DOB, city="Milano", emails=("maria@x.it",)
    )
    b = PartyRecord(2, full_name="John Baker", birth_date=datetime.date(1950, 1, 1), city="Milano")

    result = Matcher().score(a, b)

    assert result.probability < 0.01
    assert _evidence(result)["family_name"] == "different"


def test_evidence_explains_each_compared_field_when_scoring() -> None:
    a = PartyRecord(
        1, given_name="Anna", family_name="Berg", birth_date=DOB, emails=("sunflower77@berg.se",)
    )
    b = PartyRecord(
        2, given_name="Anna", family_name="Berg", birth_date=DOB, emails=("sunflower77@work.se",)
    )

    result = Matcher().score(a, b)

    email = next(e for e in result.evidence if e.field == "email")
    assert (email.level, email.left, email.right) == (
        "partial",
        "sunflower77@berg.se",
        "sunflower77@work.se",
    )
    assert str(email.label) == "Same email user name at another domain"
    assert sum(e.weight for e in result.evidence) < result.weight + 30  # prior is negative
    assert all(e.weight > 0 for e in result.evidence)


def test_user_name_spelled_from_the_name_is_no_evidence_when_domains_differ() -> None:
    a = PartyRecord(1, given_name="Amelia", family_name="Carter", emails=("amelia.carter@a.com",))
    b = PartyRecord(2, given_name="Amelia", family_name="Carter", emails=("amelia.carter@b.com",))
    c = PartyRecord(3, full_name="王伟", emails=("wei.wang@qq.com",))
    d = PartyRecord(4, full_name="王伟", emails=("wei.wang@163.com",))

    assert _evidence(Matcher().score(a, b))["email"] == "different"
    assert _evidence(Matcher().score(c, d))["email"] == "different"


def test_role_mailbox_at_two_domains_is_no_evidence_when_comparing_emails() -> None:
    a = PartyRecord(1, full_name="Anna Berg", emails=("info@berg.se",))
    b = PartyRecord(2, full_name="Anna Berg", emails=("info@work.se",))

    assert _evidence(Matcher().score(a, b))["email"] == "different"


def test_person_and_organization_never_match_when_names_equal() -> None:
    a = PartyRecord(1, kind="organization", full_name="Wong Ltd", city="Hong Kong")
    b = PartyRecord(2, kind="person", full_name="Wong", city="Hong Kong")

    assert Matcher().score(a, b).probability < 0.001


def test_blocking_keys_shared_when_names_have_typos() -> None:
    a = PartyRecord(
        1, given_name="Katherine", family_name="Johnson", birth_date=DOB, postal_code="2000"
    )
    b = PartyRecord(
        2, given_name="Katharine", family_name="Jonson", birth_date=DOB, postal_code="2000"
    )
    c = PartyRecord(3, given_name="Katherine", family_name="Jonhson", postal_code="2000")

    assert blocking_keys(a) & blocking_keys(b)
    assert blocking_keys(a) & blocking_keys(c)
    assert all(len(k) <= 64 for k in blocking_keys(a))


def test_blocking_keys_shared_when_chinese_name_in_other_script_or_pinyin() -> None:
    a = PartyRecord(1, full_name="张伟")
    assert blocking_keys(a) & blocking_keys(PartyRecord(2, full_name="張偉"))
    assert blocking_keys(a) & blocking_keys(PartyRecord(3, full_name="Wei Zhang"))


def test_blocking_keys_hashed_when_value_is_long() -> None:
    keys = blocking_keys(PartyRecord(1, emails=("a" * 80 + "@example.com",)))

    assert keys and all(len(k) <= 64 for k in keys)


def test_find_duplicates_and_cluster_group_the_same_people_when_batch() -> None:
    records = [
        PartyRecord(10, full_name="张伟", birth_date=DOB, phones=("+8613800000001",)),
        PartyRecord(11, full_name="Zhang Wei", birth_date=DOB),
        PartyRecord(12, full_name="張偉", phones=("+8613800000001",)),
        PartyRecord(20, given_name="Bill", family_name="Smith", emails=("bill@smith.io",)),
        PartyRecord(21, given_name="William", family_name="Smith", emails=("bill@smith.io",)),
        PartyRecord(30, full_name="Li Na", birth_date=datetime.date(1990, 1, 1)),
        PartyRecord(31, full_name="Olga Petrova", birth_date=datetime.date(1970, 5, 5)),
    ]

    pairs = find_duplicates(records, threshold=0.6)

    assert {(a, b) for a, b, _ in pairs} == {(10, 11), (10, 12), (20, 21)}
    assert pairs[0][2].probability >= pairs[-1][2].probability
    assert cluster(pairs, threshold=0.6) == [[10, 11, 12], [20, 21]]


def test_matches_returns_only_candidates_above_threshold_when_online() -> None:
    new = PartyRecord("row-1", full_name="張偉", phones=("+8613800000001",))
    same = PartyRecord(10, full_name="张伟", phones=("+8613800000001",))
    other = PartyRecord(11, full_name="李娜", phones=("+8613900000002",))
    matcher = Matcher()

    found = matcher.matches(new, [other, same], threshold=0.6)

    assert [c.key for c, _ in found] == [10]
    assert found[0][1] == matcher.score(new, same)
    assert [r.probability for r in matcher.score_many(new, [other, same])] == [
        matcher.score(new, other).probability,
        found[0][1].probability,
    ]


def test_smaller_base_raises_probability_when_prior_set_for_base_size() -> None:
    a = PartyRecord(1, given_name="Anna", family_name="Berg", company="Berg AB")
    b = PartyRecord(2, given_name="Anna", family_name="Berg", company="Berg AB")
    params = ModelParams.default()

    small = Matcher(params.for_base(1_000)).score(a, b)
    large = Matcher(params.for_base(1_000_000)).score(a, b)

    assert params.for_base(1_000).prior == 0.0005
    assert small.probability > large.probability
    assert small.evidence == large.evidence


def test_cluster_ignores_pairs_below_threshold_when_given_floats() -> None:
    pairs = [("b", "a", 0.9), ("c", "d", 0.3), ("d", "e", 0.7)]

    assert cluster(pairs, threshold=0.5) == [["a", "b"], ["d", "e"]]


_names = st.sampled_from(
    ["张伟", "張偉", "Zhang Wei", "Bill Smith", "William Smith", "José", "", "J. Smith"]
)
_records = st.builds(
    PartyRecord,
    key=st.integers(0, 1000),
    full_name=_names,
    birth_date=st.one_of(
        st.none(), st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31))
    ),
    emails=st.lists(st.sampled_from(["a@x.io", "b@x.io", "a@y.io"]), max_size=2).map(tuple),
    phones=st.lists(st.sampled_from(["+15550001", "+15550002"]), max_size=1).map(tuple),
    city=st.sampled_from(["", "Paris", "Pariss", "Lyon"]),
    postal_code=st.sampled_from(["", "75001", "75002"]),
)


@settings(max_examples=200, deadline=None)
@given(_records, _records)
def test_score_is_symmetric_and_a_probability_when_any_records(
    a: PartyRecord, b: PartyRecord
) -> None:
    matcher = Matcher()

    ab, ba = matcher.score(a, b), matcher.score(b, a)

    assert 0.0 <= ab.probability <= 1.0
    assert abs(ab.weight - ba.weight) < 1e-9
    assert abs(ab.weight - matcher.fast_weight(prepare(a), prepare(b))) < 1e-9
    assert [(e.field, e.level) for e in ab.evidence] == [(e.field, e.level) for e in ba.evidence]
