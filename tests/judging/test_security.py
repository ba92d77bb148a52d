"""Security, second pass: links and hosts, sessions, throttling, and input that must never give a 500."""

import re

import pytest
from werkzeug.security import generate_password_hash

from judging.extensions import db
from judging.links import public_url
from judging.mail import outbox
from support import PASSWORD

PUBLIC = "https://awards.milipol.example"


def _link(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


# Links and hosts ---------------------------------------------------------------------------------------------


def test_reset_mail_links_to_the_public_base_url_not_to_the_host_the_request_named(app, client, make):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    user = make.user()
    response = client.post("/auth/forgot", data={"email": user.email}, base_url="http://127.0.0.1")
    assert response.status_code == 302
    assert _link(outbox()[-1]).startswith(f"{PUBLIC}/auth/reset/")


def test_a_forged_host_header_is_refused_and_no_mail_leaves(client, make):
    user = make.user()
    response = client.post("/auth/forgot", data={"email": user.email}, base_url="http://attacker.example")
    assert response.status_code == 400
    assert outbox() == []


def test_invitation_link_uses_the_public_base_url(app, client, make):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    edition = make.edition()
    organiser = make.user("organiser")
    client.post("/auth/login", data={"email": organiser.email, "password": PASSWORD}, base_url="http://localhost")
    category = make.category(edition, "drones")
    client.post(
        "/organiser/juries/invite",
        base_url="http://localhost",
        data={"name": "Claire Dubois", "email": "claire@police.example", "language": "fr", "category": category.id},
    )
    assert _link(outbox()[-1]).startswith(f"{PUBLIC}/auth/invitation/")


def test_public_url_keeps_a_path_prefix_and_ignores_the_request(app):
    app.config["PUBLIC_BASE_URL"] = "https://expo.example/awards/"
    with app.test_request_context("/", base_url="http://127.0.0.1:8000"):
        assert public_url("jury.my_entries") == "https://expo.example/awards/jury/"


@pytest.mark.parametrize(
    "value", ["awards.example", "ftp://awards.example", "https://user@awards.example", "https://awards.example/?x=1"]
)
def test_a_malformed_public_base_url_stops_the_app_at_start_up(database_url, value):
    from judging import create_app

    with pytest.raises(ValueError):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_BASE_URL": value, "SECRET_KEY": "x"})


# Sessions ----------------------------------------------------------------------------------------------------


def _copy_of(client, app):
    """A second browser holding the same cookies: what an attacker has after stealing them."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def _logged_in(some_client) -> bool:
    return (
        some_client.get("/auth/account").status_code == 302
        and "/auth/login" not in some_client.get("/auth/account").location
    )


def test_a_stolen_session_cookie_stops_working_after_logout(app, client, make, login_as):
    login_as(make.user())
    thief = _copy_of(client, app)
    assert _logged_in(thief)
    client.post("/auth/logout")
    assert not _logged_in(thief)


def test_a_password_reset_ends_every_session_and_remember_cookie(app, client, make):
    user = make.user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    thief = _copy_of(client, app)
    remembered = app.test_client()
    token = client.get_cookie("remember_token", domain="awards.test").value
    remembered.set_cookie("remember_token", token, domain="awards.test")
    assert _logged_in(thief) and _logged_in(remembered)
    other = app.test_client()
    other.post("/auth/forgot", data={"email": user.email})
    link = _link(outbox()[-1]).replace("http://awards.test", "")
    assert other.post(link, data={"password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"}).status_code == 302
    assert not _logged_in(thief) and not _logged_in(remembered)


def test_remember_me_lasts_two_weeks_and_is_renewed_on_each_visit(app, client, make):
    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "Max-Age=1209600" in cookie or "Expires=" in cookie
    assert client.get_cookie("remember_token", domain="awards.test").expires is not None
    days = (
        client.get_cookie("remember_token", domain="awards.test").expires
        - __import__("datetime").datetime.now(__import__("datetime").timezone.utc)
    ).days
    assert 13 <= days <= 14
    again = client.get("/auth/account")
    assert any(h.startswith("remember_token=") for h in again.headers.getlist("Set-Cookie"))


def test_organiser_logs_a_juror_out_everywhere_from_the_juries_page(app, client, make, login_as):
    from judging.domain import juries as services

    edition = make.edition()
    juror, organiser = make.user("juror"), make.user("organiser")
    services.add_member(actor=organiser, category=make.category(edition, "cyber"), juror=juror)
    tablet = app.test_client()
    tablet.post("/auth/login", data={"email": juror.email, "password": PASSWORD, "remember": "y"})
    assert _logged_in(tablet)
    login_as(organiser)
    page = client.get("/organiser/juries").get_data(as_text=True)
    assert f"/organiser/users/{juror.id}/end-sessions" in page
    assert client.post(f"/organiser/users/{juror.id}/end-sessions").status_code == 302
    assert not _logged_in(tablet)
    assert _logged_in(client)  # the organiser's own session is untouched
    assert client.post(f"/organiser/users/{organiser.id + 1000}/end-sessions").status_code == 404


def test_ending_sessions_needs_the_form_token(app, client, make, login_as):
    juror = make.user("juror")
    login_as(make.user("organiser"))
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/organiser/users/{juror.id}/end-sessions").status_code == 400


# Throttling --------------------------------------------------------------------------------------------------


@pytest.fixture
def throttled(database_url, tmp_path):
    """An app with throttling on and the default limits, in its own memory storage."""
    from judging import create_app
    from judging.extensions import limiter

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SECRET_KEY": "t",
            "MAIL_BACKEND": "memory",
            "SERVER_NAME": "awards.test",
            "PUBLIC_BASE_URL": "http://awards.test",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()


def _login(app, email, password, address="192.0.2.1"):
    return (
        app.test_client()
        .post("/auth/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})
        .status_code
    )


def test_a_hundred_jurors_log_in_from_the_venue_address_within_a_minute(throttled, make):
    jurors = [make.user("juror") for _ in range(100)]
    for juror in jurors:  # a fast hash for the test's sake: the limits are what is measured here
        juror.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    db.session.commit()
    # A few typos on the way do not lock the venue out either.
    assert [_login(throttled, j.email, "wrong-password-1") for j in jurors[:10]] == [401] * 10
    assert [_login(throttled, j.email, PASSWORD) for j in jurors] == [302] * 100


def test_failed_logins_lock_the_account_but_not_its_owner_elsewhere_or_the_others(throttled, make):
    victim, colleague = make.user("juror"), make.user("juror")
    assert [_login(throttled, victim.email, f"guess-{n}-password") for n in range(6)] == [401] * 5 + [429]
    assert _login(throttled, victim.email, PASSWORD, address="198.51.100.7") == 429  # the account is resting
    assert _login(throttled, colleague.email, PASSWORD) == 302  # the address still works for everyone else


def test_failed_logins_from_one_address_are_throttled_across_accounts(throttled, make):
    throttled.config["LOGIN_RATE_LIMIT"] = "6 per minute"  # the default (60) takes 60 slow checks to reach
    statuses = [_login(throttled, f"spray{n}@example.com", "Summer-2027!") for n in range(7)]
    assert statuses == [401] * 6 + [429]
    assert _login(throttled, "spray@example.com", "Summer-2027!", address="198.51.100.7") == 401


def test_a_forged_forwarded_for_header_is_ignored_without_trusted_proxies(throttled, make):
    throttled.config["LOGIN_RATE_LIMIT"] = "6 per minute"
    client = throttled.test_client()
    statuses = [
        client.post(
            "/auth/login",
            data={"email": f"p{n}@example.com", "password": "x-password-1"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(7)
    ]
    assert statuses == [401] * 6 + [429]  # all from the one real address


def test_forwarded_address_is_used_behind_the_configured_proxy(database_url, tmp_path, make):
    from judging import create_app
    from judging.extensions import limiter

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SECRET_KEY": "t",
            "SERVER_NAME": "awards.test",
            "PUBLIC_BASE_URL": "http://awards.test",
            "TRUSTED_PROXIES": 1,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    app.config["LOGIN_RATE_LIMIT"] = "6 per minute"
    with app.app_context():
        limiter.reset()
        client = app.test_client()
        statuses = [
            client.post(
                "/auth/login",
                data={"email": f"q{n}@example.com", "password": "x-password-1"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            ).status_code
            for n in range(7)
        ]
        assert statuses == [401] * 7  # seven different people behind the proxy


def test_reset_mails_are_throttled_per_recipient_and_per_address(throttled, make):
    user = make.user()
    client = throttled.test_client()
    statuses = [client.post("/auth/forgot", data={"email": user.email}).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429] and len(throttled.extensions["awards_outbox"]) == 3
    limiter_statuses = [
        client.post(
            "/auth/forgot", data={"email": f"n{n}@example.com"}, environ_base={"REMOTE_ADDR": "192.0.2.9"}
        ).status_code
        for n in range(6)
    ]
    assert limiter_statuses == [302] * 5 + [429]


def test_registrations_are_throttled_per_address(throttled, make):
    make.edition()
    client = throttled.test_client()
    statuses = [
        client.post(
            "/auth/register",
            environ_base={"REMOTE_ADDR": "192.0.2.10"},
            data=dict(
                name="Ada", email=f"ada{n}@example.com", language="en", organisation=f"Company {n}", country="FR"
            ),
        ).status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:5]


def test_an_unknown_email_costs_as_much_time_as_a_wrong_password(client, make):
    import statistics
    import time

    user = make.user()
    times = {user.email: [], "nobody-here@example.com": []}
    for _ in range(5):  # interleaved, so that the machine's load weighs on both alike
        for email in times:
            start = time.perf_counter()
            client.post("/auth/login", data={"email": email, "password": "not-the-password-1"})
            times[email].append(time.perf_counter() - start)
    known, unknown = (statistics.median(t) for t in times.values())
    # Before the fix an unknown email answered about 15 times faster (no password hash to check).
    assert unknown > 0.4 * known, (unknown, known)


# Input that must never give a 500 ----------------------------------------------------------------------------

HUGE = "99999999999999999999999"


def _every_get_url(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule
        for name, converter in rule._converters.items():
            url = re.sub(
                rf"<[^>]*{name}>",
                HUGE if converter.__class__.__name__.endswith("IntegerConverter") else values.get(name, "x"),
                url,
            )
        yield url


@pytest.mark.parametrize("role", ["anonymous", "exhibitor", "juror", "organiser"])
def test_an_oversized_number_in_any_address_is_a_4xx_never_a_500(app, client, make, login_as, role):
    edition = make.edition()
    if role != "anonymous":
        login_as(make.user(role))
    query = f"?edition={HUGE}&round={HUGE}&category={HUGE}&page={HUGE}"
    failures = []
    for url in _every_get_url(app, {"slug": edition.slug, "token": "x", "kind": "exhibitors"}):
        response = client.get(url + query)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []


def test_an_oversized_edition_number_is_explained(client, make):
    make.edition()
    response = client.get(f"/?edition={HUGE}")
    assert response.status_code == 400 and "too large" in response.get_data(as_text=True)
    assert client.get(f"/entries/{HUGE}").status_code in (302, 404)


def test_a_deeply_nested_json_body_is_a_400(client, make, login_as):
    login_as(make.user("juror"))
    for depth in (40, 100_000):
        body = "[" * depth + "]" * depth
        response = client.post("/jury/api/scorecards/1/1", data=body, content_type="application/json")
        assert response.status_code == 400, depth


def test_a_line_break_in_an_entry_title_cannot_add_a_mail_header(client, make, login_as):
    edition = make.edition()
    company = make.organisation()
    owner = make.user("exhibitor", organisation=company)
    entry = make.entry(
        edition=edition, organisation=company, status="draft", title="Drone shield\r\nBcc: attacker@example.com"
    )
    login_as(owner)
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    receipt = outbox()[-1]
    assert receipt.subject == "Entry received: Drone shield Bcc: attacker@example.com"
    from judging.extensions import db
    from judging.mail import compose
    from judging.models import OutboxMessage

    sent = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert compose(sent, sender="awards@localhost")["Bcc"] is None


def test_the_database_refuses_an_eleventh_file_even_when_uploads_race(app, make):
    """Two uploads that both saw nine files and both chose the last slot: the database keeps only one."""
    import sqlalchemy as sa

    from judging.models import Attachment

    entry = make.entry(status="draft")

    def file(n, **values):
        return Attachment(
            entry_id=entry.id,
            original_name=f"f{n}.pdf",
            stored_name=f"{n:032x}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            **values,
        )

    for n in range(10):
        db.session.add(file(n))
        db.session.commit()
    assert sorted(a.slot for a in db.session.scalars(db.select(Attachment))) == list(range(1, 11))
    db.session.add(file(10))  # the automatic slot is past the limit
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(file(11, slot=10))  # a racing upload that chose the same last slot
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_racing_upload_is_refused_with_the_limit_message_and_leaves_no_file(app, make):
    """The upload's count check passed (nine files seen), but the tenth slot was taken meanwhile."""
    from pathlib import Path

    from judging.domain.entries import add_attachment
    from judging.errors import Refused
    from judging.models import Attachment

    company = make.organisation()
    owner = make.user("exhibitor", organisation=company)
    entry = make.entry(organisation=company, status="draft")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    folder = app.config["UPLOAD_FOLDER"]
    for _ in range(9):
        add_attachment(entry=entry, user=owner, data=pdf, filename="a.pdf", folder=folder)
    assert len(entry.attachments) == 9  # what this upload's request saw
    db.session().expire_on_commit = False
    db.session.commit()
    with db.engine.begin() as other_request:  # the racing upload wins the last slot
        other_request.execute(
            Attachment.__table__.insert().values(
                entry_id=entry.id,
                slot=10,
                original_name="c.pdf",
                stored_name="f" * 32 + ".pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                uploaded_at=entry.created_at,
            )
        )
    before = set(Path(folder).iterdir())
    with pytest.raises(Refused) as refusal:
        add_attachment(entry=entry, user=owner, data=pdf, filename="b.pdf", folder=folder)
    assert refusal.value.status == 409 and "at most 10 files" in refusal.value.message
    assert set(Path(folder).iterdir()) == before
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 10


def _crafted_backup(runner, tmp_path, stored_name):
    import json
    import zipfile

    assert runner.invoke(args=["backup", "-o", str(tmp_path / "real.zip")]).exit_code == 0
    with zipfile.ZipFile(tmp_path / "real.zip") as real:
        manifest = json.loads(real.read("manifest.json"))
        data = json.loads(real.read("database.json"))
    data["attachment"][0]["stored_name"] = stored_name
    crafted = tmp_path / "crafted.zip"
    with zipfile.ZipFile(crafted, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("database.json", json.dumps(data))
    return crafted


@pytest.mark.parametrize("stored_name", ["../../instance/secret_key", "/etc/passwd", "a" * 32 + ".exe"])
def test_restore_refuses_a_backup_whose_file_names_leave_the_upload_folder(app, runner, make, tmp_path, stored_name):
    from judging.domain.entries import add_attachment
    from judging.models import Attachment
    from support import empty_all_tables

    company = make.organisation()
    entry = make.entry(organisation=company, status="draft")
    add_attachment(
        entry=entry,
        user=make.user("exhibitor", organisation=company),
        data=b"%PDF-1.4\n%%EOF\n",
        filename="a.pdf",
        folder=app.config["UPLOAD_FOLDER"],
    )
    db.session.commit()
    crafted = _crafted_backup(runner, tmp_path, stored_name)
    empty_all_tables()
    result = runner.invoke(args=["restore", str(crafted)])
    assert result.exit_code != 0 and "outside the upload folder" in result.output
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0  # nothing restored


def test_an_attachment_row_naming_a_path_serves_nothing(app, client, make, login_as):
    from judging.models import Attachment

    company = make.organisation()
    owner = make.user("exhibitor", organisation=company)
    entry = make.entry(organisation=company, status="draft")
    db.session.add(
        Attachment(
            entry_id=entry.id,
            original_name="x.pdf",
            stored_name="../secret_key",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    )
    db.session.commit()
    (__import__("pathlib").Path(app.config["UPLOAD_FOLDER"]).parent / "secret_key").write_text("s3cret")
    login_as(owner)
    attachment = db.session.scalar(db.select(Attachment))
    response = client.get(f"/entries/files/{attachment.id}")
    assert response.status_code == 404 and "s3cret" not in response.get_data(as_text=True)


@pytest.mark.parametrize("key", ["it's_new", "two words", "Innovation", "x" * 41, "<b>"])
def test_a_criterion_key_must_be_a_slug(client, make, login_as, key):
    from judging.models import Criterion

    edition = make.edition()
    round_ = make.category(edition, "csr").rounds[0]
    login_as(make.user("organiser"))
    data = {"count": str(len(round_.criteria))}
    for index, criterion in enumerate(round_.criteria):
        data.update(
            {
                f"key-{index}": criterion.key,
                f"name_en-{index}": criterion.name_en,
                f"name_fr-{index}": criterion.name_fr,
                f"weight-{index}": f"{criterion.weight:g}",
                f"scale_min-{index}": "0",
                f"scale_max-{index}": "10",
            }
        )
    data["key-0"] = key
    response = client.post(f"/organiser/rounds/{round_.id}/criteria", data=data)
    assert response.status_code == 400 and "lower-case letters" in response.get_data(as_text=True)
    assert key not in {c.key for c in db.session.scalars(db.select(Criterion))}
    data["key-0"], data["scale_max-0"] = "impact", HUGE
    assert client.post(f"/organiser/rounds/{round_.id}/criteria", data=data).status_code == 400


ENTRY = dict(
    title="Smart fence",
    summary="Detects climbing.",
    innovation_type="product",
    what_is_new="Fibre sensing",
    operational_benefit="Fewer patrols",
    maturity="pilot",
    availability_date="2027-03-01",
)


@pytest.mark.parametrize("status", ["preparing", "archived"])
def test_exhibitors_cannot_enter_an_edition_that_is_not_open(client, make, login_as, status):
    from judging.models import Entry

    make.edition()  # the current, live edition
    closed = make.edition(current=False, status=status)
    login_as(make.user("exhibitor"))
    cyber = make.category(closed, "cyber")
    response = client.post(f"/entries/new?edition={closed.id}&category={cyber.id}", data=dict(ENTRY, category=cyber.id))
    assert response.status_code == 403 and "not open for entries" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Entry.id))) == 0


