"""`{% party_todos_card party %}`: the open tasks about one customer, for the Customer 360."""

from __future__ import annotations

from typing import Any

from django import template

from reservoir.todos import selectors

register = template.Library()


@register.inclusion_tag("todos/includes/party_card.html", takes_context=True)
def party_todos_card(context: dict[str, Any], party: Any) -> dict[str, Any]:
    request = context["request"]
    todos = selectors.party_todos(actor=request.user, party_id=party.pk)
    return {
        "party": party,
        "todos": todos,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
