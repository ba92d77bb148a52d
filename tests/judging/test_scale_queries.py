"""Show scale: the export, each CSV, the results page, the dashboard and the imports send a number of SQL
statements that does not grow with entries, jurors or scorecards (counted at two sizes)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from judging.domain import juries
from judging.extensions import db
from judging.models import (
    Assignment,
    Category,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Organisation,
    Round,
    Scorecard,
    SignOff,
    User,
)
from support import EXHIBITOR_HEADER, JUROR_HEADER, import_workbook, sign_off_as_president

CATEGORIES = ("cyber", "drones")


def _grow(make, edition: Edition, organiser: User, *, entries: int, jurors: int) -> None:
    """Add `jurors` jurors to each category's jury and `entries` entries, each from its own company and scored
    by every juror of its jury; the first juror works for the first entry's company (the automatic conflict)."""
    for code in CATEGORIES:
        category = make.category(edition, code)
        round_ = category.rounds[0]
        keys = [c.key for c in round_.criteria]
        panel = [make.user("juror") for _ in range(jurors)]
        for juror in panel:
            juries.add_member(actor=organiser, category=category, juror=juror)
        made = []
        for n in range(entries):
            entry = make.entry(edition=edition, category=code)
            made.append(entry)
            for j, juror in enumerate(panel):
                db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
                db.session.add(
                    Scorecard(
                        round_id=round_.id,
                        entry_id=entry.id,
                        juror_id=juror.id,
                        status="submitted",
                        marks={k: (n + j) % 10 for k in keys},
                        weighted_total=10.0 * ((n + j) % 10),
                        overall_comment=f"Comment {n}-{j}",
                    )
                )
        panel[0].organisation = made[0].organisation  # works for that company: its card does not count
    db.session.commit()


def _sign_off(edition: Edition) -> None:
    for code in CATEGORIES:
        category = next(c for c in edition.categories if c.code == code)
        sign_off_as_president(category)


def _count(client, count_queries, url: str, **kwargs) -> tuple[int, object]:
    """Statements of one GET; for an import (`data` with a file), of the upload and of its confirmation."""
    if kwargs.get("data"):
        return _import(client, count_queries, url, kwargs["data"], follow_redirects=kwargs.get("follow_redirects"))
    with count_queries() as statements:
        response = client.get(url, **kwargs)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    return len(statements), response


def _import(client, count_queries, url: str, data: dict, follow_redirects=None) -> tuple[int, object]:
    import re

    with count_queries() as statements:
        preview = client.post(url, data=data)
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200, page[:500]
        fields = dict(re.findall(r'name="(token|digest)"[^>]*value="([^"]*)"', page))
        response = client.post(f"{url}/confirm", data=fields, follow_redirects=bool(follow_redirects))
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    return len(statements), response


def _judged(make, login_as):
    edition = make.edition()
    organiser = login_as(make.user("organiser"))
    return edition, organiser


