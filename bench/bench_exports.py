"""Export of 1,200 entries and 6,000 scorecards: time and peak memory (targets: under 3 s and 250 MB).

The floor is openpyxl writing the same cells in write-only mode, in the same run.
"""
from __future__ import annotations

import io
import random
import time
import tracemalloc
from datetime import datetime

from openpyxl import Workbook

from bench.common import emit
from exports import CategoryResults, CriterionInfo, JurorRow, RankedRow, ResultsBook, ScoreRow, results_workbook_bytes
from exports.workbook import category_header, category_values


def _book() -> ResultsBook:
    rng = random.Random(3)
    criteria = tuple(CriterionInfo(f"c{i}", f"Criterion {i}", w) for i, w in enumerate([30, 20, 15, 15, 10, 10]))
    categories, scores = [], []
    for position in range(1, 7):
        rows = []
        for rank in range(1, 201):
            entry = position * 1000 + rank
            rows.append(RankedRow(rank=rank, entry_id=entry, title=f"Innovation {entry}", organisation=f"Company {entry}",
                                  country="FR", hall="5", stand=f"A{rank}", score=100 - rank * 0.3,
                                  criterion_means={c.key: rng.uniform(0, 10) for c in criteria}, n_scorecards=5,
                                  flags=(), p_first=0.01))
            for juror in range(5):
                scores.append(ScoreRow(juror_id=juror, juror=f"Juror {juror}", category=f"Category {position}",
                                       round_name="Final", entry_title=f"Innovation {entry}",
                                       marks={c.key: rng.randint(0, 10) for c in criteria}, weighted_total=55.5,
                                       comment="Convincing demonstration", submitted_at=datetime(2027, 11, 16, 9)))
        categories.append(CategoryResults(name=f"Category {position}", position=position, method="mean",
                                          round_name="Final", criteria=criteria, rows=tuple(rows)))
    return ResultsBook(edition="Bench", method="mean", parameters={}, categories=tuple(categories),
                       scores=tuple(scores), jurors=tuple(JurorRow(j, f"Juror {j}", 1200, 1200, 55.0, 0.0) for j in range(5)),
                       generated_at=datetime(2027, 11, 16), app_version="bench", fingerprint="0" * 64)


def _floor(book: ResultsBook) -> bytes:
    workbook = Workbook(write_only=True)
    for category in book.categories:
        sheet = workbook.create_sheet(category.name)
        sheet.append(category_header(category))
        for values in category_values(category):
            sheet.append(values)
    sheet = workbook.create_sheet("Scores")
    for s in book.scores:
        sheet.append([s.juror, s.category, s.round_name, s.entry_title, *s.marks.values(), s.weighted_total,
                      s.comment, s.submitted_at])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _measure(work) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return elapsed, peak


def main() -> None:
    book = _book()
    results_workbook_bytes(book)  # warm-up
    times = []
    for _ in range(3):
        started = time.perf_counter()
        results_workbook_bytes(book)
        times.append(time.perf_counter() - started)
    floors = []
    for _ in range(3):
        started = time.perf_counter()
        _floor(book)
        floors.append(time.perf_counter() - started)
    _, peak = _measure(lambda: results_workbook_bytes(book))
    value = sorted(times)[1]
    emit("export_1200_entries_6000_scorecards", value, "s", sorted(floors)[1], peak_mb=round(peak, 1), target_s=3,
         target_mb=250)


if __name__ == "__main__":
    main()
