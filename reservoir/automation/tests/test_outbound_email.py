"""The "send email" action: consent, the customer's timeline, and at-most-once across retries."""

import importlib

import pytest
from django.apps import apps
from django.core import mail

from reservoir.audit.models import AuditEntry
from reservoir.automation import engine, tasks
from reservoir.automation.actions.registry import ActionContext, get
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run, RunStep
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.automation.triggers import Occurrence
from reservoir.consent import services as consent_services
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.timeline.models import Interaction

pytestmark = pytest.mark.django_db

FAILING_ESCALATION = {"type": "escalate", "options": {"to": "manager", "reason": "late"}}


def _email(purpose=None, to="customer"):
    options = {
        "to": to,
        "address": "",
        "subject": "Welcome, {{ customer }}",
        "body": "Dear {{ customer }}, thank you.",
    }
    if purpose is not None:
        options["purpose"] = purpose
    return {"type": "send_email", "options": options}


def _customer(email="li.lei@example.com", **kw):
    party = PartyFactory(display_name="Li Lei", **kw)
    ContactPointFactory(party=party, value=email, is_primary=True)
    return party


def _created(party):
    return Occurrence(TriggerKind.PARTY_CREATED, party.pk, f"party:{party.pk}", {})


def _consent(party, purpose, status):
    consent_services.record_consent(
        party, channel="email", purpose=purpose, status=status, source="staff"
    )


def test_customer_email_is_withheld_and_logged_when_marketing_has_no_opt_in():
    RuleFactory(actions=[_email("marketing")])
    party = _customer()

    engine.dispatch(_created(party))
    drain()

    run = Run.objects.get()
    assert mail.outbox == []
    assert Interaction.objects.filter(party=party).count() == 0
    assert run.status == RunStatus.SUCCEEDED
    assert run.log[0]["action"] == "send_email"
    assert run.log[0]["message"] == (
        "Not sent: the customer's consent to “Offers and news” by email is missing or withdrawn."
    )
    assert AuditEntry.objects.filter(action="automation.email.withheld").count() == 1
    assert AuditEntry.objects.filter(action="automation.email.sent").count() == 0


def test_customer_email_is_withheld_when_customer_objected_to_service_email():
    RuleFactory(actions=[_email("service")])
    party = _customer()
    _consent(party, "service", "withdrawn")

    engine.dispatch(_created(party))
    drain()

    run = Run.objects.get()
    assert mail.outbox == []
    assert Interaction.objects.filter(party=party).count() == 0
    assert "“Service messages”" in run.log[0]["message"]


def test_withheld_email_shows_in_the_rules_run_history(client, manager_b):
    rule = RuleFactory(actions=[_email("marketing")])
    party = _customer(owner=manager_b)
    engine.dispatch(_created(party))
    drain()
    client.force_login(manager_b)

    page = client.get(f"/automation/runs/?rule={rule.pk}")

    assert page.status_code == 200
    assert "Not sent: the customer&#x27;s consent to “Offers and news”" in page.content.decode()


def test_customer_email_is_sent_and_recorded_on_timeline_when_service_is_allowed():
    rule = RuleFactory(name="Welcome", actions=[_email("service")])
    party = _customer()

    engine.dispatch(_created(party))
    drain()

    run = Run.objects.get()
    interaction = Interaction.objects.get(party=party)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li.lei@example.com"]
    assert mail.outbox[0].subject == "Welcome, Li Lei"
    assert (interaction.channel, interaction.direction, interaction.kind) == (
        "email",
        "outbound",
        "message",
    )
    assert (interaction.subject, interaction.body) == ("Welcome, Li Lei", "Dear Li Lei, thank you.")
    assert (interaction.source, interaction.external_id) == ("automation", f"run:{run.pk}:action:0")
    assert interaction.staff_id is None
    assert interaction.contact_address == "li.lei@example.com"
    assert (interaction.link_app, interaction.link_pk, interaction.link_label) == (
        "automation",
        str(run.pk),
        rule.name,
    )
    assert run.log[0]["message"] == "Email sent to li.lei@example.com."


def test_timeline_shows_the_plain_text_email_as_sent_when_it_looks_like_html():
    RuleFactory(
        actions=[
            {
                "type": "send_email",
                "options": {
                    "to": "customer",
                    "address": "",
                    "purpose": "service",
                    "subject": "Offer",
                    "body": "Save <b>10%</b> & more",
                },
            }
        ]
    )
    party = _customer()

    engine.dispatch(_created(party))
    drain()

    assert mail.outbox[0].body == "Save <b>10%</b> & more"
    assert Interaction.objects.get(party=party).body == "Save &lt;b&gt;10%&lt;/b&gt; &amp; more"