# Passwords ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Short-pass1",
        "password1234",
        "qwertyuiop123",
        "passwordpassword",
        "123456789012",
        "iloveyou1234",
        "1q2w3e4r5t6y",
    ],
)
def test_a_short_or_common_password_is_refused_with_a_reason(client, make, password):
    from judging.models import User

    make.edition()
    client.post(
        "/auth/register",
        data=dict(name="Ada", email="ada@aegis.example", language="en", organisation="Aegis", country="FR"),
    )
    link = _link(outbox()[-1]).replace("http://awards.test", "")
    response = client.post(link, data={"password": password, "confirm": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and ("at least 12 characters" in page or "too common" in page)
    assert db.session.scalar(db.select(User)) is None


def test_a_reset_refuses_a_common_password_too(client, make):
    user = make.user()
    client.post("/auth/forgot", data={"email": user.email})
    link = _link(outbox()[-1]).replace("http://awards.test", "")
    response = client.post(link, data={"password": "password1234", "confirm": "password1234"})
    assert response.status_code == 200 and "too common" in response.get_data(as_text=True)


def test_strong_passphrases_pass(app):
    from judging.forms import password_problem

    for password in ("correct-horse-42", "Secure-pass-2027", "ladder violet pencil cloud", "x" * 7 + "Kp9#qW2!z" * 20):
        assert password_problem(password) is None, password


# Companies grow by invitation --------------------------------------------------------------------------------


def test_an_exhibitor_invites_a_colleague_who_joins_the_company_through_the_link(app, client, make, login_as):
    from judging.models import User

    edition = make.edition()
    company = make.organisation("Aegis Systems")
    entry = make.entry(edition=edition, organisation=company, title="Smart fence")
    login_as(make.user("exhibitor", organisation=company))
    assert "/auth/colleagues" in client.get("/entries/").get_data(as_text=True)
    response = client.post("/auth/colleagues", data={"name": "Bea", "email": "Bea@Aegis.example", "language": "fr"})
    assert response.status_code == 302
    mail = outbox()[-1]
    assert mail.to == "bea@aegis.example" and "Aegis Systems" in mail.body
    link = _link(mail).replace("http://awards.test", "")
    client.post("/auth/logout")
    colleague = app.test_client()
    assert colleague.post(link, data={"password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"}).status_code == 302
    bea = db.session.scalar(db.select(User).where(User.email == "bea@aegis.example"))
    assert bea.organisation_id == company.id and bea.language == "fr"
    assert "Smart fence" in colleague.get("/entries/").get_data(as_text=True)
    assert colleague.get(f"/entries/{entry.id}").status_code == 200
    colleague.post("/auth/logout")
    assert colleague.get(link).status_code == 400  # once only


def test_inviting_an_address_that_has_an_account_adds_nobody_and_tells_nothing(client, make, login_as):
    from judging.models import User

    make.edition()
    company = make.organisation()
    other = make.user("exhibitor")
    login_as(make.user("exhibitor", organisation=company))
    response = client.post(
        "/auth/colleagues", data={"name": "X", "email": other.email, "language": "en"}, follow_redirects=True
    )
    assert response.status_code == 200 and f"sent an invitation to {other.email}" in response.get_data(as_text=True)
    assert outbox()[-1].to == other.email and "/auth/join/" not in outbox()[-1].body
    assert db.session.get(User, other.id).organisation_id != company.id


def test_a_forged_or_altered_join_link_is_refused(client, make):
    from judging.auth.tokens import sign

    assert client.get("/auth/join/not-a-token").status_code == 400
    with client.application.test_request_context():
        forged = sign({"organisation": 10**6, "email": "x@example.com", "name": "X", "language": "en"}, "join")
    assert client.get(f"/auth/join/{forged}").status_code == 400
