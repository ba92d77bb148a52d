"""The organiser runs the edition: dates, categories, entries, disqualification."""

import re

from judging.extensions import db
from judging.models import AuditEvent, Edition


def _organiser(make, login_as):
    edition = make.edition()
    login_as(make.user("organiser"))
    return edition


def test_organiser_lists_and_filters_entries_by_category_and_status(client, make, login_as):
    edition = _organiser(make, login_as)
    cyber = make.entry(edition=edition, category="cyber", title="Firewall X")
    make.entry(edition=edition, category="drones", title="Drone net")
    make.entry(edition=edition, category="cyber", status="draft", title="Draft firewall")
    cyber_id = make.category(edition, "cyber").id
    page = client.get(f"/organiser/entries?category={cyber_id}&status=submitted").get_data(as_text=True)
    assert "Firewall X" in page and "Drone net" not in page and "Draft firewall" not in page
    page = client.get("/organiser/entries?q=drone").get_data(as_text=True)
    assert "Drone net" in page and "Firewall X" not in page
    page = client.get(f"/organiser/entries/{cyber.id}").get_data(as_text=True)
    assert "Firewall X" in page and "Drone net" not in page


def _dashboard_counts(page: str, category_name: str) -> dict[str, int]:
    """The numbers in a category's row of the dashboard, by the status each one links to."""
    row = next(row for row in page.split("<tr")[1:] if category_name in row and "status=" in row)
    return {status: int(n) for status, n in re.findall(r'status=(\w+)">(\d+)</a>', row)}


def test_dashboard_counts_entries_by_category_and_status(client, make, login_as):
    edition = _organiser(make, login_as)
    for status in ("submitted", "submitted", "draft", "withdrawn"):
        make.entry(edition=edition, category="crisis", status=status)
    make.entry(edition=edition, category="cyber")
    make.entry(edition=make.edition(current=False), category="crisis")  # another edition's entry is not counted
    page = client.get(f"/organiser/?edition={edition.id}").get_data(as_text=True)
    assert edition.name in page
    assert _dashboard_counts(page, "Crisis management") == {
        "draft": 1,
        "submitted": 2,
        "withdrawn": 1,
        "disqualified": 0,
    }
    assert _dashboard_counts(page, "Cyber security") == {"draft": 0, "submitted": 1, "withdrawn": 0, "disqualified": 0}
    assert _dashboard_counts(page, "Drone") == {"draft": 0, "submitted": 0, "withdrawn": 0, "disqualified": 0}


def test_disqualifying_an_entry_records_the_reason_and_an_audit_event(client, make, login_as):
    edition = _organiser(make, login_as)
    entry = make.entry(edition=edition)
    response = client.post(f"/organiser/entries/{entry.id}", data={"reason": "Product already sold in 2019"})
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.status == "disqualified" and entry.disqualification_reason == "Product already sold in 2019"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "entry.disqualify"))
    assert event.before["status"] == "submitted" and event.after["status"] == "disqualified"


