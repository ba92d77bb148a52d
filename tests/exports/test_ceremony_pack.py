"""The ceremony and press pack as their readers get them: the workbook printed to PDF by LibreOffice, read back
by LibreOffice and by a second reader (python-calamine), unzipped part by part, and the CSV read as French
Excel reads it."""

import csv
import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import (
    FRENCH_CSV,
    CategoryResults,
    CriterionInfo,
    Flag,
    JurorRow,
    PressEntry,
    PressImage,
    RankedRow,
    ResultsBook,
    ScoreRow,
    book_category_csv,
    build_results_workbook,
    press_images_zip,
    press_kit_workbook,
    write_csv_files,
)

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
# CI (REQUIRE_LIBREOFFICE=1, set by .ci/run) fails instead of skipping when LibreOffice is missing.
needs_libreoffice = pytest.mark.skipif(
    LIBREOFFICE is None and not os.environ.get("REQUIRE_LIBREOFFICE"),
    reason="LibreOffice (libreoffice-calc-nogui) missing",
)
LONG_COMPANY = "Compagnie Européenne des Systèmes de Détection et de Protection des Infrastructures Critiques SAS"
PRESS = "press@milipol.example.com"
PHONE, SUM = "+33 1 23 45 67 89", "@SUM(1)"
JURORS = {
    3: ("Laura Rossi", "laura.rossi@carabinieri.example.it"),
    7: ("Jean-Pierre Lefebvre", "jp.lefebvre@interieur.example.fr"),
    9: ("Ahmed Al-Thani", "a.althani@moi.example.qa"),
}
CRITERIA = (CriterionInfo("innovation", "Innovation", 60, 0, 10), CriterionInfo("value", "Value", 40, 0, 10))


def _row(rank, entry_id, company, *, score, flags=(), title=None):
    return RankedRow(
        rank=rank,
        entry_id=entry_id,
        title=title or f"Entry {entry_id} with a title long enough to need a second line on the printed page",
        organisation=company,
        country="FR",
        hall="5A",
        stand=f"B{entry_id}",
        score=score,
        criterion_means={"innovation": 7.5, "value": 6.25},
        n_scorecards=3,
        flags=flags,
        p_first=0.5,
    )


def _book(*, anonymise=False, override_note="", n_categories=6):
    categories, scores = [], []
    for position in range(1, n_categories + 1):
        base = position * 10
        joint = position == 2
        rows = (
            _row(
                1,
                base + 1,
                LONG_COMPANY if position == 1 else f"Winner company {position}",
                score=88.5,
                flags=(
                    Flag(
                        "joint_winner", reason="Laura Rossi and jp.lefebvre@interieur.example.fr could not split them"
                    ),
                )
                if joint
                else (Flag("outlier_juror", juror_id=3),),
            ),
            _row(
                1 if joint else 2,
                base + 2,
                f"Second company {position}",
                score=88.5 if joint else 80.0,
                flags=(
                    Flag(
                        "joint_winner", reason="Laura Rossi and jp.lefebvre@interieur.example.fr could not split them"
                    ),
                )
                if joint
                else (),
            ),
            _row(
                3,
                base + 3,
                PHONE if position == 3 else f"Third company {position}",
                score=70.25,
                title=SUM if position == 3 else None,
            ),
            _row(4, base + 4, f"Fourth company {position}", score=60.0),
        )
        categories.append(
            CategoryResults(
                name=f"Category {position} of the ceremony",
                position=position,
                method="mean",
                criteria=CRITERIA,
                rows=rows,
            )
        )
        for juror_id, (name, email) in JURORS.items():
            scores.append(
                ScoreRow(
                    juror_id=juror_id,
                    juror=name,
                    juror_email=email,
                    category=f"Category {position}",
                    entry_title=rows[0].title,
                    entry_id=rows[0].entry_id,
                    marks={"innovation": 8, "value": 7},
                    weighted_total=76.0,
                    comment=f"Agree with Rossi; ask {JURORS[7][1]} - Lefebvre, and Thani liked it; cc {PRESS}",
                    submitted_at=datetime(2027, 11, 16, 10),
                )
            )
    jurors = tuple(
        JurorRow(juror_id=j, juror=name, email=email, assigned=4, submitted=4, mean=70.0, severity=0.5)
        for j, (name, email) in JURORS.items()
    )
    return ResultsBook(
        edition="Milipol Paris 2027",
        method="mean",
        parameters={"trim": 0},
        categories=tuple(categories),
        scores=tuple(scores),
        jurors=jurors,
        generated_at=datetime(2027, 11, 18, 12),
        app_version="t",
        fingerprint="ab" * 32,
        anonymise_jurors=anonymise,
        override_note=override_note,
        notes=("Checked by Laura Rossi",),
    )


