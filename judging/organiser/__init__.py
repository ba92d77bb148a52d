"""The organiser's side, one blueprint per concern under `/organiser` (organisers only, checked once on the parent):
the dashboard and edition settings here in `routes`, then entries, juries, rounds and results, exchange (spreadsheets),
ceremony (running order, press kit), audit, people (accounts), companies (the exhibitor directory), messages,
whole-edition actions, saved views, the live floor of the finals, the mail log, long jobs, and api_tokens (API
tokens and webhooks)."""

from . import (  # noqa: F401
    api_tokens,
    audit_pages,
    ceremony,
    companies,
    edition_actions,
    entries,
    exchange,
    floor,
    jobs,
    juries,
    mail_log,
    messages,
    people,
    results,
    rounds_pages,
    routes,
    views,
)

bp = routes.bp
for concern in (
    entries,
    juries,
    results,
    floor,
    exchange,
    ceremony,
    audit_pages,
    people,
    companies,
    messages,
    edition_actions,
    views,
    mail_log,
    jobs,
    api_tokens,
):
    bp.register_blueprint(concern.bp)
