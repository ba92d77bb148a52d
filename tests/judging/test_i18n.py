"""English and French: every user-facing string is in the French catalogue, and French pages are French.

The compiled catalogue (.mo, not committed) is built from the .po by the package build (setup.py); in the source tree
the session fixture `french_catalogue` in tests/conftest.py rebuilds it when it is older than the .po.
"""

import gettext
import re
import subprocess
import sys
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, utcnow

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "judging/translations/fr/LC_MESSAGES/messages.po"
# The keywords of `make translations` (pybabel's defaults, which include _ gettext ngettext, plus _l lazy_gettext N_).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdif]|%%")
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _method_map() -> list[tuple[str, str]]:
    """The [method: pattern] sections of babel.cfg, as extract_from_dir wants them."""
    sections = re.findall(r"^\[(\w+):\s*(.+?)\]\s*$", (ROOT / "babel.cfg").read_text(), flags=re.M)
    assert sections, "babel.cfg has no extraction section"
    return [(pattern, method) for method, pattern in sections]


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(strings) and all(s and s.strip() for s in strings)


def test_every_user_facing_string_is_in_the_french_catalogue():
    catalogue = _catalogue()
    extracted: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=_method_map(), keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            extracted.setdefault(msgid, f"{filename}:{lineno}")
    assert len(extracted) > 100, "the extraction found almost nothing: check babel.cfg"
    missing = sorted(
        (where, msgid)
        for msgid, where in extracted.items()
        if catalogue.get(msgid) is None or not _translated(catalogue.get(msgid))
    )
    report = "\n".join(f"  {where}: {msgid!r}" for where, msgid in missing)
    assert not missing, (
        f"{len(missing)} user-facing string(s) missing from the French catalogue or untranslated; "
        f"run `make translations` and translate them in {PO}:\n{report}"
    )


def test_french_catalogue_has_no_fuzzy_entry_and_keeps_every_placeholder():
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {string!r}")
    assert not problems, "\n".join(problems)