def _convert(path: Path, target: str, out: Path) -> Path:
    """LibreOffice headless conversion, with its own profile so parallel runs never share one."""
    profile = out / "profile"
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    produced = out / (path.stem + "." + target.split(":")[0])
    assert produced.exists(), f"LibreOffice wrote no {produced.name}"
    return produced


@pytest.fixture(scope="module")
def ceremony_pdf(tmp_path_factory):
    if LIBREOFFICE is None and not os.environ.get("REQUIRE_LIBREOFFICE"):
        pytest.skip("LibreOffice missing")
    out = tmp_path_factory.mktemp("pdf")
    book = _book()
    workbook = load_workbook(io.BytesIO(build_results_workbook(book)))
    for name in workbook.sheetnames[1:]:  # print the Ceremony sheet alone, as the stage team does
        del workbook[name]
    path = out / "ceremony.xlsx"
    workbook.save(path)
    pdf = _convert(path, "pdf", out)
    return book, pdf


@needs_libreoffice
def test_ceremony_sheet_prints_on_a4_with_every_winner_in_full(ceremony_pdf):
    book, pdf = ceremony_pdf
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert sorted((round(width), round(height))) == [595, 842]  # A4, not US Letter (612 x 792)
    assert width > height  # landscape
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 4  # 23 lines, most on two lines: the wrapped text takes room, it is not cut
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for category in book.categories:
        for row in category.rows[:2]:
            words = row.organisation.split()
            # A wrapped name comes out in pieces: every word is printed, in order, and nothing is cut.
            assert all(word in flat for word in words), row.organisation
    assert "Critiques SAS" in flat  # the end of the 96-character company name, cut at 60 before
    assert PHONE in flat and "'" + PHONE not in flat


@needs_libreoffice
def test_ceremony_text_prints_at_eleven_points_or_more(ceremony_pdf):
    _book, pdf = ceremony_pdf
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    heights = [
        float(y2) - float(y1)
        for y1, y2, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', html
        )
        if word.startswith("company") or word == "Entry"
    ]
    assert heights
    # Poppler's word box is as high as the printed font size (the 16 pt title's box is 16.2 pt high).
    assert min(heights) >= 11, min(heights)


def test_ceremony_sheet_print_setup():
    sheet = load_workbook(io.BytesIO(build_results_workbook(_book())))["Ceremony"]
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4) and setup.orientation == "landscape"
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "3:3" and sheet.page_margins.left >= 0.5
    body = [c for row in sheet.iter_rows(min_row=4) for c in row if c.value is not None]
    assert body and all(c.font.sz >= 12 and c.alignment.wrap_text for c in body)
    # The ceremony order: categories by position.
    assert [c.value for c in sheet["A"][3:]][::4][:3] == [
        "Category 1 of the ceremony",
        "Category 2 of the ceremony",
        "Category 3 of the ceremony",
    ]


def test_formula_like_text_is_a_text_cell_without_a_visible_apostrophe(tmp_path):
    data = build_results_workbook(_book())
    sheet = load_workbook(io.BytesIO(data))["Ceremony"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in (PHONE, SUM)]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)
    # A second reader: python-calamine (Rust's calamine), not openpyxl.
    from python_calamine import CalamineWorkbook

    values = [
        v for row in CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python() for v in row
    ]
    assert PHONE in values and SUM in values
    assert not [v for v in values if isinstance(v, str) and v.startswith("'")]


