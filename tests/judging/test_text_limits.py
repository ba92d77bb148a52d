"""Long text limits are shown as a counter and refused beside the field, never cut silently by the browser."""

import re

from judging.extensions import db
from judging.models import Entry


def test_no_form_field_lets_the_browser_cut_what_was_typed(client, make, login_as):
    edition = make.edition()
    exhibitor = make.user("exhibitor")
    entry = make.entry(edition=edition, organisation=exhibitor.organisation, status="draft")
    login_as(exhibitor)
    page = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert not re.search(r"<textarea[^>]*maxlength", page)
    what_is_new = re.search(r'<textarea[^>]*id="what_is_new"[^>]*>', page).group(0)
    assert 'data-limit="3000"' in what_is_new and 'aria-describedby="what_is_new-counter"' in what_is_new
    assert 'id="what_is_new-counter"' in page and "Up to 3000 characters." in page
    assert "/static/counter.js" in page


def test_a_text_over_the_limit_is_refused_beside_the_field_and_kept(client, make, login_as):
    edition = make.edition()
    exhibitor = make.user("exhibitor")
    entry = make.entry(edition=edition, organisation=exhibitor.organisation, status="draft")
    login_as(exhibitor)
    long_text = "x" * 3001
    answer = client.post(
        f"/entries/{entry.id}/edit",
        data={
            "category": entry.category_id,
            "title": entry.title,
            "summary": "Short",
            "innovation_type": "product",
            "what_is_new": long_text,
        },
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert re.search(r'has-error">\s*<label for="what_is_new"', page)
    assert long_text in page
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).what_is_new != long_text
