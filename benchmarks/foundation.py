"""Foundation benchmark: Customer 360 API, identify-by-phone, and interaction ingestion.

    python benchmarks/foundation.py [--quick] [--database sqlite|postgres|both] [--explain]

Per database, a child process migrates a fresh database (SQLite in a temporary data folder,
or PostgreSQL `reservoir_bench` on 127.0.0.1, created and dropped here), loads the dataset
with raw bulk inserts, starts the real server (`reservoir serve`, default settings: one
uvicorn worker process per CPU, no Redis) and prints one line per figure,
`<figure_name>_<database>: <value> <unit>`, with the issue's target beside it.
Never fails on time; exits non-zero only when a path answered wrongly or the run broke.

How each figure is measured (the client runs in the child, on the same machine):
- identify_phone_*: in-process, `normalize_phone` + `parties.selectors.identify`, per call.
- c360_api_* and identify_phone_http_*: sequential GETs over one keep-alive connection with
  a bearer token, as a screen would fetch them; p50/p95 of the wall-clock time per request.
- ingest_http_per_s: POST /api/v1/interactions, one interaction per request (half by phone
  typed in varying formats, half by party id), from 8 client threads with one keep-alive
  connection each (HTTP_THREADS), as an integration with a small connection pool would
  send them; completed requests over the elapsed time.
- ingest_batch_per_s: `timeline.services.ingest_batch` in-process, 1,000 per call (phones in
  varying formats), each call its own transaction.
- raw_insert_per_s: the same table, rows built beforehand, one bulk INSERT (COPY on
  PostgreSQL) in one transaction: the ceiling the ratios compare against.
- *_server_cpu_ms: CPU time of all server processes per request: on a busy host the
  wall-clock figures include waiting for a CPU, and this does not.
- host_speed_start/end: CPU milliseconds of a fixed pure-Python loop. On a shared host the
  same code's CPU per request varies with it (by 2x between runs seen here).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

# figure -> (comparison, target), from the issue; printed beside the figure, never enforced
TARGETS = {
    "c360_api_p95_ms": ("<=", 25),
    "identify_phone_p95_ms": ("<=", 2),
    "ingest_http_per_s": (">=", 300),
    "ingest_batch_per_s": (">=", 10_000),
}
SIZES = {
    # dataset size, requests per figure, and time caps so a slow path cannot run for hours
    "full": {
        "parties": 100_000,
        "interactions": 1_000_000,
        "c360": 500,
        "identify": 2_000,
        "identify_http": 1_000,
        "http_posts": 3_000,
        "http_budget_s": 180,
        "batch_rows": 100_000,
        "batch_budget_s": 300,
    },
    "quick": {
        "parties": 5_000,
        "interactions": 50_000,
        "c360": 200,
        "identify": 1_000,
        "identify_http": 300,
        "http_posts": 500,
        "http_budget_s": 12,
        "batch_rows": 10_000,
        "batch_budget_s": 12,
    },
}
HTTP_THREADS = 8
TEAMS, REPS_PER_TEAM = 10, 5


class Report:
    """Prints `<name>_<db>: <value> <unit>` lines; remembers values for the ratios."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.values: dict[str, float] = {}
        self.failed = False

    def figure(self, name: str, value: float, unit: str, digits: int = 2) -> None:
        self.values[name] = value
        _runner.figure(name, value, unit, digits, suffix=f"_{self.db}", targets=TARGETS)

    def note(self, text: str) -> None:
        print(f"# [{self.db}] {text}", flush=True)

    def errors(self, what: str, errors: list[str]) -> None:
        if errors:
            self.failed = True
            self.figure(f"{what}_errors", len(errors), "count", 0)
            for err in errors[:3]:
                self.note(f"{what}: {err}")


# ------------------------------------------------------------------------- parent


def run_database(db: str, args: argparse.Namespace) -> int:
    """Run the child for `db` with a fresh database; print how long the whole run took."""
    start = time.perf_counter()
    rc = _runner.run_child(
        __file__,
        db,
        ["--explain"] if args.explain else [],
        quick=args.quick,
        prefix="reservoir-bench-",
        timeout=600 if args.quick else 3600,
    )
    print(f"run_s_{db}: {time.perf_counter() - start:.1f} s", flush=True)
    return rc


# -------------------------------------------------------------------------- child


def _users() -> tuple[Any, str, Any, str, dict[int, list[int]]]:
    """Create teams with reps, an agent who sees everyone, and API tokens for both."""
    from reservoir.iam import services as iam

    teams: dict[int, list[int]] = {}
    first = None
    for t in range(TEAMS):
        team = iam.save_team(by=None, name=f"Bench team {t}")
        first = first or team
        teams[team.pk] = [
            iam.create_user(by=None, username=f"rep{t}_{r}", role="sales_rep", team=team).pk
            for r in range(REPS_PER_TEAM)
        ]
    agent = iam.create_user(by=None, username="bench-agent", role="contact_center_agent")
    rep = iam.create_user(by=None, username="bench-rep", role="sales_rep", team=first)
    _token, agent_raw = iam.issue_token(user=agent, name="bench")
    _token, rep_raw = iam.issue_token(user=rep, name="bench")
    return agent, agent_raw, rep, rep_raw, teams


