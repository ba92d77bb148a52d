"""Generated values posted to every form and JSON endpoint: never a 500, and a refusal changes nothing."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, Edition, Entry, Scorecard, User, utcnow
from support import PASSWORD

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
values = st.one_of(
    st.text(max_size=300),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "11",
            "7.5",
            "1e309",
            "NaN",
            "2027-02-30",
            "2027-11-16T25:00",
            "null",
            "<script>x</script>",
            "=1+1",
            "\x00",
            "a" * 5000,
            "drones",
            "submit",
            "save",
            "fr",
            "top",
            "yes",
        ]
    ),
)


@pytest.fixture
def world(make, client):
    edition = make.edition(deadline_in=timedelta(days=5))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    category = make.category(edition, "cyber")
    organiser, juror = make.user("organiser"), make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    exhibitor = make.user("exhibitor")
    entry = make.entry(edition=edition, organisation=exhibitor.organisation, status="draft", title="Kept title")
    round_ = category.rounds[0]
    db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
    db.session.add(
        Scorecard(round_id=round_.id, entry_id=entry.id, juror_id=juror.id, marks={"innovation": 5}, version=1)
    )
    db.session.commit()
    return dict(
        edition=edition,
        category=category,
        entry=entry,
        round=round_,
        people={"organiser": organiser, "juror": juror, "exhibitor": exhibitor},
    )


def _saved_state():
    db.session.commit()
    entry = db.session.scalar(db.select(Entry))
    card = db.session.scalar(db.select(Scorecard))
    edition = db.session.scalar(db.select(Edition))
    return (
        entry.title,
        entry.status,
        entry.summary,
        card.marks,
        card.version,
        edition.name,
        edition.submission_deadline,
        db.session.scalar(db.select(db.func.count(User.id))),
    )


def _login(client, user):
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


FORMS = [
    (
        "exhibitor",
        "/entries/{entry}/edit",
        [
            "category",
            "title",
            "summary",
            "innovation_type",
            "what_is_new",
            "operational_benefit",
            "maturity",
            "availability_date",
        ],
    ),
    ("exhibitor", "/entries/new?category={category}", ["category", "title", "innovation_type", "availability_date"]),
    (
        "juror",
        "/jury/entries/{entry}/score?round={round}",
        ["mark-innovation", "mark-market", "comment-innovation", "overall_comment", "version", "action"],
    ),
    ("juror", "/jury/conflicts", ["organisation", "kind", "reason"]),
    (
        "organiser",
        "/organiser/edition",
        [
            "name",
            "venue",
            "show_starts_on",
            "submission_deadline",
            "scoring_opens_at",
            "scoring_closes_at",
            "status",
            "max_entries_per_category",
            "scoring_method",
        ],
    ),
    ("organiser", "/organiser/categories/{category}", ["name_en", "name_fr", "position", "jurors_per_entry"]),
    (
        "organiser",
        "/organiser/rounds/{round}/settings",
        ["scoring_opens_at", "jurors_per_entry", "previous_round_weight", "slot_minutes"],
    ),
    ("organiser", "/organiser/juries/invite", ["name", "email", "language", "category"]),
    ("organiser", "/organiser/rounds/{round}/shortlist", ["rule", "top", "threshold", "entry"]),
    (None, "/auth/register", ["name", "email", "language", "organisation", "country"]),
    (None, "/auth/login", ["email", "password"]),
]


@pytest.mark.parametrize("role, path, fields", FORMS, ids=[f[1].split("?")[0] for f in FORMS])
def test_forms_never_fail_with_a_500(client, world, role, path, fields):
    if role:
        _login(client, world["people"][role])
    else:
        client.post("/auth/logout")
    url = path.format(entry=world["entry"].id, category=world["category"].id, round=world["round"].id)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(fields), values, max_size=len(fields)))
    def post(data):
        before = _saved_state()
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)
        if 400 <= response.status_code < 500:
            assert _saved_state() == before, (url, data)

    post()


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=50)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=15), children, max_size=4)
    ),
    max_leaves=12,
)


def test_scorecard_json_endpoint_never_fails_with_a_500(client, world):
    _login(client, world["people"]["juror"])
    url = f"/jury/api/scorecards/{world['round'].id}/{world['entry'].id}"

    @FUZZ
    @given(
        st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "marks": st.dictionaries(st.sampled_from(["innovation", "market", "x"]), json_values, max_size=3),
                    "version": json_values,
                },
                optional={"comments": json_values, "overall_comment": json_values, "submit": json_values},
            ),
        )
    )
    def post(payload):
        before = _saved_state()
        response = client.post(url, json=payload)
        assert response.status_code < 500, (payload, response.status_code)
        if response.status_code >= 400:
            assert _saved_state() == before and response.is_json

    post()
    raw = client.post(url, data=b"{not json", content_type="application/json")
    assert raw.status_code == 400
