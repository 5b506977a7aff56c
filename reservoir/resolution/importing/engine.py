"""The row loop shared by the dry run and the run: parse, de-duplicate, decide, (write).

Decisions per row: error · duplicate of an earlier row of the file · existing customer
(update, unchanged, or skip per the job's policy; a customer the importer may not see is
never touched) · possible duplicate below the auto-merge threshold (created, and the pair
queued for review) · new (created).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from reservoir.core import events
from reservoir.core.bulk import insert_rows
from reservoir.iam.models import User
from reservoir.parties.events import PartiesImported
from reservoir.parties.models import Party
from reservoir.parties.selectors import for_user
from reservoir.resolution.importing import dedupe, owners, writer
from reservoir.resolution.importing.readers import Table
from reservoir.resolution.importing.rows import ImportRow, RowError, parse_row
from reservoir.resolution.models import DuplicatePolicy, ImportJob, ImportRowResult, RowOutcome

CHUNK = 1000
_RESULT_FIELDS = ("job", "phase", "row", "outcome", "party_id", "matched_party_id",
                  "matched_by", "probability", "duplicate_of", "message")  # fmt: skip


@dataclass
class Decision:
    line: int
    outcome: str
    row: ImportRow | None = None
    match: dedupe.Match | None = None
    duplicate_of: int | None = None
    message: str = ""
    party_id: int | None = None


def parse_all(job: ImportJob, table: Table) -> list[ImportRow | Decision]:
    """Every row of the table parsed, or an error decision for rows that cannot be."""
    out: list[ImportRow | Decision] = []
    mapping = job.mapping
    for index, cells in enumerate(table.rows):
        line = table.first_row + index
        try:
            out.append(
                parse_row(
                    cells,
                    mapping,
                    line=line,
                    source=job.source_tag,
                    default_country=settings.DEFAULT_PHONE_REGION,
                )
            )
        except RowError as exc:
            out.append(Decision(line, RowOutcome.ERROR, message=exc.message))
    return out


def _chunks(
    items: Sequence[ImportRow | Decision], start: int
) -> Iterator[tuple[int, Sequence[ImportRow | Decision]]]:
    for offset in range(start, len(items), CHUNK):
        yield offset, items[offset : offset + CHUNK]


def decide(
    job: ImportJob, items: Sequence[ImportRow | Decision], index: dedupe.FileIndex
) -> list[Decision]:
    """Decide every item of one chunk (reads only)."""
    decisions: list[Decision] = []
    fresh: list[ImportRow] = []
    for item in items:
        if isinstance(item, Decision):
            decisions.append(item)
            continue
        earlier = index.earlier(item)
        if earlier is not None:
            decisions.append(Decision(item.line, RowOutcome.DUPLICATE, item, duplicate_of=earlier))
        else:
            decisions.append(Decision(item.line, RowOutcome.CREATE, item))
            fresh.append(item)
    repeats = dedupe.probable_repeats(fresh)
    for d in decisions:
        if d.line in repeats and d.outcome == RowOutcome.CREATE:
            d.outcome, d.duplicate_of = RowOutcome.DUPLICATE, repeats[d.line]
            d.message = _("Probably the same customer as row %(n)s.") % {"n": repeats[d.line]}
    fresh = [r for r in fresh if r.line not in repeats]
    exact = dedupe.exact_matches(fresh)
    probable = dedupe.probable_matches([r for r in fresh if r.line not in exact])
    for d in decisions:
        if d.outcome == RowOutcome.CREATE:
            d.match = exact.get(d.line) or probable.get(d.line)
    matched = {d.match.party_id for d in decisions if d.match and d.match.sure}
    visible = set()
    if matched and job.created_by is not None:
        visible = set(for_user(job.created_by).filter(pk__in=matched).values_list("pk", flat=True))
    for d in decisions:
        if d.match is None or d.outcome != RowOutcome.CREATE:
            continue
        d.party_id = d.match.party_id
        if not d.match.sure or job.duplicate_policy == DuplicatePolicy.CREATE:
            d.outcome = RowOutcome.FLAG
        elif job.duplicate_policy == DuplicatePolicy.SKIP:
            d.outcome = RowOutcome.SKIP
        elif d.match.party_id not in visible:
            d.outcome, d.message = RowOutcome.SKIP, writer.skip_message(d.match.party_id)
        elif d.match.by == "key":
            d.outcome = RowOutcome.UNCHANGED  # this very row was imported before
        else:
            d.outcome = RowOutcome.UPDATE
    return decisions


def _result_rows(job: ImportJob, phase: str, decisions: list[Decision]) -> list[tuple]:
    return [
        (
            job.pk,
            phase,
            d.line,
            d.outcome,
            d.party_id,
            d.match.party_id if d.match else None,
            d.match.by if d.match else "",
            round(d.match.probability, 4) if d.match and d.match.probability is not None else None,
            d.duplicate_of,
            d.message,
        )
        for d in decisions
    ]


def analyze_rows(job: ImportJob, table: Table) -> dict[str, int]:
    """The dry run over the whole table; returns totals per outcome (and "total")."""
    items = parse_all(job, table)
    index = dedupe.FileIndex()
    totals: Counter[str] = Counter()
    ImportRowResult.objects.filter(job=job, phase="dry").delete()
    for offset, chunk in _chunks(items, 0):
        decisions = decide(job, chunk, index)
        totals.update(d.outcome for d in decisions)
        with transaction.atomic():
            insert_rows(ImportRowResult, _RESULT_FIELDS, _result_rows(job, "dry", decisions))
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=offset + len(chunk))
    return {**{o: totals.get(o, 0) for o in RowOutcome.values}, "total": len(items)}


def run_rows(job: ImportJob, table: Table) -> bool:
    """Import the table from the job's processed offset, one transaction per chunk.

    Returns False when cancelled. Side effects: see writer; per chunk the row results,
    the job's counters, offset and round-robin cursor commit with the parties.
    """
    items = parse_all(job, table)
    index = dedupe.FileIndex()
    start = job.processed_rows if job.processed_rows < len(items) else 0
    for item in items[:start]:
        if isinstance(item, ImportRow):
            index.earlier(item)
    picker = owners.picker_for(job)
    teams: dict[int | None, int | None] = dict(User.objects.values_list("pk", "team_id"))
    orgs = writer.OrganizationCache()
    for offset, chunk in _chunks(items, start):
        if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            return False
        with transaction.atomic():
            decisions = decide(job, chunk, index)
            _write(job, decisions, picker, teams, orgs)
            counts = Counter(d.outcome for d in decisions)
            insert_rows(ImportRowResult, _RESULT_FIELDS, _result_rows(job, "run", decisions))
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=offset + len(chunk),
                round_robin_cursor=picker.cursor,
                created_count=F("created_count") + counts[RowOutcome.CREATE] + counts[RowOutcome.FLAG],
                updated_count=F("updated_count") + counts[RowOutcome.UPDATE],
                skipped_count=F("skipped_count") + counts[RowOutcome.SKIP]
                + counts[RowOutcome.UNCHANGED] + counts[RowOutcome.DUPLICATE],
                flagged_count=F("flagged_count") + counts[RowOutcome.FLAG],
                error_count=F("error_count") + counts[RowOutcome.ERROR],
            )  # fmt: skip
    return True


def _write(
    job: ImportJob,
    decisions: list[Decision],
    picker: owners.OwnerPicker,
    teams: dict[int | None, int | None],
    orgs: writer.OrganizationCache,
) -> None:
    new = [d for d in decisions if d.outcome in (RowOutcome.CREATE, RowOutcome.FLAG) and d.row]
    created = writer.create_parties(
        [(d.row, picker.pick(d.row)) for d in new if d.row],
        job=job,
        by=job.created_by,
        orgs=orgs,
        teams=teams,
    )
    for d in new:
        matched = d.party_id
        d.party_id = created[d.line]
        if d.outcome == RowOutcome.FLAG and d.match and matched:
            _flag(d.party_id, matched, d.match)
    if created:
        # One event per chunk, delivered after the chunk commits (nothing if it rolls back).
        events.publish(PartiesImported(job.pk, tuple(created.values()), job.source_tag))
    updates = [d for d in decisions if d.outcome == RowOutcome.UPDATE and d.party_id]
    parties = Party.objects.in_bulk([d.party_id for d in updates])
    pairs = []
    for d in updates:
        party = parties.get(d.party_id) if d.party_id else None
        if party is None or d.row is None:
            d.outcome = RowOutcome.SKIP
        else:
            pairs.append((d.row, party))
    changed = writer.update_parties(pairs, by=job.created_by)
    writer.remember_rows([(row, party.pk) for row, party in pairs], job=job)
    for d in updates:
        if d.outcome == RowOutcome.UPDATE and d.party_id not in changed:
            d.outcome = RowOutcome.UNCHANGED


def _flag(new_id: int, existing_id: int, match: dedupe.Match) -> None:
    """Queue the pair (new party, existing party) in the duplicates review queue."""
    from reservoir.resolution.duplicates import suggest_pair

    probability = match.probability if match.probability is not None else 1.0
    suggest_pair(
        new_id, existing_id, probability=probability, evidence=match.evidence, source="import"
    )
