"""The exhibitor's entries: drafts, questions per category, submission, withdrawal, deadline, limits."""

import io
from datetime import timedelta

from PIL import Image

from judging.extensions import db
from judging.models import Attachment, Entry

PRODUCT = dict(
    title="Smart fence",
    summary="Detects climbing.",
    innovation_type="product",
    what_is_new="Fibre sensing",
    operational_benefit="Fewer patrols",
    maturity="pilot",
    availability_date="2027-03-01",
)
CSR = dict(
    title="Veterans reskilling",
    summary="Jobs for veterans.",
    innovation_type="business_model",
    initiative="Training programme",
    measurable_impact="120 hired",
    beneficiaries="Veterans",
)


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


PNG, JPEG = _image("PNG"), _image("JPEG")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _exhibitor(make, login_as, **edition_values):
    edition = make.edition(**edition_values)
    user = login_as(make.user("exhibitor"))
    return edition, user


def _create(client, category, data=PRODUCT):
    return client.post(f"/entries/new?category={category.id}", data=dict(data, category=category.id))


def test_exhibitor_creates_a_draft_then_submits_it(client, make, login_as):
    edition, user = _exhibitor(make, login_as)
    response = _create(client, make.category(edition, "cyber"))
    assert response.status_code == 302
    entry = db.session.scalar(db.select(Entry))
    assert entry.status == "draft" and entry.organisation_id == user.organisation_id
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    db.session.refresh(entry)
    assert entry.status == "submitted" and entry.submitted_at is not None
    page = client.get("/entries/").get_data(as_text=True)
    assert "Smart fence" in page and "Submitted" in page


def test_new_entry_starts_by_choosing_the_category(client, make, login_as):
    edition, _ = _exhibitor(make, login_as)
    page = client.get("/entries/new").get_data(as_text=True)
    for category in edition.categories:
        assert category.name_en in page


def test_csr_category_asks_its_own_questions(client, make, login_as):
    edition, _ = _exhibitor(make, login_as)
    csr = make.category(edition, "csr")
    page = client.get(f"/entries/new?category={csr.id}").get_data(as_text=True)
    assert "Its measurable impact" in page and "Operational benefit" not in page
    assert _create(client, csr, CSR).status_code == 302
    entry = db.session.scalar(db.select(Entry))
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    db.session.refresh(entry)
    assert entry.status == "submitted" and entry.measurable_impact == "120 hired"


def test_incomplete_draft_cannot_be_submitted(client, make, login_as):
    edition, _ = _exhibitor(make, login_as)
    _create(client, make.category(edition, "cyber"), dict(title="Half done"))
    entry = db.session.scalar(db.select(Entry))
    response = client.post(f"/entries/{entry.id}/submit")
    assert response.status_code == 400 and "what_is_new" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == "draft"


def test_failed_edit_keeps_the_saved_draft(client, make, login_as):
    edition, _ = _exhibitor(make, login_as)
    category = make.category(edition, "cyber")
    _create(client, category)
    entry = db.session.scalar(db.select(Entry))
    response = client.post(f"/entries/{entry.id}/edit", data=dict(PRODUCT, category=category.id, title="x" * 500))
    assert response.status_code == 400
    assert "Field cannot be longer than 200 characters" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.title == "Smart fence" and entry.what_is_new == "Fibre sensing"


def test_second_entry_in_the_same_category_is_refused(client, make, login_as):
    edition, _ = _exhibitor(make, login_as)
    category = make.category(edition, "cyber")
    assert _create(client, category).status_code == 302
    response = _create(client, category, dict(PRODUCT, title="Another one"))
    assert response.status_code == 409 and "limit" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Entry.id))) == 1


def test_limit_per_category_is_configurable_and_counts_drafts(client, make, login_as):
    edition, user = _exhibitor(make, login_as, max_entries=2)
    category = make.category(edition, "drones")
    assert _create(client, category).status_code == 302
    assert _create(client, category, dict(PRODUCT, title="Second")).status_code == 302
    assert _create(client, category, dict(PRODUCT, title="Third")).status_code == 409
    # An entry withdrawn before "back to draft" existed no longer counts.
    first = db.session.scalar(db.select(Entry).order_by(Entry.id))
    first.status = "withdrawn"
    db.session.commit()
    assert _create(client, category, dict(PRODUCT, title="Third")).status_code == 302


def test_back_to_draft_keeps_everything_and_the_entry_can_be_resubmitted(client, make, login_as):
    edition, user = _exhibitor(make, login_as)
    entry = make.entry(edition=edition, organisation=user.organisation, title="Smart visor")
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Back to draft…" in page and "will be judged only if you submit it again" in page
    response = client.post(f"/entries/{entry.id}/withdraw", follow_redirects=True)
    assert "Your entry is back to draft" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == "draft" and entry.submitted_at is None
    assert (entry.title, entry.what_is_new, entry.operational_benefit) == ("Smart visor", "New", "Benefit")
    # Nothing to retype: submitting again is one click.
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    db.session.refresh(entry)
    assert entry.status == "submitted" and entry.submitted_at is not None
    # A draft has nothing to take back.
    entry.status = "draft"
    db.session.commit()
    assert client.post(f"/entries/{entry.id}/withdraw").status_code == 409


