"""The results workbook read back with openpyxl: every number, every row, the layout and the cell guard."""

import csv
import dataclasses
import io
import math
import random
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, strategies as st
from openpyxl import Workbook, load_workbook

from exports import (
    CategoryResults,
    CriterionInfo,
    JurorRow,
    RankedRow,
    ResultsBook,
    ScoreRow,
    build_results_workbook,
    category_csv,
    csv_files,
    put_cell,
    safe_cell,
    table_workbook_bytes,
    write_csv_files,
    write_results_workbook,
)
from exports.workbook import flag_words

HOSTILE = '=HYPERLINK("http://evil.example","click")'
NAMES = [
    "Cyber security",
    "Large event security management",
    "Individual equipment / first responder protection",
    "Drone / counter-drone systems and robotics",
    "Crisis management",
    "Corporate social responsibility (CSR)",
]
CRITERIA = (
    CriterionInfo("innovation", "Innovation", 40, 0, 10),
    CriterionInfo("value", "Operational value", 35, 0, 10),
    CriterionInfo("maturity", "Maturity", 25, 0, 10),
)
CSR_CRITERIA = (
    CriterionInfo("innovation", "Innovation", 50, 0, 10),
    CriterionInfo("impact", "Social impact", 50, 0, 10),
)
JURORS = {11: "Claire Dubois", 4: "Ahmed Al-Thani", 27: "Ingrid Berg", 8: "Tomás Ruiz", 15: "Mei Tanaka"}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The app passes its one wording of methods (judging.wording.method_label) in the book's language.
METHOD_NAMES = {"mean": "mean of the weighted totals", "zscore": "marks standardised per juror (z-scores)"}


def _ranked(rng, position, criteria, n_entries):
    """A ranking as the scoring engine hands it over: best first, with ties and an unranked entry last."""
    scores = sorted((rng.uniform(40, 95) for _ in range(n_entries - 1)), reverse=True)
    if position == 2:
        scores[1] = scores[0]  # joint winners
    if position == 3:
        scores[3] = scores[2]  # a shared third place: the ceremony reads out four entries
    ranks, previous = [], None
    for index, score in enumerate(scores, start=1):
        ranks.append(ranks[-1] if score == previous else index)
        previous = score
    rows = []
    for index, (rank, score) in enumerate(zip(ranks + [n_entries], scores + [None])):
        entry = position * 100 + index
        title = HOSTILE if (position, index) == (1, 1) else f"{NAMES[position - 1].split()[0]} innovation {index}"
        rows.append(
            RankedRow(
                rank=rank,
                entry_id=entry,
                title=title,
                organisation=f"Société {entry}" if index % 3 else "-Minus Corp",
                country=rng.choice(["FR", "DE", "QA", "US"]),
                hall=str(rng.randint(4, 6)),
                stand=f"{'ABC'[index % 3]}{entry}",
                score=score,
                criterion_means={c.key: rng.uniform(2, 10) for c in criteria},
                n_scorecards=1 if score is None else rng.randint(3, 5),
                flags=("incomplete",) if score is None else (("wide spread",) if index == 4 else ()),
                p_first=None if score is None else rng.random(),
                p_top3=None if score is None else rng.random(),
            )
        )
    return tuple(rows)


