"""The rules of the awards, one module per concept; blueprints call them, they change the session and never commit:
the request, CLI command or job that calls them commits once at its end (judging.transaction)."""
