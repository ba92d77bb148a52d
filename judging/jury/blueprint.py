"""The jury blueprint and what every jury page needs: jurors only, and the rounds of the juries the juror sits on.
The pages register on it from `routes`, `floor` and `offline`; none of them imports another."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ..domain import worklist
from ..domain.editions import current_edition
from ..domain.permissions import role_required
from ..models import Round

bp = Blueprint("jury", __name__, url_prefix="/jury")


@bp.before_request
@role_required("juror")
def _jurors_only():
    """Every page of this blueprint is for jurors only."""


def my_rounds(on_stand_only: bool = False) -> list[Round]:
    return worklist.rounds_of(current_user, current_edition(), on_stand_only=on_stand_only)


def my_round(round_id: int) -> Round:
    """One of the juror's rounds; 404 for any other (no existence leak)."""
    round_ = next((r for r in my_rounds() if r.id == round_id), None)
    if round_ is None:
        abort(404)
    return round_
