import pytest

from reservoir.automation.models import Rule, Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.core.tests.api_support import count_queries
from reservoir.iam.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Trade show",
    "trigger": "party.created",
    "condition": '"prospect" in customer.roles && "Trade show 2026" in customer.tags',
    "max_runs_per_hour": "10",
    "enabled": "on",
}


def test_manager_creates_rule_then_adds_ordered_actions_through_forms(client, manager_b):
    team = TeamFactory()
    client.force_login(manager_b)

    created = client.post("/automation/rules/new/", FORM)
    rule = Rule.objects.get()
    client.post(
        f"/automation/rules/{rule.pk}/actions/new/",
        {
            "type": "create_todo",
            "new-title": "Follow up",
            "new-due_in": "2",
            "new-due_unit": "business_days",
            "new-assign_to": "assigned",
            "new-priority": "normal",
        },
    )
    client.post(
        f"/automation/rules/{rule.pk}/actions/new/",
        {"type": "assign", "new-strategy": "round_robin", "new-team": str(team.pk)},
    )
    client.post(f"/automation/rules/{rule.pk}/actions/1/move/", {"direction": "up"})
    page = client.get(f"/automation/rules/{rule.pk}/")

    rule.refresh_from_db()
    assert created.status_code == 302
    assert [a["type"] for a in rule.actions] == ["assign", "create_todo"]
    assert rule.actions[0]["options"] == {
        "strategy": "round_robin",
        "team": team.pk,
        "territories": "",
    }
    assert page.status_code == 200


def test_invalid_condition_refused_at_save_with_position_and_reason(client, manager_b):
    client.force_login(manager_b)

    response = client.post(
        "/automation/rules/new/", {**FORM, "condition": '"prospect" in customer.rolez'}
    )

    assert response.status_code == 422
    assert "Line 1, column 24" in response.content.decode()
    assert "customer.roles" in response.content.decode()
    assert Rule.objects.count() == 0


def test_validate_endpoint_names_position_when_expression_invalid(client, rep_a):
    client.force_login(rep_a)

    bad = client.post("/automation/validate/", {"condition": "customer.vip &&"})
    good = client.post("/automation/validate/", {"condition": "customer.vip"})

    assert 'data-column="' in bad.content.decode()
    assert "expr-ok" in good.content.decode()


def test_sales_rep_sees_rules_but_cannot_edit_them(client, rep_a):
    rule = RuleFactory()
    client.force_login(rep_a)

    listing = client.get("/automation/")
    new = client.get("/automation/rules/new/")
    toggle = client.post(f"/automation/rules/{rule.pk}/toggle/")
    edit = client.post(f"/automation/rules/{rule.pk}/", {**FORM, "name": "x"})

    rule.refresh_from_db()
    assert listing.status_code == 200
    assert (new.status_code, toggle.status_code, edit.status_code) == (403, 403, 403)
    assert rule.enabled is True
    assert rule.name != "x"


def test_toggle_flips_enabled_when_manager(client, manager_b):
    rule = RuleFactory()
    client.force_login(manager_b)

    response = client.post(f"/automation/rules/{rule.pk}/toggle/", HTTP_HX_REQUEST="true")

    rule.refresh_from_db()
    assert response.status_code == 200
    assert rule.enabled is False


def test_rule_list_query_count_does_not_grow_with_rules(client, manager_b):
    client.force_login(manager_b)
    RuleFactory()
    one = count_queries(client, "/automation/")
    RuleFactory()
    RuleFactory()

    three = count_queries(client, "/automation/")

    assert one == three


def test_run_history_query_count_does_not_grow_with_runs(client, manager_b):
    client.force_login(manager_b)
    rule = RuleFactory()
    Run.objects.create(rule=rule, key="1", trigger="x", log=[{"message": "m", "ok": True}])
    one = count_queries(client, "/automation/runs/")
    Run.objects.create(rule=rule, key="2", trigger="x")
    Run.objects.create(rule=RuleFactory(), key="3", trigger="x")

    three = count_queries(client, "/automation/runs/?status=pending")
    three_all = count_queries(client, "/automation/runs/")

    assert one == three_all
    assert three <= one + 1


def test_action_save_answers_404_when_position_or_type_is_garbage(client, manager_b):
    rule = RuleFactory()
    client.force_login(manager_b)

    bad_index = client.post(f"/automation/rules/{rule.pk}/actions/abc/", {"type": "notify"})
    bad_type = client.post(f"/automation/rules/{rule.pk}/actions/new/", {"type": "rm -rf"})
    out_of_range = client.post(
        f"/automation/rules/{rule.pk}/actions/7/",
        {"type": "add_tag", "a7-tag": "x"},
    )

    rule.refresh_from_db()
    assert (bad_index.status_code, bad_type.status_code, out_of_range.status_code) == (
        404,
        404,
        302,
    )
    assert rule.actions == []


def _email_post(rule, **extra):
    data = {
        "type": "send_email",
        "new-to": "customer",
        "new-address": "",
        "new-subject": "Hello {{ customer }}",
        "new-body": "Our news",
    }
    data.update({f"new-{k}": v for k, v in extra.items()})
    return data


def test_email_action_saves_the_consent_purpose_chosen_in_the_editor(client, manager_b):
    rule = RuleFactory()
    client.force_login(manager_b)

    client.post(f"/automation/rules/{rule.pk}/actions/new/", _email_post(rule, purpose="marketing"))
    client.post(f"/automation/rules/{rule.pk}/actions/new/", _email_post(rule))
    page = client.get(f"/automation/rules/{rule.pk}/")

    rule.refresh_from_db()
    html = page.content.decode()
    assert [a["options"]["purpose"] for a in rule.actions] == ["marketing", "service"]
    assert 'name="a0-purpose"' in html
    assert '<option value="marketing" selected>' in html
    assert html.count('<option value="service" selected>') == 1


def test_email_action_with_unknown_purpose_is_refused_with_a_message(client, manager_b):
    rule = RuleFactory()
    client.force_login(manager_b)

    response = client.post(
        f"/automation/rules/{rule.pk}/actions/new/", _email_post(rule, purpose="spam"), follow=True
    )

    rule.refresh_from_db()
    assert response.status_code == 200
    assert "Send an email was not saved" in response.content.decode()
    assert rule.actions == []


def test_legacy_email_action_shows_service_purpose_in_the_editor(client, manager_b):
    rule = RuleFactory(
        actions=[
            {
                "type": "send_email",
                "options": {"to": "customer", "address": "", "subject": "s", "body": "b"},
            }
        ]
    )
    client.force_login(manager_b)

    page = client.get(f"/automation/rules/{rule.pk}/")

    assert '<option value="service" selected>' in page.content.decode()
