"""The visibility rule of `reservoir.iam.visibility`, as a SQL predicate on `dim_customer`.

The rule itself (who has which scope, which teams a user sees) comes from
`reservoir.iam.visibility.scope_for` and `visible_team_ids`; only its final shape is written
here, once, mirroring `visible_q`: ALL sees everything; no scope sees nothing; otherwise a
customer is visible when it is unowned (no owner and no team), owned by the user, or owned
by one of the user's visible teams. `tests/test_query_visibility.py` checks that the
warehouse and `visible_q` agree customer by customer. Values are bound parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reservoir.iam.enums import Scope
from reservoir.iam.visibility import scope_for, visible_team_ids

if TYPE_CHECKING:
    from reservoir.iam.models import User


def customer_predicate(user: User, *, alias: str = "c") -> tuple[str, list[Any]]:
    """Return (SQL, params) limiting rows to the customers `user` may see; ("", []) for all."""
    scope = scope_for(user)
    if scope == Scope.ALL:
        return "", []
    if not scope:
        return "1 = 0", []
    owner, team = f"{alias}.owner_id", f"{alias}.team_id"
    parts = [f"({owner} IS NULL AND {team} IS NULL)", f"{owner} = ?"]
    params: list[Any] = [user.pk]
    teams = sorted(visible_team_ids(user))
    if teams:
        parts.append(f"{team} IN ({', '.join('?' for _ in teams)})")
        params += teams
    return "(" + " OR ".join(parts) + ")", params