def test_marketing_email_is_sent_when_customer_opted_in():
    RuleFactory(actions=[_email("marketing")])
    party = _customer()
    _consent(party, "marketing", "granted")

    engine.dispatch(_created(party))
    drain()

    assert len(mail.outbox) == 1
    assert Interaction.objects.filter(party=party, source="automation").count() == 1


def test_email_without_purpose_counts_as_service_when_rule_predates_the_option():
    RuleFactory(actions=[_email(purpose=None)])
    party = _customer()

    engine.dispatch(_created(party))
    drain()

    assert len(mail.outbox) == 1
    assert Interaction.objects.filter(party=party).count() == 1


def test_owner_email_is_sent_without_consent_and_not_put_on_timeline():
    owner = UserFactory(email="owner@example.com")
    RuleFactory(actions=[_email("marketing", to="owner")])
    party = _customer(owner=owner)

    engine.dispatch(_created(party))
    drain()

    assert mail.outbox[0].to == ["owner@example.com"]
    assert Interaction.objects.count() == 0
    assert AuditEntry.objects.filter(action="automation.email.withheld").count() == 0


def test_email_carries_stable_message_id_derived_from_run_and_action():
    RuleFactory(actions=[_email("service"), _email("service")])
    party = _customer()

    engine.dispatch(_created(party))
    drain()

    run = Run.objects.get()
    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert ids[0].startswith(f"<automation.{run.pk}-0-")
    assert ids[1].startswith(f"<automation.{run.pk}-1-")
    assert ids[0].endswith("@localhost>")
    assert Interaction.objects.filter(party=party).count() == 2


def test_retried_run_sends_email_once_when_a_later_action_fails():
    RuleFactory(actions=[_email("service"), FAILING_ESCALATION])
    party = _customer(team=TeamFactory())

    engine.dispatch(_created(party))
    drain(retrying=True)

    run = Run.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.attempts == 4
    assert len(mail.outbox) == 1
    assert Interaction.objects.filter(party=party).count() == 1
    assert run.log[0]["message"] == "Email sent to li.lei@example.com."
    assert run.log[0]["attempt"] == 1
    assert "no manager" in run.log[-1]["message"]


def test_task_run_twice_for_same_run_sends_once_when_worker_died_before_finishing():
    RuleFactory(actions=[_email("service")])
    party = _customer()
    (run,) = engine.dispatch(_created(party))

    tasks.execute_run.call(run.pk)
    # The worker died after the action's ledger row committed, before the run was marked done.
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, log=[], finished_at=None)
    status = tasks.execute_run.call(run.pk)

    run.refresh_from_db()
    assert status == RunStatus.SUCCEEDED
    assert run.attempts == 2
    assert len(mail.outbox) == 1
    assert Interaction.objects.filter(party=party).count() == 1
    assert RunStep.objects.filter(run=run).count() == 1
    assert run.log[0]["message"] == "Email sent to li.lei@example.com."


def test_action_sent_twice_in_the_unknowable_gap_keeps_message_id_and_one_interaction():
    rule = RuleFactory(actions=[_email("service")])
    party = _customer()
    run = engine.create_run(rule, event_key="k", party_id=party.pk, event={}, enqueue=False)
    send = get("send_email")

    for _attempt in range(2):  # no ledger: as if the process died after sending, twice
        ctx = ActionContext(
            rule_id=rule.pk, run_id=run.pk, party=party, event={}, now=run.created_at, index=0
        )
        send.run(ctx, rule.actions[0]["options"])

    ids = {m.message()["Message-ID"] for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert len(ids) == 1
    assert Interaction.objects.filter(party=party).count() == 1


def test_migration_gives_existing_email_actions_the_service_purpose():
    migration = importlib.import_module("reservoir.automation.migrations.0004_email_action_purpose")
    legacy = RuleFactory(
        actions=[
            _email(purpose=None),
            {"type": "notify", "options": {"recipient": "owner", "message": "x"}},
            {"type": "send_email", "options": None},
        ]
    )
    chosen = RuleFactory(actions=[_email("marketing")])

    migration.add_purpose(apps, None)

    legacy.refresh_from_db()
    chosen.refresh_from_db()
    assert legacy.actions[0]["options"]["purpose"] == "service"
    assert legacy.actions[1]["options"] == {"recipient": "owner", "message": "x"}
    assert legacy.actions[2]["options"] == {"purpose": "service"}
    assert chosen.actions[0]["options"]["purpose"] == "marketing"
