"""In Chromium: the organisers' header fits one line at 1280 px and its menus work from the keyboard; the awards
office creates a second show and its edition from the interface, switches to it and finds its own empty list."""

from judging.extensions import db
from judging.models import Edition
from support import PASSWORD

DATES = {
    "entries_open_at": "2028-01-10T09:00",
    "submission_deadline": "2028-03-01T18:00",
    "scoring_opens_at": "2028-03-05T09:00",
    "scoring_closes_at": "2028-04-01T12:00",
    "ceremony_at": "2028-04-02T17:30",
}


def _log_in(page, url, email):
    page.goto(f"{url}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def _nav_height_in_lines(page) -> float:
    """The header's height (brand and nav) in lines of the nav (the height of one of its links, plus the
    header's padding): 1 when everything sits on one line."""
    return page.evaluate(
        """() => {
            const header = document.querySelector('header.top');
            const link = header.querySelector('nav > a');
            const padding = parseFloat(getComputedStyle(header).paddingTop) * 2;
            return (header.getBoundingClientRect().height - padding) / link.getBoundingClientRect().height;
        }"""
    )


def test_organiser_creates_a_second_show_switches_to_it_and_sees_its_own_empty_list(
    browser, live_server, make, artifacts
):
    paris = make.edition(name="Milipol Paris 2027")
    make.entry(edition=paris, title="Paris perimeter radar")
    organiser = make.user("organiser", email="office@milipol.example")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _log_in(page, live_server.url, organiser.email)
    page.goto(f"{live_server.url}/organiser/entries")
    assert _nav_height_in_lines(page) < 1.5  # one line at 1280 px, the longest header (the switcher's names)
    page.screenshot(path=str(artifacts / "shows-nav-1280.png"))
    assert "Show: Milipol Paris · Edition: Milipol Paris 2027" in page.locator(".office-context").inner_text()

    page.click("details.switcher > summary")
    page.click("details.switcher >> text=Shows…")
    page.fill("input[name=new-name]", "Milipol Qatar")
    page.click("form[action$='/organiser/shows'] button[type=submit]")
    page.wait_for_url("**/organiser/editions/new?show=*")
    assert page.locator("select[name=show] option:checked").inner_text() == "Milipol Qatar"
    page.fill("input[name=name]", "Milipol Qatar 2028")
    page.fill("input[name=venue]", "Doha Exhibition and Convention Center")
    page.fill("input[name=timezone]", "Asia/Qatar")
    for name, value in DATES.items():
        page.fill(f"input[name={name}]", value)
    page.click("main button[type=submit]")
    page.wait_for_url("**/organiser/?edition=*")
    assert "Milipol Qatar · Milipol Qatar 2028" in page.locator("details.switcher > summary").inner_text()
    assert page.locator("header.top .brand").inner_text() == "Milipol Qatar Innovation Awards"

    page.click("header.top >> text=Entries")
    assert "Show: Milipol Qatar · Edition: Milipol Qatar 2028" in page.locator(".office-context").inner_text()
    assert "All (0)" in page.content() and "Paris perimeter radar" not in page.content()
    page.screenshot(path=str(artifacts / "shows-qatar-empty-entries.png"), full_page=True)

    page.click("details.switcher > summary")  # back to Paris, from the menu grouped by show
    page.click("details.switcher button:has-text('Milipol Paris 2027')")
    page.click("header.top >> text=Entries")
    assert "Paris perimeter radar" in page.content()
    qatar = db.session.scalar(db.select(Edition).where(Edition.name == "Milipol Qatar 2028"))
    assert qatar.show.name == "Milipol Qatar" and qatar.is_current and db.session.get(Edition, paris.id).is_current
    context.close()


def test_organiser_menus_open_from_the_keyboard_and_the_header_still_fits_a_tablet(
    browser, live_server, make, artifacts
):
    make.edition(name="Milipol Paris 2027")
    organiser = make.user("organiser", email="office@milipol.example")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _log_in(page, live_server.url, organiser.email)
    page.goto(f"{live_server.url}/organiser/")

    more = page.locator("details.menu", has=page.locator("summary", has_text="More"))
    more.locator("summary").focus()
    page.keyboard.press("Enter")
    assert more.get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Import"
    page.keyboard.press("Enter")
    page.wait_for_url("**/organiser/import")

    page.click("details.account > summary")  # the organisers' language switch is in their account menu
    page.click("header.top button:has-text('Français')")  # the longer French words fit one line too
    page.wait_for_selector("html[lang=fr]")
    assert _nav_height_in_lines(page) < 1.5
    page.screenshot(path=str(artifacts / "shows-nav-1280-fr.png"))

    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    page.goto(f"{live_server.url}/organiser/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 820  # nothing pushed off the side
    assert page.locator("header.top >> text=Résultats").is_visible()
    page.click("details.menu > summary:has-text('Contacts')")
    assert page.locator("details.menu >> text=Entreprises").is_visible()
    page.screenshot(path=str(artifacts / "shows-nav-tablet.png"))
    context.close()
