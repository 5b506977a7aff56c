"""The shared API infrastructure, exercised through a small API of its own."""

import datetime as dt
import logging

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Router
from ninja.testing import TestClient

from reservoir.core.api import (
    BearerTokenAuth,
    Id,
    IdempotencyKey,
    Input,
    SessionAuth,
    StrictParser,
    field_name,
    idempotent,
    install_problem_handlers,
    paginate,
)
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.core.models import IdempotencyRecord, TaskEffect, WorkerHeartbeat

pytestmark = pytest.mark.django_db
router = Router()


class Line(Input):
    n: Id


class EffectIn(Input):
    key: str
    lines: list[Line] = []
    fail: bool = False


@router.post("/effects", response={201: dict})
@idempotent("test.effect")
def create_effect(request, payload: EffectIn, idempotency_key: IdempotencyKey = None):
    effect = TaskEffect.objects.create(key=payload.key, task_name="test")
    if payload.fail:
        raise InvalidInput("refused after writing", field="fail")
    return 201, {"id": effect.pk, "key": effect.key}


@router.get("/raise/{what}")
def raise_error(request, what: str):
    errors = {
        "404": Http404(),
        "not_found": NotFound("No such thing."),
        "conflict": Conflict("Clash.", field="key"),
        "boom": RuntimeError("secret internals"),
    }
    raise errors[what]


def _api(auth) -> NinjaAPI:
    api = NinjaAPI(urls_namespace=f"core-test-{id(auth)}", auth=auth, parser=StrictParser())
    install_problem_handlers(api)
    api.add_router("/", router)
    return api


@pytest.fixture
def client():
    return TestClient(_api([SessionAuth()]))


@pytest.fixture
def user(db):
    return get_user_model().objects.create(username="core-user")


def _beats(n: int) -> list[WorkerHeartbeat]:
    same = timezone.now().replace(microsecond=123456)
    return [
        WorkerHeartbeat.objects.create(
            worker_id=f"w{i}", hostname="h", pid=i, seen_at=same - dt.timedelta(seconds=i // 2)
        )
        for i in range(n)
    ]


def test_pages_cover_every_row_once_in_order_when_keys_tie():
    beats = _beats(5)
    expected = [b.pk for b in sorted(beats, key=lambda b: (b.seen_at, b.pk), reverse=True)]
    order = ("-seen_at", "-id")

    first = paginate(WorkerHeartbeat.objects.all(), order, cursor=None, limit=2)
    second = paginate(WorkerHeartbeat.objects.all(), order, cursor=first["next_cursor"], limit=2)
    third = paginate(WorkerHeartbeat.objects.all(), order, cursor=second["next_cursor"], limit=2)

    walked = [b.pk for page in (first, second, third) for b in page["items"]]
    assert walked == expected
    assert third["next_cursor"] is None


def test_page_takes_one_query_when_a_cursor_is_given(django_assert_num_queries):
    _beats(4)
    first = paginate(WorkerHeartbeat.objects.all(), ("-seen_at", "-id"), cursor=None, limit=2)

    with django_assert_num_queries(1):
        page = paginate(
            WorkerHeartbeat.objects.all(), ("-seen_at", "-id"), cursor=first["next_cursor"], limit=2
        )

    assert len(page["items"]) == 2


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "WyJ4Il0", "WyJub3QgYSBkYXRlIiwxXQ"])
def test_cursor_is_refused_when_tampered(cursor):
    with pytest.raises(InvalidInput) as exc:
        paginate(WorkerHeartbeat.objects.all(), ("-seen_at", "-id"), cursor=cursor, limit=2)

    assert exc.value.field == "cursor"


def test_field_name_names_the_item_index():
    assert field_name(("body", "payload", "items", 3, "channel")) == "items[3].channel"
    assert field_name(("query", "limit")) == "limit"
    assert field_name(("body", "payload")) == "body"


