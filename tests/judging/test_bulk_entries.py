"""Bulk actions on the organiser's entry list: select some (or all matching the filter), see what will happen,
confirm; and the workbook of every answer."""

import io
import re

from openpyxl import load_workbook

from judging.extensions import db
from judging.models import Assignment, AuditEvent, Entry
from support import add_attachment


def _world(make):
    edition = make.edition(max_entries=2)
    entries = [
        make.entry(edition=edition, category="cyber", title="Firewall", organisation=make.organisation("Éclair")),
        make.entry(edition=edition, category="cyber", title="Probe"),
        make.entry(edition=edition, category="drones", title="Net", status="draft"),
        make.entry(edition=edition, category="csr", title="Siren"),
    ]
    return edition, entries


def test_bulk_disqualify_shows_what_it_will_do_then_applies_with_one_reason(client, make, login_as):
    edition, (firewall, probe, net, siren) = _world(make)
    login_as(make.user("organiser"))
    data = {"action": "disqualify", "entry": [firewall.id, net.id]}
    preview = client.post("/organiser/entries/bulk", data=data)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Firewall" in page and "Net" in page and "Siren" not in page and "Yes: Disqualify (2 entries)" in page
    db.session.expire_all()
    assert db.session.get(Entry, firewall.id).status == "submitted"  # nothing changed by the preview
    no_reason = client.post("/organiser/entries/bulk", data={**data, "confirm": "1"})
    assert no_reason.status_code == 400 and "Give the reason" in no_reason.get_data(as_text=True)
    done = client.post("/organiser/entries/bulk", data={**data, "confirm": "1", "reason": "Late payment of fees"})
    assert done.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Entry, e.id).status for e in (firewall, probe, net, siren)] == [
        "disqualified",
        "submitted",
        "disqualified",
        "submitted",
    ]
    assert db.session.get(Entry, net.id).disqualification_reason == "Late payment of fees"
    assert len(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "entry.disqualify")).all()) == 2


def test_all_matching_the_filter_takes_every_page_and_skips_what_does_not_apply(client, make, login_as):
    edition, (firewall, probe, net, siren) = _world(make)
    login_as(make.user("organiser"))
    client.post(
        "/organiser/entries/bulk",
        data={"action": "disqualify", "entry": [firewall.id], "confirm": "1", "reason": "Duplicate entry"},
    )
    category = make.category(edition, "cyber")
    data = {"action": "reinstate", "all_matching": "1", "category": category.id, "per_page": 25, "page": 1}
    preview = client.post("/organiser/entries/bulk", data=data).get_data(as_text=True)
    assert "Yes: Reinstate (1 entries)" in preview
    assert re.search(r"Probe[^<]*: not disqualified", preview)  # in the filter, but nothing to reinstate
    assert "Siren" not in preview  # another category: not in the filter
    done = client.post("/organiser/entries/bulk", data={**data, "confirm": "1", "reason": "Paid after all"})
    assert done.status_code == 302 and f"category={category.id}" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Entry, firewall.id).status == "submitted"