def _book(*, anonymise=False, combined_note=""):
    rng = random.Random(7)
    categories, scores = [], []
    # Given out of ceremony order, on purpose: the workbook must follow `position`.
    for position in (3, 1, 6, 2, 5, 4):
        criteria = CSR_CRITERIA if position == 6 else CRITERIA
        rows = _ranked(rng, position, criteria, 12 if position != 4 else 14)
        categories.append(
            CategoryResults(
                name=NAMES[position - 1],
                position=position,
                method="mean",
                round_name="Final",
                criteria=criteria,
                rows=rows,
            )
        )
        for row in rows:
            for juror_id in sorted(JURORS)[: row.n_scorecards]:
                marks = {c.key: rng.choice([4, 5.5, 7, 8, 9.5]) for c in criteria}
                comment = f"Convincing demo - {JURORS[juror_id]}" if juror_id == 11 else "+ good stand"
                scores.append(
                    ScoreRow(
                        juror_id=juror_id,
                        juror=JURORS[juror_id],
                        category=NAMES[position - 1],
                        round_name="Final",
                        entry_id=row.entry_id,
                        entry_title=row.title,
                        marks=marks,
                        weighted_total=sum(marks[c.key] * c.weight for c in criteria) / 10,
                        comment=comment,
                        submitted_at=datetime(2027, 11, 16, 9, 30) + timedelta(minutes=row.entry_id),
                    )
                )
    jurors = tuple(
        JurorRow(juror_id=j, juror=name, assigned=40, submitted=38, mean=62.25 + j, severity=-2.5 + j / 10)
        for j, name in JURORS.items()
    )
    return ResultsBook(
        edition="Milipol Paris 2027",
        method="mean",
        parameters={"trim": 1, "min_scorecards": 3},
        categories=tuple(categories),
        scores=tuple(scores),
        jurors=jurors,
        generated_at=datetime(2027, 11, 18, 12, 0),
        app_version="0.1.0",
        fingerprint="ab" * 32,
        anonymise_jurors=anonymise,
        combined_note=combined_note,
        method_names=METHOD_NAMES,
    )


@pytest.fixture(scope="module")
def book():
    return _book()


@pytest.fixture(scope="module")
def workbook(book):
    return load_workbook(io.BytesIO(build_results_workbook(book)))


def _by_position(book):
    return sorted(book.categories, key=lambda c: c.position)


def _table(sheet, header_row):
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return rows[0], [r for r in rows[1:] if any(v is not None for v in r)]


def _all_cells(workbook):
    return [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]


def test_sheets_in_order_with_valid_unique_titles(book, workbook):
    assert workbook.sheetnames[0] == "Ceremony" and workbook.sheetnames[-3:] == ["Scores", "Jurors", "About"]
    category_sheets = workbook.sheetnames[1:-3]
    assert len(category_sheets) == 6 and len({t.lower() for t in category_sheets}) == 6
    for title, category in zip(category_sheets, _by_position(book)):
        assert len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title)
        assert title.startswith(f"{category.position} ")


def test_every_category_sheet_matches_the_ranking_to_the_last_decimal(book, workbook):
    for category, title in zip(_by_position(book), workbook.sheetnames[1:7]):
        sheet = workbook[title]
        assert (
            sheet["A1"].value.startswith(category.name)
            and "Ranking by mean of the weighted totals" in sheet["A1"].value
        )
        header, rows = _table(sheet, 3)
        n = len(category.criteria)
        assert list(header) == (
            ["Rank", "Entry", "Organisation", "Country", "Score"]
            + [f"{c.name} ({c.weight:g}%)" for c in category.criteria]
            + ["Scorecards", "Flags", "P(win)", "P(top 3)"]
        )
        assert len(rows) == len(category.rows)
        for row, expected in zip(rows, category.rows):
            assert row[0] == expected.rank and row[4] == expected.score  # the full float, not a rounded copy
            assert row[1] == expected.title and row[2] == expected.organisation  # as typed, no apostrophe
            assert row[3] == expected.country
            assert list(row[5 : 5 + n]) == [expected.criterion_means[c.key] for c in category.criteria]
            assert row[5 + n] == expected.n_scorecards
            assert (row[6 + n] or "") == ", ".join(map(flag_words, expected.flags))
            assert row[7 + n] == expected.p_first and row[8 + n] == expected.p_top3
            assert all(isinstance(row[i], (int, float)) for i in (0, 4, 5 + n) if row[i] is not None)
        assert rows[-1][4] is None  # unranked entry, blank score
        assert rows[-1][6 + n] == "incomplete (too few scorecards)"


