"""Limits on starting chats through the public widget endpoint, per client address and visitor.

`POST /chat/api/sessions` needs no sign-in, and a chat may create a provisional party and,
when nobody answers, a support case: without a limit a script floods the agents' queue.
Each start counts in fixed windows of CHAT_SESSION_WINDOW_SECONDS (default 600):

  CHAT_SESSIONS_PER_IP       (default 20) per client address: REMOTE_ADDR, which uvicorn
                             takes from X-Forwarded-For of a trusted proxy; IPv6 addresses
                             count per /64 (what one host or household usually holds)
  CHAT_SESSIONS_PER_VISITOR  (default 5) per visitor: the signed-in portal customer, else the
                             email address, else the phone number given

0 turns a limit off. Each is read from the Django setting, else the environment variable.
A start over a limit raises TooManyStarts (429; `retry_after` = seconds until the window
ends) before anything is written. Refused attempts count too. Windows are aligned to the
epoch, so across a window boundary a client gets at most twice the limit (the price of
fixed windows: one counter per key, no per-request log).

The counters live where every server process sees them: in the Django cache when it is
shared (Redis with REDIS_URL: atomic INCR); with the default per-process LocMemCache (or the
dummy cache) in ChatStartCount rows, counted by one INSERT … ON CONFLICT DO UPDATE …
RETURNING (SQLite 3.35+, PostgreSQL). `purge_start_counts` (hourly) deletes ended windows.

Why not django-ratelimit: it is not among our dependencies and counts in the cache only,
which in the default deployment is per process, so N server processes would allow N times
the limit.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from reservoir.contact_center.conf import setting_int
from reservoir.contact_center.models import ChatStartCount
from reservoir.core.errors import DomainError

CACHE_PREFIX = "chat-start:"


class TooManyStarts(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _("Too many chats were started from here. Please try again in a few minutes.")
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    scope: str  # "ip" | "visitor"
    value: str
    per_window: int


def window_seconds() -> int:
    return setting_int("CHAT_SESSION_WINDOW_SECONDS", 600, minimum=1)


def client_address(remote_addr: str) -> str:
    """The address a start counts against: IPv4 as is, IPv6 by its /64 network."""
    try:
        ip = ipaddress.ip_address(remote_addr.strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def visitor_key(*, party_id: int | None, email: str = "", phone: str = "") -> str:
    """Who is starting: the signed-in customer, else the email, else the phone ("" = nobody)."""
    if party_id is not None:
        return f"party:{party_id}"
    email = email.strip().lower()
    if email:
        return f"email:{email}"
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"phone:{digits}" if digits else ""


def limits(*, remote_addr: str, visitor: str) -> list[Limit]:
    """The limits a start from `remote_addr` by `visitor` counts against (switched-off ones
    left out)."""
    out = [
        Limit("ip", client_address(remote_addr), setting_int("CHAT_SESSIONS_PER_IP", 20)),
    ]
    if visitor:
        out.append(Limit("visitor", visitor, setting_int("CHAT_SESSIONS_PER_VISITOR", 5)))
    return [limit for limit in out if limit.per_window > 0]


def check_start(*, remote_addr: str, visitor: str, now: float | None = None) -> None:
    """Count one chat start; raise TooManyStarts when it goes over a limit.

    Limits are counted in order and counting stops at the first one exceeded. Side effects:
    the counters (their own autocommitted statement or cache write, kept when the start
    itself fails).
    """
    step = window_seconds()
    now = time.time() if now is None else now
    window_end = (int(now) // step + 1) * step
    for limit in limits(remote_addr=remote_addr, visitor=visitor):
        key = hashlib.sha256(f"{limit.scope}:{limit.value}:{step}".encode()).hexdigest()
        count = _hit(key, window_end, now)
        if count > limit.per_window:
            raise TooManyStarts(max(1, math.ceil(window_end - now)))


def _hit(key: str, window_end: int, now: float) -> int:
    """Add one to the counter of `key` in the window ending at `window_end`; return it."""
    if _cache_is_shared():
        name = f"{CACHE_PREFIX}{key}:{window_end}"
        timeout = max(1, math.ceil(window_end - now)) + 1
        cache.add(name, 0, timeout)
        try:
            return int(cache.incr(name))
        except ValueError:  # expired between add and incr
            cache.add(name, 1, timeout)
            return 1
    # A transaction of its own even so: on SQLite it then queues for the write lock with the
    # other writers rather than polling in SQLite's busy handler.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, window_end])
        row = cursor.fetchone()
    return int(row[0])


def _cache_is_shared() -> bool:
    """False for caches private to one process (their counts would not add up)."""
    return not isinstance(caches["default"], (LocMemCache, DummyCache))


@functools.cache
def _upsert_sql() -> str:
    """A constant, computed once the models are loaded (same text on SQLite and PostgreSQL)."""
    q = connection.ops.quote_name
    table = q(ChatStartCount._meta.db_table)
    key, end, count = q("key"), q("window_end"), q("count")
    return (
        f"INSERT INTO {table} ({key}, {end}, {count}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key}, {end}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )


def purge_start_counts(now: float | None = None) -> int:
    """Delete the counters of windows that have ended; return how many went."""
    cutoff = int(time.time() if now is None else now)
    deleted, _detail = ChatStartCount.objects.filter(window_end__lte=cutoff).delete()
    return deleted
