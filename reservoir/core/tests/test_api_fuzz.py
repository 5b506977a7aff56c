"""Bad input never yields a 500: random bodies and query strings against every endpoint."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db
examples = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
odd_text = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "9" * 25,
        "abc",
        "\x00",
        "2025-13-40T99:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "+86 138",
        "☃",
        "null",
    ]
) | st.text(max_size=20)

VALID = {
    "/api/v1/parties": {
        "kind": "person",
        "given_name": "A",
        "contact_points": [{"kind": "phone", "value": "13800138000"}],
    },
    "/api/v1/interactions": {
        "contact": {"kind": "phone", "value": "13800138000"},
        "channel": "phone",
        "direction": "inbound",
        "occurred_at": "2025-01-01T00:00:00Z",
    },
    "/api/v1/interactions/batch": {
        "items": [{"party_id": 1, "channel": "sms", "direction": "inbound"}]
    },
    "/api/v1/orders": {"party_id": 1, "lines": [{"sku": "S", "quantity": 1}]},
    "/api/v1/tokens": {"name": "x"},
    "/api/v1/parties/1/contact-points": {"kind": "email", "value": "a@b.cn"},
}
LISTS = [
    "/api/v1/parties",
    "/api/v1/interactions",
    "/api/v1/orders",
    "/api/v1/products",
    "/api/v1/tokens",
    "/api/v1/identify",
    "/api/v1/parties/1/traits",
]
PARAMS = [
    "q",
    "kind",
    "role",
    "owner",
    "team",
    "cursor",
    "limit",
    "party_id",
    "channel",
    "since",
    "until",
    "phone",
    "email",
    "value",
]


def _assert_clean(response) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"


@examples
@given(
    case=st.tuples(
        st.sampled_from(sorted(VALID)),
        st.integers(min_value=0, max_value=20),
        json_values,
        st.sampled_from(["replace", "whole", "cut"]),
    )
)
def test_random_bodies_never_give_500(client, admin_user, case):
    path, n, value, mode = case
    client.force_login(admin_user)
    base = VALID[path]
    if mode == "replace":
        body = json.dumps({**base, sorted(base)[n % len(base)]: value})
    elif mode == "whole":
        body = json.dumps(value)
    else:
        body = json.dumps(base)[: n * 3]

    response = client.post(path, body, content_type="application/json")

    _assert_clean(response)


@examples
@given(
    path=st.sampled_from(LISTS),
    params=st.dictionaries(st.sampled_from(PARAMS), odd_text, max_size=4),
)
def test_random_query_strings_never_give_500(client, admin_user, path, params):
    client.force_login(admin_user)

    response = client.get(path, params)

    _assert_clean(response)


@examples
@given(segment=odd_text, method=st.sampled_from(["get", "patch", "delete", "put"]))
def test_random_paths_and_methods_never_give_500(client, admin_user, segment, method):
    client.force_login(admin_user)
    path = f"/api/v1/parties/{segment.replace('/', '')}/traits/{segment[:3]}"

    response = getattr(client, method)(path, content_type="application/json")

    _assert_clean(response)


def test_spec_and_docs_are_served_without_auth(client):
    spec = client.get("/api/openapi.json")
    docs = client.get("/api/docs")

    paths = spec.json()["paths"]
    assert (spec.status_code, docs.status_code) == (200, 200)
    assert "/api/v1/parties/{party_id}/360" in paths
    assert set(spec.json()["components"]["securitySchemes"]) == {
        "BearerTokenAuth",
        "SessionAuth",
        "CustomerSessionAuth",  # the customer portal's own API
    }
    assert all(op.get("security") for ops in paths.values() for op in ops.values())


def test_unknown_endpoint_and_wrong_method_are_problems(client, admin_user):
    client.force_login(admin_user)

    unknown = client.get("/api/v1/nothing-here")
    wrong = client.delete("/api/v1/parties")

    assert (unknown.status_code, wrong.status_code) == (404, 405)
    assert unknown["Content-Type"] == wrong["Content-Type"] == "application/problem+json"
    assert set(wrong["Allow"].split(", ")) == {"GET", "POST"}
