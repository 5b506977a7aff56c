"""Facts about a party (profile, roles, traits, consent placeholder) and the party directory,
registered into the decisions registry (decisions sits beside parties and cannot read it).

Raw SQL on purpose: these reads run on every decision, whose budget is 2 ms; the ORM's
query compilation costs several times the indexed lookups themselves (as in
`parties.selectors.identify`).

Side effects: none; `register()` is called once from WorkspaceConfig.ready().
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from reservoir.decisions import facts as registry
from reservoir.decisions.facts import DecisionContext, PartyRef
from reservoir.iam.models import Team, User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.models import Party, PartyRole, Profile, Trait

PARTY_FACTS = (
    "customer.kind",
    "customer.status",
    "customer.roles",
    "customer.language",
    "customer.industry",
    "customer.team",
    "customer.preferred_channel",
    "customer.traits",
    "customer.segment",
    "customer.value_tier",
    "customer.vip",
    "customer.churn_risk",
    "customer.clv",
    "customer.propensities",
    # Until the consent ledger exists, an opt-out is the trait "marketing_opt_out".
    "customer.marketing_opt_out",
)


@functools.cache
def _sql() -> tuple[str, str]:
    party, team, profile = Party._meta.db_table, Team._meta.db_table, Profile._meta.db_table
    roles, traits = PartyRole._meta.db_table, Trait._meta.db_table
    one = (
        f"SELECT p.kind, p.status, p.language, p.industry, t.name, pr.preferences "  # noqa: S608
        f"FROM {party} p LEFT JOIN {team} t ON t.id = p.team_id "
        f"LEFT JOIN {profile} pr ON pr.party_id = p.id WHERE p.id = %s"
    )
    many = (
        f"SELECT 'r', role, NULL FROM {roles} WHERE party_id = %s "  # noqa: S608
        f"UNION ALL SELECT 't', {connection.ops.quote_name('key')}, value "
        f"FROM {traits} WHERE party_id = %s"
    )
    return one, many


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def party_facts(party_id: int, _ctx: DecisionContext) -> dict[str, Any]:
    """The party's own facts in two indexed reads (party + team + profile; roles + traits)."""
    one, many = _sql()
    with connection.cursor() as cursor:
        cursor.execute(one, [party_id])
        row = cursor.fetchone()
        if row is None:
            return {}
        cursor.execute(many, [party_id, party_id])
        rest = cursor.fetchall()
    kind, status, language, industry, team, preferences = row
    roles = sorted(name for tag, name, _v in rest if tag == "r")
    traits = {name: _json(value) for tag, name, value in rest if tag == "t"}
    prefs = _json(preferences) or {}
    props = traits.get("propensities")
    return {
        "customer.kind": kind,
        "customer.status": status,
        "customer.roles": roles,
        "customer.language": language,
        "customer.industry": industry,
        "customer.team": team or "",
        "customer.preferred_channel": _text(prefs.get("channel"))
        if isinstance(prefs, dict)
        else "",
        "customer.traits": traits,
        "customer.segment": _text(traits.get("segment")),
        "customer.value_tier": _text(traits.get("value_tier")),
        "customer.vip": traits.get("vip") is True,
        # analytics writes "clv.churn_risk" and "clv.value"; "churn_risk" / "clv" set by hand
        # or imported still count when no model has scored the customer
        "customer.churn_risk": _number(traits.get("clv.churn_risk", traits.get("churn_risk"))),
        "customer.clv": _number(traits.get("clv.value", traits.get("clv"))),
        "customer.propensities": (
            {str(k): _number(v) for k, v in props.items()} if isinstance(props, dict) else {}
        ),
        "customer.marketing_opt_out": traits.get("marketing_opt_out") is True,
    }


class Directory:
    """Visibility-filtered party lookups for the decisions pages and API."""

    def get(self, actor: User, party_id: int) -> PartyRef | None:
        row = party_selectors.for_user(actor).filter(pk=party_id).values("id", "display_name")
        found = row.first()
        return PartyRef(found["id"], found["display_name"]) if found else None

    def search(self, actor: User, text: str, limit: int) -> list[PartyRef]:
        qs = party_selectors.list_parties(actor=actor, search=text)
        return [
            PartyRef(p["id"], p["display_name"]) for p in qs.values("id", "display_name")[:limit]
        ]

    def names(self, actor: User, ids: Iterable[int]) -> dict[int, str]:
        qs = party_selectors.for_user(actor).filter(pk__in=set(ids))
        return dict(qs.values_list("id", "display_name"))

    def visible_ids(self, actor: User) -> QuerySet[Party, Any]:
        return party_selectors.for_user(actor).values("id")


def register() -> None:
    registry.register_provider("parties.profile", PARTY_FACTS, party_facts)
    registry.register_party_directory(Directory())
