"""The import publishes one PartiesImported per committed chunk (after commit, never on
rollback), with the ids of the parties the chunk's rows created."""

from collections import defaultdict

import pytest
from django.db import connection

from reservoir.core import events
from reservoir.parties.enums import PartyKind
from reservoir.parties.events import PartiesImported, PartyCreated
from reservoir.parties.models import Party
from reservoir.resolution.importing import engine
from reservoir.resolution.models import ImportRowResult
from reservoir.resolution.tests.import_support import csv_bytes, imported, people, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(monkeypatch):
    """The PartiesImported and PartyCreated events delivered during the test, in order."""
    handlers = defaultdict(list, {kind: list(hs) for kind, hs in events._handlers.items()})
    monkeypatch.setattr(events, "_handlers", handlers)
    seen: list[object] = []
    events.subscribe(PartiesImported, seen.append)
    events.subscribe(PartyCreated, seen.append)
    return seen


def _fail_row_results() -> None:
    """Make the database refuse the run's row results (written after the chunk's parties)."""
    table = ImportRowResult._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_row() RETURNS trigger AS $$ BEGIN "
                "IF NEW.phase = 'run' THEN RAISE EXCEPTION 'disk full'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_row()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
                "WHEN NEW.phase = 'run' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )


def test_one_event_with_the_three_new_ids_is_published_after_commit_when_three_rows_import(
    rep_a, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = imported(upload(rep_a, csv_bytes(people(3))), rep_a)
        assert published == []

    people_ids = tuple(
        Party.objects.filter(kind=PartyKind.PERSON, display_name__startswith="测试")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert job.created_count == 3
    assert len(people_ids) == 3
    assert published == [PartiesImported(job.pk, people_ids, "Trade show 2026")]


def test_one_event_per_chunk_is_published_when_the_file_spans_two_chunks(
    rep_a, published, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(engine, "CHUNK", 2)

    with django_capture_on_commit_callbacks(execute=True):
        job = imported(upload(rep_a, csv_bytes(people(3))), rep_a)

    ids = list(
        Party.objects.filter(kind=PartyKind.PERSON).order_by("pk").values_list("pk", flat=True)
    )
    assert [type(e) for e in published] == [PartiesImported, PartiesImported]
    assert [e.party_ids for e in published] == [tuple(ids[:2]), tuple(ids[2:])]
    assert {e.job_id for e in published} == {job.pk}


def test_nothing_is_published_when_the_chunk_rolls_back(
    rep_a, published, django_capture_on_commit_callbacks
):
    job = upload(rep_a, csv_bytes(people(3)))
    _fail_row_results()

    with django_capture_on_commit_callbacks(execute=True):
        job = imported(job, rep_a)

    assert job.status == "failed"
    assert "disk full" in job.error
    assert Party.objects.filter(kind=PartyKind.PERSON).count() == 0
    assert published == []


def test_nothing_is_published_when_a_re_run_creates_no_party(
    rep_a, published, django_capture_on_commit_callbacks
):
    data = csv_bytes(people(3))
    with django_capture_on_commit_callbacks(execute=True):
        imported(upload(rep_a, data), rep_a)
    published.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = imported(upload(rep_a, data, name="again.csv"), rep_a)

    assert again.created_count == 0
    assert published == []
