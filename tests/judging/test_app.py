"""The app as a whole: factory, layout, error pages, CSRF, commands, query counts."""

from judging import create_app
from judging.demo import DEMO_LOGINS, DEMO_PASSWORD
from judging.extensions import db
from judging.models import Category, Edition, Entry, JuryMember, Organisation, User


def test_base_layout_renders_with_the_top_level_templates(client, make):
    make.edition(name="Milipol Paris 2027")
    page = client.get("/").get_data(as_text=True)
    assert "Milipol Paris 2027" in page and "Corporate social responsibility" in page


def test_home_page_in_french_for_a_french_browser(client, make):
    make.edition()
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert 'lang="fr"' in page and "Cybersécurité" in page


def test_unknown_page_is_a_readable_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "does not exist" in response.get_data(as_text=True)


def test_health_check_reaches_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_post_without_csrf_token_is_refused_when_csrf_is_on(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make.user()
    response = app.test_client().post("/auth/login", data={"email": user.email, "password": "whatever-123"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Your session expired" in page and f'value="{user.email}"' in page


def test_secret_key_is_generated_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second and (tmp_path / "secret_key").exists()


def test_demo_loads_a_realistic_edition_and_is_idempotent(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "Demo data loaded" in result.output
    counts = {
        model.__name__: db.session.scalar(db.select(db.func.count(model.id)))
        for model in (Edition, Category, Organisation, Entry, User, JuryMember)
    }
    assert counts["Edition"] == 3 and counts["Category"] == 18 and counts["Organisation"] == 60
    assert 80 + 36 <= counts["Entry"] <= 100 + 36 and counts["JuryMember"] >= 48
    # The current edition is in the middle of its final: finalists shortlisted, some stand visits scored.
    current = db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))
    finalists = db.session.scalar(
        db.select(db.func.count(Entry.id)).where(Entry.round_reached == 2, Entry.edition_id == current.id)
    )
    assert finalists == 24
    from judging.models import Round, Scorecard

    final_cards = db.session.scalar(db.select(db.func.count(Scorecard.id)).join(Round).where(Round.position == 2))
    assert final_cards > 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert counts == {
        model.__name__: db.session.scalar(db.select(db.func.count(model.id)))
        for model in (Edition, Category, Organisation, Entry, User, JuryMember)
    }
    for _, email, _ in DEMO_LOGINS:
        assert db.session.scalar(db.select(User).where(User.email == email)).check_password(DEMO_PASSWORD)


def test_create_user_command_makes_an_organiser_who_can_log_in(runner, client):
    result = runner.invoke(
        args=["create-user", "--email", "Boss@Milipol.example", "--role", "organiser", "--password", "Strong-pass-123"]
    )
    assert result.exit_code == 0, result.output
    response = client.post("/auth/login", data={"email": "boss@milipol.example", "password": "Strong-pass-123"})
    assert response.status_code == 302 and response.location.endswith("/organiser/")


def test_create_user_refuses_a_duplicate_email(runner, make):
    user = make.user("juror")
    result = runner.invoke(args=["create-user", "--email", user.email, "--role", "juror", "--password", "x-123456789"])
    assert result.exit_code != 0 and "already exists" in result.output


def _page_queries(client, login_as, count_queries, owner, organiser, entry_id) -> dict[str, int]:
    counts = {}
    login_as(owner)
    for name, url in (("dashboard", "/entries/"), ("entry", f"/entries/{entry_id}")):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    client.post("/auth/logout")
    login_as(organiser)
    for name, url in (("organiser list", "/organiser/entries"), ("organiser entry", f"/organiser/entries/{entry_id}")):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    client.post("/auth/logout")
    return counts


def test_entry_pages_use_the_same_number_of_queries_for_5_and_60_entries(client, make, login_as, count_queries):
    edition = make.edition(max_entries=100)
    company = make.organisation()
    categories = ("cyber", "drones", "csr")
    entries = [make.entry(edition=edition, organisation=company, category=categories[n % 3]) for n in range(5)]
    owner, organiser = make.user("exhibitor", organisation=company), make.user("organiser")
    few = _page_queries(client, login_as, count_queries, owner, organiser, entries[0].id)
    for n in range(55):
        make.entry(edition=edition, organisation=company, category=categories[n % 3])
    many = _page_queries(client, login_as, count_queries, owner, organiser, entries[0].id)
    assert few == many
    # The organisers' list also ranks every category's active round for its score column: the rounds' inputs are
    # read in three statements whatever their number (entry_list.current_scores).
    assert max(v for page, v in many.items() if page != "organiser list") <= 10, many
    assert many["organiser list"] <= 20, many


def test_every_page_carries_the_security_headers(client, make):
    make.edition()
    response = client.get("/auth/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_migrations_match_the_models(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output  # alembic exits 1 with "New upgrade operations detected"


def test_nul_characters_are_a_clear_400_on_every_database(client, make):
    make.edition()
    response = client.post("/auth/login", data={"email": "\x00", "password": "x"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


def test_production_entry_point_compiles_every_template_before_workers_fork(tmp_path, monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/awards.sqlite3")
    monkeypatch.setenv("SECRET_KEY", "entry-point-test")
    monkeypatch.delitem(sys.modules, "judging.wsgi", raising=False)
    wsgi = importlib.import_module("judging.wsgi")
    pages = wsgi.app.jinja_env.list_templates(extensions=["html"])
    compiled = {name for (_loader, name) in wsgi.app.jinja_env.cache.keys()}
    assert len(pages) > 20 and set(pages) <= compiled


def test_dates_are_shown_to_the_minute_in_the_readers_language_and_the_editions_time_zone(app):
    from datetime import datetime

    from flask_babel import force_locale

    from judging.templating import local_datetime

    deadline = datetime(2026, 10, 15, 16, 0)  # stored in UTC: 18:00 in Paris (summer time)
    with app.test_request_context():
        with force_locale("fr"):
            assert local_datetime(deadline) == "15 oct. 2026, 18:00"
        with force_locale("en"):
            # CLDR puts a narrow no-break space before PM; older data a plain one.
            assert local_datetime(deadline) in {"Oct 15, 2026, 6:00\u202fPM", "Oct 15, 2026, 6:00 PM"}
