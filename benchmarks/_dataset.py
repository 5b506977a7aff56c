"""Build the foundation benchmark dataset fast, with raw bulk inserts.

Rows go straight into the tables (executemany on SQLite, COPY on PostgreSQL) after
`migrate`; columns a caller does not give take the model's default, so a new NOT NULL
column with a default does not break the builder. Needs Django set up.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

PREFIXES: tuple[int, ...]
PREFIXES = (130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156)
PREFIXES += (157, 158, 159, 186, 187, 188, 189)
FAMILY = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "Smith", "Chan", "Wong", "Müller")
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "Anna", "Ben", "Chloe", "David")
ORG_WORDS = ("Pearl", "River", "Jade", "Harbour", "Summit", "Lotus", "Crane", "Golden")
ORG_KINDS = ("Trading", "Logistics", "Foods", "Electronics", "Textiles", "Holdings")
CITIES = (("广东", "深圳", "南山区"), ("上海", "上海", "浦东新区"), ("北京", "北京", "朝阳区"))
WORDS = [
    "order",
    "delivery",
    "invoice",
    "refund",
    "warranty",
    "upgrade",
    "price",
    "discount",
    "visit",
    "complaint",
]
# channel, kind, share (percent)
CHANNEL_MIX = (
    ("phone", "call", 35),
    ("email", "message", 25),
    ("chat", "message", 10),
    ("sms", "message", 10),
    ("web", "page_view", 10),
    ("meeting", "meeting", 5),
    ("visit", "visit", 5),
)
INTERACTION_COLUMNS = (
    "party_id",
    "channel",
    "direction",
    "kind",
    "occurred_at",
    "staff_id",
    "subject",
    "body",
    "outcome",
    "duration_seconds",
    "contact_address",
    "source",
    "external_id",
    "created_at",
)
YEARS = 3


def phone_of(party_id: int) -> str:
    """Return the unique E.164 mobile number of a party (7919 is prime to 10**8)."""
    prefix = PREFIXES[party_id % len(PREFIXES)]
    return f"+86{prefix}{(party_id * 7919) % 10**8:08d}"


def email_of(party_id: int) -> str:
    return f"customer{party_id}@mail{party_id % 7}.example.com"


def typed_phone(e164: str, style: int) -> str:
    """Return `e164` (+86 and 11 digits) as a person might type it, in one of 8 styles."""
    n = e164[3:]
    spaced = f"{n[:3]} {n[3:7]} {n[7:]}"
    styles = (
        e164,
        f"+86 {spaced}",
        f"{n[:3]}-{n[3:7]}-{n[7:]}",
        f"(+86) {n}",
        f"0086 {spaced}",
        n,
        spaced,
        f"{n[:3]}.{n[3:7]}.{n[7:]}",
    )
    return styles[style % len(styles)]


def insert_rows(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (values for `columns`, already in database form) into `model`'s table.

    Other columns take the model's defaults. COPY on PostgreSQL, executemany on SQLite;
    the caller holds the transaction.
    """
    from django.db import connection
    from django.utils import timezone

    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    template = model()
    now = timezone.now()
    const_cols: list[str] = []
    const_vals: list[Any] = []
    for f in opts.concrete_fields:
        if f.attname in columns or f.primary_key:
            continue
        value = getattr(template, f.attname)
        if value is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
            value = now
        const_cols.append(f.column)
        const_vals.append(f.get_db_prep_save(value, connection))
    cols = [by_attname[c].column for c in columns] + const_cols
    quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
    table = connection.ops.quote_name(opts.db_table)
    consts = tuple(const_vals)
    connection.ensure_connection()
    raw = connection.connection
    count = 0
    if connection.vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *consts))
                count += 1
        return count
    marks = ", ".join("?" for _ in cols)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 - names from _meta
    cur = raw.cursor()
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append((*row, *consts))
        if len(chunk) >= 20_000:
            cur.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        cur.executemany(sql, chunk)
        count += len(chunk)
    cur.close()
    return count


