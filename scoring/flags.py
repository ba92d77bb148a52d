"""What the engine says about a line of a ranking, as data: a kind and, for some kinds, who or why.

Flags travel from `rank_entries` to the results page, the sign-off page and the workbook unchanged; only
`judging.wording` (and the workbook's labels) turn them into words, in the reader's language. Nothing is
ever formatted into a string here and parsed back elsewhere.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum


class FlagKind(StrEnum):
    INCOMPLETE = "incomplete"  # fewer scorecards than the minimum: ranked after every complete entry
    TIE_BROKEN = "tie_broken"  # tied on score, settled by the tie rule (see `RankedEntry.tie`)
    TIE_UNDECIDED = "tie_undecided"  # tied on everything the rules look at: the jury decides
    OUTLIER_JUROR = "outlier_juror"  # one of its jurors marks far from the panel (`juror` says who)
    JOINT_WINNER = "joint_winner"  # the jury shared first place (`reason` says why)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    juror: Hashable | None = None  # OUTLIER_JUROR: the juror's id, named only by the reader's layer
    reason: str | None = None  # JOINT_WINNER: the jury's own words

    @property
    def is_tie(self) -> bool:
        return self.kind in (FlagKind.TIE_BROKEN, FlagKind.TIE_UNDECIDED)

    def to_dict(self) -> dict:
        """For frozen snapshots (JSON): only the fields the kind uses."""
        data: dict = {"kind": self.kind.value}
        if self.juror is not None:
            data["juror"] = self.juror
        if self.reason is not None:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_dict(cls, data: dict | str) -> Flag:
        if isinstance(data, str):  # snapshots frozen before flags were data (session 4 and earlier)
            return _from_stored_text(data)
        return cls(FlagKind(data["kind"]), juror=data.get("juror"), reason=data.get("reason"))


INCOMPLETE = Flag(FlagKind.INCOMPLETE)
TIE_BROKEN = Flag(FlagKind.TIE_BROKEN)
TIE_UNDECIDED = Flag(FlagKind.TIE_UNDECIDED)


def outlier_juror(juror: Hashable) -> Flag:
    return Flag(FlagKind.OUTLIER_JUROR, juror=juror)


def joint_winner(reason: str) -> Flag:
    return Flag(FlagKind.JOINT_WINNER, reason=reason)


def _from_stored_text(text: str) -> Flag:
    """Read a flag stored as text by earlier releases in a frozen snapshot; used only when loading old snapshots."""
    legacy = {"incomplete": INCOMPLETE, "tie broken": TIE_BROKEN, "tie: jury decision": TIE_UNDECIDED}
    if text in legacy:
        return legacy[text]
    code, _, detail = text.partition(": ")
    if code == "outlier juror":
        return outlier_juror(int(detail) if detail.isdigit() else detail)
    if code == "joint winner":
        return joint_winner(detail)
    raise ValueError(f"unknown stored flag {text!r}")
