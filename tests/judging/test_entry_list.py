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
