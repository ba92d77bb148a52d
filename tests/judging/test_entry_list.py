"""The organiser's entry list at the scale of a show: sort by any column, choose the page size, count per status."""

import re
from datetime import timedelta

from judging.extensions import db
from judging.models import Attachment, utcnow


def _titles(client, **args):
    page = client.get("/organiser/entries", query_string=args).get_data(as_text=True)
    return re.findall(r'/organiser/entries/\d+">([^<]+)</a>', page)


def _world(make):
    edition = make.edition()
    make.entry(
        edition=edition,
        category="crisis",
        organisation=make.organisation("Zeta", hall="6", stand="B010"),
        title="Siren",
    )
    second = make.entry(
        edition=edition,
        category="cyber",
        organisation=make.organisation("Éclair", hall="4", stand="A001"),
        title="Firewall",
    )
    make.entry(
        edition=edition,
        category="drones",
        organisation=make.organisation("Alpha", hall="5", stand="C100"),
        title="Net",
        status="draft",
    )
    second.submitted_at = utcnow() - timedelta(days=3)
    for n in range(2):
        db.session.add(
            Attachment(
                entry_id=second.id,
                slot=n + 1,
                original_name=f"{n}.pdf",
                stored_name=f"{n:064d}"[:64],
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
            )
        )
    db.session.commit()
    return edition


def test_entries_sort_by_company_stand_category_status_submission_and_files(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    assert _titles(client, sort="company") == ["Net", "Firewall", "Siren"]  # Alpha, Éclair (as E), Zeta
    assert _titles(client, sort="company", dir="desc") == ["Siren", "Firewall", "Net"]
    assert _titles(client, sort="stand") == ["Firewall", "Net", "Siren"]  # halls 4, 5, 6
    assert _titles(client, sort="category") == ["Firewall", "Net", "Siren"]  # cyber 1, drones 4, crisis 5
    assert _titles(client, sort="status") == ["Net", "Siren", "Firewall"]  # draft, then submitted in entry order
    assert _titles(client, sort="submitted") == ["Firewall", "Siren", "Net"]  # the draft, never submitted, last
    assert _titles(client, sort="files", dir="desc")[0] == "Firewall"
    page = client.get("/organiser/entries", query_string={"sort": "files"}).get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    # Unknown sort or page size: the default list, never an error.
    assert client.get("/organiser/entries", query_string={"sort": "drop table", "per_page": "7"}).status_code == 200


def test_entries_page_size_and_counts_per_status(client, make, login_as):
    edition = _world(make)
    for n in range(30):
        make.entry(edition=edition, category="csr", title=f"CSR {n:02d}")
    login_as(make.user("organiser"))
    page = client.get("/organiser/entries", query_string={"per_page": 25}).get_data(as_text=True)
    assert len(re.findall(r'/organiser/entries/\d+">', page)) == 25 and "Page 1 of 2" in page
    assert len(_titles(client, per_page=100)) == 33
    page = client.get("/organiser/entries", query_string={"status": "draft"}).get_data(as_text=True)
    assert 'data-status="draft" class="sorted">Draft (1)' in page and 'data-status="submitted">Submitted (32)' in page
    assert "All (33)" in page and len(re.findall(r'/organiser/entries/\d+">', page)) == 1
    # Counts follow the search: only the matching entries are counted.
    page = client.get("/organiser/entries", query_string={"q": "eclair"}).get_data(as_text=True)
    assert "All (1)" in page and "Submitted (1)" in page
    # A page past the end shows the last page.
    assert "Page 2 of 2" in client.get("/organiser/entries", query_string={"per_page": 25, "page": 9}).get_data(
        as_text=True
    )


def test_entry_list_queries_do_not_grow_with_entries(client, make, login_as, count_queries):
    edition = make.edition()
    login_as(make.user("organiser"))

    def statements() -> int:
        with count_queries() as sent:
            assert client.get("/organiser/entries", query_string={"sort": "files", "per_page": 200}).status_code == 200
        return len(sent)

    make.entry(edition=edition)
    few = statements()
    for n in range(40):
        make.entry(edition=edition, category=("cyber", "drones", "csr")[n % 3])
    assert statements() == few


def _cells(client, column: int, **args):
    """The text of one column of the list, row by row (0: the entry's title)."""
    page = client.get("/organiser/entries", query_string=args).get_data(as_text=True)
    rows = re.findall(r"<tr><td><input type=\"checkbox\".*?</tr>", page, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return [" ".join(re.sub(r"<[^>]+>", " ", c[column]).split()) for c in cells]


def test_entries_show_and_sort_by_jurors_and_the_rankings_score(client, make, login_as, count_queries):
    from judging.domain.results import round_results
    from judging.models import Assignment, Scorecard

    from .test_results import _scored_round

    edition, round_, entries, organiser = _scored_round(
        make, {"Alpha": [7, 8, 9], "Bravo": [4, 5, 5], "Charlie": [9, 9, 9]}
    )
    jurors = sorted({card.juror_id for card in db.session.scalars(db.select(Scorecard))})
    for juror in jurors:  # Alpha assigned to three jurors, Bravo to one; each juror submitted a card for all three
        db.session.add(Assignment(round_id=round_.id, entry_id=entries["Alpha"].id, juror_id=juror))
    db.session.add(Assignment(round_id=round_.id, entry_id=entries["Bravo"].id, juror_id=jurors[0]))
    db.session.commit()
    login_as(organiser)

    ranking = round_results(round_).ranking  # the one ranking: the list shows its scores, never its own
    expected = [f"{line.score:.1f} #{line.rank}" for line in ranking]
    by_title = {entries_title: e for entries_title, e in entries.items()}
    assert [next(t for t, e in by_title.items() if e.id == line.entry) for line in ranking] == [
        "Charlie",
        "Alpha",
        "Bravo",
    ]
    assert _titles(client, sort="score", dir="desc") == ["Charlie", "Alpha", "Bravo"]
    assert _cells(client, 10, sort="score", dir="desc") == expected
    assert _titles(client, sort="score") == ["Bravo", "Alpha", "Charlie"]
    assert _titles(client, sort="jurors", dir="desc") == ["Alpha", "Bravo", "Charlie"]
    assert _cells(client, 9, sort="jurors", dir="desc") == ["3 / 3", "1 / 3", "0 / 3"]

    def statements() -> int:
        with count_queries() as sent:
            assert client.get("/organiser/entries", query_string={"sort": "score", "per_page": 200}).status_code == 200
        return len(sent)

    few = statements()
    for n in range(20):
        make.entry(edition=edition, category=("cyber", "drones", "csr")[n % 3])
    assert statements() == few