def test_changes_are_refused_after_the_deadline(client, make, login_as):
    edition, user = _exhibitor(make, login_as)
    category = make.category(edition, "cyber")
    entry = make.entry(edition=edition, organisation=user.organisation, status="draft")
    edition.submission_deadline = edition.submission_deadline - timedelta(days=30)
    db.session.commit()
    for response in (
        _create(client, make.category(edition, "crisis")),
        client.post(f"/entries/{entry.id}/edit", data=dict(PRODUCT, category=category.id)),
        client.post(f"/entries/{entry.id}/submit"),
        client.post(f"/entries/{entry.id}/withdraw"),
        client.post(f"/entries/{entry.id}/attachments", data={"file": (io.BytesIO(PDF), "a.pdf")}),
    ):
        assert response.status_code == 403
        assert "deadline has passed" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == "draft" and entry.title != "Smart fence"


def test_another_organisations_entry_is_not_found(client, make, login_as):
    edition, _ = _exhibitor(make, login_as)
    theirs = make.entry(edition=edition, status="draft", title="Secret gadget")
    for url in (f"/entries/{theirs.id}", f"/entries/{theirs.id}/edit"):
        assert client.get(url).status_code == 404
    assert client.post(f"/entries/{theirs.id}/withdraw").status_code == 404
    assert "Secret gadget" not in client.get("/entries/").get_data(as_text=True)
    db.session.refresh(theirs)
    assert theirs.status == "draft"


def test_pdf_and_png_are_attached_and_served_only_to_allowed_people(client, make, login_as, app):
    edition, user = _exhibitor(make, login_as)
    entry = make.entry(edition=edition, organisation=user.organisation, status="draft")
    for data, name in ((PDF, "brochure.pdf"), (PNG, "photo.png"), (JPEG, "scan.JPG")):
        response = client.post(f"/entries/{entry.id}/attachments", data={"file": (io.BytesIO(data), name)})
        assert response.status_code == 302
    attachments = db.session.scalars(db.select(Attachment).order_by(Attachment.id)).all()
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png", "image/jpeg"]
    assert all(a.stored_name != a.original_name and "." in a.stored_name for a in attachments)
    served = client.get(f"/entries/files/{attachments[0].id}")
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/auth/logout")
    assert client.get(f"/entries/files/{attachments[0].id}").status_code == 404
    login_as(make.user("exhibitor"))
    assert client.get(f"/entries/files/{attachments[0].id}").status_code == 404
    client.post("/auth/logout")
    login_as(make.user("organiser"))
    served = client.get(f"/entries/files/{attachments[1].id}")
    assert served.status_code == 200 and served.data == PNG


def test_upload_is_judged_by_content_not_by_name(client, make, login_as):
    edition, user = _exhibitor(make, login_as)
    entry = make.entry(edition=edition, organisation=user.organisation, status="draft")
    fakes = [
        (b"MZ\x90\x00 this is an executable", "brochure.pdf"),
        (b"<script>alert(1)</script>", "photo.png"),
        (b"\x89PNG\r\n\x1a\n truncated garbage", "photo.png"),
        (b"", "empty.pdf"),
    ]
    for data, name in fakes:
        response = client.post(f"/entries/{entry.id}/attachments", data={"file": (io.BytesIO(data), name)})
        assert response.status_code == 400, name
    assert "Only PDF, JPEG and PNG" in response.get_data(as_text=True) or "empty" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_oversized_upload_gets_a_readable_413_and_changes_nothing(client, make, login_as, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    edition, user = _exhibitor(make, login_as)
    entry = make.entry(edition=edition, organisation=user.organisation, status="draft")
    big = PDF + b"0" * 4096
    response = client.post(f"/entries/{entry.id}/attachments", data={"file": (io.BytesIO(big), "big.pdf")})
    assert response.status_code == 413 and "larger than" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_juror_and_organiser_cannot_use_exhibitor_pages(client, make, login_as):
    make.edition()
    login_as(make.user("juror"))
    assert client.get("/entries/").status_code == 403
    assert client.get("/entries/new").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, make):
    make.edition()
    response = client.get("/entries/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_submitting_sends_a_receipt_in_the_exhibitors_language(client, make, login_as):
    from judging.mail import outbox

    edition = make.edition()
    user = login_as(make.user("exhibitor", language="fr"))
    entry = make.entry(edition=edition, organisation=user.organisation, status="draft", title="Clôture connectée")
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    receipt = outbox()[-1]
    assert receipt.to == user.email and "Candidature reçue : Clôture connectée" == receipt.subject


def test_refused_entry_form_keeps_what_was_typed_with_the_reason_beside_the_field(client, make, login_as):
    edition, user = _exhibitor(make, login_as)
    category = make.category(edition, "drones")
    assert _create(client, category).status_code == 302
    response = _create(client, category, dict(PRODUCT, title="A second fence", what_is_new="Typed at length"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Conflict" not in page
    category_field = page[page.index('<label for="category"') : page.index('<label for="title"')]
    assert "already has 1 entry(ies)" in category_field
    assert 'value="A second fence"' in page and "Typed at length" in page

    # A submitted entry must stay complete: the edit is refused on the form, as typed.
    entry = make.entry(edition=edition, organisation=user.organisation, category="cyber", title="Submitted one")
    response = client.post(
        f"/entries/{entry.id}/edit",
        data=dict(PRODUCT, category=entry.category_id, title="Renamed fence", what_is_new=""),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Bad request" not in page
    assert "A submitted entry must stay complete" in page and 'value="Renamed fence"' in page
    db.session.refresh(entry)
    assert entry.title == "Submitted one"