def test_disqualification_needs_a_reason(client, make, login_as):
    edition = _organiser(make, login_as)
    entry = make.entry(edition=edition)
    response = client.post(f"/organiser/entries/{entry.id}", data={"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == "submitted"


def test_organiser_edits_the_edition_dates_with_validation(client, make, login_as):
    edition = _organiser(make, login_as)
    data = dict(
        name="Milipol Paris 2027",
        venue="Villepinte",
        show_starts_on="2027-11-16",
        show_ends_on="2027-11-19",
        submission_deadline="2027-10-01T18:00",
        scoring_opens_at="2027-10-02T08:00",
        scoring_closes_at="2027-10-01T08:00",
        ceremony_at="2027-11-16T15:00",
        status="live",
        max_entries_per_category="2",
        scoring_method="trimmed",
    )
    response = client.post("/organiser/edition", data=data)
    assert response.status_code == 400 and "Must be after “Scoring opens”" in response.get_data(as_text=True)
    assert client.post("/organiser/edition", data=dict(data, scoring_closes_at="2027-11-16T11:00")).status_code == 302
    db.session.refresh(edition)
    assert edition.max_entries_per_category == 2 and edition.scoring_method == "trimmed"
    # Typed in the edition's zone (Paris, summer time), stored in UTC.
    assert edition.submission_deadline.isoformat() == "2027-10-01T16:00:00"


def test_organiser_edits_a_category(client, make, login_as):
    edition = _organiser(make, login_as)
    category = make.category(edition, "csr")
    data = dict(
        name_en="CSR", name_fr="RSE", description_en="d", description_fr="d", position="6", jurors_per_entry="4"
    )
    assert client.post(f"/organiser/categories/{category.id}", data=data).status_code == 302
    db.session.refresh(category)
    assert category.jurors_per_entry == 4 and category.name_fr == "RSE"


def test_only_one_edition_is_current(client, make, login_as):
    first = _organiser(make, login_as)
    second = make.edition(current=False, name="Milipol Qatar 2026")
    assert client.post(f"/organiser/editions/{second.id}/current").status_code == 302
    current = db.session.scalars(db.select(Edition).where(Edition.is_current.is_(True))).all()
    assert [e.id for e in current] == [second.id]
    db.session.refresh(first)
    assert not first.is_current


def test_exhibitors_and_jurors_cannot_open_organiser_pages(client, make, login_as):
    edition = make.edition()
    entry = make.entry(edition=edition)
    for role in ("exhibitor", "juror"):
        login_as(make.user(role))
        for url in ("/organiser/", "/organiser/entries", f"/organiser/entries/{entry.id}", "/organiser/edition"):
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(f"/organiser/entries/{entry.id}", data={"reason": "because I can"}).status_code == 403
        client.post("/auth/logout")
    db.session.refresh(entry)
    assert entry.status == "submitted"


def test_disqualification_can_be_reinstated_and_both_are_recorded(client, make, login_as):
    edition = _organiser(make, login_as)
    entry = make.entry(edition=edition)
    page = client.get(f"/organiser/entries/{entry.id}").get_data(as_text=True)
    assert "jurors no longer see it, its scorecards stop counting" in page
    client.post(f"/organiser/entries/{entry.id}", data={"reason": "Product already sold in 2019"})
    page = client.get(f"/organiser/entries/{entry.id}").get_data(as_text=True)
    assert "Reinstate this entry" in page and "Disqualify this entry" not in page
    refused = client.post(f"/organiser/entries/{entry.id}/reinstate", data={"reason": ""})
    assert refused.status_code == 400 and "This field is required" in refused.get_data(as_text=True)
    response = client.post(
        f"/organiser/entries/{entry.id}/reinstate",
        data={"reason": "The 2019 product was a different model"},
        follow_redirects=True,
    )
    assert "Entry reinstated: it is submitted again." in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == "submitted" and entry.disqualification_reason == ""
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "entry.reinstate"))
    assert (
        event.before["status"] == "disqualified" and event.after["reason"] == "The 2019 product was a different model"
    )
    # Reinstating twice (another tab) is said beside the field, not on a dead-end page.
    again = client.post(f"/organiser/entries/{entry.id}/reinstate", data={"reason": "Clicked twice by mistake"})
    assert again.status_code == 400 and "Only a disqualified entry can be reinstated." in again.get_data(as_text=True)
    assert "<h1>" in again.get_data(as_text=True) and entry.title in again.get_data(as_text=True)


def test_reinstating_is_refused_while_results_are_frozen(client, make, login_as):
    edition = _organiser(make, login_as)
    entry = make.entry(edition=edition)
    client.post(f"/organiser/entries/{entry.id}", data={"reason": "Product already sold in 2019"})
    edition.results_state = "frozen"
    db.session.commit()
    response = client.post(f"/organiser/entries/{entry.id}/reinstate", data={"reason": "It was a different model"})
    assert response.status_code == 409 and "unfreeze them (with the reason) before reinstating" in response.get_data(
        as_text=True
    )
    db.session.refresh(entry)
    assert entry.status == "disqualified"
