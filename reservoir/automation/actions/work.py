"""Actions that hand work to people: to-dos, notifications, escalations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation.actions.registry import ActionContext
from reservoir.calendars import businesstime
from reservoir.calendars import selectors as calendar_selectors
from reservoir.iam.models import User
from reservoir.todos import services as todo_services
from reservoir.todos.models import TodoPriority


def recipient(ctx: ActionContext, who: str, user_id: int | None) -> User | None:
    if who == "user" and user_id:
        return User.objects.filter(pk=user_id, is_active=True).first()
    if who == "assigned" and ctx.state.get("assignee_id") is not None:
        return User.objects.filter(pk=ctx.state["assignee_id"]).first()
    party = ctx.party
    if party is not None and party.owner_id:
        return User.objects.filter(pk=party.owner_id, is_active=True).first()
    return None


def due_at(ctx: ActionContext, amount: int, unit: str, calendar_id: int | None) -> dt.datetime:
    if unit == "days":
        return ctx.now + dt.timedelta(days=amount)
    spec = calendar_selectors.calendar_spec(calendar_id)
    if unit == "business_hours":
        return businesstime.add_business_hours(spec, ctx.now, amount)
    return businesstime.add_business_days(spec, ctx.now, amount)


def run_todo(ctx: ActionContext, options: dict[str, Any]) -> str:
    who = recipient(ctx, options.get("assign_to", "assigned"), options.get("user"))
    due = due_at(
        ctx, int(options.get("due_in") or 0), options.get("due_unit", ""), options.get("calendar")
    )
    todo = todo_services.create_todo(
        by=None,
        title=options["title"],
        assignee=who,
        due_at=due,
        party=ctx.party,
        priority=options.get("priority") or TodoPriority.NORMAL,
        source=f"automation:{ctx.rule_id}",
        link=("automation", "run", str(ctx.run_id)),
    )
    return _("Task #%(id)s for %(u)s, due %(d)s.") % {
        "id": todo.pk,
        "u": who.username if who else "—",
        "d": due.isoformat(timespec="minutes"),
    }


def run_notify(ctx: ActionContext, options: dict[str, Any]) -> str:
    who = recipient(ctx, options.get("recipient", "owner"), options.get("user"))
    if who is None:
        return _("Nobody to notify.")
    target = ctx.party if ctx.party is not None else who
    audit.record(
        None,
        "automation.notification.sent",
        target,
        data={"user": who.pk, "message": options["message"], "rule": ctx.rule_id},
    )
    return _("Notified %(u)s.") % {"u": who.username}


def run_escalate(ctx: ActionContext, options: dict[str, Any]) -> str:
    who: User | None = None
    if options.get("to") == "user":
        who = recipient(ctx, "user", options.get("user"))
    elif ctx.party is not None and ctx.party.team_id:
        who = (
            User.objects.filter(managed_teams=ctx.party.team_id, is_active=True)
            .order_by("id")
            .first()
        )
    if who is None:
        raise ValueError(_("Nobody to escalate to: the customer's team has no manager."))
    name = ctx.party.display_name if ctx.party is not None else ""
    todo = todo_services.create_todo(
        by=None,
        title=_("Escalation: %(r)s %(n)s") % {"r": options["reason"], "n": name},
        assignee=who,
        due_at=ctx.now,
        party=ctx.party,
        priority=TodoPriority.HIGH,
        source=f"automation:{ctx.rule_id}",
        link=("automation", "run", str(ctx.run_id)),
    )
    return _("Escalated to %(u)s (task #%(id)s).") % {"u": who.username, "id": todo.pk}
