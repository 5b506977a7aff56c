"""Automation benchmark: condition evaluations and whole runs per second, in process.

    python benchmarks/automation.py [--quick]

Migrates a fresh SQLite database in a temporary data folder, creates parties with roles and
traits, and a rule "new prospect tagged 'Trade show 2026' in a segment", then prints:

    automation_evals_per_s   conditions evaluated per second, each for a different party with
                             its facts read from the database (what a run does before acting)
    automation_runs_per_s    whole runs per second: dispatch (run row + task row) and execute
                             (condition, assign round robin, create a to-do due in 2 business
                             days, run log) — each run in its own transactions

Never fails on time.
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

TARGETS = {"automation_evals_per_s": (">=", 500)}
SIZES = {
    "full": {"parties": 2_000, "evals": 20_000, "runs": 1_000},
    "quick": {"parties": 200, "evals": 2_000, "runs": 100},
}
CONDITION = (
    '"prospect" in customer.roles && "Trade show 2026" in customer.tags '
    '&& customer.segment in ["gold", "silver"] && !customer.has_open_complaint'
)


figure = functools.partial(_runner.figure, digits=1, targets=TARGETS)


def main() -> None:
    args = _runner.make_parser(__doc__ or "").parse_args()
    size = SIZES["quick" if args.quick else "full"]
    with _runner.fresh_sqlite("reservoir-bench-automation-"):
        run(size)


def run(size: dict[str, int]) -> None:
    """Measure on the database Django is set up on (writes parties, a rule, runs)."""
    from django.utils import timezone

    from reservoir.automation import conditions, engine
    from reservoir.automation.models import Rule
    from reservoir.automation.triggers import Occurrence
    from reservoir.iam.models import Team, User
    from reservoir.parties.models import Party, PartyRole, Trait

    now = timezone.now()
    team = Team.objects.create(name="Sales")
    for i in range(5):
        User.objects.create(username=f"rep{i}", team=team)
    parties = Party.objects.bulk_create(
        [
            Party(kind="person", display_name=f"P{i}", source="Trade show 2026")
            for i in range(size["parties"])
        ]
    )
    PartyRole.objects.bulk_create([PartyRole(party=p, role="prospect") for p in parties])
    Trait.objects.bulk_create(
        [
            Trait(
                party=p,
                key="segment",
                value=["gold", "silver", "new"][i % 3],
                source="manual",
                computed_at=now,
            )
            for i, p in enumerate(parties)
        ]
    )
    ids = [p.pk for p in parties]
    event = {"kind": "party.created", "depth": 0}

    conditions.holds(CONDITION, ids[0], event)  # compile once
    start = time.perf_counter()
    hits = sum(conditions.holds(CONDITION, ids[i % len(ids)], event) for i in range(size["evals"]))
    elapsed = time.perf_counter() - start
    figure("automation_evals_per_s", size["evals"] / elapsed, "evals/s")
    print(f"automation_eval_matches: {hits} of {size['evals']}", flush=True)

    rule = Rule.objects.create(
        name="Trade show",
        trigger="party.created",
        condition=CONDITION,
        max_runs_per_hour=100,
        actions=[
            {"type": "assign", "options": {"strategy": "round_robin", "team": team.pk}},
            {
                "type": "create_todo",
                "options": {
                    "title": "Follow up",
                    "due_in": 2,
                    "due_unit": "business_days",
                    "assign_to": "assigned",
                    "priority": "normal",
                },
            },
        ],
    )
    start = time.perf_counter()
    for pid in ids[: size["runs"]]:
        for r in engine.dispatch(Occurrence("party.created", pid, f"party:{pid}", {})):
            engine.execute(r.pk)
    elapsed = time.perf_counter() - start
    figure("automation_runs_per_s", size["runs"] / elapsed, "runs/s")
    print(f"automation_runs_succeeded: {rule.runs.filter(status='succeeded').count()}", flush=True)


if __name__ == "__main__":
    main()