def test_ceremony_export_statements_do_not_grow_with_entries_jurors_or_scorecards(
    client, make, login_as, count_queries
):
    edition, organiser = _judged(make, login_as)
    _grow(make, edition, organiser, entries=2, jurors=2)
    _sign_off(edition)
    few, response = _count(client, count_queries, "/organiser/results/export.xlsx")
    _grow(make, edition, organiser, entries=7, jurors=4)
    _sign_off(edition)
    many, response = _count(client, count_queries, "/organiser/results/export.xlsx")
    assert many == few
    # The bigger file holds every entry and every counted scorecard.
    workbook = load_workbook(io.BytesIO(response.data))
    scores = [r for r in workbook["Scores"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(scores) == 2 * (2 * 2 + 7 * 4) - 2 * 2  # less each employed juror's card on their company's entry


def test_ceremony_export_reads_each_rounds_inputs_once(client, make, login_as, count_queries):
    """The sign-off gate, its override check and the rankings of one export share each round's inputs: the
    counted scorecards, the entries, the joint-winner decision and the sign-off are read once, not once per use."""
    edition, organiser = _judged(make, login_as)
    _grow(make, edition, organiser, entries=2, jurors=2)
    _sign_off(edition)
    rounds = sum(len(category.rounds) for category in edition.categories)
    with count_queries() as statements:
        response = client.get("/organiser/results/export.xlsx")
    assert response.status_code == 200
    reads = {
        table: [s for s in statements if s.lstrip().startswith("SELECT") and f"FROM {table}" in s]
        for table in ("scorecard", "tie_decision", "sign_off")
    }
    assert 0 < len(reads["scorecard"]) <= rounds and 0 < len(reads["tie_decision"]) <= rounds
    # The gate looks at each judged category's sign-off once: the export does not ask again for its note.
    assert len(reads["sign_off"]) == len(CATEGORIES)


def test_one_category_csv_statements_do_not_grow_and_build_only_that_category(client, make, login_as, count_queries):
    edition, organiser = _judged(make, login_as)
    _grow(make, edition, organiser, entries=2, jurors=2)
    drones = make.category(edition, "drones")
    few, _ = _count(client, count_queries, f"/organiser/results/{drones.id}.csv")
    cyber = make.category(edition, "cyber")
    with count_queries() as cyber_statements:
        client.get(f"/organiser/results/{cyber.id}.csv")
    _grow(make, edition, organiser, entries=7, jurors=4)
    many, response = _count(client, count_queries, f"/organiser/results/{drones.id}.csv")
    assert many == few
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 1 + 9  # the header and the nine drones entries, nothing of cyber
    # No statement of the drones CSV reads another category's scorecards: the statement count of a category
    # with data equals that of the same request on another category (six categories are not all built).
    assert len(cyber_statements) == few


def test_results_and_dashboard_statements_do_not_grow(client, make, login_as, count_queries):
    edition, organiser = _judged(make, login_as)
    _grow(make, edition, organiser, entries=2, jurors=2)
    drones = make.category(edition, "drones")
    url = f"/organiser/results?edition={edition.id}&round={drones.rounds[0].id}"
    few = {page: _count(client, count_queries, page)[0] for page in (url, "/organiser/")}
    _grow(make, edition, organiser, entries=7, jurors=4)
    many = {page: _count(client, count_queries, page)[0] for page in (url, "/organiser/")}
    assert many == few


def _exhibitors(n: int, stand: str = "B") -> bytes:
    return import_workbook(
        EXHIBITOR_HEADER, [[f"Société {i}", "FR", "5", f"{stand}{i}", "no", f"c{i}@example.com"] for i in range(n)]
    )


def test_exhibitor_import_statements_do_not_grow_with_rows(client, make, login_as, count_queries):
    make.edition()
    login_as(make.user("organiser"))
    make.organisation("SOCIETE 1", stand="OLD")  # the same company as "Société 1", whatever its accents and case
    url = "/organiser/import/exhibitors"
    # Few rows: one company updated, two created; many rows: those three updated, 37 created.
    few, _ = _count(client, count_queries, url, data={"file": (io.BytesIO(_exhibitors(3)), "e.xlsx")})
    assert db.session.scalar(db.select(Organisation.stand).where(Organisation.name == "SOCIETE 1")) == "B1"
    many, _ = _count(client, count_queries, url, data={"file": (io.BytesIO(_exhibitors(40, "C")), "e.xlsx")})
    assert many == few
    names = {o.name_key: o for o in db.session.scalars(db.select(Organisation))}
    assert len(names) == 40 and names["societe 1"].stand == "C1"  # updated, not duplicated
    # The same file again changes nothing.
    _, page = _count(
        client, count_queries, url, data={"file": (io.BytesIO(_exhibitors(40, "C")), "e.xlsx")}, follow_redirects=True
    )
    assert "0 created, 0 updated" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 40


def _jurors(n: int, start: int = 0, president: int | None = None) -> bytes:
    return import_workbook(
        JUROR_HEADER,
        [
            [
                f"Juror {i}",
                f"juror{i}@police.example.com",
                "Gendarmerie" if i % 2 else "",
                "cyber; drones" if i % 3 else "csr",
                "fr" if i % 2 else "en",
                "yes" if i == president else "",
            ]
            for i in range(start, start + n)
        ],
    )


def test_juror_import_statements_do_not_grow_with_rows(client, make, login_as, count_queries):
    edition = make.edition()
    login_as(make.user("organiser"))
    make.organisation("Gendarmerie")
    cyber = make.category(edition, "cyber")
    for email in ("juror1@police.example.com", "juror101@police.example.com"):  # one in each file
        juries.add_member(actor=None, category=cyber, juror=make.user("juror", email=email))
    url = "/organiser/import/jurors"
    # Both measured files name a president who takes over from the one before.
    _count(client, count_queries, url, data={"file": (io.BytesIO(_jurors(1, start=500, president=500)), "j.xlsx")})
    few, _ = _count(client, count_queries, url, data={"file": (io.BytesIO(_jurors(3, president=1)), "j.xlsx")})
    many, _ = _count(
        client, count_queries, url, data={"file": (io.BytesIO(_jurors(40, start=100, president=101)), "j.xlsx")}
    )
    assert many == few
    seats = db.session.scalars(db.select(JuryMember).join(User).where(User.email.like("juror%@police%"))).all()
    # 44 jurors: two seats for each one not divisible by 3, one (csr) for the others.
    assert len(seats) == sum(2 if i % 3 else 1 for i in [*range(3), *range(100, 140), 500])
    presidents = {m.jury.category.code: m.user.email for m in seats if m.is_president}
    # The later file's president took over each of its juries (one president per jury).
    assert presidents == {"cyber": "juror101@police.example.com", "drones": "juror101@police.example.com"}
    employed = db.session.scalar(db.select(User).where(User.email == "juror101@police.example.com"))
    assert employed.organisation.name == "Gendarmerie"
    # Importing the same file again adds nothing, in the same number of statements.
    again, _ = _count(
        client, count_queries, url, data={"file": (io.BytesIO(_jurors(40, start=100, president=101)), "j.xlsx")}
    )
    assert again <= many
    assert db.session.scalar(db.select(db.func.count(JuryMember.id))) == len(seats) + 0


def test_a_juror_import_that_names_an_employer_voids_the_sign_off_it_changes(client, make, login_as, count_queries):
    edition = make.edition()
    organiser = login_as(make.user("organiser"))
    _grow(make, edition, organiser, entries=2, jurors=2)
    _sign_off(edition)
    cyber = make.category(edition, "cyber")
    # The second cyber juror scored every cyber entry; the import says they work for the first entry's company.
    juror = db.session.scalars(
        db.select(User)
        .join(JuryMember, JuryMember.user_id == User.id)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.category_id == cyber.id)
        .order_by(User.id)
    ).all()[1]
    entry = db.session.scalars(db.select(Entry).where(Entry.category_id == cyber.id).order_by(Entry.id)).first()
    data = import_workbook(JUROR_HEADER, [[juror.name, juror.email, entry.organisation.name, "cyber", "en", ""]])
    _count(client, count_queries, "/organiser/import/jurors", data={"file": (io.BytesIO(data), "j.xlsx")})
    db.session.expire_all()
    signed = {
        code: sign_off
        for sign_off, code in db.session.execute(
            db.select(SignOff, Category.code).join(Round, Round.id == SignOff.round_id).join(Category)
        )
    }
    assert signed["cyber"].voided_at is not None and "cards" in signed["cyber"].void_reasons
    assert signed["drones"].voided_at is None  # the other category's ranking did not move
