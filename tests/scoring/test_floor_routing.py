"""The next-stand rule of a final (scoring.floor): pure data in, one decision out."""

from datetime import datetime, timedelta

from hypothesis import given, settings, strategies as st

from scoring.floor import Presence, Stand, Why, next_stand, occupied_stands, schedule_order

NOW = datetime(2027, 11, 18, 11, 0)
WINDOW = timedelta(minutes=10)


def hall(n: int, hall_name: str = "5", start: int = 0) -> list[Stand]:
    return [Stand(entry=100 + start + i, order=start + i, hall=hall_name, stand=f"B{i}") for i in range(n)]


def test_first_juror_on_the_floor_starts_with_the_schedules_first_stand():
    decision = next_stand(juror=1, stands=hall(4))
    assert (decision.entry, decision.why) == (100, Why.NEAREST)


def test_a_stand_a_colleague_just_opened_is_not_offered_to_another_juror_of_the_jury():
    stands = hall(4)
    taken = occupied_stands(
        [Presence(juror=2, entry=100, since=NOW - timedelta(minutes=2))],
        juror=1,
        colleagues={1, 2},
        now=NOW,
        window=WINDOW,
    )
    assert taken == {100}
    assert next_stand(juror=1, stands=stands, occupied=taken).entry == 101


def test_a_colleague_at_a_stand_for_longer_than_the_window_no_longer_blocks_it():
    old = [Presence(juror=2, entry=100, since=NOW - timedelta(minutes=11))]
    assert occupied_stands(old, juror=1, colleagues={1, 2}, now=NOW, window=WINDOW) == set()


def test_a_juror_of_another_jury_does_not_block_the_stand():
    other = [Presence(juror=9, entry=100, since=NOW)]
    assert occupied_stands(other, juror=1, colleagues={1, 2}, now=NOW, window=WINDOW) == set()


def test_never_an_already_scored_or_conflicted_entry():
    decision = next_stand(juror=1, stands=hall(4), scored={100}, conflicted={101})
    assert decision.entry == 102


def test_the_nearest_stand_from_where_the_juror_stands_same_hall_first_then_fewest_places_ahead_before_behind():
    stands = hall(3, "5") + hall(3, "6", start=3)
    # At 101 (hall 5): 100 and 102 are both one place away; ahead in the walk wins.
    assert next_stand(juror=1, stands=stands, current=101).entry == 102
    # At 102 (last of hall 5) with 100/101 scored: 103 is one place away but in hall 6; hall 5 has nothing left.
    assert next_stand(juror=1, stands=stands, current=102, scored={100, 101}).entry == 103
    # At 103 (hall 6) with 104 taken: 105 (same hall, two away) before 102 (hall 5, one away).
    assert next_stand(juror=1, stands=stands, current=103, occupied={104}).entry == 105


def test_skip_requeues_the_stand_after_every_other_one():
    stands = hall(3)
    assert next_stand(juror=1, stands=stands, skipped=[100]).entry == 101
    decision = next_stand(juror=1, stands=stands, skipped=[100], scored={101, 102})
    assert (decision.entry, decision.why) == (100, Why.REQUEUED)
    # Two skipped stands come back oldest skip first.
    assert next_stand(juror=1, stands=stands, skipped=[102, 100], scored={101}).entry == 102


def test_a_closed_stand_waits_and_the_juror_is_told_when_everything_left_is_busy():
    stands = [Stand(entry=100, order=0, closed=True), Stand(entry=101, order=1)]
    decision = next_stand(juror=1, stands=stands, occupied={101})
    assert (decision.entry, decision.why, set(decision.waiting)) == (None, Why.ALL_BUSY, {100, 101})
    assert next_stand(juror=1, stands=stands, scored={100, 101}).why is Why.DONE


def test_an_organisers_dispatch_comes_first_unless_the_stand_is_scored_taken_or_closed():
    stands = hall(5)
    assert next_stand(juror=1, stands=stands, sent_to=104) == next_stand(juror=1, stands=stands, sent_to=104)
    assert (
        next_stand(juror=1, stands=stands, sent_to=104).entry,
        next_stand(juror=1, stands=stands, sent_to=104).why,
    ) == (104, Why.SENT)
    assert next_stand(juror=1, stands=stands, sent_to=104, scored={104}).entry == 100
    assert next_stand(juror=1, stands=stands, sent_to=104, occupied={104}).entry == 100
    assert next_stand(juror=1, stands=stands, sent_to=104, conflicted={104}).entry == 100


def test_offline_order_is_the_schedule_with_done_stands_out_and_skipped_ones_last():
    stands = hall(4)
    assert schedule_order(stands, done={101}, skipped=[100]) == [102, 103, 100]


@settings(max_examples=60, deadline=None)
@given(
    n_stands=st.integers(1, 12),
    n_jurors=st.integers(2, 6),
    data=st.data(),
)
def test_walking_the_floor_two_jurors_of_one_jury_are_never_sent_to_one_stand_and_nobody_rescores(
    n_stands, n_jurors, data
):
    """Jurors take turns asking for their next stand, go there, score it or skip it: at every step no two of them
    stand at the same stand, nobody is sent to a stand they scored or may not judge, and everyone finishes."""
    stands = hall(n_stands)
    jurors = list(range(1, n_jurors + 1))
    conflicted = {j: set(data.draw(st.sets(st.sampled_from([s.entry for s in stands]), max_size=2))) for j in jurors}
    scored = {j: set() for j in jurors}
    skipped = {j: [] for j in jurors}
    where: dict[int, int] = {}
    now = NOW
    for _step in range(n_stands * n_jurors * 3):
        juror = data.draw(st.sampled_from(jurors))
        now += timedelta(minutes=1)
        presences = [Presence(juror=j, entry=e, since=now) for j, e in where.items()]
        taken = occupied_stands(presences, juror=juror, colleagues=set(jurors), now=now, window=WINDOW)
        decision = next_stand(
            juror=juror,
            stands=stands,
            scored=scored[juror],
            conflicted=conflicted[juror],
            occupied=taken,
            skipped=skipped[juror],
            current=where.get(juror),
        )
        if decision.entry is None:
            where.pop(juror, None)
            continue
        assert decision.entry not in scored[juror] and decision.entry not in conflicted[juror]
        assert decision.entry not in {e for j, e in where.items() if j != juror}
        where[juror] = decision.entry
        if data.draw(st.booleans()) or decision.why is Why.REQUEUED:
            scored[juror].add(decision.entry)
        else:
            skipped[juror] = [e for e in skipped[juror] if e != decision.entry] + [decision.entry]
    for juror in jurors:  # alone on the floor, every juror can finish what is left
        where.clear()
        while (
            decision := next_stand(
                juror=juror, stands=stands, scored=scored[juror], conflicted=conflicted[juror], skipped=skipped[juror]
            )
        ).entry is not None:
            scored[juror].add(decision.entry)
        assert scored[juror] | conflicted[juror] >= {s.entry for s in stands}
