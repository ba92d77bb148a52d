"""No sequence of actions gets around the rules of the results: a stateful test on the real services and database.

Random sequences of what jurors and organisers do (score, submit, declare a conflict, recuse, leave a jury, change
weights or method or the round combination, shortlist, sign off, freeze, unfreeze, disqualify, publish, unpublish)
and, after every step:
- each round's ranking equals one recomputed from scratch by this test's own reading of "what counts";
- a sign-off that is not voided matches the fingerprint of its round's inputs now;
- frozen results equal the live results (nothing they depend on moved);
- nothing published is unfrozen, unsigned, incomplete or undecided.
"""

from datetime import timedelta

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

import scoring
from judging.domain import entries as entry_services, juries as services, lifecycle, rounds, scorecards
from judging.domain.results import inputs_fingerprint, result_inputs, round_results, winners
from judging.errors import Refused
from judging.extensions import db
from judging.models import (
    Assignment,
    Conflict,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Round,
    Scorecard,
    SignOff,
    User,
    utcnow,
)
from scoring.flags import INCOMPLETE
from support import empty_all_tables

JURORS, ENTRIES = 4, 4


def _counts_by_the_book(card: Scorecard, round_: Round) -> bool:
    """The README's definition of what counts, written independently of `results.counted_scorecards`."""
    entry, juror = db.session.get(Entry, card.entry_id), db.session.get(User, card.juror_id)
    seat = db.session.scalar(
        db.select(JuryMember)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.category_id == round_.category_id, JuryMember.user_id == juror.id)
    )
    conflicted = (
        db.session.scalar(
            db.select(Conflict).where(Conflict.juror_id == juror.id, Conflict.organisation_id == entry.organisation_id)
        )
        is not None
    )
    recused = (
        db.session.scalar(
            db.select(Assignment).where(
                Assignment.round_id == round_.id,
                Assignment.entry_id == entry.id,
                Assignment.juror_id == juror.id,
                Assignment.recused_at.is_not(None),
            )
        )
        is not None
    )
    return (
        card.status == "submitted"
        and card.purpose == "counted"
        and seat is not None
        and seat.role == "member"
        and not conflicted
        and juror.organisation_id != entry.organisation_id
        and not recused
        and entry.status == "submitted"
        and entry.round_reached >= round_.position
    )


def _from_scratch(round_: Round) -> list:
    edition = round_.category.edition
    cards = [
        scoring.Scorecard(juror=c.juror_id, entry=c.entry_id, scores=dict(c.marks))
        for c in db.session.scalars(db.select(Scorecard).where(Scorecard.round_id == round_.id))
        if _counts_by_the_book(c, round_)
    ]
    entries = sorted(
        e.id
        for e in db.session.scalars(
            db.select(Entry).where(
                Entry.category_id == round_.category_id,
                Entry.status == "submitted",
                Entry.round_reached >= round_.position,
            )
        )
    )
    criteria = [
        scoring.Criterion(key=c.key, weight=c.weight, min=c.scale_min, max=c.scale_max) for c in round_.criteria
    ]
    ranking = scoring.rank_entries(
        cards,
        criteria,
        method=round_.method or edition.scoring_method,
        trim=edition.trim,
        min_scorecards=edition.min_scorecards,
        entries=entries,
    )
    earlier = [r for r in round_.category.rounds if r.position < round_.position]
    if earlier and round_.previous_round_weight:
        previous = max(earlier, key=lambda r: r.position)
        snapshot = lifecycle.current_snapshot(previous)
        before = lifecycle.snapshot_ranking(snapshot) if snapshot else _from_scratch(previous)
        ranking = scoring.combine_rankings(
            [(before, round_.previous_round_weight), (ranking, 100 - round_.previous_round_weight)]
        )
    return ranking


def _lines(ranking) -> list:
    return [
        (line.entry, line.rank, None if line.score is None else round(line.score, 6), INCOMPLETE in line.flags)
        for line in ranking
    ]


