"""The database side of matching: party rows → `PartyRecord`s, and the blocking-key index.

`MatchKey` holds the engine's `blocking_keys` of every active or provisional party, so "who
might be this record" is one indexed range scan per key instead of a pass over the base.
Written here rather than with Splink/recordlinkage because those block in bulk over
DataFrames; ingestion needs one record against a live, changing table in milliseconds.

Writes (`refresh_match_keys`, `rebuild_match_index`) are system maintenance: they are not
audited (they derive from audited party data and can be rebuilt at any time).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from django.db import connection, transaction

from reservoir.core.bulk import insert_rows
from reservoir.parties.enums import PartyKind, PartyStatus, RelationshipKind
from reservoir.parties.models import ContactPoint, Party, PostalAddress, Relationship
from reservoir.resolution.matching.records import PartyRecord
from reservoir.resolution.models import MatchKey

INDEXED_STATUSES = (PartyStatus.ACTIVE.value, PartyStatus.PROVISIONAL.value)
CHUNK = 5000
_ID_KINDS_SKIPPED = frozenset({"cookie"})  # a browser cookie says nothing about a person


def record_keys(record: PartyRecord) -> frozenset[str]:
    """The engine's blocking keys of `record`, cut to the column's 64 characters."""
    from reservoir.resolution.matching import blocking_keys

    return frozenset(k[:64] for k in blocking_keys(record))


def party_records(party_ids: Collection[int]) -> dict[int, PartyRecord]:
    """Return the `PartyRecord` of each existing party in `party_ids` (four queries a chunk)."""
    ids = sorted(set(party_ids))
    out: dict[int, PartyRecord] = {}
    for start in range(0, len(ids), CHUNK):
        out.update(_load(ids[start : start + CHUNK]))
    return out


def iter_party_records(*, statuses: Collection[str] = INDEXED_STATUSES) -> Iterator[PartyRecord]:
    """Yield the record of every party with one of `statuses`, CHUNK parties at a time."""
    last = 0
    while True:
        ids = list(
            Party.objects.filter(pk__gt=last, status__in=list(statuses))
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        records = _load(ids)
        yield from (records[i] for i in ids if i in records)
        last = ids[-1]


@functools.cache
def _sql() -> dict[str, str]:
    """The four reads of `_load`, with `{ids}` for the id placeholders.

    Raw SQL because `match_record` runs them on every incoming contact and the ORM's
    query compilation costs several times the indexed reads themselves.
    """
    q = connection.ops.quote_name

    def table(model: Any) -> str:
        return q(model._meta.db_table)

    def col(model: Any, name: str) -> str:
        return q(str(model._meta.get_field(name).column))

    P, C, A, R = Party, ContactPoint, PostalAddress, Relationship  # noqa: N806
    party_cols: tuple[str, ...] = ("id", "kind", "family_name", "given_name", "display_name")
    party_cols += ("legal_name", "birth_date", "gender")
    addr_cols = ("party", "street", "district", "city", "region", "postal_code", "country")
    # Names come from the models' _meta, values go in as parameters.
    return {
        "party": f"SELECT {', '.join(col(P, c) for c in party_cols)} FROM {table(P)} "  # noqa: S608
        f"WHERE {col(P, 'id')} IN ({{ids}})",
        "points": f"SELECT {col(C, 'party')}, {col(C, 'kind')}, {col(C, 'value')} "  # noqa: S608
        f"FROM {table(C)} WHERE {col(C, 'party')} IN ({{ids}}) "
        f"ORDER BY {col(C, 'party')}, {col(C, 'is_primary')} DESC, {col(C, 'id')}",
        "addresses": f"SELECT {', '.join(col(A, c) for c in addr_cols)} FROM {table(A)} "  # noqa: S608
        f"WHERE {col(A, 'party')} IN ({{ids}}) "
        f"ORDER BY {col(A, 'party')}, {col(A, 'is_primary')} DESC, {col(A, 'id')}",
        "employers": f"SELECT r.{col(R, 'from_party')}, o.{col(P, 'display_name')} "  # noqa: S608
        f"FROM {table(R)} r JOIN {table(P)} o ON o.{col(P, 'id')} = r.{col(R, 'to_party')} "
        f"WHERE r.{col(R, 'from_party')} IN ({{ids}}) AND r.{col(R, 'kind')} = %s "
        f"AND r.{col(R, 'until')} IS NULL ORDER BY r.{col(R, 'from_party')}, r.{col(R, 'id')} DESC",
    }


def _rows(cursor: Any, name: str, ids: list[int], *extra: Any) -> list[Any]:
    sql = _sql()[name].replace("{ids}", ", ".join(["%s"] * len(ids)))
    cursor.execute(sql, [*ids, *extra])
    return list(cursor.fetchall())


def _load(ids: list[int]) -> dict[int, PartyRecord]:
    """Read parties and their contact points, first address and employer into records."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        rows = _rows(cursor, "party", ids)
        if not rows:
            return {}
        points = _rows(cursor, "points", ids)
        address_rows = _rows(cursor, "addresses", ids)
        employer_rows = _rows(cursor, "employers", ids, RelationshipKind.EMPLOYEE_OF.value)
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    others: dict[int, list[str]] = defaultdict(list)
    for pid, kind, value in points:
        if kind == "email":
            emails[pid].append(value)
        elif kind == "phone":
            phones[pid].append(value)
        elif kind not in _ID_KINDS_SKIPPED:
            others[pid].append(f"{kind}:{value}")
    addresses: dict[int, tuple[str, ...]] = {}
    for pid, *parts in address_rows:
        addresses.setdefault(pid, tuple(parts))
    employers: dict[int, str] = {}
    for pid, name in employer_rows:
        employers.setdefault(pid, name)
    out = {}
    for pid, kind, family, given, display, legal, birth_value, gender in rows:
        street, district, city, region, postal, country = addresses.get(pid, ("",) * 6)
        is_org = kind == PartyKind.ORGANIZATION
        birth = birth_value
        if isinstance(birth, str):  # SQLite hands dates back as text through a raw cursor
            birth = dt.date.fromisoformat(birth)
        out[pid] = PartyRecord(
            key=pid,
            kind=kind,
            family_name="" if is_org else family,
            given_name="" if is_org else given,
            full_name=display,
            birth_date=birth,
            gender=gender,
            emails=tuple(emails.get(pid, ())),
            phones=tuple(phones.get(pid, ())),
            other_ids=tuple(others.get(pid, ())),
            company=legal if is_org else employers.get(pid, ""),
            street=f"{district} {street}".strip() if district else street,
            city=city,
            region=region,
            postal_code=postal,
            country=country,
        )
    return out


