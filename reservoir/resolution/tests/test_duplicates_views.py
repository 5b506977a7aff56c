import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.resolution.models import CandidateStatus, DuplicateCandidate

pytestmark = pytest.mark.django_db
URL = "/data/duplicates/"


def _pair(owner=None, probability=0.9, key=None):
    a = PartyFactory(owner=owner)
    b = PartyFactory(owner=owner)
    ContactPointFactory(party=a, kind="email")
    ContactPointFactory(party=b, kind="phone", value=f"+861380013{a.pk:04d}")
    evidence = [
        {"field": "email", "level": "exact", "weight": 9.0, "left": "x", "right": "x", "label": ""},
        {
            "field": "phone",
            "level": "different",
            "weight": -2.0,
            "left": "1",
            "right": "2",
            "label": "",
        },
    ]
    return DuplicateCandidate.objects.create(
        party_a=a,
        party_b=b,
        probability=probability,
        evidence=evidence,
        cluster_key=key or str(a.pk),
    )


def test_queue_shows_clusters_by_probability_with_evidence_when_open(client, admin_user):
    low = _pair(probability=0.7)
    high = _pair(probability=0.97)
    client.force_login(admin_user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f'data-cluster="{high.cluster_key}"') < html.index(
        f'data-cluster="{low.cluster_key}"'
    )
    assert "Email: exact" in html
    assert "Phone: different" in html
    assert f"/data/merge/?a={high.party_a_id}&amp;b={high.party_b_id}" in html


def test_queue_hides_pairs_with_an_invisible_party_when_rep_looks(client, rep_a, rep_b):
    mine = _pair(owner=rep_a)
    theirs = _pair(owner=rep_b)
    client.force_login(rep_a)

    html = client.get(URL).content.decode()

    assert f'id="pair-{mine.pk}"' in html
    assert f'id="pair-{theirs.pk}"' not in html


def test_queue_filters_by_status_and_probability_when_asked(client, admin_user):
    dismissed = _pair(probability=0.9)
    dismissed.status = CandidateStatus.NOT_DUPLICATE
    dismissed.save()
    weak = _pair(probability=0.65)
    client.force_login(admin_user)

    by_status = client.get(URL, {"status": "not_duplicate"}).content.decode()
    by_probability = client.get(URL, {"min_probability": "0.8"}).content.decode()

    assert f'id="pair-{dismissed.pk}"' in by_status
    assert f'id="pair-{weak.pk}"' not in by_status
    assert f'id="pair-{weak.pk}"' not in by_probability
    assert "No duplicates to review" in by_probability


def test_queue_takes_the_same_queries_when_it_has_more_clusters(client, admin_user):
    client.force_login(admin_user)
    _pair()
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    _pair()
    _pair(key=None)

    with CaptureQueriesContext(connection) as three:
        assert client.get(URL).status_code == 200

    assert len(three) == len(one)


def test_dismiss_by_htmx_swaps_the_row_when_posted(client, admin_user):
    pair = _pair()
    client.force_login(admin_user)

    response = client.post(
        reverse("resolution:duplicate_dismiss", args=[pair.pk]), HTTP_HX_REQUEST="true"
    )

    pair.refresh_from_db()
    assert response.status_code == 200
    assert "will not be suggested again" in response.content.decode()
    assert pair.status == CandidateStatus.NOT_DUPLICATE


def test_dismiss_answers_404_when_a_party_is_invisible(client, rep_a, rep_b):
    pair = _pair(owner=rep_b)
    client.force_login(rep_a)

    response = client.post(reverse("resolution:duplicate_dismiss", args=[pair.pk]))

    pair.refresh_from_db()
    assert response.status_code == 404
    assert pair.status == CandidateStatus.OPEN


def test_scan_button_enqueues_the_batch_task_when_a_manager_asks(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("resolution:duplicate_scan"))

    assert response.status_code == 302
    assert DBTaskResult.objects.filter(task_path__endswith="detect_duplicates").count() == 1


def test_scan_is_refused_when_a_sales_rep_asks(client, rep_a):
    client.force_login(rep_a)

    response = client.post(reverse("resolution:duplicate_scan"))

    assert response.status_code == 302
    assert DBTaskResult.objects.count() == 0
