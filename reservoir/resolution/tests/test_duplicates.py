import datetime

import pytest
from django.test import override_settings

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import Conflict
from reservoir.parties import services as party_services
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.resolution import duplicates, tasks
from reservoir.resolution.matchindex import rebuild_match_index
from reservoir.resolution.models import CandidateStatus, DuplicateCandidate, DuplicateScan

pytestmark = pytest.mark.django_db


def _twins(email="alice@example.com"):
    a = PartyFactory(family_name="Smith", given_name="Alice", display_name="Alice Smith")
    b = PartyFactory(family_name="Smyth", given_name="Alice", display_name="Alice Smyth")
    ContactPointFactory(party=a, kind="email", value=email)
    ContactPointFactory(party=b, kind="email", value=email)
    return a, b


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=1.01)
def test_scan_stores_pairs_with_evidence_and_cluster_when_duplicates_exist():
    a, b = _twins()
    PartyFactory(family_name="Wong", given_name="Kelvin")

    scan = duplicates.detect_duplicates()

    pair = DuplicateCandidate.objects.get()
    assert (pair.party_a_id, pair.party_b_id) == (a.pk, b.pk)
    assert pair.status == CandidateStatus.OPEN
    assert pair.cluster_key == str(a.pk)
    assert pair.probability >= 0.6
    assert {"email", "family_name"} <= {e["field"] for e in pair.evidence}
    assert (scan.parties, scan.pairs, scan.new_pairs) == (3, 1, 1)
    assert scan.finished_at is not None
    assert AuditEntry.objects.filter(action="resolution.duplicates.scanned").count() == 1


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=1.01)
def test_dismissed_pair_is_never_suggested_again_when_scanned_twice(admin_user):
    _twins()
    duplicates.detect_duplicates()
    pair = DuplicateCandidate.objects.get()

    duplicates.dismiss_candidate(pair, by=admin_user)
    second = duplicates.detect_duplicates()

    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_DUPLICATE
    assert pair.decided_by == admin_user
    assert DuplicateCandidate.objects.count() == 1
    assert second.new_pairs == 0
    assert AuditEntry.objects.filter(action="resolution.duplicate.dismissed").count() == 1


def test_dismiss_refuses_when_the_pair_was_merged(admin_user):
    a, b = _twins()
    pair = DuplicateCandidate.objects.create(
        party_a=a, party_b=b, probability=0.9, status=CandidateStatus.MERGED
    )

    with pytest.raises(Conflict):
        duplicates.dismiss_candidate(pair, by=admin_user)

    pair.refresh_from_db()
    assert pair.status == CandidateStatus.MERGED


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=1.01)
def test_scan_deletes_open_pairs_no_longer_found_when_parties_changed():
    a, b = _twins()
    duplicates.detect_duplicates()
    party_services.update_party(b, by=None, family_name="Wong", given_name="Kelvin")
    b.contact_points.all().delete()

    scan = duplicates.detect_duplicates()

    assert scan.pairs == 0
    assert DuplicateCandidate.objects.count() == 0


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=1.01)
def test_new_party_is_queued_for_review_when_it_matches_the_base(
    django_capture_on_commit_callbacks,
):
    a = PartyFactory(family_name="Smith", given_name="Alice", display_name="Alice Smith")
    ContactPointFactory(party=a, kind="email", value="alice@example.com")
    rebuild_match_index()
    with django_capture_on_commit_callbacks(execute=True):
        new = party_services.create_party(
            by=None,
            kind="person",
            family_name="Smith",
            given_name="Alice",
            contact_points=[("email", "alice@example.com")],
            status="provisional",
        )

    result = tasks.match_party.call(new.pk)
    again = tasks.match_party.call(new.pk)

    pair = DuplicateCandidate.objects.get()
    assert result == {"candidates": 1, "merged_into": None}
    assert again == {"candidates": 1, "merged_into": None}
    assert (pair.party_a_id, pair.party_b_id, pair.source) == (a.pk, new.pk, "ingestion")


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=1.01)
def test_new_party_is_not_queued_again_when_the_pair_was_dismissed(admin_user):
    a, b = _twins()
    DuplicateCandidate.objects.create(
        party_a=a, party_b=b, probability=0.9, status=CandidateStatus.NOT_DUPLICATE
    )
    rebuild_match_index()

    result = duplicates.match_new_party(b.pk)

    assert result == {"candidates": 0, "merged_into": None}
    assert DuplicateCandidate.objects.get().status == CandidateStatus.NOT_DUPLICATE


def test_new_party_is_not_matched_when_it_is_no_longer_active():
    a, b = _twins()
    b.status = "inactive"
    b.save()

    result = duplicates.match_new_party(b.pk)

    assert result == {"candidates": 0, "merged_into": None}
    assert DuplicateCandidate.objects.count() == 0


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=1.01)
def test_scan_task_returns_its_counts_when_run():
    _twins()

    out = tasks.detect_duplicates.call()

    assert out == {"scan": DuplicateScan.objects.get().pk, "pairs": 1, "new": 1}


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=0.6)
def test_new_party_is_merged_automatically_when_above_the_auto_threshold(
    django_capture_on_commit_callbacks,
):
    a, b = _twins()
    rebuild_match_index()

    with django_capture_on_commit_callbacks(execute=True):
        result = duplicates.match_new_party(b.pk)

    pair = DuplicateCandidate.objects.get()
    a.refresh_from_db()
    b.refresh_from_db()
    assert result["merged_into"] in {a.pk, b.pk}
    assert pair.status == CandidateStatus.AUTO_MERGED
    assert {a.status, b.status} == {"active", "merged"}


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=0.6)
def test_unmerged_pair_is_remembered_as_not_duplicate_when_merge_is_undone(
    django_capture_on_commit_callbacks,
):
    from reservoir.resolution.merging import unmerge
    from reservoir.resolution.models import Merge

    a, b = _twins()
    rebuild_match_index()
    with django_capture_on_commit_callbacks(execute=True):
        duplicates.match_new_party(b.pk)
    merge = Merge.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        unmerge(merge, by=None)
    again = duplicates.match_new_party(b.pk)

    assert DuplicateCandidate.objects.get().status == CandidateStatus.NOT_DUPLICATE
    assert again == {"candidates": 0, "merged_into": None}


@override_settings(RESOLUTION_AUTO_MERGE_THRESHOLD=0.6)
def test_auto_merge_keeps_the_survivors_name_and_fills_its_blanks_when_the_copy_is_newer():
    a, b = _twins()
    Party.objects.filter(pk=a.pk).update(
        birth_date=datetime.date(1990, 5, 1), gender="female", language=""
    )
    b.language = "en"
    b.save()  # the copy is the more recently updated, less complete record
    candidate = DuplicateCandidate.objects.create(
        party_a=a, party_b=b, probability=0.99, evidence=[], cluster_key=str(a.pk)
    )

    survivor_id = duplicates.auto_merge(candidate)

    survivor = Party.objects.get(pk=survivor_id)
    assert survivor_id == a.pk
    assert (survivor.family_name, survivor.display_name) == ("Smith", "Alice Smith")
    assert (survivor.birth_date, survivor.language) == (datetime.date(1990, 5, 1), "en")
