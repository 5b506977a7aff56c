"""Import jobs end to end at test size: dry run, de-duplication, idempotent re-runs, owners."""

import pytest

from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint, Party, PostalAddress, Relationship
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.models import ImportRowResult, RowOutcome
from reservoir.resolution.tests.import_support import analyzed, csv_bytes, imported, people, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_import_creates_parties_with_source_owner_contacts_and_employer_when_rows_are_new(rep_a):
    data = csv_bytes(people(3))

    job = imported(upload(rep_a, data), rep_a)

    assert (job.status, job.created_count, job.error_count) == ("completed", 3, 0)
    party = Party.objects.get(display_name="测试00001")
    assert (party.family_name, party.given_name) == ("测", "试00001")
    assert (party.source, party.owner_id, party.team_id) == (
        "Trade show 2026",
        rep_a.pk,
        rep_a.team_id,
    )
    assert set(party.contact_points.values_list("kind", "value")) == {
        ("phone", "+8613900000001"),
        ("email", "card1@example.com"),
    }
    employer = Relationship.objects.get(from_party=party)
    assert (employer.to_party.display_name, employer.title) == ("公司1", "经理")
    assert PostalAddress.objects.get(party=party).city == "深圳"


def test_dry_run_reports_each_rows_outcome_and_writes_no_party_when_analyzed(rep_a):
    existing = PartyFactory(owner=rep_a, display_name="老客户")
    ContactPoint.objects.create(party=existing, kind=ContactKind.EMAIL, value="old@example.com")
    rows = [
        ["新客户", "13900000001", "new@example.com", "", "", "", ""],
        ["老客户", "", "OLD@example.com", "", "", "", ""],
        ["新客户二", "139 0000 0001", "", "", "", "", ""],
        ["坏邮箱", "", "not-an-email", "", "", "", ""],
    ]
    before = Party.objects.count()

    job = analyzed(upload(rep_a, csv_bytes(rows)), rep_a)

    assert job.status == "ready"
    assert job.dry_run_totals == {
        "create": 1, "update": 1, "unchanged": 0, "skip": 0, "flag": 0, "duplicate": 1,
        "error": 1, "total": 4,
    }  # fmt: skip
    results = list(
        ImportRowResult.objects.filter(job=job, phase="dry")
        .order_by("row")
        .values_list("row", "outcome", "party_id", "matched_by", "duplicate_of")
    )
    assert results == [
        (2, "create", None, "", None),
        (3, "update", existing.pk, "email", None),
        (4, "duplicate", None, "", 2),
        (5, "error", None, "", None),
    ]
    assert "not an email address" in ImportRowResult.objects.get(job=job, row=5).message
    assert Party.objects.count() == before


def test_import_updates_the_existing_party_when_policy_is_update(rep_a):
    existing = PartyFactory(owner=rep_a, display_name="老客户", birth_date=None)
    ContactPoint.objects.create(party=existing, kind=ContactKind.EMAIL, value="old@example.com")
    data = csv_bytes(
        [["老客户", "13900000009", "old@example.com", "1980-02-03"]],
        header=["Name", "Mobile", "E-mail", "Birthday"],
    )

    job = imported(upload(rep_a, data), rep_a)

    existing.refresh_from_db()
    assert (job.created_count, job.updated_count) == (0, 1)
    assert str(existing.birth_date) == "1980-02-03"
    assert existing.contact_points.filter(kind="phone", value="+8613900000009").exists()


def test_import_skips_the_existing_party_when_policy_is_skip(rep_a):
    existing = PartyFactory(owner=rep_a)
    ContactPoint.objects.create(party=existing, kind=ContactKind.PHONE, value="+8613900000000")

    job = imported(upload(rep_a, csv_bytes(people(1)), duplicate_policy="skip"), rep_a)

    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 0, 1)
    assert not existing.contact_points.filter(kind="email").exists()


def test_import_creates_and_flags_the_pair_when_policy_is_create(rep_a):
    from reservoir.resolution.models import DuplicateCandidate

    existing = PartyFactory(owner=rep_a)
    ContactPoint.objects.create(party=existing, kind=ContactKind.PHONE, value="+8613900000000")

    job = imported(upload(rep_a, csv_bytes(people(1)), duplicate_policy="create"), rep_a)

    new = Party.objects.get(display_name="测试00000")
    assert (job.created_count, job.flagged_count) == (1, 1)
    pair = DuplicateCandidate.objects.get()
    assert {pair.party_a_id, pair.party_b_id} == {existing.pk, new.pk}
    assert pair.source == "import"


def test_import_never_touches_a_party_of_another_team_when_it_matches(rep_a, rep_b):
    theirs = PartyFactory(owner=rep_b)
    ContactPoint.objects.create(party=theirs, kind=ContactKind.PHONE, value="+8613900000000")

    job = imported(upload(rep_a, csv_bytes(people(1))), rep_a)

    result = ImportRowResult.objects.get(job=job, phase="run")
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 0, 1)
    assert result.outcome == "skip"
    assert "another team" in result.message
    assert not theirs.contact_points.filter(kind="email").exists()


def test_second_import_of_the_same_file_adds_nothing_when_run_again(rep_a):
    data = csv_bytes(people(300))
    first = imported(upload(rep_a, data), rep_a)
    parties, points = Party.objects.count(), ContactPoint.objects.count()

    second = imported(upload(rep_a, data), rep_a)

    assert (first.created_count, first.processed_rows) == (300, 300)
    assert (second.created_count, second.updated_count, second.skipped_count) == (0, 0, 300)
    assert (Party.objects.count(), ContactPoint.objects.count()) == (parties, points)
    assert set(
        ImportRowResult.objects.filter(job=second, phase="run").values_list("outcome", flat=True)
    ) == {RowOutcome.UNCHANGED}


