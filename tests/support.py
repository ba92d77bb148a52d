"""Helpers shared by the tests (imported as `support`; tests/ is on the path, see pyproject)."""
import sqlalchemy as sa

PASSWORD = "correct-horse-42"


def empty_all_tables() -> None:
    """Delete every row, restarting ids, so that a rebuilt world gets the same ids again."""
    from judging.extensions import db
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
            if connection.execute(sa.text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                connection.execute(sa.text("DELETE FROM sqlite_sequence"))
