import pytest

from reservoir.automation.enums import RunStatus
from reservoir.automation.models import Rule, Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Trade show follow-up",
    "trigger": "party.created",
    "condition": '"Trade show 2026" in customer.tags',
    "actions": [
        {
            "type": "create_todo",
            "options": {
                "title": "Call",
                "due_in": 2,
                "due_unit": "business_days",
                "assign_to": "owner",
                "priority": "normal",
            },
        }
    ],
}


def test_manager_creates_reads_updates_and_deletes_rule(client, manager_b):
    headers = bearer(manager_b)

    created = client.post(
        "/api/v1/automation/rules", RULE, content_type="application/json", headers=headers
    )
    rule_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/automation/rules/{rule_id}",
        {"enabled": False},
        content_type="application/json",
        headers=headers,
    )
    fetched = client.get(f"/api/v1/automation/rules/{rule_id}", headers=headers)
    deleted = client.delete(f"/api/v1/automation/rules/{rule_id}", headers=headers)

    assert created.status_code == 201
    assert created.json()["actions"][0]["options"]["due_in"] == 2
    assert patched.json()["enabled"] is False
    assert fetched.json()["name"] == "Trade show follow-up"
    assert deleted.status_code == 204
    assert Rule.objects.count() == 0


def test_invalid_condition_refused_with_position_when_creating(client, manager_b):
    body = {**RULE, "condition": 'customer.segment = "gold"'}

    response = client.post(
        "/api/v1/automation/rules", body, content_type="application/json", headers=bearer(manager_b)
    )

    assert response.status_code == 422
    assert "column 18" in response.json()["detail"]
    assert Rule.objects.count() == 0


def test_sales_rep_cannot_create_rule(client, rep_a):
    response = client.post(
        "/api/v1/automation/rules", RULE, content_type="application/json", headers=bearer(rep_a)
    )

    assert response.status_code == 403
    assert Rule.objects.count() == 0


def test_action_with_invalid_options_refused(client, manager_b):
    body = {**RULE, "actions": [{"type": "assign", "options": {"strategy": "round_robin"}}]}

    response = client.post(
        "/api/v1/automation/rules", body, content_type="application/json", headers=bearer(manager_b)
    )

    assert response.status_code == 422
    assert Rule.objects.count() == 0


def test_runs_list_hides_runs_about_customers_the_user_cannot_see(client, rep_a, team_b):
    rule = RuleFactory()
    hidden = PartyFactory(team=team_b)
    mine = PartyFactory(team=rep_a.team)
    Run.objects.create(rule=rule, key="a", trigger="x", party_id=hidden.pk)
    Run.objects.create(
        rule=rule, key="b", trigger="x", party_id=mine.pk, status=RunStatus.SUCCEEDED
    )

    response = client.get("/api/v1/automation/runs", headers=bearer(rep_a))

    assert [r["party_id"] for r in response.json()["items"]] == [mine.pk]


def test_expression_check_answers_position_and_reason(client, rep_a):
    response = client.post(
        "/api/v1/automation/expressions/check",
        {"expression": "customer.segmnt == 'a'"},
        content_type="application/json",
        headers=bearer(rep_a),
    )

    assert response.json()["valid"] is False
    assert response.json()["column"] == 10
    assert "customer.segment" in response.json()["reason"]


def _runs(rule, n):
    for i in range(n):
        Run.objects.create(rule=rule, key=f"k{i}", trigger="x")


def test_runs_endpoint_query_count_does_not_grow_with_runs(client, admin_user):
    rule = RuleFactory()
    client.defaults.update({"HTTP_AUTHORIZATION": bearer(admin_user)["Authorization"]})
    client.get("/api/v1/automation/runs")  # the token's first use is recorded once
    _runs(rule, 1)
    one = count_queries(client, "/api/v1/automation/runs")
    Run.objects.all().delete()
    _runs(rule, 3)

    three = count_queries(client, "/api/v1/automation/runs")

    assert one == three


def test_api_email_action_without_purpose_is_stored_as_service_and_bad_purpose_refused(
    client, manager_b
):
    headers = bearer(manager_b)
    email = {"to": "customer", "address": "", "subject": "Hi", "body": "Text"}

    created = client.post(
        "/api/v1/automation/rules",
        {**RULE, "actions": [{"type": "send_email", "options": email}]},
        content_type="application/json",
        headers=headers,
    )
    refused = client.post(
        "/api/v1/automation/rules",
        {**RULE, "actions": [{"type": "send_email", "options": {**email, "purpose": "spam"}}]},
        content_type="application/json",
        headers=headers,
    )

    assert created.status_code == 201
    assert created.json()["actions"][0]["options"]["purpose"] == "service"
    assert refused.status_code == 422
    assert "purpose" in refused.content.decode()
    assert Rule.objects.count() == 1
