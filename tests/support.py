"""Constants shared by the tests (imported as `support`; tests/ is on the path, see pyproject)."""
PASSWORD = "correct-horse-42"
