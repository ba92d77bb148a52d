"""A consistent backup of the database and the uploads in one zip file, and its restore.

The rows are read in one transaction (REPEATABLE READ on PostgreSQL, a single read transaction on SQLite
in WAL mode), so the backup is a consistent snapshot even while jurors keep saving.
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from .extensions import db
from .storage import storage
from .uploads import is_stored_name

FORMAT = 1


def _encode(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value


def _revision(connection) -> str | None:
    try:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        return None


def write_backup(path: str | Path, *, progress=None) -> dict:
    """Write the zip; returns the manifest (schema revision, row counts, files). `progress(done, total)` after each
    table read and each file copied (the command's bar)."""
    tables = db.metadata.sorted_tables
    files = storage()
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        data = {}
        for done, t in enumerate(tables, start=1):
            data[t.name] = [
                {k: _encode(v) for k, v in row._mapping.items()}
                for row in connection.execute(sa.select(t).order_by(*t.primary_key.columns))
            ]
            _report(progress, done, len(tables) + 1)  # the files' count is known once the rows are read
        revision = _revision(connection)
    stored = set()
    for row in data.get("attachment", []):
        if is_stored_name(row["stored_name"]):  # never copy a file from outside the upload folder
            stored.add(row["stored_name"])
    created_at = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as every stored timestamp
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "schema_revision": revision,
        "rows": {name: len(rows) for name, rows in data.items()},
        "files": sorted(stored),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        archive.writestr("database.json", json.dumps(data, default=str))
        for done, name in enumerate(sorted(stored), start=1):
            if files.exists(name):
                archive.writestr(f"uploads/{name}", files.read(name))
            _report(progress, len(tables) + done, len(tables) + len(stored))
    return manifest


def _report(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


class RestoreRefused(Exception):
    pass


def _check_file_names(manifest: dict, data: dict) -> None:
    """Every stored file name, in the rows and in the manifest, must be one the app could have given:
    a crafted name such as `../../instance/secret_key` would otherwise be served as an attachment."""
    names = [row.get("stored_name") for row in data.get("attachment", []) if isinstance(row, dict)]
    names += list(manifest.get("files", []))
    bad = [name for name in names if not is_stored_name(name)]
    if bad or not isinstance(data.get("attachment", []), list):
        raise RestoreRefused(
            f"The backup names files outside the upload folder ({', '.join(map(repr, bad[:3]))}); nothing was restored."
        )


def restore_backup(path: str | Path, *, force: bool = False, progress=None) -> dict:
    """Load a backup into this database (schema already migrated); refuses a non-empty one unless forced.
    `progress(done, total)` after each table and each file restored (the command's bar)."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = json.loads(archive.read("database.json"))
        if manifest.get("format") != FORMAT:
            raise RestoreRefused("This backup was written by an incompatible version.")
        _check_file_names(manifest, data)
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            revision = _revision(connection)
            if manifest.get("schema_revision") != revision:
                raise RestoreRefused(
                    f"The backup is of schema {manifest.get('schema_revision')}, this database is "
                    f"at {revision}: run `flask init-db` at the matching version first."
                )
            has_rows = any(connection.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in tables)
            if has_rows and not force:
                raise RestoreRefused("The database is not empty; restore into an empty one, or pass --force.")
            for table in reversed(tables):
                connection.execute(table.delete())
            names = manifest.get("files", [])
            for done, table in enumerate(tables, start=1):
                rows = [{k: _decode(v) for k, v in row.items()} for row in data.get(table.name, [])]
                if rows:
                    connection.execute(table.insert(), rows)
                _report(progress, done, len(tables) + len(names))
            if connection.dialect.name == "postgresql":
                for table in tables:
                    if "id" in table.columns:
                        next_id = (connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
                        connection.execute(
                            sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
                            {"table": f'"{table.name}"', "next": next_id},
                        )
        files = storage()
        for done, name in enumerate(names, start=1):
            member = f"uploads/{name}"
            if member in archive.namelist():
                if is_stored_name(name):  # a crafted archive names no file outside the storage
                    files.save(name, archive.read(member))
            _report(progress, len(tables) + done, len(tables) + len(names))
    return manifest
