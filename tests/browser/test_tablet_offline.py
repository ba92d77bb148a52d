"""Offline from the start of the day: once the list was opened online, every assigned scorecard and its files open
with no signal, and any other jury page says so in the juror's language."""

import io

from browser.tablet import card_url, login, make_world, server_card, tablet, tap_marks
from PIL import Image
from playwright.sync_api import expect

from judging.extensions import db
from judging.models import Attachment
from judging.uploads import store_upload


def test_after_the_list_is_opened_online_every_assigned_card_and_file_opens_offline(browser, live_server, make, app):
    world = make_world(make, entries=("Net-capture interceptor", "Radar mast"), language="fr")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(picture, "PNG")
    stored = store_upload(picture.getvalue(), app.config["UPLOAD_FOLDER"])
    mast = world["entries"][1]
    db.session.add(
        Attachment(
            entry_id=mast.id,
            original_name="mast.png",
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
    )
    db.session.commit()

    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.wait_for_selector("#jury-tablet[data-precached]", state="attached")
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")
    live_server.stop()  # the hall's Wi-Fi goes: nothing below was ever opened on this tablet

    page.goto(card_url(live_server.url, world, mast))
    expect(page.locator("h1")).to_have_text("Radar mast")
    tap_marks(page, world["criteria"], {world["criteria"][0].key: 6})
    page.wait_for_selector("#sync-status[data-state=retry], #sync-status[data-state=offline]")
    with page.expect_popup() as popup:
        page.locator("ul.files a", has_text="mast.png").click()
    image = popup.value
    image.wait_for_load_state()
    assert image.evaluate("document.images.length && document.images[0].naturalWidth") == 64
    image.close()

    page.goto(f"{live_server.url}/jury/conflicts")  # never kept: the offline page, in French, with the way back
    expect(page.locator("h1")).to_have_text("Pas de réseau")
    expect(page.locator("a", has_text="Réessayer")).to_be_visible()

    live_server.start()
    page.goto(f"{live_server.url}/jury/")
    row = page.locator(f"tr[data-card='{world['round'].id}-{mast.id}']")
    expect(row.locator(".card-status")).to_have_text("brouillon", timeout=20000)
    assert server_card(world, mast).marks == {world["criteria"][0].key: 6}
    context.close()


def test_a_large_photo_is_kept_for_the_day_at_tablet_size_and_its_full_size_opens_online(
    browser, live_server, make, app, artifacts
):
    world = make_world(make)
    photo = io.BytesIO()
    Image.effect_noise((3200, 2400), 60).convert("RGB").save(photo, "JPEG", quality=92)
    stored = store_upload(photo.getvalue(), app.config["UPLOAD_FOLDER"])
    db.session.add(
        Attachment(
            entry_id=world["entry"].id,
            original_name="stand-photo.jpg",
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
    )
    db.session.commit()

    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.wait_for_selector("#jury-tablet[data-precached]", state="attached")
    page.goto(card_url(live_server.url, world))
    full_size = page.locator("ul.files a.original")
    expect(full_size).to_contain_text(f"{round(stored.size / 1024)} KB")
    with page.expect_popup() as popup:
        full_size.click()
    original = popup.value
    original.wait_for_load_state()
    assert original.evaluate("document.images[0].naturalWidth") == 3200
    original.close()
    page.screenshot(path=str(artifacts / "scorecard-files-tablet-size.png"), full_page=True)

    live_server.stop()
    with page.expect_popup() as popup:
        page.locator("ul.files a", has_text="stand-photo.jpg").click()
    shown = popup.value
    shown.wait_for_load_state()
    assert shown.evaluate("document.images[0].naturalWidth") == 1600  # the tablet copy, kept from the list
    shown.close()
    live_server.start()
    context.close()
