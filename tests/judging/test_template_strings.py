"""Every word a reader sees in a template goes through the catalogue: text nodes and the visible attributes
(placeholder, title, aria-label, alt) outside {{ _() }} and {% trans %} fail the suite, before a French reader
meets them in English. Missing translations of marked strings are test_i18n.py's concern."""

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Jinja constructs become a neutral marker (line breaks kept, so findings name the right line); a trans block is
# marked text as a whole.
JINJA = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
MARKER = " \x00 "
VISIBLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
WORD = re.compile(r"[^\W\d_]{2,}")
# A block that fills in an attribute (`{% block main_class %} class="wide"{% endblock %}`) is markup, not text.
ATTRIBUTE_TEXT = re.compile(r'[\w-]+="[^"]*"')
# Names that stay as they are in every language: the show and its awards, and each language named in itself.
UNTRANSLATED = ("Milipol Innovation Awards", "Milipol", "English", "Français")


def _words(text: str) -> bool:
    text = ATTRIBUTE_TEXT.sub(" ", text.replace("\x00", " "))
    for name in UNTRANSLATED:
        text = text.replace(name, " ")
    return WORD.search(text) is not None


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.replace(chr(0), "…").strip()}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and _words(data):
            self.found.append((self.getpos()[0], " ".join(data.replace("\x00", "…").split())))


def unmarked_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of visible text in a template that is not marked for translation."""
    parser = _VisibleText()
    parser.feed(JINJA.sub(lambda m: MARKER + "\n" * m.group(0).count("\n"), source))
    parser.close()
    return parser.found


def test_the_finder_tells_marked_from_unmarked_text():
    source = """<h1>{{ _('Results') }} · {{ category.name(language()) }}</h1>
<p>{% trans %}Scores are hidden{% endtrans %}</p><main{% block c %} class="wide"{% endblock %}>
<input aria-label="{{ _('Search') }}"> <small>{{ size }} KB</small>
<input aria-label="max"><script>let hidden = "text";</script><p>Milipol Innovation Awards · {{ year }}</p>"""
    assert unmarked_strings(source) == [(3, "… KB"), (4, 'aria-label="max"')]


def test_every_visible_string_in_the_templates_is_marked_for_translation():
    # The mails' text templates too: every word of a mail is in the recipient's language.
    templates = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates" / "mail").glob("*.txt"))
    assert len(templates) > 30
    found = [
        f"  {path.relative_to(ROOT)}:{line}: {text}"
        for path in templates
        for line, text in unmarked_strings(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "text a reader sees is not marked for translation; wrap it in {{ _('...') }} and add its "
        "French to messages.po:\n" + "\n".join(found)
    )
