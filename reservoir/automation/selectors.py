"""Reading rules and runs (automation configuration is visible to every staff member;
runs about a customer are shown only to those who may see that customer)."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from reservoir.automation.enums import RunStatus
from reservoir.automation.models import Rule, Run
from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors


def list_rules() -> QuerySet[Rule]:
    """Rules with their run counts and last run time (one query)."""
    return Rule.objects.annotate(
        run_count=Count("runs"),
        ok_count=Count("runs", filter=Q(runs__status=RunStatus.SUCCEEDED)),
        failed_count=Count(
            "runs",
            filter=Q(
                runs__status__in=[
                    RunStatus.FAILED,
                    RunStatus.LOOP_STOPPED,
                    RunStatus.RATE_LIMITED,
                ]
            ),
        ),
        last_run_at=Max("runs__created_at"),
    ).order_by("name", "id")


def get_rule(rule_id: int) -> Rule:
    rule = Rule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No automation rule with id %(id)s.") % {"id": rule_id})
    return rule


def list_runs(
    *, actor: User, rule_id: int | None = None, status: str = "", party_id: int | None = None
) -> QuerySet[Run]:
    """Runs, newest first; runs about a customer only when `actor` may see the customer."""
    visible = party_selectors.for_user(actor).values("pk")
    qs = Run.objects.select_related("rule").filter(
        Q(party_id__isnull=True) | Q(party_id__in=visible)
    )
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if status:
        qs = qs.filter(status=status)
    if party_id:
        qs = qs.filter(party_id=party_id)
    return qs.order_by("-created_at", "-id")


def get_run(*, actor: User, run_id: int) -> Run:
    run = list_runs(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No automation run with id %(id)s.") % {"id": run_id})
    return run