def test_the_package_build_ships_the_french_catalogue_compiled_from_the_po(tmp_path):
    """The build step that `pip install .` and `python -m build` run (setup.py) writes the .mo into the package, and
    the standard library's gettext, a reader independent of the Babel that wrote it, finds there what the .po says.
    (CI also installs the built wheel into a fresh environment and fetches a French page from it.)"""
    subprocess.run(
        [sys.executable, "setup.py", "--quiet", "build_py", "--build-lib", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with (tmp_path / "judging/translations/fr/LC_MESSAGES/messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    wrong = []
    for message in _catalogue():
        if not message.id or not _translated(message):
            continue
        if isinstance(message.id, (tuple, list)):
            singular, plural = message.id[0], message.id[1]
            found = (compiled.ngettext(singular, plural, 1), compiled.ngettext(singular, plural, 2))
            wanted = (message.string[0], message.string[-1])
        else:
            found, wanted = compiled.gettext(message.id), message.string
        if found != wanted:
            wrong.append((message.id, found))
    assert len(list(_catalogue())) > 300
    assert not wrong, f"the built catalogue differs from the .po for: {wrong[:10]}"


def _english_phrases() -> list[str]:
    """UI strings whose French differs, long enough (3+ words) that finding one in a page means it was not
    translated; placeholders split a msgid into pieces, each checked on its own."""
    phrases = set()
    for message in _catalogue():
        if not message.id or not _translated(message) or message.id == message.string:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        for msgid in ids:
            for part in PLACEHOLDER.split(msgid):
                part = " ".join(part.split())
                if "<" not in part and len(part.split()) >= 3:
                    phrases.add(part)
    return sorted(phrases)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    # Attribute texts the reader also sees: placeholders, tooltips, labels for screen readers.
    attributes = re.findall(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"', html)
    return " ".join((text + " " + " ".join(unescape(a) for a in attributes)).split())


class FrenchPages:
    """Fetches pages and checks each is French: lang="fr", no English UI phrase, not an error page."""

    def __init__(self, client):
        self.client, self.phrases = client, _english_phrases()
        assert len(self.phrases) > 50

    def get(self, url: str, headers=None) -> str:
        response = self.client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        page = response.get_data(as_text=True)
        assert '<html lang="fr">' in page, url
        text = _visible_text(page)
        leaks = [phrase for phrase in self.phrases if phrase in text]
        assert leaks == [], f"English left on the French page {url}: {leaks}"
        return text


@pytest.fixture
def french(client):
    return FrenchPages(client)


def test_public_and_account_pages_are_french_for_a_french_browser(client, make, french):
    edition = make.edition()
    pages = {url: french.get(url, FRENCH) for url in ("/", "/auth/login", "/auth/register", "/auth/forgot")}
    assert "Se connecter" in pages["/auth/login"] and "Mot de passe" in pages["/auth/login"]
    assert "S'inscrire comme exposant" in pages["/auth/register"]
    assert "Log in" not in pages["/auth/login"]
    assert edition.name in pages["/"]  # data is shown as entered, only the interface is translated


def test_exhibitor_pages_are_french(client, make, login_as, french):
    edition = make.edition(deadline_in=timedelta(days=3))
    exhibitor = login_as(make.user("exhibitor", language="fr"))
    draft = make.entry(edition=edition, organisation=exhibitor.organisation, status="draft")
    submitted = make.entry(edition=edition, category="drones", organisation=exhibitor.organisation)
    csr = make.category(edition, "csr")
    dashboard = french.get("/entries/")
    assert "Brouillon" in dashboard and "Déposée" in dashboard
    for url in (
        "/entries/new",
        f"/entries/new?category={draft.category_id}",
        f"/entries/new?category={csr.id}",
        f"/entries/{draft.id}",
        f"/entries/{draft.id}/edit",
        f"/entries/{submitted.id}",
    ):
        french.get(url)
    assert "candidature" in french.get(f"/entries/{draft.id}/edit").lower()


def test_juror_and_organiser_pages_are_french(client, make, login_as, french):
    edition = make.edition(deadline_in=timedelta(days=3))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    entry = make.entry(edition=edition)
    organiser = make.user("organiser", language="fr")
    juror = make.user("juror", language="fr")
    services.add_member(actor=organiser, category=entry.category, juror=juror)
    round_id = entry.category.rounds[0].id
    db.session.add(Assignment(round_id=round_id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()

    login_as(juror)
    pages = {
        url: french.get(url)
        for url in (
            "/jury/",
            f"/jury/entries/{entry.id}/score",
            "/jury/conflicts",
            f"/jury/entries/{entry.id}/recuse",
            "/jury/schedule",
        )
    }
    assert "Total pondéré" in pages[f"/jury/entries/{entry.id}/score"]
    client.post("/auth/logout")

    login_as(organiser)
    for url in (
        "/organiser/",
        "/organiser/entries",
        f"/organiser/entries/{entry.id}",
        "/organiser/juries",
        "/organiser/assignments",
        "/organiser/conflicts",
        "/organiser/results",
        "/organiser/results/compare",
        "/organiser/audit",
        "/organiser/import",
        "/organiser/edition",
        f"/organiser/categories/{entry.category_id}",
        f"/organiser/rounds/{round_id}",
        f"/organiser/rounds/{round_id}/criteria",
        f"/organiser/rounds/{round_id}/stand-cards",
    ):
        french.get(url)


def test_submission_form_errors_come_in_french(client, make, login_as):
    edition = make.edition()
    login_as(make.user("exhibitor", language="fr"))
    category = make.category(edition, "cyber")
    response = client.post(f"/entries/new?category={category.id}", data={"category": category.id, "title": ""})
    assert response.status_code == 400
    text = _visible_text(response.get_data(as_text=True))
    assert "This field is required" not in text
    assert "Ce champ est requis." in text  # WTForms' own French messages
    assert "Nouvelle candidature" in text


def test_an_anonymous_visitors_language_switch_is_remembered(client, make, french):
    make.edition()
    assert "Log in" in client.get("/auth/login").get_data(as_text=True)  # no preference: English
    response = client.post("/auth/language", data={"language": "fr", "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    # The next pages, without any Accept-Language header, are French.
    assert "Se connecter" in french.get("/auth/login")
    french.get("/")
    # The choice beats the browser's preference, both ways.
    assert "Se connecter" in french.get("/auth/login", {"Accept-Language": "en-GB,en;q=0.9"})
    client.post("/auth/language", data={"language": "en", "next": "/"})
    english = client.get("/auth/login", headers=FRENCH).get_data(as_text=True)
    assert '<html lang="en">' in english and "Log in" in english and "Se connecter" not in english


def test_a_users_language_switch_is_remembered_on_the_next_login(client, make, login_as, french):
    make.edition()
    user = login_as(make.user("exhibitor", language="en"))
    assert "My entries" in client.get("/entries/").get_data(as_text=True)
    client.post("/auth/language", data={"language": "fr", "next": "/entries/"})
    assert "Mes candidatures" in french.get("/entries/")
    client.post("/auth/logout")
    client.delete_cookie("lang")  # another browser: only the account remembers
    login_as(user)
    french.get("/entries/")


def test_error_pages_are_french(client, make, french):
    make.edition()
    response = client.get("/no-such-page", headers=FRENCH)
    assert response.status_code == 404
    text = _visible_text(response.get_data(as_text=True))
    assert "Not found" not in text