def test_category_sheet_formatting_print_setup_and_chart(book, workbook):
    for category, title in zip(_by_position(book), workbook.sheetnames[1:7]):
        sheet = workbook[title]
        n = len(category.criteria)
        last = 3 + len(category.rows)
        assert sheet.freeze_panes == "A4" and sheet["A3"].font.b
        assert sheet.auto_filter.ref == f"A3:{chr(ord('E') + n + 4)}{last}"
        for row in range(4, last + 1):
            assert sheet.cell(row, 5).number_format == "0.0" and sheet.cell(row, 6).number_format == "0.0"
            assert sheet.cell(row, 8 + n).number_format == "0%" and sheet.cell(row, 9 + n).number_format == "0%"
            highlighted = sheet.cell(row, 1).fill.fgColor.rgb.endswith("FFF2CC")
            expected = category.rows[row - 4]
            assert highlighted == (expected.rank <= 3 and expected.score is not None), (title, row)
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        widths = {letter: sheet.column_dimensions[letter].width for letter in "ABE"}
        assert 6 <= widths["A"] < widths["B"] <= 60 and widths["E"] < 15
        assert len(sheet._charts) == 1
        chart = sheet._charts[0]
        assert chart.type == "bar" and chart.series[0].val.numRef.f.endswith("$E$4:$E$13")
        assert chart.x_axis.delete is False and chart.y_axis.delete is False  # axes visible in Excel


def test_ceremony_sheet_is_every_podium_row_of_each_category_sheet_in_ceremony_order(book, workbook):
    header, ceremony = _table(workbook["Ceremony"], 3)
    assert list(header) == ["Category", "Place", "Award", "Entry", "Organisation", "Country", "Stand", "Score"]
    expected = []
    for category, title in zip(_by_position(book), workbook.sheetnames[1:7]):
        _, rows = _table(workbook[title], 3)
        expected += [(category.name, r[0], r[1], r[2], r[3], r[4]) for r in rows if r[4] is not None and r[0] <= 3]
    assert [(r[0], r[1], r[3], r[4], r[5], r[7]) for r in ceremony] == expected
    places = {name: [r[1] for r in ceremony if r[0] == name] for name in NAMES}
    assert places[NAMES[0]] == [1, 2, 3]
    assert places[NAMES[1]] == [1, 1, 3]  # joint winners, then third
    assert places[NAMES[2]] == [1, 2, 3, 3]  # a shared third place
    awards = [r[2] for r in ceremony if r[0] == NAMES[1]]
    assert awards == ["Joint winner", "Joint winner", "Runner-up (3rd)"]
    first = book.categories[1].rows[0]
    assert ceremony[0][6] == f"Hall {first.hall}, stand {first.stand}" and ceremony[0][2] == "Winner"
    assert workbook["Ceremony"]["D4"].font.b and workbook["Ceremony"].freeze_panes == "A4"
    assert workbook["Ceremony"]["H4"].number_format == "0.0"


def test_hostile_text_stays_text_in_the_workbook_and_the_csv(book, workbook):
    cells = [c for c in _all_cells(workbook) if "HYPERLINK" in str(c.value) or "Minus Corp" in str(c.value)]
    assert len(cells) > 5 and all(c.data_type == "s" and c.quotePrefix and not c.value.startswith("'") for c in cells)
    assert not [c for c in _all_cells(workbook) if c.data_type == "f"]
    rows = list(csv.reader(io.StringIO(category_csv(book.categories[1]))))
    assert any(r[1] == "'" + HOSTILE for r in rows) and any(r[2] == "'-Minus Corp" for r in rows)
    assert not [v for r in rows for v in r if v.startswith(TRIGGERS)]


def test_scores_sheet_holds_every_scorecard_with_blank_marks_where_a_criterion_does_not_apply(book, workbook):
    header, rows = _table(workbook["Scores"], 1)
    assert list(header) == [
        "Juror",
        "Category",
        "Round",
        "Entry",
        "Innovation",
        "Operational value",
        "Maturity",
        "Social impact",
        "Weighted total",
        "Comment",
        "Submitted at (UTC)",
    ]
    assert len(rows) == len(book.scores)
    for row, card in zip(rows, book.scores):
        assert row[0] == card.juror and row[1] == card.category and row[3] == card.entry_title
        assert list(row[4:8]) == [card.marks.get(k) for k in ("innovation", "value", "maturity", "impact")]
        assert row[8] == card.weighted_total and row[9] == card.comment and row[10] == card.submitted_at
    sheet = workbook["Scores"]
    assert sheet["I2"].number_format == "0.0" and sheet["K2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:K{len(rows) + 1}"
    _, jurors = _table(workbook["Jurors"], 1)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in jurors] == [
        (j.juror, j.assigned, j.submitted, j.mean, j.severity) for j in book.jurors
    ]
    assert workbook["Jurors"]["D2"].number_format == "0.0"


