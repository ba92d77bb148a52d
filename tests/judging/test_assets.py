"""Static files under versioned URLs: a new release never mixes with a stylesheet the tablet cached from the old one,
and the current version is cached for a year."""

import hashlib
import re
from pathlib import Path

from flask import url_for

from judging import assets

STATIC = Path(assets.__file__).parent / "static"


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_every_static_file_of_the_pages_has_a_url_naming_its_content(client, login_as, make):
    pages = [client.get("/").get_data(as_text=True), client.get("/auth/login").get_data(as_text=True)]
    make.edition()
    login_as(make.user("juror"))
    jury = client.get("/jury/")
    assert jury.status_code == 200
    pages.append(jury.get_data(as_text=True))
    urls = {url for html in pages for url in _static_urls(html)}
    assert "app.css" in " ".join(urls)
    for url in urls:
        name, version = re.fullmatch(r"/static/([\w./-]+)\?v=([0-9a-f]{12})", url.replace("&amp;", "&")).groups()
        assert version == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_tablets_list_of_files_to_keep_names_the_versioned_stylesheet(client, login_as, make):
    make.edition()
    login_as(make.user("juror"))
    html = client.get("/jury/").get_data(as_text=True)
    kept = re.search(r'data-assets="([^"]+)"', html).group(1).split()
    assert any(re.fullmatch(r"/static/app\.css\?v=[0-9a-f]{12}", url) for url in kept)


def test_an_unversioned_or_old_url_is_revalidated_and_answers_304_when_unchanged(client):
    for url in ("/static/app.css", "/static/app.css?v=000000000000"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_url(app, tmp_path, monkeypatch):
    with app.test_request_context():
        before = url_for("static", filename="app.css")
    (tmp_path / "app.css").write_text("body { color: red; }")
    monkeypatch.setattr(assets, "STATIC", tmp_path)
    with app.test_request_context():
        after = url_for("static", filename="app.css")
    assert before != after and after.endswith("?v=" + hashlib.sha256(b"body { color: red; }").hexdigest()[:12])


def test_a_missing_static_file_is_a_plain_404_and_its_url_has_no_version(app, client):
    with app.test_request_context():
        assert "v=" not in url_for("static", filename="nowhere.css")
    assert client.get("/static/nowhere.css").status_code == 404