def test_same_rows_in_another_file_add_nothing_when_imported_again(rep_a):
    imported(upload(rep_a, csv_bytes(people(20))), rep_a)
    parties = Party.objects.count()
    reordered = list(reversed(people(20)))

    again = imported(upload(rep_a, csv_bytes(reordered), name="again.csv"), rep_a)

    assert again.created_count == 0
    assert Party.objects.count() == parties


def test_import_deals_owners_in_turn_when_owner_mode_is_round_robin(manager_b, team_b):
    members = [UserFactory(team=team_b) for _ in range(3)]

    job = imported(
        upload(manager_b, csv_bytes(people(7)), owner_mode="round_robin", owner_team=team_b),
        manager_b,
    )

    owners = list(
        Party.objects.filter(source="Trade show 2026", kind="person")
        .order_by("pk")
        .values_list("owner_id", flat=True)
    )
    expected = [m.pk for m in members]
    assert owners == [expected[i % 3] for i in range(7)]
    assert job.round_robin_cursor == 7


def test_import_assigns_the_territorys_owner_when_owner_mode_is_territory(admin_user, rep_a, rep_b):
    from reservoir.resolution.importing.services import save_territory_rules

    save_territory_rules(f"广东省 = {rep_b.username}\n北京/北京 = {rep_a.username}", by=admin_user)
    rows = [
        ["甲", "13900000001", "", "", "", "深圳", "广东"],
        ["乙", "13900000002", "", "", "", "北京", "北京"],
        ["丙", "13900000003", "", "", "", "成都", "四川"],
    ]

    imported(
        upload(admin_user, csv_bytes(rows), owner_mode="territory", owner_user=rep_a), admin_user
    )

    owners = dict(Party.objects.filter(kind="person").values_list("display_name", "owner_id"))
    assert owners == {"甲": rep_b.pk, "乙": rep_a.pk, "丙": rep_a.pk}


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"owner_mode": "round_robin", "owner_team": "team_b"}, "owner_team"),
        ({"owner_mode": "user", "owner_user": "rep_b"}, "owner_user"),
        ({"owner_mode": "territory"}, "owner_mode"),
    ],
)
def test_sales_rep_cannot_give_new_customers_to_another_team_when_importing(
    request, rep_a, options, field
):
    from reservoir.core.errors import InvalidInput
    from reservoir.resolution.models import ImportJob

    resolved = {
        k: request.getfixturevalue(v) if k != "owner_mode" else v for k, v in options.items()
    }

    with pytest.raises(InvalidInput) as info:
        upload(rep_a, csv_bytes(people(1)), **resolved)

    assert info.value.field == field
    assert ImportJob.objects.count() == 0


def test_cancelled_import_stops_before_the_next_chunk_when_cancel_is_requested(rep_a):
    from reservoir.resolution.importing import services
    from reservoir.resolution.tasks_import import run_import

    job = analyzed(upload(rep_a, csv_bytes(people(5))), rep_a)
    services.start_run(job, by=rep_a)
    services.cancel(job, by=rep_a)

    run_import.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.created_count) == ("cancelled", 0)
    assert not Party.objects.filter(source="Trade show 2026").exists()


def test_failed_import_resumes_and_completes_when_started_again(rep_a):
    from pathlib import Path

    from reservoir.resolution.importing import services
    from reservoir.resolution.tasks_import import run_import

    job = analyzed(upload(rep_a, csv_bytes(people(3))), rep_a)
    stored = Path(job.file.path)
    saved = stored.read_bytes()
    stored.unlink()
    services.start_run(job, by=rep_a)

    run_import.call(job.pk)
    job.refresh_from_db()
    failed = (job.status, job.error, Party.objects.filter(kind="person").count())
    stored.write_bytes(saved)
    services.start_run(job, by=rep_a)
    run_import.call(job.pk)
    job.refresh_from_db()

    assert failed[0] == "failed"
    assert failed[1].startswith("The import stopped after 0 rows")
    assert failed[2] == 0
    assert (job.status, job.created_count, job.error) == ("completed", 3, "")


def test_row_repeating_an_earlier_row_without_a_shared_id_is_a_duplicate_when_names_match(rep_a):
    header = ["Family name", "Given name", "Birthday", "Company", "City", "Mobile"]
    rows = [
        ["张", "伟", "1985-03-02", "北京星河科技有限公司", "北京", "13800138001"],
        ["張", "偉", "1985-03-02", "北京星河科技有限公司", "北京", ""],
    ]

    job = imported(upload(rep_a, csv_bytes(rows, header=header)), rep_a)

    second = ImportRowResult.objects.get(job=job, phase="run", row=3)
    assert (job.created_count, second.outcome, second.duplicate_of) == (1, "duplicate", 2)


def test_namesakes_with_different_phones_are_both_created_when_in_one_file(rep_a):
    header = ["Family name", "Given name", "Birthday", "Company", "City", "Mobile"]
    rows = [
        ["张", "伟", "1985-03-02", "北京星河科技有限公司", "北京", "13800138001"],
        ["张", "伟", "1985-03-02", "北京星河科技有限公司", "北京", "13900139002"],
    ]

    job = imported(upload(rep_a, csv_bytes(rows, header=header)), rep_a)

    assert job.created_count == 2
    assert Party.objects.filter(display_name="张伟").count() == 2
