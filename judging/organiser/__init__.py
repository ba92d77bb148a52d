"""The organiser's side, one blueprint per concern under `/organiser` (organisers only, checked once on the parent):
the dashboard and edition settings here in `routes`, then entries, juries, rounds and results, exchange (spreadsheets),
audit and people (accounts), and the live floor of the finals."""

from . import audit_pages, entries, exchange, floor, juries, people, results, rounds_pages, routes  # noqa: F401

bp = routes.bp
for concern in (entries, juries, results, floor, exchange, audit_pages, people):
    bp.register_blueprint(concern.bp)
