"""One transaction per action: the request, CLI command or job commits once at its end, or rolls back as a whole.

Services (judging.domain) change the session and flush, never commit, so they compose: the import calls the same
`add_member` as the page, and a failure at its last step leaves nothing of the first ones. The boundaries are
here: every request (`register`), every CLI command (`in_one_transaction`), and any block run with `atomic()`.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from flask import Flask

from . import errors
from .errors import Refused
from .extensions import db

_DEPTH = "unit_of_work_depth"


@contextmanager
def atomic():
    """Run an action as one transaction: committed at the end of the outermost block, rolled back on error."""
    info = db.session.info
    info[_DEPTH] = info.get(_DEPTH, 0) + 1
    try:
        yield
    except BaseException:
        info[_DEPTH] -= 1
        if info[_DEPTH] == 0:
            db.session.rollback()
        raise
    info[_DEPTH] -= 1
    if info[_DEPTH] == 0:
        db.session.commit()


def in_one_transaction(callback):
    """A CLI command (or job) as one action: committed when it returns, rolled back if it raises."""

    @wraps(callback)
    def run(*args, **kwargs):
        with atomic():
            return callback(*args, **kwargs)

    return run


def register(app: Flask) -> None:
    """Every request is one action: committed when it answers below 400, rolled back otherwise."""

    @app.before_request
    def _begin():
        db.session.info[_DEPTH] = db.session.info.get(_DEPTH, 0) + 1

    @app.after_request
    def _end(response):
        if db.session.info.get(_DEPTH, 0) > 0:
            db.session.info[_DEPTH] -= 1
            if db.session.info[_DEPTH] == 0:
                if response.status_code >= 400:
                    db.session.rollback()
                    return response
                try:
                    db.session.commit()
                except Refused as refusal:  # a rule checked at the last flush: the whole action is undone
                    db.session.rollback()
                    return errors.refusal_response(refusal)
        return response

    @app.teardown_request
    def _abandon(error):
        if db.session.info.get(_DEPTH, 0) > 0:  # an exception skipped after_request: nothing of it is kept
            db.session.info[_DEPTH] = 0
            db.session.rollback()