def test_anonymised_jurors_are_numbered_by_id_and_never_named():
    book = _book(anonymise=True)
    workbook = load_workbook(io.BytesIO(build_results_workbook(book)))
    text = " ".join(str(c.value) for c in _all_cells(workbook))
    assert not [name for name in JURORS.values() if name in text]
    labels = {j: f"J{n:02d}" for n, j in enumerate(sorted(JURORS), start=1)}  # J01 is the smallest juror_id
    _, jurors = _table(workbook["Jurors"], 1)
    assert [r[0] for r in jurors] == [labels[j.juror_id] for j in book.jurors]
    _, scores = _table(workbook["Scores"], 1)
    assert [r[0] for r in scores] == [labels[s.juror_id] for s in book.scores]
    assert f"Convincing demo - {labels[11]}" in [r[9] for r in scores]  # a comment signed with a name
    assert workbook.properties.creator == "Milipol Innovation Awards"


def test_about_sheet_names_method_parameters_criteria_and_fingerprint():
    book = _book(combined_note="Final = 50% shortlist + 50% final")
    workbook = load_workbook(io.BytesIO(build_results_workbook(book)))
    _, rows = _table(workbook["About"], 1)
    about = {r[0]: r[1] for r in rows}
    assert about["Edition"] == "Milipol Paris 2027" and about["Method"] == "mean"
    assert about["Ranking method"] == "Ranking by mean of the weighted totals"
    assert about["Parameter: trim"] == 1 and about["Parameter: min_scorecards"] == 3
    assert about["Fingerprint of the scores (SHA-256)"] == "ab" * 32
    assert about["Generated at (UTC)"] == datetime(2027, 11, 18, 12, 0) and about["App version"] == "0.1.0"
    assert about["Jurors anonymised"] == "no" and about["Combined rounds"] == "Final = 50% shortlist + 50% final"
    assert about["Cyber security - Final"] == (
        "Innovation 40% (marked 0 to 10); Operational value 35% (marked 0 to 10); Maturity 25% (marked 0 to 10)"
    )


def _as_csv(value):
    return "" if value is None else repr(value) if isinstance(value, float) else str(safe_cell(value))


def test_csv_per_category_equals_the_sheet_rows(book, workbook, tmp_path):
    files = csv_files(book)
    assert len(files) == 6 and all(name.endswith(".csv") and "/" not in name for name in files)
    for (name, text), title in zip(files.items(), workbook.sheetnames[1:7]):
        assert name.split()[0] == title.split()[0]  # the same category, in the same ceremony order
        header, rows = _table(workbook[title], 3)
        parsed = list(csv.reader(io.StringIO(text)))
        assert parsed[0] == list(header)
        assert parsed[1:] == [[_as_csv(v) for v in row] for row in rows]
        assert float(parsed[1][4]) == rows[0][4]  # the full float survives the text round trip
    paths = write_csv_files(book, tmp_path / "csv")
    assert len(paths) == 6 and paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert paths[0].read_text(encoding="utf-8-sig") == files[paths[0].name].replace("\r\n", "\n")


def test_write_results_workbook_to_a_path_and_a_file(book, tmp_path):
    path = tmp_path / "results.xlsx"
    write_results_workbook(book, path)
    buffer = io.BytesIO()
    write_results_workbook(book, buffer)
    for source in (path, io.BytesIO(buffer.getvalue())):
        assert load_workbook(source).sheetnames[0] == "Ceremony"