def db_time(value: dt.datetime) -> Any:
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)


def db_json(value: Any) -> Any:
    from django.db import connection

    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return json.dumps(value)


@dataclass
class Dataset:
    parties: int
    interactions: int
    organizations: list[int] = field(default_factory=list)
    heavy: list[int] = field(default_factory=list)
    team_parties: dict[int, list[int]] = field(default_factory=dict)
    contact_points: int = 0


def _schedule(
    rng: random.Random, n_parties: int, count: int, heavy: list[int], now: dt.datetime
) -> list[tuple[int, int]]:
    """Return (seconds ago, party id) per interaction, oldest first: heavy parties get hundreds."""
    span = YEARS * 365 * 86400
    plan: list[tuple[int, int]] = []
    for pid in heavy:
        if len(plan) >= count // 2:
            break
        plan.extend((rng.randrange(span), pid) for _ in range(rng.randint(150, 450)))
    plan.extend((rng.randrange(span), rng.randint(1, n_parties)) for _ in range(count - len(plan)))
    plan.sort(reverse=True)
    return plan


def interaction_rows(
    rng: random.Random,
    plan: Iterable[tuple[int, int]],
    now: dt.datetime,
    *,
    source: str,
    id_prefix: str,
    staff_ids: Sequence[int],
) -> Iterator[tuple[Any, ...]]:
    """Yield INTERACTION_COLUMNS rows for (seconds ago, party id) pairs."""
    mix = [(c, k) for c, k, share in CHANNEL_MIX for _ in range(share)]
    for n, (ago, pid) in enumerate(plan):
        channel, kind = mix[n % len(mix)] if n % 3 else rng.choice(mix)
        when = db_time(now - dt.timedelta(seconds=ago))
        word = WORDS[n % len(WORDS)]
        body = " ".join(rng.choices(WORDS, k=rng.randint(10, 30))) if n % 5 < 2 else ""
        address = (
            phone_of(pid)
            if channel in ("phone", "sms")
            else email_of(pid)
            if channel == "email"
            else ""
        )
        yield (
            pid,
            channel,
            "inbound" if n % 3 else "outbound",
            kind,
            when,
            staff_ids[n % len(staff_ids)] if staff_ids and n % 3 == 0 else None,
            f"About the {word} #{n % 9973}",
            body,
            "resolved" if kind == "call" and n % 2 else "",
            rng.randint(20, 900) if kind == "call" else None,
            address,
            source,
            f"{id_prefix}{n}",
            when,
        )


