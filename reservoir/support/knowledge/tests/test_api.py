import pytest

from reservoir.core.tests.api_support import bearer
from reservoir.support.knowledge.models import Language, Visibility
from reservoir.support.knowledge.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return {
        "public": make_article("Resetting the router", "<p>Hold reset.</p>"),
        "internal": make_article(
            "Router admin passwords", "<p>In the vault.</p>", visibility=Visibility.INTERNAL
        ),
        "zh": make_article(
            "打印机故障", "<p>打印机无法连接无线网络</p>", language=Language.ZH_HANS
        ),
    }


def test_public_search_without_sign_in(client, articles):
    response = client.get("/api/v1/kb/search", {"q": "reset routers"})

    assert response.status_code == 200
    assert [h["id"] for h in response.json()] == [articles["public"].pk]
    assert response.json()[0]["snippet"] == "Hold <mark>reset</mark>."


def test_chinese_search_in_the_api(client, articles):
    response = client.get("/api/v1/kb/search", {"q": "打印机 网络"})

    assert [h["id"] for h in response.json()] == [articles["zh"].pk]


def test_staff_audience_needs_staff(client, articles, rep):
    anonymous = client.get("/api/v1/kb/search", {"q": "router", "audience": "staff"})
    staff = client.get(
        "/api/v1/kb/search", {"q": "router", "audience": "staff"}, headers=bearer(rep)
    )

    assert anonymous.status_code == 403
    assert anonymous["Content-Type"] == "application/problem+json"
    assert {h["id"] for h in staff.json()} == {articles["public"].pk, articles["internal"].pk}


def test_bad_token_is_401_not_public(client, articles):
    response = client.get(
        "/api/v1/kb/search", {"q": "router"}, headers={"Authorization": "Bearer rsv_nope"}
    )

    assert response.status_code == 401


def test_search_validates_input(client):
    empty = client.get("/api/v1/kb/search", {"q": ""})
    language = client.get("/api/v1/kb/search", {"q": "x", "language": "fr"})

    assert (empty.status_code, language.status_code) == (422, 422)


def test_get_public_article_and_hide_internal(client, articles):
    found = client.get(f"/api/v1/kb/articles/{articles['public'].slug}")
    hidden = client.get(f"/api/v1/kb/articles/{articles['internal'].slug}")

    assert found.status_code == 200
    assert found.json()["body_html"] == "<p>Hold reset.</p>"
    assert found.json()["version"] == 1
    assert hidden.status_code == 404


def test_search_takes_the_same_queries_for_1_and_3_hits(client):
    from reservoir.core.tests.api_support import count_queries

    make_article("Router one")
    one = count_queries(client, "/api/v1/kb/search?q=router")
    make_article("Router two")
    make_article("Router three")

    three = count_queries(client, "/api/v1/kb/search?q=router")

    assert one == three


ODD = ["", "0", "-1", "9" * 25, "abc", "\x00", "☃", "null", "%", "打印机\x00网络", "a" * 300]


@pytest.mark.parametrize("value", ODD)
def test_odd_input_never_yields_a_500(client, articles, value):
    answers = [
        client.get("/api/v1/kb/search", {"q": value}).status_code,
        client.get("/api/v1/kb/search", {"q": "x", "limit": value}).status_code,
        client.get("/api/v1/kb/search", {"q": "x", "audience": value}).status_code,
        client.get(f"/api/v1/kb/articles/{value or 'x'}").status_code,
        client.get("/kb/suggest/", {"q": value, "language": value}).status_code,
    ]

    assert all(code < 500 for code in answers), answers