@needs_libreoffice
def test_libreoffice_reads_formula_like_text_as_text(tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(build_results_workbook(_book()))
    # Calc's CSV export of the first sheet: what a formula would have computed, or the text as typed.
    produced = _convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false", tmp_path)
    text = produced.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    values = [v for row in rows for v in row]
    assert PHONE in values and SUM in values
    assert not [v for v in values if v.startswith("'")] and "Err:" not in text and "#NAME" not in text


def _every_part(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _identities():
    found = []
    for name, email in JURORS.values():
        found += [name, email, *[part for part in re.split(r"[\s-]", name) if len(part) >= 4]]
    return found


def test_anonymised_workbook_names_no_juror_in_any_part():
    named = _every_part(build_results_workbook(_book()))
    assert "Laura Rossi" in named  # the named workbook does name them (the test can see a name)
    data = build_results_workbook(_book(anonymise=True))
    text = _every_part(data).lower()
    leaks = [who for who in _identities() if who.lower() in text]
    assert leaks == []
    sheet = load_workbook(io.BytesIO(data)).worksheets[1]
    flags = [c.value for row in sheet.iter_rows() for c in row if "outlier" in str(c.value)]
    assert flags == ["scored by an outlier juror (J01)"]  # juror 3 is the smallest id
    scores = load_workbook(io.BytesIO(data))["Scores"]
    comment = scores["G2"].value
    # A juror's email becomes their label; any other address is redacted.
    assert comment == "Agree with J01; ask J02 - J02, and J03 liked it; cc [email]", comment


def test_anonymised_csv_names_no_juror():
    book = _book(anonymise=True)
    text = "\n".join(book_category_csv(book, c) for c in book.categories).lower()
    assert [who for who in _identities() if who.lower() in text] == []
    assert "joint winner: j01 and j02 could not split them" in text


def test_override_note_is_on_the_export_made_under_it_only():
    under = load_workbook(io.BytesIO(build_results_workbook(_book(override_note="Exported before every sign-off"))))
    after = load_workbook(io.BytesIO(build_results_workbook(_book())))
    assert under["Ceremony"]["A3"].value == "Exported before every sign-off"
    assert under["Ceremony"].print_title_rows.replace("$", "") == "4:4"
    assert not [c for row in after.worksheets for r in row.iter_rows() for c in r if "sign-off" in str(c.value)]


def test_french_csv_reads_back_as_french_excel_reads_it(tmp_path):
    book = _book()
    paths = write_csv_files(book, tmp_path, FRENCH_CSV)
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) > 5  # columns, not one column of text
    score = rows[1][4]
    assert score == "88,5" and float(score.replace(",", ".")) == 88.5
    assert rows[1][2] == LONG_COMPANY


def test_press_kit_workbook_and_images_named_by_category_and_company():
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    entries = [
        PressEntry(
            "Cyber security",
            1,
            "winner",
            "=Shield",
            "A shield.",
            "Société Générale / Défense",
            "FR",
            "5",
            "B12",
            (PressImage("image/png", png), PressImage("image/jpeg", b"\xff\xd8jpg")),
        ),
        PressEntry("Cyber security", 1, "finalist", "Other", "Other summary.", "Aegis", "DE", "4", "A1", ()),
    ]
    sheet = load_workbook(io.BytesIO(press_kit_workbook("Milipol 2027", entries))).active
    assert [c.value for c in sheet[2]] == [
        "Category",
        "Award",
        "Entry",
        "Summary",
        "Company",
        "Country",
        "Hall",
        "Stand",
        "Images",
    ]
    assert sheet["C3"].value == "=Shield" and sheet["C3"].data_type == "s"
    names = sheet["I3"].value.split("\n")
    assert names == [
        "1-cyber-security_societe-generale-defense_1.png",
        "1-cyber-security_societe-generale-defense_2.jpg",
    ]
    with zipfile.ZipFile(io.BytesIO(press_images_zip(entries))) as archive:
        assert archive.namelist() == names and archive.read(names[0]) == png
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)


def test_book_without_override_is_the_default():
    assert dataclasses.fields(ResultsBook)  # the field exists and defaults to no note
    assert _book().override_note == ""
