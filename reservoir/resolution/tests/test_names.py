"""Names as customers write them: script, romanization, order, nicknames, initials, accents."""

from reservoir.resolution.matching import Matcher, PartyRecord
from reservoir.resolution.matching.names import equivalent_forms, fold, parse_name, split_cjk


def _same(a: str, b: str) -> bool:
    return bool(equivalent_forms(a) & equivalent_forms(b))


def test_traditional_equals_simplified_when_chinese_name_in_either_script() -> None:
    assert _same("张伟", "張偉")
    assert {"张伟", "張偉"} <= equivalent_forms("張偉")


def test_pinyin_matches_hanzi_when_family_name_first_or_last() -> None:
    assert _same("Zhang Wei", "张伟")
    assert _same("Wei Zhang", "张伟")
    assert _same("Wei Zhang", "張偉")
    assert {"zhang wei", "wei zhang"} <= equivalent_forms("张伟")


def test_pinyin_given_name_in_two_syllables_matches_when_spaced_or_hyphenated() -> None:
    assert _same("Zhang Xiao Ming", "张小明")
    assert _same("Xiao-Ming Zhang", "張小明")


def test_compound_surname_and_honorific_when_splitting_chinese_name() -> None:
    assert split_cjk("欧阳娜娜") == ("欧阳", "娜娜")
    assert split_cjk("張偉先生") == ("张", "伟")


def test_cantonese_spelling_matches_when_hong_kong_romanization() -> None:
    assert _same("Cheung Wei", "张伟")
    assert not _same("Cheung Wei", "陈伟")


def test_nickname_matches_when_western_given_name_is_short_form() -> None:
    assert _same("Bill Smith", "William Smith")
    assert not _same("Bill Smith", "John Smith")


def test_accents_ignored_when_folding() -> None:
    assert fold("José") == "jose"
    assert fold(" Müller-Lüdenscheidt ") == "muller ludenscheidt"
    assert _same("José García", "Jose Garcia")


def test_titles_and_comma_order_when_parsing_full_name() -> None:
    parsed = parse_name("", "", "Smith, Dr. John")
    assert parsed.readings[0][0].primary == "smith"
    assert parsed.readings[0][1].primary == "john"
    assert parse_name("", "", "Dr. Bill Smith").readings[0][1].primary == "bill"


def test_initial_scores_as_close_given_name_when_only_initial_known() -> None:
    matcher = Matcher()
    initial = matcher.score(
        PartyRecord(1, full_name="J. Smith"), PartyRecord(2, full_name="John Smith")
    )
    other = matcher.score(
        PartyRecord(1, full_name="K. Smith"), PartyRecord(2, full_name="John Smith")
    )
    given = {e.field: e.level for e in initial.evidence}["given_name"]
    assert given == "close"
    assert {e.field: e.level for e in other.evidence}["given_name"] == "different"
    assert initial.weight > other.weight


def test_chinese_homophone_is_close_not_exact_when_both_in_hanzi() -> None:
    result = Matcher().score(PartyRecord(1, full_name="张伟"), PartyRecord(2, full_name="张玮"))
    assert {e.field: e.level for e in result.evidence}["given_name"] == "close"
