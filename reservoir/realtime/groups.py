"""Channel-layer group names."""


def party_group(party_id: int) -> str:
    """The group of sockets watching one party's 360 page."""
    return f"party.{party_id}"


# Every socket watching a 360 page also joins this group: a batch of ingested interactions
# sends one message naming its parties, not one message per party.
INGESTED_GROUP = "timeline.ingested"
INGESTED_CHUNK = 1000  # party ids per message
