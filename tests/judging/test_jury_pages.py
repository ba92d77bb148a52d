"""Every page of the jury area is a tablet page: it carries the outbox (sends what waits, keeps itself for the hall)
and its stylesheet and scripts come under versioned URLs. A new jury page that forgets it fails here."""

import re
from datetime import timedelta

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, CalibrationSample, JuryMember, utcnow

# Not pages: the autosave API, the versioned scripts, the service worker, the files (and every JSON API under
# /jury/api/, such as the floor's next stand).
NOT_PAGES = {"jury.save_scorecard_json", "jury.asset", "jury.service_worker", "jury.attachment"}


def test_every_jury_page_carries_the_tablets_outbox_and_versioned_assets(app, client, login_as, make):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "cyber")
    organiser, juror = make.user("organiser"), make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    services.set_president(
        actor=organiser, member=db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == juror.id))
    )
    first, final = category.rounds[0], category.rounds[-1]
    final.on_stand = True
    entry, sample = make.entry(edition=edition), make.entry(edition=edition)
    db.session.add(Assignment(round_id=first.id, entry_id=entry.id, juror_id=juror.id))
    db.session.add(CalibrationSample(round_id=first.id, entry_id=sample.id))
    db.session.commit()
    values = {"entry_id": entry.id, "round_id": first.id, "attachment_id": 0}
    login_as(juror)
    pages = {}
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint.startswith("jury.")
            and "GET" in rule.methods
            and rule.endpoint not in NOT_PAGES
            and not rule.rule.startswith("/jury/api/")
        ):
            url = rule.rule
            for argument in rule.arguments:
                value = values[argument]
                if rule.endpoint == "jury.calibration" and argument == "entry_id":
                    value = sample.id
                if rule.endpoint == "jury.floor_control" and argument == "round_id":
                    value = final.id  # the floor is the final's, on the stands
                url = url.replace(f"<int:{argument}>", str(value))
            pages[rule.endpoint] = url
    assert {"jury.my_entries", "jury.score", "jury.schedule", "jury.president_sign_off", "jury.offline_page"} <= set(
        pages
    )
    for endpoint, url in pages.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (endpoint, url, response.status_code)
        assert 'id="jury-tablet"' in html, endpoint
        assert re.search(r'href="/static/app\.css\?v=[0-9a-f]{12}"', html), endpoint
        assert re.search(r'<script src="/jury/assets/[0-9a-f]{12}/jury\.js"', html), endpoint
