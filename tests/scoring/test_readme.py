"""README.md says what the scoring engine does: its API snippet runs as written, its rules are the code's."""

import ast
import re
import statistics
from pathlib import Path

import pytest

from scoring import Criterion, Scorecard, card_totals, rank_entries
from scoring.flags import INCOMPLETE

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    return README.split(heading, 1)[1].split("\n#", 1)[0]


def _shown(comment: str):
    """The Python literal a README comment starts with, e.g. "('e1', 1, 68.0): best first"; None if none."""
    for end, char in enumerate(comment):
        if char == ")":
            try:
                return ast.literal_eval(comment[: end + 1])
            except (ValueError, SyntaxError):
                continue
    return None


def test_readme_scoring_api_snippet_runs_and_shows_what_it_returns():
    snippet = re.search(r"```python\n(.*?)```", _section("### The scoring API"), flags=re.S).group(1)
    namespace: dict = {}
    exec(compile(snippet, "README.md (The scoring API)", "exec"), namespace)  # every attribute it names exists
    ranking = namespace["ranking"]
    assert [(line.entry, line.rank) for line in ranking] == [("e1", 1), ("e2", 2)]
    assert 0 <= ranking[0].p_first <= 1 and ranking[0].rank_interval == (1, 1)
    # Each value the snippet shows in a comment is the value the line returns.
    checked = 0
    for line in snippet.splitlines():
        expression, _, comment = line.partition("  # ")
        shown = _shown(comment.strip())
        if shown is not None and not expression.lstrip().startswith(("marks", "cards", "ranking =")):
            assert eval(expression.strip(), namespace) == shown, line
            checked += 1
    assert checked == 3


def test_readme_zscore_rule_for_a_juror_with_a_single_card_is_the_engines():
    zscore = next(line for line in _section("## How scores are computed").split("\n- ") if line.startswith("`zscore`"))
    assert "left out of the entry's average" in zscore and "still" in zscore and "completeness" in zscore
    criteria = [Criterion("quality", 1)]
    cards = [
        Scorecard("j1", "A", {"quality": 9}),
        Scorecard("j1", "B", {"quality": 3}),
        Scorecard("j2", "A", {"quality": 7}),
        Scorecard("j2", "B", {"quality": 5}),
        Scorecard("solo", "B", {"quality": 10}),  # solo's only card: 100, far above B's others
        Scorecard("solo2", "C", {"quality": 6}),
    ]  # C has no other card
    ranking = {line.entry: line for line in rank_entries(cards, criteria, "zscore", min_scorecards=3)}
    totals = list(card_totals(cards, criteria).values())
    panel_mean, panel_sd = statistics.fmean(totals), statistics.pstdev(totals)
    # j1 and j2 both put A at z = +1 and B at z = -1; solo's card does not move B's average of -1 ...
    assert ranking["B"].score == pytest.approx(panel_mean - panel_sd)
    # ... but it is B's third card: B is complete, A (two cards) is not.
    assert ranking["B"].n_scorecards == 3 and INCOMPLETE not in ranking["B"].flags
    assert INCOMPLETE in ranking["A"].flags
    # An entry whose only cards are single-card jurors' gets the panel's average.
    assert ranking["C"].score == pytest.approx(panel_mean)