def test_same_key_and_body_replay_the_stored_response(client, user):
    headers = {"Idempotency-Key": "k-1"}

    first = client.post("/effects", json={"key": "e1"}, headers=headers, user=user)
    second = client.post("/effects", json={"key": "e1"}, headers=headers, user=user)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert TaskEffect.objects.count() == 1
    assert IdempotencyRecord.objects.get().scope == "test.effect"


def test_same_key_with_other_body_is_a_conflict_and_writes_nothing(client, user):
    headers = {"Idempotency-Key": "k-1"}
    client.post("/effects", json={"key": "e1"}, headers=headers, user=user)

    response = client.post("/effects", json={"key": "e2"}, headers=headers, user=user)

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "Idempotency-Key", "message": response.json()["detail"]}
    ]
    assert list(TaskEffect.objects.values_list("key", flat=True)) == ["e1"]


def test_keys_are_per_actor(client, user):
    other = get_user_model().objects.create(username="other")
    headers = {"Idempotency-Key": "k-1"}

    client.post("/effects", json={"key": "e1"}, headers=headers, user=user)
    response = client.post("/effects", json={"key": "e2"}, headers=headers, user=other)

    assert response.status_code == 201
    assert TaskEffect.objects.count() == 2


def test_failed_create_stores_neither_effect_nor_record(client, user):
    response = client.post(
        "/effects", json={"key": "e1", "fail": True}, headers={"Idempotency-Key": "k"}, user=user
    )

    assert response.status_code == 422
    assert TaskEffect.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


def test_validation_errors_name_nested_fields(client, user):
    response = client.post(
        "/effects", json={"key": "e", "lines": [{"n": 1}, {"n": "x"}], "extra": 1}, user=user
    )

    body = response.json()
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert body["type"] == "urn:reservoir:problem:validation_error"
    assert body["status"] == 422
    assert [e["field"] for e in body["errors"]] == ["lines[1].n", "extra"]
    assert body["errors"][0]["message"] == "Must be an integer."
    assert TaskEffect.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b'{"key": ', 400, "malformed_json"),
        (b"\xff\xfe\x00", 400, "malformed_json"),
        (b'{"key": "a\\u0000b"}', 422, "validation_error"),
        (b'{"key": "\\ud800"}', 422, "validation_error"),
        (b"[1, 2]", 422, "validation_error"),
    ],
)
def test_unreadable_body_is_a_4xx_problem(client, user, raw, status, code):
    response = client.post("/effects", data=raw, user=user)

    assert response.status_code == status
    assert response.json()["type"] == f"urn:reservoir:problem:{code}"
    assert TaskEffect.objects.count() == 0


@pytest.mark.parametrize(
    ("what", "status"), [("404", 404), ("not_found", 404), ("conflict", 409), ("boom", 500)]
)
def test_errors_become_problems(client, user, what, status, caplog):
    with caplog.at_level(logging.ERROR, logger="reservoir.core.api"):
        response = client.get(f"/raise/{what}", user=user)

    body = response.json()
    assert response.status_code == status
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail"}
    assert "secret internals" not in body["detail"]
    assert bool(caplog.records) is (status == 500)


def test_anonymous_request_is_401_with_challenge(client):
    response = client.get("/raise/404")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="reservoir"'
    assert response.json()["type"] == "urn:reservoir:problem:unauthenticated"


def test_bad_bearer_token_is_401_even_with_a_session(user):
    client = TestClient(_api([BearerTokenAuth(lambda raw: None), SessionAuth()]))

    response = client.get("/raise/404", headers={"Authorization": "Bearer rsv_nope"}, user=user)

    assert response.status_code == 401
    assert TaskEffect.objects.count() == 0


@pytest.mark.parametrize("key", ["x" * 201, "has space", "ключ"])
def test_malformed_idempotency_key_is_422(client, user, key):
    response = client.post(
        "/effects", json={"key": "e1"}, headers={"Idempotency-Key": key}, user=user
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert TaskEffect.objects.count() == 0
