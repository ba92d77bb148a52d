"""The rules of the awards, one module per concept; blueprints call them, they never commit."""
