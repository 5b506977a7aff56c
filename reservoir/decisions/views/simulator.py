"""The simulator: what would this customer get right now, in each channel, and why."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.decisions import facts as registry
from reservoir.decisions.engine import Decision, decide
from reservoir.decisions.enums import SIMULATED_CHANNELS, DecisionChannel, Suppress
from reservoir.decisions.facts import DecisionContext
from reservoir.decisions.forms import SimulatorForm
from reservoir.decisions.views.common import actor

SEARCH_LIMIT = 10


def _why(decisions: list[Decision]) -> list[dict[str, Any]]:
    """Fired rows across channels: each row once, with the channels it fired in."""
    labels = dict(DecisionChannel.choices)
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for d in decisions:
        for f in d.fired:
            item = seen.setdefault(
                (f.table, f.row),
                {"row": f, "channels": [], "tests": [(lb, _shown(v), c) for lb, v, c in f.tests]},
            )
            item["channels"].append((d.channel, labels.get(d.channel, d.channel)))
    return sorted(
        seen.values(), key=lambda i: (list(d.versions).index(i["row"].table), i["row"].row)
    )


def _shown(value: Any) -> str:
    """A fact value as staff read it: JSON literals (true, ["a", "b"]), not Python reprs."""
    if isinstance(value, str):
        return value or "—"
    return json.dumps(value, ensure_ascii=False, default=str)


@login_required
def simulator(request: HttpRequest) -> HttpResponse:
    """Runs decide() once per channel without logging (a simulation is not a contact)."""
    user = actor(request)
    form = SimulatorForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "channels": SIMULATED_CHANNELS}
    if form.is_valid():
        directory = registry.party_directory()
        text = form.cleaned_data["q"].strip()
        if text and not form.cleaned_data["party"]:
            context["found"] = directory.search(user, text, SEARCH_LIMIT)
        elif form.cleaned_data["party"]:
            party = directory.get(user, form.cleaned_data["party"])
            if party is None:
                raise Http404(_("No customer with id %(id)s.") % {"id": form.cleaned_data["party"]})
            now = timezone.now()
            decisions = [
                decide(
                    party.id,
                    DecisionContext(
                        channel=channel,
                        at=now,
                        staff_username=user.get_username(),
                        staff_role=user.role,
                        intent=form.cleaned_data["intent"],
                        basket_skus=form.skus(),
                    ),
                    actor=user,
                    log=False,
                )  # fmt: skip
                for channel in SIMULATED_CHANNELS
            ]
            labels, kinds = dict(DecisionChannel.choices), dict(Suppress.choices)
            context.update(
                party=party,
                results=[
                    (labels[d.channel], d, [kinds.get(k, k) for k in d.suppressed_kinds])
                    for d in decisions
                ],
                consistent=len({d.outputs_digest for d in decisions}) == 1,
                why=_why(decisions),
                facts=[(k, _shown(v)) for k, v in sorted(decisions[0].facts.items())],
                at=now,
            )
    return render(request, "decisions/simulator.html", context)


urlpatterns = [path("simulator/", simulator, name="simulator")]
