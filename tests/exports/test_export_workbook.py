"""The results workbook read back with openpyxl, compared with the scoring engine on the same data."""
import csv
import io
import random
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from exports import (CategoryResults, CriterionInfo, JurorRow, RankedRow, ResultsBook, ScoreRow, category_csv,
                     results_workbook_bytes, safe_cell)
from scoring import Criterion, Scorecard, rank_entries

HOSTILE = '=HYPERLINK("http://evil.example","click")'
CRITERIA = [Criterion("innovation", 40), Criterion("value", 35), Criterion("maturity", 25)]
NAMES = ["Cyber security", "Large event security management", "Individual equipment / first responder protection",
         "Drone / counter-drone systems and robotics", "Crisis management", "Corporate social responsibility (CSR)"]


def _book(anonymise=False):
    rng = random.Random(7)
    categories, scores = [], []
    for position, name in enumerate(NAMES, start=1):
        cards = []
        titles = {}
        for e in range(12):
            entry = position * 100 + e
            titles[entry] = HOSTILE if (position, e) == (1, 0) else f"{name[:10]} entry {e}"
            for j in range(4 if e else 1):  # entry 0 has one card only: incomplete
                marks = {c.key: rng.randint(2, 10) for c in CRITERIA}
                cards.append(Scorecard(juror=j + 1, entry=entry, scores=marks))
        cards.append(Scorecard(juror=9, entry=position * 100 + 1, scores=dict(cards[1].scores)))  # a tie maker
        ranking = rank_entries(cards, CRITERIA, "mean", min_scorecards=3, stability=True, resamples=100)
        categories.append(CategoryResults(
            name=name, position=position, method="mean", round_name="Final",
            criteria=tuple(CriterionInfo(c.key, c.key.title(), c.weight) for c in CRITERIA),
            rows=tuple(RankedRow(rank=l.rank, entry_id=l.entry, title=titles[l.entry], organisation=f"Org {l.entry}",
                                 country="FR", hall="5", stand=f"A{l.entry}", score=l.score,
                                 criterion_means=l.criterion_means, n_scorecards=l.n_scorecards, flags=l.flags,
                                 p_first=l.p_first) for l in ranking)))
        for card in cards:
            scores.append(ScoreRow(juror_id=card.juror, juror=f"Juror Name {card.juror}", category=name,
                                   round_name="Final", entry_title=titles[card.entry], marks=dict(card.scores),
                                   weighted_total=50.0, comment="", submitted_at=datetime(2027, 11, 16, 9)))
    jurors = tuple(JurorRow(juror_id=j, juror=f"Juror Name {j}", assigned=12, submitted=12, mean=55.0, severity=-2.5)
                   for j in (1, 2, 3, 4, 9))
    return ResultsBook(edition="Milipol Paris 2027", method="mean", parameters={"trim": 1}, categories=tuple(categories),
                       scores=tuple(scores), jurors=jurors, generated_at=datetime(2027, 11, 16, 12), app_version="0.1",
                       fingerprint="ab" * 32, anonymise_jurors=anonymise)


def _load(book):
    return load_workbook(io.BytesIO(results_workbook_bytes(book)))


def _table(sheet, header_row):
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return rows[0], [r for r in rows[1:] if any(v is not None for v in r)]


def test_every_category_sheet_matches_the_ranking_to_the_last_decimal():
    book = _book()
    workbook = _load(book)
    assert workbook.sheetnames[0] == "Ceremony" and workbook.sheetnames[-3:] == ["Scores", "Jurors", "About"]
    for category, sheet_name in zip(book.categories, workbook.sheetnames[1:7]):
        sheet = workbook[sheet_name]
        assert "ranking by mean" in sheet["A1"].value
        header, rows = _table(sheet, 3)
        assert header[:5] == ("Rank", "Entry", "Organisation", "Country", "Score")
        assert len(rows) == len(category.rows)
        for row, expected in zip(rows, category.rows):
            assert row[0] == expected.rank and row[4] == expected.score  # the full float, not a rounded copy
            assert list(row[5:8]) == [expected.criterion_means[c.key] for c in category.criteria]
            assert row[8] == expected.n_scorecards and row[10] == expected.p_first
        assert sheet["E4"].number_format == "0.0" and sheet["K4"].number_format == "0%"
        assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
        assert sheet["A4"].fill.fgColor.rgb.endswith("FFF2CC")
        assert len(sheet._charts) == 1


def test_ceremony_sheet_is_the_top_three_of_each_category_in_ceremony_order():
    book = _book()
    workbook = _load(book)
    _, ceremony = _table(workbook["Ceremony"], 3)
    expected = []
    for category in sorted(book.categories, key=lambda c: c.position):
        sheet = workbook[workbook.sheetnames[category.position]]
        _, rows = _table(sheet, 3)
        expected += [(category.name, r[0], r[1], r[2], r[4]) for r in rows[:3]]
    assert [(r[0], r[1], r[3], r[4], r[7]) for r in ceremony] == expected
    assert ceremony[0][2] == "Winner"


def test_hostile_title_stays_text_in_the_workbook_and_the_csv():
    book = _book()
    workbook = _load(book)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)
    rows = list(csv.reader(io.StringIO(category_csv(book.categories[0]))))
    assert any(r[1] == "'" + HOSTILE for r in rows)


def test_anonymised_jurors_appear_as_j01_and_never_by_name():
    workbook = _load(_book(anonymise=True))
    text = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value)
    assert "Juror Name" not in text and "J01" in text and "J05" in text


def test_about_sheet_names_method_parameters_and_fingerprint():
    workbook = _load(_book())
    _, rows = _table(workbook["About"], 1)
    about = {r[0]: r[1] for r in rows}
    assert about["Method"] == "mean" and about["Parameter: trim"] == 1
    assert about["Fingerprint of the scores (SHA-256)"] == "ab" * 32
    assert "Innovation 40%" in about["Cyber security - Final"]


def test_csv_has_the_same_rows_as_the_sheet():
    book = _book()
    workbook = _load(book)
    _, rows = _table(workbook[workbook.sheetnames[2]], 3)
    csv_rows = list(csv.reader(io.StringIO(category_csv(book.categories[1]))))[1:]
    assert [(int(r[0]), r[1], float(r[4]) if r[4] else None) for r in csv_rows] == [(r[0], r[1], r[4]) for r in rows]


@given(st.text(max_size=30))
def test_property_safe_cell_defuses_every_formula_and_leaves_other_text_alone(text):
    guarded = safe_cell(text)
    if text.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")):
        assert guarded == "'" + text
    else:
        assert guarded == text
