"""Channel-layer group names."""


def party_group(party_id: int) -> str:
    """The group of sockets watching one party's 360 page."""
    return f"party.{party_id}"