def host_speed_ms() -> float:
    """CPU time of a fixed pure-Python workload (the fastest of three): a shared host's speed.

    The same code's CPU per request moved by 2x between runs on the 2-core hosts these
    figures come from; this figure, printed at the start and end of each database's run,
    shows when the host itself was slow (higher is slower).
    """
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        sum(i * i for i in range(300_000))
        best = min(best, time.process_time() - start)
    return best * 1000


def child(db: str, quick: bool, show_plans: bool) -> int:
    _runner.setup_django(migrate=False)
    from django.conf import settings
    from django.db import connection

    from benchmarks import _dataset, _http
    from benchmarks import _measure as m

    size = SIZES["quick" if quick else "full"]
    rep = Report(db)
    rep.figure("host_cpus", os.cpu_count() or 0, "count", 0)
    rep.figure("host_load_1m_start", os.getloadavg()[0], "load", 2)
    rep.figure("host_speed_start", host_speed_ms(), "ms", 1)
    rng = random.Random(7)
    rep.figure("migrate_s", _runner.migrate_db(), "s", 1)

    t0 = time.perf_counter()
    agent, agent_token, rep_user, rep_token, teams = _users()
    ds = _dataset.build(n_parties=size["parties"], n_interactions=size["interactions"], teams=teams)
    rep.figure("dataset_build_s", time.perf_counter() - t0, "s", 1)
    t0 = time.perf_counter()
    _dataset.analyze()
    if db == "postgres":
        rep.figure("vacuum_analyze_s", time.perf_counter() - t0, "s", 1)
    rep.figure("parties", ds.parties, "count", 0)
    rep.figure("contact_points", ds.contact_points, "count", 0)
    rep.figure("interactions", ds.interactions, "count", 0)
    rep.figure("heavy_parties", len(ds.heavy), "count", 0)

    # identify-by-phone, the service path in-process
    ident = m.identify_service(ds, size["identify"], rng)
    rep.figure("identify_phone_p50_ms", m.percentile(ident.ms, 50), "ms", 3)
    rep.figure("identify_phone_p95_ms", m.percentile(ident.ms, 95), "ms", 3)
    rep.figure(
        "identify_phone_normalize_p95_ms", m.percentile(ident.extra["normalize"], 95), "ms", 3
    )
    rep.figure("identify_phone_query_p95_ms", m.percentile(ident.extra["query"], 95), "ms", 3)
    rep.figure("identify_phone_cpu_p95_ms", m.percentile(ident.extra["cpu"], 95), "ms", 3)
    rep.errors("identify_phone", ident.errors)
    connection.close()  # SQLite: leave the file to the server alone

    env = dict(os.environ)
    server_log = Path(settings.DATA_DIR) / "server.log"
    with _http.server(env, server_log) as (port, pid):

        def cpu_ms_per(n: int, since: float) -> float:
            return (_http.cpu_seconds(pid) - since) * 1000 / max(n, 1)

        n = size["c360"]
        ids = [rng.randint(1, ds.parties) for _ in range(n + 30)]
        m.get_many(port, agent_token, m.c360_paths(ids[:30]))  # warm-up
        cpu = _http.cpu_seconds(pid)
        r = m.get_many(port, agent_token, m.c360_paths(ids[30:]))
        rep.figure("c360_api_p50_ms", m.percentile(r.ms, 50), "ms")
        rep.figure("c360_api_p95_ms", m.percentile(r.ms, 95), "ms")
        rep.figure("c360_api_server_cpu_ms", cpu_ms_per(len(r.ms), cpu), "ms/request")
        rep.errors("c360_api", r.errors)
        heavy = [rng.choice(ds.heavy) for _ in range(max(20, n // 10))]
        r = m.get_many(port, agent_token, m.c360_paths(heavy))
        rep.figure("c360_api_heavy_p95_ms", m.percentile(r.ms, 95), "ms")
        rep.errors("c360_api_heavy", r.errors)
        mine = ds.team_parties[rep_user.team_id]
        cpu = _http.cpu_seconds(pid)
        r = m.get_many(port, rep_token, m.c360_paths([rng.choice(mine) for _ in range(n // 2)]))
        rep.figure("c360_api_rep_p95_ms", m.percentile(r.ms, 95), "ms")
        rep.figure("c360_api_rep_server_cpu_ms", cpu_ms_per(len(r.ms), cpu), "ms/request")
        rep.errors("c360_api_rep", r.errors)

        paths = m.identify_paths(ds, size["identify_http"] + 20, rng)
        m.get_many(port, agent_token, paths[:20])  # warm-up
        cpu = _http.cpu_seconds(pid)
        r = m.get_many(port, agent_token, paths[20:])
        rep.figure("identify_phone_http_p50_ms", m.percentile(r.ms, 50), "ms")
        rep.figure("identify_phone_http_p95_ms", m.percentile(r.ms, 95), "ms")
        rep.figure("identify_phone_http_server_cpu_ms", cpu_ms_per(len(r.ms), cpu), "ms/request")
        rep.errors("identify_phone_http", r.errors)

        posts = m.ingest_payloads(ds, size["http_posts"], rng, "http")
        cpu = _http.cpu_seconds(pid)
        r = m.post_concurrently(port, agent_token, posts, HTTP_THREADS, size["http_budget_s"])
        rep.figure("ingest_http_per_s", len(r.ms) / r.elapsed_s, "interactions/s", 0)
        rep.figure("ingest_http_count", len(r.ms), "requests", 0)
        rep.figure("ingest_http_p95_ms", m.percentile(r.ms, 95), "ms")
        rep.figure("ingest_http_server_cpu_ms", cpu_ms_per(len(r.ms), cpu), "ms/request")
        rep.errors("ingest_http", r.errors)

    if rep.failed and server_log.exists():
        # The data folder is removed after the run: keep the server's last words.
        errors = [ln for ln in server_log.read_text(errors="replace").splitlines() if ln.strip()]
        for line in [ln for ln in errors if '" 200 ' not in ln and '" 201 ' not in ln][-15:]:
            rep.note(f"server.log: {line[:300]}")

    # query counts per request, in-process (the same views, through the test client)
    pid = ds.heavy[0]
    _status, c360_sql = m.captured("GET", f"/api/v1/parties/{pid}/360", agent_token)
    rep.figure("c360_api_queries", len(c360_sql), "queries", 0)
    _status, sql = m.captured("GET", f"/api/v1/identify?phone={phone_of_quoted(pid)}", agent_token)
    rep.figure("identify_phone_http_queries", len(sql), "queries", 0)
    body = m.ingest_payloads(ds, 2, rng, "count")
    _status, sql = m.captured("POST", "/api/v1/interactions", agent_token, body[0])
    rep.figure("ingest_http_queries_by_phone", len(sql), "queries", 0)
    _status, sql = m.captured("POST", "/api/v1/interactions", agent_token, body[1])
    rep.figure("ingest_http_queries_by_party_id", len(sql), "queries", 0)
    if show_plans:
        for sql_text in c360_sql:
            if sql_text.lstrip().upper().startswith("SELECT"):
                rep.note(f"360 query: {sql_text}")
                for line in m.explain(sql_text):
                    rep.note(f"    {line}")

    cpu = time.process_time()
    b = m.ingest_batch(ds, size["batch_rows"], rng, agent, budget_s=size["batch_budget_s"])
    cpu = time.process_time() - cpu
    done = sum(b.extra.get("rows", []))
    rep.figure("ingest_batch_per_s", done / b.elapsed_s, "interactions/s", 0)
    rep.figure("ingest_batch_per_cpu_s", done / cpu, "interactions/cpu-s", 0)
    rep.figure("ingest_batch_count", done, "interactions", 0)
    rep.figure("ingest_batch_call_p95_ms", m.percentile(b.ms, 95), "ms", 1)
    rep.errors("ingest_batch", b.errors)

    raw = m.raw_insert(ds, size["batch_rows"], rng)
    rep.figure("raw_insert_per_s", size["batch_rows"] / raw.elapsed_s, "rows/s", 0)
    rep.errors("raw_insert", raw.errors)
    raw_rate = rep.values["raw_insert_per_s"]
    rep.figure("ingest_http_vs_raw_ratio", rep.values["ingest_http_per_s"] / raw_rate, "ratio", 4)
    rep.figure("ingest_batch_vs_raw_ratio", rep.values["ingest_batch_per_s"] / raw_rate, "ratio", 4)
    rep.figure("host_load_1m_end", os.getloadavg()[0], "load", 2)
    rep.figure("host_speed_end", host_speed_ms(), "ms", 1)
    return 1 if rep.failed else 0


def phone_of_quoted(pid: int) -> str:
    import urllib.parse

    from benchmarks._dataset import phone_of

    return urllib.parse.quote(phone_of(pid))


def main(argv: list[str] | None = None) -> int:
    parser = _runner.make_parser(__doc__ or "", database="both", child=True)
    parser.add_argument("--explain", action="store_true", help="print the 360's query plans")
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.quick, args.explain)
    print(f"# foundation benchmark, {'quick' if args.quick else 'full'} size", flush=True)
    rc = 0
    for db in _runner.databases(args.database):
        rc = run_database(db, args) or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
