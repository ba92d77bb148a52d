"""Imports show what they would change and write nothing until the organiser confirms; a jury president is never
replaced without the preview saying so; the limits are on the page."""

import re

from judging.domain import juries as services
from judging.extensions import db
from judging.models import JuryMember, Organisation, User
from support import JUROR_HEADER, import_workbook, upload_import


def _confirm(client, kind, html, **changes):
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]+)"', html).group(1)
    return client.post(f"/organiser/import/{kind}/confirm", data={"token": token, "digest": digest, **changes})


def test_the_import_page_states_the_limits(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    page = client.get("/organiser/import").get_data(as_text=True)
    assert "5,000 rows" in page and "5 MB" in page and "merged cells" in page


def test_exhibitor_import_previews_the_changes_and_writes_only_on_confirmation(client, make, login_as):
    make.edition()
    make.organisation("Aegis Systems", country="FR", hall="5", stand="B1", contact_email="c@aegis.example.com")
    login_as(make.user("organiser"))
    data = import_workbook(
        ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"],
        [
            ["Aegis Systems", "FR", "6", "B1", "no", "c@aegis.example.com"],
            ["Boreal Drones", "NO", "4", "A7", "yes", "hello@boreal.example.com"],
        ],
    )
    preview = upload_import(client, "exhibitors", data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Nothing has been written yet" in html
    assert "New exhibitor" in html and "Boreal Drones" in html
    assert "Updated exhibitor" in html and "hall: 5 → 6" in html
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "Boreal Drones")) is None
    done = _confirm(client, "exhibitors", html)
    assert done.status_code == 302
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "Boreal Drones")) is not None
    assert db.session.scalar(db.select(Organisation.hall).where(Organisation.name == "Aegis Systems")) == "6"
    again = _confirm(client, "exhibitors", html)  # the preview is used up
    assert again.status_code == 409 and "upload the file again" in again.get_data(as_text=True)


def test_juror_import_never_replaces_a_president_without_saying_so(client, make, login_as):
    edition = make.edition()
    organiser = login_as(make.user("organiser"))
    category = make.category(edition, "cyber")
    sitting = make.user("juror")
    sitting.name = "Laura Rossi"
    member = services.add_member(actor=organiser, category=category, juror=sitting)
    services.set_president(actor=organiser, member=member)
    db.session.commit()
    data = import_workbook(JUROR_HEADER, [["Claire Dubois", "claire@police.example.com", "", "cyber", "fr", "yes"]])
    preview = upload_import(client, "jurors", data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Jury presidents would change" in html
    assert f"{category.name('en')}: Claire Dubois replaces Laura Rossi as president" in html
    assert db.session.get(JuryMember, member.id).is_president  # nothing changed yet
    assert _confirm(client, "jurors", html).status_code == 302
    db.session.expire_all()
    assert not db.session.get(JuryMember, member.id).is_president
    claire = db.session.scalar(db.select(User).where(User.email == "claire@police.example.com"))
    assert db.session.scalar(db.select(JuryMember.is_president).where(JuryMember.user_id == claire.id))


def test_a_preview_made_stale_by_a_change_is_shown_again_instead_of_applied(client, make, login_as):
    edition = make.edition()
    organiser = login_as(make.user("organiser"))
    category = make.category(edition, "cyber")
    data = import_workbook(JUROR_HEADER, [["Claire Dubois", "claire@police.example.com", "", "cyber", "fr", "yes"]])
    html = upload_import(client, "jurors", data).get_data(as_text=True)
    assert "New jury president" in html and "replaces" not in html
    # Meanwhile another organiser seats a president on the same jury.
    other = make.user("juror")
    other.name = "Ingrid Berg"
    services.set_president(actor=organiser, member=services.add_member(actor=organiser, category=category, juror=other))
    db.session.commit()
    stale = _confirm(client, "jurors", html)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Claire Dubois replaces Ingrid Berg as president" in page
    assert db.session.scalar(db.select(User).where(User.email == "claire@police.example.com")) is None


def test_a_date_typed_stand_is_refused_on_the_page_with_its_row(client, make, login_as):
    from datetime import datetime

    make.edition()
    login_as(make.user("organiser"))
    data = import_workbook(
        ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"],
        [["Aegis Systems", "FR", "5", datetime(2027, 3, 12), "no", "c@aegis.example.com"]],
    )
    response = upload_import(client, "exhibitors", data)
    assert response.status_code == 400 and "Row 2, Stand: the cell holds a date (2027-03-12)" in response.get_data(
        as_text=True
    )


def _kept_preview():
    from judging.storage import local_root, storage

    return sorted(local_root(storage()).glob("pending-import-*"))


def _previewed_claire(client, make, login_as) -> tuple[bytes, str]:
    """One new juror of the cyber jury uploaded: the file and its preview."""
    edition = make.edition()
    login_as(make.user("organiser"))
    make.category(edition, "cyber")
    data = import_workbook(JUROR_HEADER, [["Claire Dubois", "claire@police.example.com", "", "cyber", "fr", "no"]])
    return data, upload_import(client, "jurors", data).get_data(as_text=True)


def test_the_confirmation_applies_the_checked_rows_kept_with_the_preview_not_the_workbook(client, make, login_as):
    data, html = _previewed_claire(client, make, login_as)
    # The shared storage (any app machine may take the confirmation) holds the rows as checked, not the file.
    [kept] = _kept_preview()
    content = kept.read_bytes()
    assert kept.suffix == ".json" and data not in content and b"claire@police.example.com" in content
    assert _confirm(client, "jurors", html).status_code == 302
    claire = db.session.scalar(db.select(User).where(User.email == "claire@police.example.com"))
    assert claire.name == "Claire Dubois" and claire.language == "fr"
    assert _kept_preview() == []


def test_kept_rows_that_differ_from_the_preview_are_never_applied(client, make, login_as):
    _, html = _previewed_claire(client, make, login_as)
    [kept] = _kept_preview()
    # The language is no line of the preview, yet the confirmation is bound to it as to every value of the rows.
    kept.write_bytes(kept.read_bytes().replace(b'"fr"', b'"en"'))
    refused = _confirm(client, "jurors", html)
    assert refused.status_code == 409 and "Something changed since the preview" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "claire@police.example.com")) is None