def test_bulk_move_to_another_category_checks_each_entry(client, make, login_as):
    edition, (firewall, probe, net, siren) = _world(make)
    drones = make.category(edition, "drones")
    db.session.add(Assignment(round_id=probe.category.rounds[0].id, entry_id=probe.id, juror_id=make.user("juror").id))
    db.session.commit()
    login_as(make.user("organiser"))
    data = {"action": "move", "entry": [firewall.id, probe.id]}
    choose = client.post("/organiser/entries/bulk", data=data).get_data(as_text=True)
    assert "Check the move" in choose
    preview = client.post("/organiser/entries/bulk", data={**data, "to_category": drones.id}).get_data(as_text=True)
    assert "Jurors are already assigned to it" in preview and "Yes: Move to another category (1 entries)" in preview
    done = client.post("/organiser/entries/bulk", data={**data, "to_category": drones.id, "confirm": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, firewall.id).category_id == drones.id
    assert db.session.get(Entry, probe.id).category_id != drones.id


def test_bulk_with_nothing_ticked_says_so_and_foreign_ids_are_ignored(client, make, login_as):
    edition, entries = _world(make)
    other = make.edition(current=False)
    foreign = make.entry(edition=other, title="Elsewhere")
    login_as(make.user("organiser"))
    answer = client.post("/organiser/entries/bulk", data={"action": "disqualify"}, follow_redirects=True)
    assert "Tick the entries first" in answer.get_data(as_text=True)
    answer = client.post("/organiser/entries/bulk", data={"action": "disqualify", "entry": [foreign.id, "x"]})
    assert answer.status_code == 302
    assert client.post("/organiser/entries/bulk", data={"action": "explode", "entry": entries[0].id}).status_code == 400


def _sheet(data: bytes):
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_entries_workbook_has_one_row_per_entry_every_answer_and_the_files(client, make, login_as):
    from judging.models import Attachment

    edition, (firewall, probe, net, siren) = _world(make)
    firewall_text = firewall.what_is_new = '=HYPERLINK("http://evil")'
    db.session.add(
        Attachment(
            entry_id=firewall.id,
            original_name="brochure.pdf",
            stored_name="1" * 64,
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    )
    db.session.commit()
    login_as(make.user("organiser"))
    response = client.get("/organiser/entries/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    header, rows = _sheet(response.data)
    for column in ("Title", "Company", "What is new", "The initiative", "Its beneficiaries", "File names"):
        assert column in header
    assert len(rows) == 4
    by_title = {row[header.index("Title")]: row for row in rows}
    assert by_title["Firewall"][header.index("Company")] == "Éclair"
    assert by_title["Firewall"][header.index("File names")] == "brochure.pdf"
    hostile = [
        c
        for row in load_workbook(io.BytesIO(response.data)).active.iter_rows()
        for c in row
        if c.value == firewall_text
    ]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)  # stays text in Excel
    assert by_title["Siren"][header.index("The initiative")] == "Initiative"  # the CSR questions
    only_drafts = _sheet(client.get("/organiser/entries/export.xlsx?status=draft").data)[1]
    assert [r[header.index("Title")] for r in only_drafts] == ["Net"]
    selection = client.post("/organiser/entries/bulk", data={"action": "export", "entry": [probe.id, siren.id]})
    assert sorted(r[header.index("Title")] for r in _sheet(selection.data)[1]) == ["Probe", "Siren"]


def test_the_list_offers_bulk_selection_and_the_export(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    page = client.get("/organiser/entries").get_data(as_text=True)
    assert 'name="all_matching"' in page and page.count('name="entry"') == 4
    assert "/organiser/entries/export.xlsx" in page


def test_jury_pack_zip_names_each_file_by_entry_and_company(app, client, make, login_as):
    import zipfile

    edition, (firewall, probe, net, siren) = _world(make)
    for n, (entry, name) in enumerate([(firewall, "brochure.pdf"), (firewall, "brochure.pdf"), (probe, "a/b:c.pdf")]):
        add_attachment(entry, name, f"{n:064d}")
    login_as(make.user("organiser"))
    response = client.get(f"/organiser/categories/{firewall.category_id}/attachments.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert f"{firewall.id:04d} Éclair - Firewall/01 brochure.pdf" in names
    assert f"{firewall.id:04d} Éclair - Firewall/02 brochure.pdf" in names  # same name, both kept
    assert any(n.startswith(f"{probe.id:04d} ") and n.endswith("/01 a b c.pdf") for n in names)
    assert "Entries.xlsx" in names and not any("Net" in n for n in names)  # drafts stay out of a jury pack


def test_printable_dossier_shows_every_answer_one_entry_per_page(client, make, login_as):
    edition, (firewall, probe, net, siren) = _world(make)
    login_as(make.user("organiser"))
    page = client.get(f"/organiser/entries/{siren.id}/dossier").get_data(as_text=True)
    assert "Siren" in page and "The initiative" in page and "Initiative" in page and 'class="dossier"' in page
    pack = client.get(f"/organiser/categories/{firewall.category_id}/dossiers").get_data(as_text=True)
    assert pack.count('<article class="dossier">') == 2
    assert client.get("/organiser/entries/999999/dossier").status_code == 404
