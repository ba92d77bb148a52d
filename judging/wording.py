"""Results in words, in the reader's language: method names, ranking flags and how a tie was settled.

`scoring` returns codes and numbers; the pages and the exports put them in words here, so a French
organiser reads French and an entry is named by its title, never by its database id.
"""
from __future__ import annotations

from typing import Mapping

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l

import scoring

METHOD_LABELS = {
    "mean": _l("mean of the weighted totals"),
    "median": _l("median of the weighted totals"),
    "trimmed": _l("trimmed mean (highest and lowest marks set aside)"),
    "zscore": _l("marks standardised per juror (z-scores)"),
    "fitted": _l("juror leniency fitted and removed (least squares)"),
}


def method_label(method: str) -> str:
    """'mean of the weighted totals' and so on; an unknown code is shown as it is."""
    return str(METHOD_LABELS.get(method, method))


def _number(value: float, digits: int = 2) -> str:
    return format_decimal(value, "0." + "0" * digits)


def describe_flag(flag: str, juror_names: Mapping | None = None) -> str:
    """One ranking flag of `scoring.rank_entries` in words ('outlier juror: 12' names juror 12)."""
    code, _sep, detail = flag.partition(": ")
    if flag == "incomplete":
        return _("incomplete (too few scorecards)")
    if flag == "tie broken":
        return _("tie broken")
    if flag == "tie: jury decision":
        return _("tie: the jury decides")
    if code == "outlier juror":
        key = int(detail) if detail.isdigit() else detail
        return _("scored by an outlier juror (%(juror)s)", juror=(juror_names or {}).get(key, detail))
    if code == "joint winner":
        return _("joint winner: %(reason)s", reason=detail)
    return flag


def _quoted(title) -> str:
    return _("“%(title)s”", title=title)


def describe_tie(tie: scoring.TieBreak | None, titles: Mapping, criterion_names: Mapping[str, str]) -> str:
    """How a tie on score was settled, naming the other entry by its title; '' when there was no tie."""
    if tie is None:
        return ""
    score = _number(tie.score)
    if tie.decided_by == "jury":
        others = ", ".join(_quoted(titles.get(e, e)) for e in tie.shared)
        return _("Tied at %(score)s with %(others)s on every criterion and on the median total: the jury decides.",
                 score=score, others=others)
    digits = scoring.decimals_to_tell_apart(tie.mine, tie.theirs)
    values = {"score": score, "other": _quoted(titles.get(tie.other, tie.other)),
              "mine": _number(tie.mine, digits), "theirs": _number(tie.theirs, digits)}
    if tie.decided_by == "criterion":
        criterion = criterion_names.get(tie.criterion, tie.criterion)
        if tie.above:
            return _("Tied at %(score)s with %(other)s: ranked above it on a higher mean mark for %(criterion)s "
                     "(%(mine)s vs %(theirs)s).", criterion=criterion, **values)
        return _("Tied at %(score)s with %(other)s: ranked below it on a lower mean mark for %(criterion)s "
                 "(%(mine)s vs %(theirs)s).", criterion=criterion, **values)
    if tie.above:
        return _("Tied at %(score)s with %(other)s: ranked above it on a higher median total (%(mine)s vs "
                 "%(theirs)s).", **values)
    return _("Tied at %(score)s with %(other)s: ranked below it on a lower median total (%(mine)s vs "
             "%(theirs)s).", **values)
