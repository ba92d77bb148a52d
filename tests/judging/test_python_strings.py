"""Every sentence the Python code shows a reader goes through the catalogue: a literal handed to a place that
reaches the page (a flash, a refusal, an error page, a form label or validation message, a form error) must
be wrapped in `_()` / `_l()` (or ngettext), or the French reader meets it in English. The templates have
their own scan (test_template_strings.py)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "N_"}
# Calls whose first argument (or `description=` / `message=` keyword) reaches the reader.
SINKS = {"flash", "Refused", "ScoringClosed", "RejectedUpload", "ValidationError", "abort"}
FIELDS = re.compile(r"\w*Field$")  # WTForms fields: the first argument is the label
FIELD_KEYWORDS = {"label", "description", "message"}
WORD = re.compile(r"[^\W\d_]{2,}")
# Texts that are not sentences: codes, formats, names of things that keep their name in every language.
ALLOWED = ("Milipol Innovation Awards", "Milipol", "English", "Français")


def _is_words(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        for name in ALLOWED:
            text = text.replace(name, " ")
        return WORD.search(text) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_is_words(v) for v in node.values)
    if isinstance(node, ast.BinOp):  # "a" + "b", "text %s" % x
        return _is_words(node.left) or _is_words(node.right)
    return False


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unmarked_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of each literal sentence handed to a reader-facing call without going through the catalogue."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        candidates: list[ast.AST] = []
        if name in SINKS or FIELDS.match(name):
            candidates += node.args[:1] if name != "abort" else node.args[1:2]
            candidates += [k.value for k in node.keywords if k.arg in FIELD_KEYWORDS]
        elif name == "append" and isinstance(node.func, ast.Attribute) and _name(node.func.value) == "errors":
            candidates += node.args[:1]  # form.field.errors.append("...")
        for candidate in candidates:
            if _is_words(candidate):
                found.append((candidate.lineno, ast.unparse(candidate)[:80]))
    return found


def test_the_finder_tells_marked_from_unmarked_python_strings():
    source = """
flash(_("Saved."), "success")
flash("Saved.", "success")
raise Refused(_("Closed."), 409)
raise Refused(f"Closed since {when}", 409)
name = StringField(_l("Name"), validators=[Length(max=10, message=_l("Too long"))])
title = StringField("Title")
abort(404, description="No such page")
abort(400)
form.name.errors.append("Taken")
form.name.errors.append(message)
"""
    assert [line for line, _ in unmarked_strings(source)] == [3, 5, 7, 8, 10]


def test_every_reader_facing_string_in_the_python_code_is_marked_for_translation():
    found = []
    for path in sorted((ROOT / "judging").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found += [f"{path.relative_to(ROOT)}:{line}: {text}" for line, text in unmarked_strings(path.read_text())]
    assert not found, "Unmarked reader-facing text (wrap it in _() or _l()):\n" + "\n".join(found)