def build(
    *, n_parties: int, n_interactions: int, teams: dict[int, list[int]], seed: int = 42
) -> Dataset:
    """Insert parties with contacts, roles, employers, addresses, traits and interactions.

    `teams` maps team id to its members' user ids (owners). Party ids are 1..n_parties.
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from reservoir.parties.models import (
        ContactPoint,
        Party,
        PartyRole,
        PostalAddress,
        Profile,
        Relationship,
        Trait,
    )
    from reservoir.timeline.models import Interaction

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    ds = Dataset(parties=n_parties, interactions=n_interactions)
    ds.organizations = [i for i in range(1, n_parties + 1) if i % 20 == 0]
    persons = [i for i in range(1, n_parties + 1) if i % 20]
    ds.heavy = rng.sample(persons, max(1, n_parties // 100))
    plan = _schedule(rng, n_parties, n_interactions, ds.heavy, now)
    last: dict[int, int] = {}
    for ago, pid in plan:
        last[pid] = ago  # plan runs oldest first, so the last one seen is the newest
    team_ids = sorted(teams)
    staff_ids = sorted({u for members in teams.values() for u in members})
    created = db_time(now - dt.timedelta(days=YEARS * 365 + 30))

    party_cols = (
        "id",
        "kind",
        "status",
        "display_name",
        "family_name",
        "given_name",
        "name_order",
        "source",
        "owner_id",
        "team_id",
        "search_text",
        "last_interaction_at",
        "created_at",
        "updated_at",
    )

    def party_rows() -> Iterator[tuple[Any, ...]]:
        for pid in range(1, n_parties + 1):
            team = rng.choice(team_ids) if team_ids and rng.random() < 0.8 else None
            owner = rng.choice(teams[team]) if team and teams[team] and rng.random() < 0.5 else None
            if pid % 20 == 0:
                kind, family, given, order = "organization", "", "", "western"
                name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)} {pid}"
            else:
                kind, family, given = "person", rng.choice(FAMILY), rng.choice(GIVEN)
                eastern = not family.isascii()
                name = f"{family}{given}" if eastern else f"{given} {family}"
                order = "eastern" if eastern else "western"
            ago = last.get(pid)
            seen = db_time(now - dt.timedelta(seconds=ago)) if ago is not None else None
            text = f"{name} {phone_of(pid)} {email_of(pid)}".lower()
            ds.team_parties.setdefault(team or 0, []).append(pid)
            head = (pid, kind, "active", name, family, given, order, "bench", owner, team)
            yield (*head, text, seen, created, created)

    with transaction.atomic():
        insert_rows(Party, party_cols, party_rows())
        ds.contact_points = insert_rows(
            ContactPoint,
            ("party_id", "kind", "value", "raw", "is_primary", "verified", "created_at"),
            (
                row
                for pid in range(1, n_parties + 1)
                for row in (
                    (
                        pid,
                        "phone",
                        phone_of(pid),
                        typed_phone(phone_of(pid), 6),
                        True,
                        True,
                        created,
                    ),
                    (pid, "email", email_of(pid), email_of(pid), True, False, created),
                )
            ),
        )
        insert_rows(
            PartyRole,
            ("party_id", "role"),
            ((pid, "prospect" if pid % 10 == 3 else "customer") for pid in range(1, n_parties + 1)),
        )
        if ds.organizations:
            insert_rows(
                Relationship,
                ("from_party_id", "to_party_id", "kind", "title", "created_at"),
                (
                    (pid, rng.choice(ds.organizations), "employee_of", "Buyer", created)
                    for pid in persons
                    if pid % 5 < 2
                ),
            )
        insert_rows(
            PostalAddress,
            ("party_id", "format", "region", "city", "district", "street", "is_primary"),
            (
                (pid, "zh", *CITIES[pid % len(CITIES)], f"科技路{pid % 300}号", True)
                for pid in range(1, n_parties + 1)
                if pid % 2
            ),
        )
        computed = db_time(now - dt.timedelta(days=1))
        insert_rows(
            Trait,
            ("party_id", "key", "value", "source", "model_version", "computed_at"),
            (
                (pid, key, db_json(value), "computed", "bench-1", computed)
                for pid in range(1, n_parties + 1)
                if pid % 10 < 3
                for key, value in (
                    ("rfm.cell", f"{pid % 5 + 1}{pid % 4 + 1}{pid % 3 + 1}"),
                    ("clv.cny", round(pid % 977 * 13.7, 2)),
                    ("churn.risk", round((pid % 100) / 100, 2)),
                )
            ),
        )
        insert_rows(
            Profile,
            ("party_id", "demographics", "preferences"),
            (
                (pid, db_json({"occupation": "engineer"}), db_json({"channel": "phone"}))
                for pid in range(1, n_parties + 1)
                if pid % 5 == 0
            ),
        )
        insert_rows(
            Interaction,
            INTERACTION_COLUMNS,
            interaction_rows(rng, plan, now, source="seed", id_prefix="seed-", staff_ids=staff_ids),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Party]):
                cur.execute(sql)
    return ds


def analyze() -> None:
    """Refresh planner statistics on PostgreSQL, as autovacuum would after a load.

    SQLite is left as a real installation has it: Reservoir never runs ANALYZE there.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