class ResultsMachine(RuleBasedStateMachine):
    """One edition, one category judged in a pre-selection and a final, four jurors, four companies."""

    def __init__(self):
        super().__init__()
        empty_all_tables()

    @initialize()
    def build_world(self):
        from conftest import Factory

        make = Factory()
        edition = make.edition(deadline_in=timedelta(days=-2))
        edition.scoring_opens_at, edition.scoring_closes_at = utcnow() - timedelta(days=1), utcnow() + timedelta(days=3)
        edition.min_scorecards = 2
        category = make.category(edition, "event-security")
        self.organiser = make.user("organiser")
        self.jurors = [make.user("juror") for _ in range(JURORS)]
        for juror in self.jurors:
            services.add_member(actor=self.organiser, category=category, juror=juror)
        seat = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == self.jurors[0].id))
        services.set_president(actor=self.organiser, member=seat)
        self.entries = [
            make.entry(edition=edition, category="event-security", title=f"Entry {n}") for n in range(ENTRIES)
        ]
        self.edition_id, self.category_id = edition.id, category.id
        pre = category.rounds[0]
        services.apply_assignment(actor=self.organiser, round_=pre)
        self.juror_ids = [j.id for j in self.jurors]
        self.entry_ids = [e.id for e in self.entries]

    # --- helpers ---------------------------------------------------------------------------------------------------

    @property
    def edition(self) -> Edition:
        return db.session.get(Edition, self.edition_id)

    def rounds(self) -> list[Round]:
        category = next(c for c in self.edition.categories if c.id == self.category_id)
        return sorted(category.rounds, key=lambda r: r.position)

    def attempt(self, action) -> bool:
        """Run one action as a page would: its request commits at the end (stale sign-offs are voided and mails
        leave then); a refusal, before or at the commit, rolls everything back and is an acceptable outcome."""
        try:
            action()
            db.session.commit()
            return True
        except Refused:
            db.session.rollback()
            return False

    def user(self, index: int) -> User:
        return db.session.get(User, self.juror_ids[index % JURORS])

    def entry(self, index: int) -> Entry:
        return db.session.get(Entry, self.entry_ids[index % ENTRIES])

    # --- what jurors do ----------------------------------------------------------------------------------------------

    @rule(
        juror=st.integers(0, JURORS - 1),
        entry=st.integers(0, ENTRIES - 1),
        round_index=st.integers(0, 1),
        mark=st.integers(0, 10),
        submit=st.booleans(),
    )
    def score(self, juror, entry, round_index, mark, submit):
        round_ = self.rounds()[round_index]
        user, target = self.user(juror), self.entry(entry)
        card = scorecards.find_scorecard(juror=user, entry=target, round_=round_)
        values = scorecards.CardInput(marks={c.key: min(mark, c.scale_max) for c in round_.criteria})
        self.attempt(
            lambda: scorecards.save_scorecard(
                juror=user,
                entry=target,
                round_=round_,
                values=values,
                version=card.version if card else 0,
                submit=submit,
            )
        )

    @rule(juror=st.integers(0, JURORS - 1), entry=st.integers(0, ENTRIES - 1))
    def declare_conflict(self, juror, entry):
        user, target = self.user(juror), self.entry(entry)
        self.attempt(
            lambda: services.declare_conflict(
                actor=user, juror=user, organisation=target.organisation, kind="client", reason="declared in the test"
            )
        )

    @rule(juror=st.integers(0, JURORS - 1), entry=st.integers(0, ENTRIES - 1))
    def recuse(self, juror, entry):
        assignment = db.session.scalar(
            db.select(Assignment).where(
                Assignment.juror_id == self.user(juror).id,
                Assignment.entry_id == self.entry(entry).id,
                Assignment.recused_at.is_(None),
            )
        )
        if assignment is not None:
            self.attempt(lambda: services.recuse(juror=self.user(juror), assignment=assignment, reason="too close"))

    # --- what organisers and presidents do ---------------------------------------------------------------------------

    @rule(juror=st.integers(1, JURORS - 1))
    def remove_juror(self, juror):
        seat = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == self.user(juror).id))
        if seat is not None:
            self.attempt(lambda: services.remove_member(actor=self.organiser, member=seat))

    @rule(juror=st.integers(1, JURORS - 1), role=st.sampled_from(["member", "trainee", "observer"]))
    def change_jury_role(self, juror, role):
        seat = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == self.user(juror).id))
        if seat is not None:

            def change():
                seat.role = role
                db.session.commit()

            self.attempt(change)

    @rule(round_index=st.integers(0, 1), shift=st.integers(1, 20))
    def change_weights(self, round_index, shift):
        round_ = self.rounds()[round_index]
        rows = [
            rounds.CriterionInput(
                key=c.key,
                name_en=c.name_en,
                name_fr=c.name_fr,
                guidance_en=c.guidance_en,
                guidance_fr=c.guidance_fr,
                weight=c.weight,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
            )
            for c in round_.criteria
        ]
        moved = min(shift, rows[-1].weight - 1)
        rows[0].weight += moved
        rows[-1].weight -= moved
        self.attempt(lambda: rounds.update_criteria(actor=self.organiser, round_=round_, rows=rows, confirmed=True))

    @rule(round_index=st.integers(0, 1), method=st.sampled_from(scoring.METHODS))
    def change_method(self, round_index, method):
        round_ = self.rounds()[round_index]
        self.attempt(lambda: rounds.update_round(actor=self.organiser, round_=round_, values={"method": method}))

    @rule(weight=st.sampled_from([0, 30, 50]))
    def change_combination(self, weight):
        final = self.rounds()[1]
        self.attempt(
            lambda: rounds.update_round(actor=self.organiser, round_=final, values={"previous_round_weight": weight})
        )

    @rule(top=st.integers(1, ENTRIES), decision=st.sampled_from(["advance", "eliminate"]))
    def shortlist(self, top, decision):
        pre = self.rounds()[0]

        def shortlist_and_assign():
            # Entries without a complete score need the organiser's decision; the final's jurors come with it.
            decisions = {self.entry(i).id: decision for i in range(ENTRIES)}
            rounds.apply_shortlist(
                actor=self.organiser, preview=rounds.preview_shortlist(pre, rule="top", top=top, decisions=decisions)
            )

        self.attempt(shortlist_and_assign)

    @rule(accept_incomplete=st.booleans())
    def sign_off(self, accept_incomplete):
        category = next(c for c in self.edition.categories if c.id == self.category_id)
        president = self.user(0)
        self.attempt(
            lambda: rounds.sign_off(
                actor=president, round_=rounds.deciding_round(category), accept_incomplete=accept_incomplete
            )
        )

    @rule()
    def freeze(self):
        self.attempt(lambda: lifecycle.freeze(actor=self.organiser, edition=self.edition))

    @rule()
    def unfreeze(self):
        self.attempt(lambda: lifecycle.unfreeze(actor=self.organiser, edition=self.edition, reason="a late card"))

    @rule(entry=st.integers(0, ENTRIES - 1))
    def disqualify(self, entry):
        self.attempt(
            lambda: entry_services.disqualify_entry(
                actor=self.organiser, entry=self.entry(entry), reason="Not an innovation"
            )
        )

    @rule()
    def publish(self):
        self.attempt(lambda: lifecycle.publish(actor=self.organiser, edition=self.edition, confirmed=True))

    @rule()
    def send_result_mails(self):
        self.attempt(lambda: lifecycle.send_result_mails(actor=self.organiser, edition=self.edition, confirmed=True))

    @rule()
    def unpublish(self):
        self.attempt(lambda: lifecycle.unpublish(actor=self.organiser, edition=self.edition, reason="a mistake"))

    # --- what must hold after every step -------------------------------------------------------------------------

    @invariant()
    def rankings_match_a_recomputation_from_scratch(self):
        if not hasattr(self, "edition_id"):
            return
        for round_ in self.rounds():
            assert _lines(round_results(round_).ranking) == _lines(_from_scratch(round_)), round_.name

    @invariant()
    def live_sign_offs_match_their_inputs(self):
        if not hasattr(self, "edition_id"):
            return
        for sign_off in db.session.scalars(db.select(SignOff).where(SignOff.voided_at.is_(None))):
            round_ = db.session.get(Round, sign_off.round_id)
            assert sign_off.fingerprint == inputs_fingerprint(result_inputs(round_))

    @invariant()
    def frozen_results_are_the_live_results(self):
        if not hasattr(self, "edition_id") or self.edition.results_state == "open":
            return
        for round_ in self.rounds():
            snapshot = lifecycle.current_snapshot(round_)
            assert snapshot is not None
            assert snapshot.fingerprint == round_results(round_).fingerprint
            assert _lines(lifecycle.snapshot_ranking(snapshot)) == _lines(round_results(round_).ranking)

    @invariant()
    def result_mails_go_out_at_most_once(self):
        if not hasattr(self, "edition_id"):
            return
        from judging.models import AuditEvent

        assert (
            db.session.scalar(
                db.select(db.func.count(AuditEvent.id)).where(
                    AuditEvent.action == "results.mail", AuditEvent.edition_id == self.edition_id
                )
            )
            <= 1
        )

    @invariant()
    def nothing_published_is_unsigned_incomplete_or_undecided(self):
        if not hasattr(self, "edition_id") or self.edition.results_state != "published":
            return
        category = next(c for c in self.edition.categories if c.id == self.category_id)
        assert category not in rounds.unsigned_categories(self.edition)
        ranking = round_results(rounds.deciding_round(category)).ranking
        if any(line.score is not None for line in ranking):
            assert winners(ranking), "published without a complete, decided winner"


def test_no_sequence_of_actions_gets_around_the_results_rules(app):
    run_state_machine_as_test(
        ResultsMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