def test_awkward_values_do_not_break_the_export():
    """NaN, control characters, a time-zone-aware date and a long name with sheet-title characters."""
    category = CategoryResults(
        name="Drones: [counter]/drone * systems? and robotics\\extra long",
        position=1,
        method="zscore",
        criteria=(CriterionInfo("a", "A", 100),),
        rows=(RankedRow(1, 1, "Bell\x07 title\x0b", "Org", "FR", "", "", float("nan"), {"a": 5.0}, 3),),
    )
    twin = CategoryResults(name=category.name, position=1, method="zscore", criteria=category.criteria, rows=())
    book = ResultsBook(
        edition="E",
        method="zscore",
        method_names=METHOD_NAMES,
        parameters={"weights": {"a": 1}},
        categories=(category, twin),
        scores=(
            ScoreRow(
                1,
                "J",
                category.name,
                "t",
                {"a": 5},
                math.inf,
                "\x00=cmd",
                datetime(2027, 11, 16, 10, tzinfo=timezone(timedelta(hours=1))),
            ),
        ),
        jurors=(),
        generated_at=datetime(2027, 11, 16),
        app_version="x",
        fingerprint="f",
    )
    workbook = load_workbook(io.BytesIO(build_results_workbook(book)))
    first, second = workbook.sheetnames[1:3]
    assert len(first) <= 31 and not re.search(r"[\[\]:*?/\\]", first) and first.lower() != second.lower()
    sheet = workbook[first]
    assert sheet["B4"].value == "Bell title" and sheet["E4"].value is None
    assert not sheet._charts and _table(workbook["Ceremony"], 3)[1] == []  # no score, no podium, no bar
    assert "standardised" in sheet["A1"].value
    _, scores = _table(workbook["Scores"], 1)
    assert scores[0][-1] == datetime(2027, 11, 16, 9) and scores[0][-2] == "=cmd" and scores[0][-3] is None
    _, about = _table(workbook["About"], 1)
    assert ("Parameter: weights", "{'a': 1}") in about


def test_table_workbook_guards_every_text_cell():
    data = table_workbook_bytes("Audit: trail/2027", ["When", "What"], [[datetime(2027, 1, 1), "@SUM(A1)"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Audit trail 2027" and sheet["B2"].value == "@SUM(A1)" and sheet["B2"].data_type == "s"


@given(st.sampled_from(TRIGGERS), st.text(max_size=30), st.text(alphabet=" \t\n\r", max_size=3))
def test_property_safe_cell_makes_every_formula_trigger_inert(trigger, rest, blank):
    text = blank + trigger + rest
    guarded = safe_cell(text)
    clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    assert guarded == "'" + clean  # the CSV guard
    sheet = Workbook().active
    cell = put_cell(sheet, 1, 1, text)  # the workbook guard: a text cell, shown as typed
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == clean


@given(st.text(max_size=30))
def test_property_safe_cell_leaves_other_text_alone(text):
    clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    assume(not re.sub(r"^[^\S\t\r]*", "", clean).startswith(TRIGGERS))
    assert safe_cell(text) == clean


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()))
def test_property_safe_cell_leaves_numbers_untouched(value):
    assert safe_cell(value) is value


def test_every_label_goes_through_the_books_translate_and_data_never_does():
    seen = []

    def translate(text):
        seen.append(text)
        return "§" + text

    book = dataclasses.replace(_book(), translate=translate)
    workbook = load_workbook(io.BytesIO(build_results_workbook(book)))
    fixed = [name for name in workbook.sheetnames if not name[0].isdigit()]
    assert fixed == ["§Ceremony", "§Scores", "§Jurors", "§About"]
    criterion_names = {c.name for category in book.categories for c in category.criteria}
    for name in fixed:
        header_row = 3 if name == "§Ceremony" else 1
        header = next(workbook[name].iter_rows(min_row=header_row, max_row=header_row, values_only=True))
        labels = [title for title in header if title and title.split(" (")[0] not in criterion_names]  # data
        assert labels and all(title.startswith("§") for title in labels), (name, header)
    assert workbook["§Ceremony"]["A1"].value.startswith("§")
    category = workbook[[n for n in workbook.sheetnames if n[0].isdigit()][0]]
    header = next(category.iter_rows(min_row=3, max_row=3, values_only=True))
    criteria = {f"{c.name} ({c.weight:g}%)" for c in CRITERIA}
    assert all(title.startswith("§") or title in criteria for title in header if title)  # criteria are data
    assert not [text for text in seen if text in NAMES or text == book.edition]  # data is never "translated"
    assert category_csv(book.categories[0], translate).startswith("§Rank,§Entry,")
