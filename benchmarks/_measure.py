"""The measured paths of the foundation benchmark (Django must be set up).

Each function runs a bounded number of operations and returns timings; printing is the
caller's job. HTTP calls go to the real server on 127.0.0.1 (see `_http.server`).
"""

from __future__ import annotations

import math
import random
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks._dataset import (
    INTERACTION_COLUMNS,
    Dataset,
    insert_rows,
    interaction_rows,
    phone_of,
    typed_phone,
)
from benchmarks._http import Client


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p50 of 1..4 is 2, p95 of 1..100 is 95)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass
class Timings:
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    extra: dict[str, list[float]] = field(default_factory=dict)


def identify_service(ds: Dataset, n: int, rng: random.Random) -> Timings:
    """Time `identify("phone", normalize_phone(raw))` for phones typed in varying formats."""
    from reservoir.parties.normalize import normalize_phone
    from reservoir.parties.selectors import identify

    samples = [
        (pid, typed_phone(phone_of(pid), rng.randrange(8)))
        for pid in (rng.randint(1, ds.parties) for _ in range(n + 100))
    ]
    out = Timings(extra={"normalize": [], "query": [], "cpu": []})
    for i, (pid, raw) in enumerate(samples):
        cpu = time.thread_time()
        start = time.perf_counter()
        value = normalize_phone(raw)
        mid = time.perf_counter()
        party = identify("phone", value)
        end = time.perf_counter()
        cpu = time.thread_time() - cpu
        if i < 100:  # warm-up
            continue
        out.ms.append((end - start) * 1000)
        out.extra["cpu"].append(cpu * 1000)
        out.extra["normalize"].append((mid - start) * 1000)
        out.extra["query"].append((end - mid) * 1000)
        if party is None or party.pk != pid:
            out.errors.append(f"{raw} -> {party and party.pk}, expected {pid}")
    return out


def get_many(port: int, token: str, paths: Sequence[str], *, warmup: int = 0) -> Timings:
    """GET each path over one keep-alive connection; the first `warmup` are not kept."""
    out = Timings()
    client = Client(port, token)
    try:
        for i, path in enumerate(paths):
            status, body, ms = client.call("GET", path)
            if i < warmup:
                continue
            out.ms.append(ms)
            if status != 200:
                out.errors.append(f"GET {path} -> {status} {body[:300]!r}")
    finally:
        client.close()
    return out


def c360_paths(party_ids: Sequence[int]) -> list[str]:
    return [f"/api/v1/parties/{pid}/360" for pid in party_ids]


def identify_paths(ds: Dataset, n: int, rng: random.Random) -> list[str]:
    phones = (typed_phone(phone_of(rng.randint(1, ds.parties)), rng.randrange(8)) for _ in range(n))
    return [f"/api/v1/identify?{urllib.parse.urlencode({'phone': p})}" for p in phones]


def ingest_payloads(ds: Dataset, n: int, rng: random.Random, run: str) -> list[dict[str, Any]]:
    """Half by an existing phone (typed in varying formats), half by party id."""
    out = []
    for i in range(n):
        pid = rng.randint(1, ds.parties)
        item: dict[str, Any] = {
            "channel": "phone",
            "direction": "inbound",
            "kind": "call",
            "subject": f"Benchmark call {i}",
            "source": "bench",
            "external_id": f"{run}-{i}",
        }
        if i % 2:
            item["party_id"] = pid
        else:
            item["contact"] = {"kind": "phone", "value": typed_phone(phone_of(pid), i // 2)}
        out.append(item)
    return out


def post_concurrently(
    port: int, token: str, payloads: list[dict[str, Any]], threads: int, budget_s: float
) -> Timings:
    """POST /api/v1/interactions from `threads` keep-alive clients until `payloads` run out.

    Stops handing out payloads after `budget_s` (a slow path must not run for hours).
    """
    out = Timings()
    lock = threading.Lock()
    cursor = iter(range(len(payloads)))
    deadline = time.monotonic() + budget_s

    def worker() -> None:
        client = Client(port, token)
        try:
            while True:
                with lock:
                    i = next(cursor, None) if time.monotonic() < deadline else None
                if i is None:
                    return
                status, body, ms = client.call("POST", "/api/v1/interactions", payloads[i])
                with lock:
                    out.ms.append(ms)
                    if status != 201:
                        out.errors.append(f"POST -> {status} {body[:300]!r}")
        except Exception as exc:  # noqa: BLE001 - reported as an error line, not a crash
            with lock:
                out.errors.append(f"client thread failed: {exc!r}")
        finally:
            client.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=1800)
    out.elapsed_s = time.perf_counter() - start
    return out


def ingest_batch(
    ds: Dataset,
    n: int,
    rng: random.Random,
    by: Any,
    *,
    budget_s: float,
    run: str = "batch",
    batch: int = 1000,
) -> Timings:
    """Time `timeline.services.ingest_batch` over `n` new interactions, `batch` per call.

    Stops after the call that crosses `budget_s`; `elapsed_s` covers the calls made.
    """
    from reservoir.timeline.services import InteractionInput, ingest_batch

    items = []
    for i in range(n):
        pid = rng.randint(1, ds.parties)
        items.append(
            InteractionInput(
                channel="phone",
                direction="inbound",
                kind="call",
                contact_kind="phone",
                contact_value=typed_phone(phone_of(pid), i),
                subject=f"Batch call {i}",
                source="bench-batch",
                external_id=f"{run}-{i}",
            )
        )
    out = Timings()
    start = time.perf_counter()
    for i in range(0, n, batch):
        if time.perf_counter() - start > budget_s:
            break
        t0 = time.perf_counter()
        created = ingest_batch(items[i : i + batch], by=by)
        out.ms.append((time.perf_counter() - t0) * 1000)
        out.extra.setdefault("rows", []).append(created)
        if created != len(items[i : i + batch]):
            out.errors.append(f"batch at {i}: created {created}")
    out.elapsed_s = time.perf_counter() - start
    return out


def raw_insert(ds: Dataset, n: int, rng: random.Random) -> Timings:
    """Time a raw bulk insert of `n` interaction rows (built beforehand) in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from reservoir.timeline.models import Interaction

    plan = [(rng.randrange(86400), rng.randint(1, ds.parties)) for _ in range(n)]
    rows = list(
        interaction_rows(
            rng, plan, timezone.now(), source="bench-raw", id_prefix="raw-", staff_ids=()
        )
    )
    out = Timings()
    start = time.perf_counter()
    with transaction.atomic():
        count = insert_rows(Interaction, INTERACTION_COLUMNS, rows)
    out.elapsed_s = time.perf_counter() - start
    if count != n:
        out.errors.append(f"inserted {count} of {n}")
    return out


def captured(method: str, path: str, token: str, body: Any = None) -> tuple[int, list[str]]:
    """Call the API in-process (Django test client); return the status and the SQL it ran."""
    import json

    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    with CaptureQueriesContext(connection) as ctx:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, json.dumps(body), content_type="application/json")
    return response.status_code, [q["sql"] for q in ctx.captured_queries]


def explain(sql: str) -> list[str]:
    """Return the plan of one captured SELECT (EXPLAIN ANALYZE on PostgreSQL)."""
    from django.db import connection

    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cur:
        cur.execute(prefix + sql)
        rows = cur.fetchall()
    if connection.vendor == "postgresql":
        return [r[0] for r in rows]
    return [f"{r[0]:>3} {r[1]:>3} {r[-1]}" for r in rows]
