"""A newcomer sees the whole story at once: beside the edition in progress, the demo holds last edition
judged to the end, so its winners page and ceremony workbook work on first run."""

import io

from openpyxl import load_workbook

from judging.demo import DEMO_LOGINS, DEMO_SLUG, OPEN_SLUG, PREVIOUS_SLUG, load_demo
from judging.domain import rounds
from judging.extensions import db
from judging.models import Edition, SignOff, User


def test_demo_previous_edition_is_frozen_signed_off_published_and_exportable(client, runner, tmp_path):
    load_demo()
    previous = db.session.scalar(db.select(Edition).where(Edition.slug == PREVIOUS_SLUG))
    current = db.session.scalar(db.select(Edition).where(Edition.slug == DEMO_SLUG))
    assert current.results_state == "open" and previous.results_state == "published"
    assert previous.status == "archived" and not previous.is_current
    assert rounds.unsigned_categories(previous) == []
    assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 6

    winners = client.get(f"/winners/{PREVIOUS_SLUG}")
    page = winners.get_data(as_text=True)
    assert winners.status_code == 200 and page.count("Hall") >= 6

    client.post("/auth/login", data={"email": DEMO_LOGINS[0][1], "password": DEMO_LOGINS[0][2]})
    response = client.get(f"/organiser/results/export.xlsx?edition={previous.id}&lang=en")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    about = {r[0]: r[1] for r in workbook["About"].iter_rows(min_row=2, values_only=True)}
    assert "frozen results" in about["Results source"]
    result = runner.invoke(args=["export", "--edition", str(previous.id), "-o", str(tmp_path / "2025.xlsx")])
    assert result.exit_code == 0, result.output

    # The edition in progress is still the one the dashboard opens.
    dashboard = client.get("/organiser/").get_data(as_text=True)
    assert "<h1>Milipol Paris 2027</h1>" in dashboard and "Milipol Paris 2025" in dashboard
    assert db.session.scalar(db.select(User).where(User.email == DEMO_LOGINS[0][1])).role == "organiser"


LANGUAGES = {"French": "fr", "English": "en"}


def _readme_accounts() -> list[dict]:
    """The rows of the README's table of demo accounts, each juror range expanded to its accounts."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme[readme.index("| role | email | language |") :].split("\n\n")[0].splitlines()[2:]
    accounts = []
    for line in table:
        role, email, language, _holds = [cell.strip() for cell in line.strip("|").split("|")]
        first = re.match(r"`([^`]+)`", email).group(1)
        emails = [first]
        if last := re.search(r"… `juror(\d+)`", email):
            start = int(re.match(r"juror(\d+)@", first).group(1))
            emails = [f"juror{n:02d}@demo.milipol.example" for n in range(start, int(last.group(1)) + 1)]
        usual = LANGUAGES[language.split()[0]]
        others = set()
        if exceptions := re.search(r"\((.*): (\w+)\)", language):
            others = {int(n) for n in re.findall(r"(\d+)", exceptions.group(1))}
            other = LANGUAGES[exceptions.group(2)]
        for address in emails:
            n = re.match(r"juror(\d+)@", address)
            accounts.append(
                {
                    "email": address,
                    "roles": {r.strip() for r in role.split(",")},
                    "language": other if n and int(n.group(1)) in others else usual,
                }
            )
    return accounts


def test_readme_says_exactly_which_demo_account_speaks_which_language_and_holds_which_role(app):
    from judging.models import JuryMember

    load_demo()
    accounts = _readme_accounts()
    assert {a["email"] for a in accounts} >= {email for _, email, _ in DEMO_LOGINS}
    jurors = db.session.scalars(db.select(User).where(User.role == "juror")).all()
    assert {a["email"] for a in accounts if "juror" in a["roles"]} == {j.email for j in jurors}
    for account in accounts:
        user = db.session.scalar(db.select(User).where(User.email == account["email"]))
        assert user is not None, account
        assert user.role in account["roles"] and user.language == account["language"], account
        presides = db.session.scalar(
            db.select(db.func.count(JuryMember.id)).where(
                JuryMember.user_id == user.id, JuryMember.is_president.is_(True)
            )
        )
        assert bool(presides) == ("jury president" in account["roles"]), account
    # "juror01 Cyber security" and "all three editions", as the table says.
    from judging.models import Jury

    first = db.session.scalar(db.select(User).where(User.email == "juror01@demo.milipol.example"))
    presided = db.session.scalars(
        db.select(Jury).join(JuryMember).where(JuryMember.user_id == first.id, JuryMember.is_president.is_(True))
    ).all()
    assert {jury.category.name("en") for jury in presided} == {"Cyber security"}
    assert db.session.scalar(db.select(db.func.count(Edition.id))) == 3


def test_demo_holds_a_second_show_taking_entries(client):
    load_demo()
    qatar = db.session.scalar(db.select(Edition).where(Edition.slug == OPEN_SLUG))
    paris = db.session.scalar(db.select(Edition).where(Edition.slug == DEMO_SLUG))
    assert qatar.show.name == "Milipol Qatar" and qatar.is_current and qatar.accepts_entries()
    assert paris.show.is_default and paris.is_current and paris.show_id != qatar.show_id
    assert "Milipol Qatar 2028" in client.get("/shows/milipol-qatar").get_data(as_text=True)
    client.post("/auth/login", data={"email": DEMO_LOGINS[2][1], "password": DEMO_LOGINS[2][2]})
    assert "Milipol Qatar · Milipol Qatar 2028" in client.get("/entries/").get_data(as_text=True)
    assert load_demo() is False  # idempotent: the second show is not made twice
