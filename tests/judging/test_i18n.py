"""English and French: every user-facing string is in the French catalogue, and French pages are French."""
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from judging.extensions import db
from judging.jury import services
from judging.models import Assignment, utcnow

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("judging/**.py", "python"), ("templates/**.html", "jinja2")]


def _catalogue():
    with open(ROOT / "judging/translations/fr/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle)


def test_every_user_facing_string_is_in_the_french_catalogue():
    catalogue = _catalogue()
    extracted = {message[2] if isinstance(message[2], str) else message[2][0]
                 for message in extract_from_dir(str(ROOT), METHODS, KEYWORDS)}
    missing = sorted(m for m in extracted if not catalogue.get(m) or not catalogue.get(m).string)
    assert missing == [], f"Translate these in French (make translations): {missing}"


def _english_phrases():
    """UI strings whose French differs, long enough that finding them in a page means it was not translated."""
    phrases = []
    for message in _catalogue():
        if not message.id or not message.string or message.id == message.string:
            continue
        text = re.sub(r"%\(\w+\)[sd.0-9f]*|%%", "\x00", message.id)
        for part in text.split("\x00"):
            if len(part.split()) >= 3:
                phrases.append(part.strip())
    return phrases


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _assert_french(page: str):
    text = _visible_text(page)
    leaks = [phrase for phrase in _english_phrases() if phrase in text]
    assert leaks == [], leaks


def test_pages_rendered_in_french_contain_no_english_ui_string(client, make, login_as):
    edition = make.edition(deadline_in=timedelta(days=3))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    headers = {"Accept-Language": "fr-FR,fr;q=0.9"}
    for url in ("/", "/auth/login", "/auth/register", "/auth/forgot"):
        page = client.get(url, headers=headers).get_data(as_text=True)
        _assert_french(page)
    assert "Se connecter" in client.get("/auth/login", headers=headers).get_data(as_text=True)

    exhibitor = login_as(make.user("exhibitor", language="fr"))
    entry = make.entry(edition=edition, organisation=exhibitor.organisation, status="draft")
    for url in ("/entries/", "/entries/new", f"/entries/new?category={entry.category_id}", f"/entries/{entry.id}",
                f"/entries/{entry.id}/edit"):
        _assert_french(client.get(url).get_data(as_text=True))
    client.post("/auth/logout")

    organiser = make.user("organiser", language="fr")
    juror = make.user("juror", language="fr")
    services.add_member(actor=organiser, category=entry.category, juror=juror)
    entry.status = "submitted"
    db.session.add(Assignment(round_id=entry.category.rounds[0].id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()
    login_as(juror)
    for url in ("/jury/", f"/jury/entries/{entry.id}/score", "/jury/conflicts"):
        page = client.get(url).get_data(as_text=True)
        _assert_french(page)
    assert "Total pondéré" in page or "Conflits d'intérêts" in page
    client.post("/auth/logout")
    login_as(organiser)
    for url in ("/organiser/", "/organiser/entries", "/organiser/juries", "/organiser/results", "/organiser/audit",
                "/organiser/import"):
        _assert_french(client.get(url).get_data(as_text=True))


def test_submission_form_errors_come_in_french(client, make, login_as):
    edition = make.edition()
    login_as(make.user("exhibitor", language="fr"))
    category = make.category(edition, "cyber")
    page = client.post(f"/entries/new?category={category.id}", data={"category": category.id, "title": ""})
    assert page.status_code == 400