def _key_rows(records: Iterable[PartyRecord]) -> list[tuple[int, str]]:
    rows = []
    for record in records:
        rows += [(int(record.key), key) for key in sorted(record_keys(record))]
    return rows


@transaction.atomic
def refresh_match_keys(party_ids: Collection[int]) -> int:
    """Recompute the blocking keys of `party_ids`; parties no longer active lose theirs.

    Side effects: deletes and inserts MatchKey rows. Returns the number of keys written.
    """
    ids = sorted(set(party_ids))
    if not ids:
        return 0
    MatchKey.objects.filter(party_id__in=ids).delete()
    live = Party.objects.filter(pk__in=ids, status__in=INDEXED_STATUSES).values_list(
        "pk", flat=True
    )
    records = party_records(list(live))
    return insert_rows(MatchKey, ("party", "key"), _key_rows(records.values()))


@transaction.atomic
def rebuild_match_index() -> int:
    """Rebuild the whole index from the parties table in bulk; return the number of keys.

    Side effects: replaces every MatchKey row (one transaction; readers see old or new).
    """
    MatchKey.objects.all().delete()
    total = 0
    batch: list[PartyRecord] = []
    for record in iter_party_records():
        batch.append(record)
        if len(batch) >= CHUNK:
            total += insert_rows(MatchKey, ("party", "key"), _key_rows(batch))
            batch = []
    total += insert_rows(MatchKey, ("party", "key"), _key_rows(batch))
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner reads the whole new table instead of the index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(MatchKey._meta.db_table)}")
    return total


# ------------------------------------------------------------------ candidate lookup


@functools.cache
def _table() -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return (
        quote(MatchKey._meta.db_table),
        quote(str(MatchKey._meta.get_field("key").column)),
        quote(str(MatchKey._meta.get_field("party").column)),
    )


def candidate_ids(
    keys: Collection[str], *, cap: int = 200, limit: int = 300, exclude: Collection[int] = ()
) -> list[int]:
    """Return ids of parties sharing blocking keys with `keys`, most shared keys first.

    One query: each key's index range is read up to `cap + 1` rows; a key shared by more
    than `cap` parties (a common surname alone) says too little and only counts when no
    rarer key found anybody. At most `limit` ids come back.
    """
    keys = sorted(set(keys))
    if not keys:
        return []
    table, key_col, party_col = _table()
    one = f"SELECT * FROM (SELECT {key_col}, {party_col} FROM {table} WHERE {key_col} = %s LIMIT %s) AS k{{i}}"  # noqa: S608, E501
    sql = " UNION ALL ".join(one.format(i=i) for i in range(len(keys)))
    params: list[Any] = []
    for key in keys:
        params += [key, cap + 1]
    by_key: dict[str, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, pid in cursor.fetchall():
            by_key[key].append(pid)
    skip = set(exclude)
    rare = [ids for ids in by_key.values() if len(ids) <= cap]
    common = [ids for ids in by_key.values() if len(ids) > cap]
    # A shared key counts for more the fewer parties hold it (an e-mail: one; a name: dozens).
    score: dict[int, float] = defaultdict(float)
    for ids in rare:
        for pid in ids:
            score[pid] += 1.0 + 1.0 / len(ids)
    if score:
        for ids in common:
            for pid in ids:
                if pid in score:
                    score[pid] += 0.5
    else:
        hits: dict[int, int] = defaultdict(int)
        for ids in common:
            for pid in ids:
                hits[pid] += 1
        score = defaultdict(float, {pid: float(n) for pid, n in hits.items() if n >= 2})
    ranked = sorted((pid for pid in score if pid not in skip), key=lambda p: (-score[p], p))
    return ranked[:limit]
