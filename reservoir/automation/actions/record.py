"""Actions that change the customer record: a field, a trait, a tag, a role."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from reservoir.automation.actions.registry import ActionContext
from reservoir.parties import services as party_services
from reservoir.parties.enums import TraitSource
from reservoir.parties.models import Trait


def run_set_field(ctx: ActionContext, options: dict[str, Any]) -> str:
    party_services.update_party(ctx.party, by=None, **{options["field"]: options.get("value", "")})
    return _("Set %(f)s.") % {"f": options["field"]}


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_set_trait(ctx: ActionContext, options: dict[str, Any]) -> str:
    party_services.set_trait(
        ctx.party,
        key=options["key"],
        value=_value(options["value"]),
        source=TraitSource.COMPUTED,
        by=None,
    )
    return _("Trait %(k)s set.") % {"k": options["key"]}


def run_add_tag(ctx: ActionContext, options: dict[str, Any]) -> str:
    current = (
        Trait.objects.filter(party=ctx.party, key="tags").values_list("value", flat=True).first()
    )
    tags = list(current) if isinstance(current, list) else []
    if options["tag"] in tags:
        return _("Already tagged.")
    party_services.set_trait(
        ctx.party, key="tags", value=[*tags, options["tag"]], source=TraitSource.COMPUTED, by=None
    )
    return _("Tagged %(t)s.") % {"t": options["tag"]}


def run_add_role(ctx: ActionContext, options: dict[str, Any]) -> str:
    roles = list(ctx.party.roles.values_list("role", flat=True))
    if options["role"] not in roles:
        party_services.set_roles(ctx.party, [*roles, options["role"]], by=None)
    return _("Role %(r)s.") % {"r": options["role"]}
