"""Export of 1,200 entries and 6,000 scorecards: time and peak memory (targets: under 3 s and 250 MB).

The floor is openpyxl writing the same cells (same sheets, same rows and columns of values) in write-only
mode, in the same run: what any openpyxl export of this data costs before formatting, charts and the cell
guard. Run as `python -m bench.bench_exports`.
"""

from __future__ import annotations

import io
import random
import resource
import tracemalloc
from datetime import datetime, timedelta

from openpyxl import Workbook

from bench.common import emit, median_seconds
from exports import CategoryResults, CriterionInfo, JurorRow, RankedRow, ResultsBook, ScoreRow, build_results_workbook
from exports.workbook import CEREMONY_HEADER, category_header, category_values

CATEGORIES = 6
ENTRIES_PER_CATEGORY = 200
CARDS_PER_ENTRY = 5
JURORS_PER_CATEGORY = 8


def _book() -> ResultsBook:
    """A ResultsBook of the size of a big edition: 6 x 200 entries, 5 scorecards each, 6 criteria."""
    rng = random.Random(3)
    criteria = tuple(CriterionInfo(f"c{i}", f"Criterion {i}", w, 0, 10) for i, w in enumerate([30, 20, 15, 15, 10, 10]))
    categories, scores, jurors = [], [], []
    for position in range(1, CATEGORIES + 1):
        name = f"Category {position}"
        panel = [position * 100 + j for j in range(JURORS_PER_CATEGORY)]
        totals = sorted((rng.uniform(30, 95) for _ in range(ENTRIES_PER_CATEGORY)), reverse=True)
        rows = []
        for rank, score in enumerate(totals, start=1):
            entry = position * 1000 + rank
            rows.append(
                RankedRow(
                    rank=rank,
                    entry_id=entry,
                    title=f"Innovation {entry}",
                    organisation=f"Company {entry}",
                    country="FR",
                    hall="5",
                    stand=f"A{rank}",
                    score=score,
                    criterion_means={c.key: rng.uniform(0, 10) for c in criteria},
                    n_scorecards=CARDS_PER_ENTRY,
                    flags=("wide spread",) if rank % 17 == 0 else (),
                    p_first=rng.random(),
                    p_top3=rng.random(),
                )
            )
            for juror in rng.sample(panel, CARDS_PER_ENTRY):
                marks = {c.key: rng.randint(0, 10) for c in criteria}
                scores.append(
                    ScoreRow(
                        juror_id=juror,
                        juror=f"Juror {juror}",
                        category=name,
                        round_name="Final",
                        entry_id=entry,
                        entry_title=f"Innovation {entry}",
                        marks=marks,
                        weighted_total=sum(marks[c.key] * c.weight for c in criteria) / 10,
                        comment="Convincing demonstration on the stand",
                        submitted_at=datetime(2027, 11, 16, 9) + timedelta(seconds=entry),
                    )
                )
        categories.append(
            CategoryResults(
                name=name, position=position, method="mean", round_name="Final", criteria=criteria, rows=tuple(rows)
            )
        )
        jurors += [
            JurorRow(
                juror_id=j,
                juror=f"Juror {j}",
                assigned=125,
                submitted=125,
                mean=rng.uniform(50, 70),
                severity=rng.uniform(-5, 5),
            )
            for j in panel
        ]
    return ResultsBook(
        edition="Bench",
        method="mean",
        parameters={"trim": 1, "min_scorecards": 3},
        categories=tuple(categories),
        scores=tuple(scores),
        jurors=tuple(jurors),
        generated_at=datetime(2027, 11, 16),
        app_version="bench",
        fingerprint="0" * 64,
        anonymise_jurors=True,
    )


def _floor(book: ResultsBook) -> bytes:
    """The same sheets, rows and columns of values, written by openpyxl in write-only mode, unformatted."""
    workbook = Workbook(write_only=True)
    ceremony = workbook.create_sheet("Ceremony")
    ceremony.append(CEREMONY_HEADER)
    for category in book.categories:
        for row in category.rows[:3]:
            ceremony.append(
                [
                    category.name,
                    row.rank,
                    "Winner",
                    row.title,
                    row.organisation,
                    row.country,
                    f"Hall {row.hall}, stand {row.stand}",
                    row.score,
                ]
            )
    for category in book.categories:
        sheet = workbook.create_sheet(category.name)
        sheet.append(category_header(category))
        for values in category_values(category):
            sheet.append(values)
    keys = list(dict.fromkeys(c.key for category in book.categories for c in category.criteria))
    scores = workbook.create_sheet("Scores")
    scores.append(["Juror", "Category", "Round", "Entry", *keys, "Weighted total", "Comment", "Submitted at"])
    for s in book.scores:
        scores.append(
            [
                s.juror,
                s.category,
                s.round_name,
                s.entry_title,
                *(s.marks.get(k) for k in keys),
                s.weighted_total,
                s.comment,
                s.submitted_at,
            ]
        )
    jurors = workbook.create_sheet("Jurors")
    jurors.append(["Juror", "Assigned", "Submitted", "Mean", "Severity"])
    for j in book.jurors:
        jurors.append([j.juror, j.assigned, j.submitted, j.mean, j.severity])
    about = workbook.create_sheet("About")
    about.append(["Item", "Value"])
    for item in (["Edition", book.edition], ["Method", book.method], ["Fingerprint", book.fingerprint]):
        about.append(item)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _peak_mb(work) -> float:
    """Peak memory allocated by Python objects during `work()` (tracemalloc), in MB."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def main() -> None:
    """Time the export (median of 3 after a warm-up) against the write-only floor; then its peak memory."""
    book = _book()
    value = median_seconds(lambda: build_results_workbook(book), repeat=3, warmup=1)
    floor = median_seconds(lambda: _floor(book), repeat=3, warmup=1)
    peak = _peak_mb(lambda: build_results_workbook(book))
    size_mb = len(build_results_workbook(book)) / 1024 / 1024
    emit(
        "export_1200_entries_6000_scorecards",
        value,
        "s",
        floor,
        peak_mb=round(peak, 1),
        floor_peak_mb=round(_peak_mb(lambda: _floor(book)), 1),
        file_mb=round(size_mb, 2),
        # The whole process's high-water mark (interpreter and C buffers included), as a cross-check.
        max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        target_s=3,
        target_mb=250,
    )


if __name__ == "__main__":
    main()
