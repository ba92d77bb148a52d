"""A newcomer sees the whole story at once: beside the edition in progress, the demo holds last edition
judged to the end, so its winners page and ceremony workbook work on first run."""

import io

from openpyxl import load_workbook

from judging.demo import DEMO_LOGINS, PREVIOUS_SLUG, load_demo
from judging.domain import rounds
from judging.extensions import db
from judging.models import Edition, SignOff, User


def test_demo_previous_edition_is_frozen_signed_off_published_and_exportable(client, runner, tmp_path):
    load_demo()
    previous = db.session.scalar(db.select(Edition).where(Edition.slug == PREVIOUS_SLUG))
    current = db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))
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
