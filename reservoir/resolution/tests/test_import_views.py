"""The import wizard's pages: upload, mapping, job page with live progress, list, error file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reservoir.parties.models import Party
from reservoir.resolution.models import ImportJob
from reservoir.resolution.tests.import_support import analyzed, csv_bytes, imported, people, upload
from reservoir.workspace.tests.conftest import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _post_file(client, data: bytes, name: str = "cards.csv", **fields):
    form = {
        "source_tag": "Trade show 2026",
        "duplicate_policy": "update",
        "owner_mode": "me",
        **fields,
    }
    form["file"] = SimpleUploadedFile(name, data)
    return client.post(reverse("resolution:import_new"), form)


def test_upload_leads_to_the_mapping_page_with_suggestions_when_the_file_is_a_csv(client, rep_a):
    client.force_login(rep_a)

    response = _post_file(client, csv_bytes(people(3)))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resolution:import_mapping", args=[job.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="mobile" selected>' in html
    assert "测试00001" in html


def test_mapping_starts_the_dry_run_and_shows_the_job_when_submitted(client, rep_a):
    client.force_login(rep_a)
    job = upload(rep_a, csv_bytes(people(2)))
    form = {f"col_{i}": key for i, key in enumerate(job.mapping)}

    response = client.post(reverse("resolution:import_mapping", args=[job.pk]), form)

    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == "analyzing"
    assert response["Location"] == reverse("resolution:import_detail", args=[job.pk])


def test_mapping_is_refused_with_a_message_when_no_name_column_is_mapped(client, rep_a):
    client.force_login(rep_a)
    job = upload(rep_a, csv_bytes(people(2)))
    form = {f"col_{i}": "" for i in range(len(job.columns))}

    response = client.post(reverse("resolution:import_mapping", args=[job.pk]), form)

    job.refresh_from_db()
    assert response.status_code == 200
    assert "Map at least one column to a name" in response.content.decode()
    assert job.status == "mapping"


def test_malformed_upload_shows_the_error_and_stores_nothing_when_rejected(client, rep_a):
    client.force_login(rep_a)

    response = _post_file(client, b"PK\x03\x04garbage", name="broken.xlsx")

    assert response.status_code == 200
    assert (
        "This is not a readable Excel workbook (.xlsx); it may be damaged."
        in response.content.decode()
    )
    assert ImportJob.objects.count() == 0


def test_upload_over_the_size_limit_is_refused_when_posted(client, rep_a, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(rep_a)

    response = _post_file(client, csv_bytes(people(10)))

    assert response.status_code == 200
    assert "the limit is 100\xa0bytes" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_vcard_upload_goes_straight_to_its_dry_run_when_posted(client, rep_a):
    client.force_login(rep_a)
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:张;伟;;;\r\nFN:张伟\r\nTEL;TYPE=CELL:13800138000\r\nEND:VCARD\r\n"

    response = _post_file(client, card.encode(), name="phone.vcf")

    job = ImportJob.objects.get()
    assert (job.status, job.format) == ("analyzing", "vcf")
    assert response["Location"] == reverse("resolution:import_detail", args=[job.pk])


def test_job_page_polls_while_running_and_refreshes_when_done(client, rep_a):
    from reservoir.resolution.importing import services
    from reservoir.resolution.tasks_import import run_import

    client.force_login(rep_a)
    job = analyzed(upload(rep_a, csv_bytes(people(3))), rep_a)
    services.start_run(job, by=rep_a)
    url = reverse("resolution:import_detail", args=[job.pk]) + "?partial=progress&active=1"

    polling = client.get(url)
    run_import.call(job.pk)
    done = client.get(url)

    assert 'hx-trigger="every 1s"' in polling.content.decode()
    assert "HX-Refresh" not in polling
    assert 'hx-trigger="every 1s"' not in done.content.decode()
    assert done["HX-Refresh"] == "true"
    assert 'data-count="created">3<' in done.content.decode()


def test_job_page_shows_the_preview_and_dry_run_outcomes_when_analyzed(client, rep_a):
    client.force_login(rep_a)
    rows = [*people(2), ["坏邮箱", "", "not-an-email", "", "", "", ""]]
    job = analyzed(upload(rep_a, csv_bytes(rows)), rep_a)

    response = client.get(reverse("resolution:import_detail", args=[job.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "测试00001" in html and "+8613900000001" in html
    assert 'data-count="create">2<' in html
    assert 'data-count="error">1<' in html
    assert "is not an email address" in html
    assert reverse("resolution:import_errors", args=[job.pk]) in html


def test_error_file_lists_the_failing_rows_with_their_error_when_downloaded(client, rep_a):
    client.force_login(rep_a)
    rows = [*people(1), ["=cmd|' /C calc'!A0", "", "not-an-email", "", "", "", ""]]
    job = imported(upload(rep_a, csv_bytes(rows)), rep_a)

    response = client.get(reverse("resolution:import_errors", args=[job.pk]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == "姓名,手机,邮箱,公司,职位,城市,省份,Error"
    assert lines[1].startswith("'=cmd|' /C calc'!A0,,not-an-email,")
    assert "looks like a spreadsheet formula" in lines[1]
    assert len(lines) == 2


def test_other_teams_rep_cannot_see_the_job_when_not_in_the_team(client, rep_a, rep_b):
    job = upload(rep_a, csv_bytes(people(1)))
    client.force_login(rep_b)

    pages = [
        client.get(reverse(name, args=[job.pk]))
        for name in (
            "resolution:import_detail",
            "resolution:import_mapping",
            "resolution:import_errors",
        )
    ]
    run = client.post(reverse("resolution:import_run", args=[job.pk]))
    listing = client.get(reverse("resolution:import_list"))

    assert [p.status_code for p in pages] == [404, 404, 404]
    assert run.status_code == 404
    assert list(listing.context["page"].object_list) == []


def test_manager_sees_the_imports_of_the_teams_they_manage(client, rep_b, manager_b):
    job = upload(rep_b, csv_bytes(people(1)))
    client.force_login(manager_b)

    response = client.get(reverse("resolution:import_list"))

    assert [j.pk for j in response.context["page"].object_list] == [job.pk]


def test_import_list_runs_the_same_queries_when_it_has_more_jobs(client, rep_a):
    client.force_login(rep_a)
    url = reverse("resolution:import_list")
    upload(rep_a, csv_bytes(people(1)))
    one = count_queries(client, url)
    upload(rep_a, csv_bytes(people(1, start=1)))
    upload(rep_a, csv_bytes(people(1, start=2)))

    three = count_queries(client, url)

    assert one == three


def test_run_posted_from_the_job_page_queues_the_import_when_ready(client, rep_a):
    client.force_login(rep_a)
    job = analyzed(upload(rep_a, csv_bytes(people(2))), rep_a)

    response = client.post(reverse("resolution:import_run", args=[job.pk]))

    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == "queued"
    assert Party.objects.count() == 0


def test_job_page_names_the_look_alike_when_a_row_is_flagged(client, rep_a):
    from reservoir.parties.enums import ContactKind
    from reservoir.parties.models import ContactPoint
    from reservoir.parties.tests.factories import PartyFactory

    existing = PartyFactory(owner=rep_a, display_name="老客户")
    ContactPoint.objects.create(party=existing, kind=ContactKind.PHONE, value="+8613900000000")
    job = imported(upload(rep_a, csv_bytes(people(1)), duplicate_policy="create"), rep_a)
    client.force_login(rep_a)

    response = client.get(reverse("resolution:import_detail", args=[job.pk]))

    html = response.content.decode()
    assert "possible duplicate of" in html
    assert f'href="{reverse("workspace:party_detail", args=[existing.pk])}">老客户</a>' in html


def test_job_page_runs_the_same_queries_when_it_lists_more_rows(client, rep_a):
    client.force_login(rep_a)
    small = imported(upload(rep_a, csv_bytes(people(1))), rep_a)
    large = imported(upload(rep_a, csv_bytes(people(3, start=10))), rep_a)

    one = count_queries(client, reverse("resolution:import_detail", args=[small.pk]))
    three = count_queries(client, reverse("resolution:import_detail", args=[large.pk]))

    assert one == three


def test_territory_rules_change_only_when_a_manager_uploads(client, rep_a, manager_b, team_b):
    from reservoir.resolution.models import TerritoryRule

    client.force_login(rep_a)
    _post_file(client, csv_bytes(people(1)), territory_rules=f"广东 = {rep_a.username}")
    client.force_login(manager_b)

    _post_file(
        client, csv_bytes(people(1, start=1)), territory_rules=f"广东/深圳 = {manager_b.username}"
    )

    rules = list(TerritoryRule.objects.values_list("region", "city", "owner__username"))
    assert rules == [("广东", "深圳", manager_b.username)]
    assert ImportJob.objects.count() == 2
