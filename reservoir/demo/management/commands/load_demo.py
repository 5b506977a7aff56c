"""`manage.py load_demo`: load the Qingliu Electric demo company into an empty database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reservoir.demo.loader import DemoRefused, load_demo


class Command(BaseCommand):
    help = (
        "Load a believable demo company (2,000 persons, 300 organizations, 20,000+ orders, "
        "100,000+ interactions at scale 1), deterministic from --seed. Loads once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="size factor (default 1.0; 0.1 is quick)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a previous demo load, if nothing else was added or changed since",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="date the history ends before (YYYY-MM-DD; default: today), for exact replays",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        try:
            load_demo(
                seed=options["seed"],
                scale=options["scale"],
                stdout=self.stdout,
                force=options["force"],
                today=options["today"],
            )
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
