"""The import and export API: upload, list, read, run; export of visible parties."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservoir.core.tests.api_support import bearer
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.models import ImportJob
from reservoir.resolution.tasks_import import analyze_import, run_import
from reservoir.resolution.tests.import_support import csv_bytes, people, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _post(client, user, data: bytes, name: str = "cards.csv", **fields):
    form = {"source_tag": "Trade show 2026", **fields, "file": SimpleUploadedFile(name, data)}
    return client.post("/api/v1/imports", form, headers=bearer(user))


def test_upload_runs_and_reports_progress_when_called_through_the_api(client, rep_a):
    created = _post(client, rep_a, csv_bytes(people(4)))
    job_id = created.json()["id"]
    analyze_import.call(job_id)

    queued = client.post(f"/api/v1/imports/{job_id}/run", headers=bearer(rep_a))
    run_import.call(job_id)
    done = client.get(f"/api/v1/imports/{job_id}", headers=bearer(rep_a))

    assert created.status_code == 201
    assert created.json()["status"] == "analyzing"
    assert created.json()["mapping"][:3] == ["full_name", "mobile", "email"]
    assert (queued.status_code, queued.json()["status"]) == (202, "queued")
    body = done.json()
    assert (body["status"], body["created"], body["processed_rows"], body["percent"]) == (
        "completed", 4, 4, 100,
    )  # fmt: skip
    assert body["dry_run"]["create"] == 4


def test_malformed_file_is_a_422_problem_and_nothing_is_stored_when_uploaded(client, rep_a):
    response = _post(client, rep_a, b"\x89PNG\r\n\x1a\n" + bytes(range(256)), name="cards.csv")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "encoding" in response.json()["detail"]
    assert ImportJob.objects.count() == 0


def test_run_before_the_dry_run_is_a_409_when_called_too_early(client, rep_a):
    job_id = _post(client, rep_a, csv_bytes(people(1))).json()["id"]

    response = client.post(f"/api/v1/imports/{job_id}/run", headers=bearer(rep_a))

    assert response.status_code == 409
    assert Party.objects.count() == 0


def test_another_teams_job_is_404_when_read_through_the_api(client, rep_a, rep_b):
    job = upload(rep_a, csv_bytes(people(1)))

    read = client.get(f"/api/v1/imports/{job.pk}", headers=bearer(rep_b))
    run = client.post(f"/api/v1/imports/{job.pk}/run", headers=bearer(rep_b))
    listing = client.get("/api/v1/imports", headers=bearer(rep_b))

    assert (read.status_code, run.status_code) == (404, 404)
    assert listing.json()["items"] == []


def test_import_list_runs_the_same_queries_when_it_has_more_jobs(client, rep_a):
    from reservoir.core.tests.api_support import count_queries

    headers = bearer(rep_a)
    client.defaults.update({"HTTP_AUTHORIZATION": headers["Authorization"]})
    upload(rep_a, csv_bytes(people(1)))
    client.get("/api/v1/imports")
    one = count_queries(client, "/api/v1/imports")
    upload(rep_a, csv_bytes(people(1, start=1)))
    upload(rep_a, csv_bytes(people(1, start=2)))

    three = count_queries(client, "/api/v1/imports")

    assert one == three


def test_export_returns_only_visible_parties_when_called_through_the_api(client, rep_a, rep_b):
    mine = PartyFactory(owner=rep_a, display_name="Mine")
    PartyFactory(owner=rep_b, display_name="Theirs")

    response = client.get("/api/v1/exports/parties?format=csv", headers=bearer(rep_a))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{mine.pk},person,Mine" in text
    assert "Theirs" not in text


def test_export_refuses_an_unknown_format_when_asked(client, rep_a):
    response = client.get("/api/v1/exports/parties?format=pdf", headers=bearer(rep_a))

    assert response.status_code == 422
