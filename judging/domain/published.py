"""What an outside system may read of the results, in one place: the winners once published (any token), and the
rankings with scores only for a token with the read-results scope. Never a juror's identity: rankings carry entry
ids, scores, counts of scorecards and flag kinds, never who marked what (an outlier flag names a juror: only its
kind leaves)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Edition, Entry
from . import lifecycle


@dataclass(frozen=True)
class Standing:
    entry: Entry
    rank: int
    score: float | None
    scorecards: int
    flags: tuple[str, ...]
    outcome: str | None


@dataclass(frozen=True)
class CategoryResults:
    category_id: int
    code: str
    name: str
    round_name: str
    frozen: bool
    standings: list[Standing]


def _entries(ids) -> dict[int, Entry]:
    return {
        e.id: e
        for e in db.session.scalars(
            db.select(Entry).where(Entry.id.in_(list(ids))).options(selectinload(Entry.organisation))
        )
    }


def winners(edition: Edition) -> dict[int, dict[str, list[Entry]]]:
    """Category id -> {'winners': [...], 'finalists': [...]} once the results are published, else empty."""
    by_entry = lifecycle.outcomes(edition)
    if not by_entry:
        return {}
    entries = _entries(by_entry)
    result = {}
    for category in edition.categories:
        held = {"winners": [], "finalists": []}
        for entry_id, outcome in by_entry.items():
            entry = entries.get(entry_id)
            if entry is not None and entry.category_id == category.id:
                held["winners" if outcome == lifecycle.WINNER else "finalists"].append(entry)
        for key in held:
            held[key].sort(key=lambda e: e.title)
        result[category.id] = held
    return result


def results(edition: Edition) -> list[CategoryResults]:
    """Each category's deciding ranking: the frozen one when frozen, else the live one (read-results scope only)."""
    outcomes = lifecycle.outcomes(edition)
    found = []
    for category in edition.categories:
        round_, snapshot, ranking = lifecycle.deciding_ranking(category)
        entries = _entries(line.entry for line in ranking)
        standings = [
            Standing(
                entry=entries[line.entry],
                rank=line.rank,
                score=round(line.score, 3) if line.score is not None else None,
                scorecards=line.n_scorecards,
                flags=tuple(sorted({str(flag.kind) for flag in line.flags})),
                outcome=outcomes.get(line.entry),
            )
            for line in ranking
            if line.entry in entries
        ]
        found.append(
            CategoryResults(
                category_id=category.id,
                code=category.code,
                name=category.name_en,
                round_name=round_.name,
                frozen=snapshot is not None,
                standings=standings,
            )
        )
    return found
