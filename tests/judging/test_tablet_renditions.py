"""Attachments on the tablet come at tablet size: a large photo is served as a resized copy, made once per content
hash and kept beside the uploads; the original stays downloadable, and only where the entry may be seen."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from judging.domain import entries as entry_services, juries as services
from judging.extensions import db
from judging.models import Assignment, Attachment, utcnow
from judging.uploads import TABLET_EDGE, rendition_path, store_upload


def _photo(size=(3200, 2400), fmt="JPEG", orientation=None) -> bytes:
    image = Image.effect_noise(size, 60).convert("RGB")  # noise: a photo's worth of bytes, not a flat colour
    buffer = io.BytesIO()
    options = {"quality": 92} if fmt == "JPEG" else {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def world(make, app):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "cyber")
    organiser = make.user("organiser")
    juror, stranger = make.user("juror"), make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    entry = make.entry(edition=edition, title="Quantum-safe radio")
    db.session.add(Assignment(round_id=category.rounds[0].id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()

    def attach(data: bytes, name: str) -> Attachment:
        stored = store_upload(data, app.config["UPLOAD_FOLDER"])
        item = Attachment(
            entry_id=entry.id,
            original_name=name,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
        db.session.add(item)
        db.session.commit()
        return item

    return dict(
        entry=entry, round=category.rounds[0], juror=juror, stranger=stranger, organiser=organiser, attach=attach
    )


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(response.data))


def test_a_large_photo_opens_on_the_tablet_at_tablet_size_and_the_original_stays_downloadable(
    client, login_as, world, app
):
    original = _photo()
    item = world["attach"](original, "stand.jpg")
    login_as(world["juror"])
    shown = client.get(f"/jury/files/{item.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert max(_image(shown).size) == TABLET_EDGE and _image(shown).size == (1600, 1200)
    assert len(shown.data) < len(original) / 3
    kept = rendition_path(app.config["UPLOAD_FOLDER"], sha256=item.sha256, content_type="image/jpeg")
    assert kept.parent.parent == Path(app.config["UPLOAD_FOLDER"]) and kept.read_bytes() == shown.data
    made_at = kept.stat().st_mtime_ns
    assert client.get(f"/jury/files/{item.id}").data == shown.data and kept.stat().st_mtime_ns == made_at  # made once
    for url in (f"/jury/files/{item.id}?original=1", f"/jury/files/{item.id}?download=1"):
        assert client.get(url).data == original
    page = client.get(f"/jury/entries/{world['entry'].id}/score").get_data(as_text=True)
    assert f'href="/jury/files/{item.id}?original=1"' in page
    assert re.search(rf"Full size \({round(len(original) / 1024)} KB\)", page)


def test_the_list_budgets_the_tablet_size_of_each_file_for_the_offline_day(client, login_as, world):
    original = _photo()
    item = world["attach"](original, "stand.jpg")
    login_as(world["juror"])
    small = len(client.get(f"/jury/files/{item.id}").data)
    html = client.get("/jury/").get_data(as_text=True)
    assert f'data-url="/jury/files/{item.id}" data-size="{small}"' in html


def test_a_small_image_or_a_pdf_is_served_as_uploaded(client, login_as, world):
    small = _photo((800, 600))
    picture = world["attach"](small, "small.jpg")
    login_as(world["juror"])
    assert client.get(f"/jury/files/{picture.id}").data == small
    page = client.get(f"/jury/entries/{world['entry'].id}/score").get_data(as_text=True)
    assert "original=1" not in page  # nothing larger to offer


def test_a_portrait_photo_taken_sideways_is_turned_upright_and_a_png_stays_a_png(client, login_as, world):
    sideways = world["attach"](_photo((3200, 2400), orientation=6), "portrait.jpg")
    drawing = io.BytesIO()
    Image.linear_gradient("L").resize((2000, 2000)).save(drawing, "PNG")
    plan = world["attach"](drawing.getvalue(), "plan.png")
    login_as(world["juror"])
    assert _image(client.get(f"/jury/files/{sideways.id}")).size == (1200, 1600)
    shown = client.get(f"/jury/files/{plan.id}")
    assert shown.mimetype == "image/png" and _image(shown).format == "PNG" and _image(shown).size == (1600, 1600)


def test_only_the_people_who_may_see_the_entry_get_either_copy(client, login_as, world):
    item = world["attach"](_photo(), "stand.jpg")
    login_as(world["stranger"])
    assert client.get(f"/jury/files/{item.id}").status_code == 404
    assert client.get(f"/jury/files/{item.id}?original=1").status_code == 404
    client.post("/auth/logout")
    login_as(world["organiser"])  # the back office reads the file as uploaded
    assert (
        client.get(f"/entries/files/{item.id}").data
        == (Path(client.application.config["UPLOAD_FOLDER"]) / item.stored_name).read_bytes()
    )


def test_an_upload_makes_its_tablet_copy_at_once_and_removing_the_file_removes_it(app, make):
    edition = make.edition()
    entry = make.entry(edition=edition, status="draft")
    owner = make.user("exhibitor", organisation=entry.organisation)
    folder = app.config["UPLOAD_FOLDER"]
    with app.test_request_context():
        item = entry_services.add_attachment(
            entry=entry, user=owner, data=_photo(), filename="stand.jpg", folder=folder
        )
        kept = rendition_path(folder, sha256=item.sha256, content_type=item.content_type)
        assert kept.exists() and max(Image.open(kept).size) == TABLET_EDGE
        entry_services.remove_attachment(attachment=item, folder=folder)
    assert not kept.exists()
