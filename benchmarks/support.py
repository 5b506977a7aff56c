"""Service benchmark: opening cases, and the every-minute SLA check, in process.

    python benchmarks/support.py [--quick]

Migrates a fresh SQLite database in a temporary data folder, creates customers and agent
profiles, then prints:

    support_open_case_per_s      cases opened per second through `open_case` (first message,
                                 timeline conversation and interaction, SLA due times in
                                 business hours, automatic assignment, audit), one
                                 transaction each
    support_sla_idle_tick_ms     one `check_sla` run over all those open cases when nothing is
                                 due (what the scheduler pays every minute)
    support_sla_breaches_per_s   breaches recorded per second when every case is past due
                                 (one locked transaction, SlaEvent row, escalation and audit
                                 entry per case and target)
    support_sla_repeat_tick_ms   the same check again: nothing fires twice

Never fails on time.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

SIZES = {"full": {"cases": 2_000, "agents": 20}, "quick": {"cases": 200, "agents": 5}}
figure = functools.partial(_runner.figure, digits=1)


def main() -> None:
    args = _runner.make_parser(__doc__ or "").parse_args()
    size = SIZES["quick" if args.quick else "full"]
    with _runner.fresh_sqlite("reservoir-bench-support-"):
        run(size)


def run(size: dict[str, int]) -> None:
    """Measure on the database Django is set up on."""
    from zoneinfo import ZoneInfo

    from reservoir.iam.models import Team, User
    from reservoir.parties.models import Party
    from reservoir.support import services, sla
    from reservoir.support.models import AgentProfile

    tz = ZoneInfo("Asia/Shanghai")
    team = Team.objects.create(name="Service Desk")
    for i in range(size["agents"]):
        user = User.objects.create(username=f"agent{i}", team=team, role="service_agent")
        AgentProfile.objects.create(
            user=user, skills=["question", "repair"][i % 2 :], capacity=1_000
        )
    parties = Party.objects.bulk_create(
        [Party(kind="person", display_name=f"客户{i}") for i in range(size["cases"])]
    )
    sla.ensure_default_policies()
    opened_at = dt.datetime(2026, 3, 13, 17, 0, tzinfo=tz)
    kinds = ["question", "problem", "complaint", "repair", "request"]

    start = time.perf_counter()
    for i, party in enumerate(parties):
        services.open_case(
            party=party,
            subject=f"Case {i}",
            body="洗衣机不转了。The drum does not turn.",
            type=kinds[i % len(kinds)],
            channel="phone",
            by=None,
            opened_at=opened_at,
        )
    elapsed = time.perf_counter() - start
    figure("support_open_case_per_s", len(parties) / elapsed, "cases/s")

    start = time.perf_counter()
    idle = sla.check_sla(dt.datetime(2026, 3, 13, 17, 30, tzinfo=tz))
    figure("support_sla_idle_tick_ms", (time.perf_counter() - start) * 1000, "ms")
    print(f"support_sla_idle_events: {len(idle)}", flush=True)

    start = time.perf_counter()
    fired = sla.check_sla(dt.datetime(2026, 4, 30, 12, 0, tzinfo=tz), limit=10**9)
    elapsed = time.perf_counter() - start
    figure("support_sla_breaches_per_s", len(fired) / elapsed, "breaches/s")
    print(f"support_sla_breaches: {len(fired)}", flush=True)

    start = time.perf_counter()
    again = sla.check_sla(dt.datetime(2026, 4, 30, 12, 1, tzinfo=tz), limit=10**9)
    figure("support_sla_repeat_tick_ms", (time.perf_counter() - start) * 1000, "ms")
    print(f"support_sla_repeat_events: {len(again)}", flush=True)


if __name__ == "__main__":
    main()
