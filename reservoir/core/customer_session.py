"""Which customer (party) a browser session belongs to, shared by the portal and the chat widget.

The portal signs customers in and stores their party id here; the live-chat widget (a sibling
app that may not import the portal) reads the same key to recognise a signed-in customer.
"""

from typing import Any

CUSTOMER_SESSION_KEY = "reservoir.customer_party_id"


def customer_party_id(session: Any) -> int | None:
    """The signed-in customer's party id from a Django session (or a Channels scope session)."""
    if session is None:
        return None
    value = session.get(CUSTOMER_SESSION_KEY)
    return int(value) if value is not None else None
