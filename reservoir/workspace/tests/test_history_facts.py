"""The facts under an entry of a record's history read as words and rounded numbers."""

from django.utils import translation

from reservoir.workspace.templatetags.workspace import audit_facts


def test_merge_facts_are_labelled_and_the_probability_reads_as_a_percentage():
    data = {"merge": 7, "auto": True, "rule": "most_complete", "probability": 0.8765432}

    with translation.override("en"):
        facts = audit_facts(data)

    assert facts == [
        ("Automatic", "yes"),
        ("Rule", "Most complete"),
        ("Match probability", "87.7%"),
    ]


def test_fractions_are_rounded_and_labels_follow_the_language():
    with translation.override("zh-hans"):
        facts = audit_facts({"score": 4.56789, "to": "li@example.com", "total": 12})

    assert facts == [("得分", "4.57"), ("收件人", "li@example.com")]
