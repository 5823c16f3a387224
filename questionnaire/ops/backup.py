"""The restore drill: prove that a backup (``pg_dump --format=custom``) restores whole.

``flask --app wsgi backup verify FILE`` restores FILE into a new database on the same
PostgreSQL server, then checks the copy as the app would use it: the schema is the one
this version of the app migrates to, every table can be read (its rows are counted and
digested), the audit log is still append-only (its trigger came back and refuses a
change), and every clinician's authenticator secret can be read with the
MFA_ENCRYPTION_KEY set here (without it nobody could sign in). The copy is dropped
afterwards unless ``--keep``. ``flask --app wsgi backup digest`` prints the same digests
for the live database, so a dump and its restore can be compared table by table.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import subprocess  # nosec B404 (pg_restore with fixed arguments)
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from ..auth.secret_box import decrypt


@dataclass(frozen=True, slots=True)
class TableDigest:
    name: str
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Verified:
    digests: list[TableDigest]
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def table_digests(connection: Connection) -> list[TableDigest]:
    """Every table of the public schema: its row count and a SHA-256 of its rows as
    JSON, in primary-key order (the same rows give the same digest on any server)."""
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    ).scalars()
    found = []
    for name in list(tables):
        digest = hashlib.sha256()
        rows = 0
        # Ordered by the whole row as JSON text: stable without knowing the table's key.
        # (Table names come from the catalogue, quoted.)
        query = text(
            f'SELECT j FROM (SELECT row_to_json(t)::text AS j FROM "{name}" t) s '  # noqa: S608  # nosec B608
            'ORDER BY j COLLATE "C"'
        )
        for (row,) in connection.execute(query):
            digest.update(row.encode())
            digest.update(b"\n")
            rows += 1
        found.append(TableDigest(name, rows, digest.hexdigest()))
    return found


def head_revision(migrations: Path) -> str:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    return ScriptDirectory.from_config(config).get_current_head() or ""


def _server_url(database_url: str) -> URL:
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise ValueError("backup verify needs DATABASE_URL to point at the PostgreSQL server")
    return url


@contextmanager
def restored(file: Path, database_url: str, *, keep: bool = False) -> Iterator[URL]:
    """FILE restored into a new database on the server of ``database_url``; dropped
    afterwards, unless ``keep`` and everything in the block went through."""
    server = _server_url(database_url)
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise FileNotFoundError("pg_restore is not installed (Debian: postgresql-client)")
    name = f"restore_check_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    copy = server.set(database=name)
    checked = False
    try:
        libpq = copy.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(  # noqa: S603 (pg_restore, fixed arguments)  # nosec B603
            [pg_restore, "--no-owner", "--exit-on-error", "--dbname", libpq, str(file)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
        yield copy
        checked = True
    finally:
        if not (keep and checked):  # a copy that failed half-way is never left behind
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def verify(url: URL, migrations: Path, mfa_keys: tuple[str, ...]) -> Verified:
    """Every table's digest, and what the app needs of a restored database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            digests = table_digests(connection)
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            secrets_check = _secrets_readable(connection, mfa_keys)
        head = head_revision(migrations)
        schema = Check(
            "schema",
            version == head,
            f"migration {version}"
            + ("" if version == head else f"; this version of the app needs {head}"),
        )
        return Verified(digests, [schema, _append_only(engine), secrets_check])
    finally:
        engine.dispose()


def _append_only(engine: Engine) -> Check:
    """The trigger came back with the restore, and it refuses an update and a delete
    (each tried in a transaction that is rolled back)."""
    refused = []
    with engine.connect() as connection:
        triggers = connection.execute(
            text(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass "
                "AND NOT tgisinternal"
            )
        ).scalar_one()
        connection.rollback()
        for change in ("UPDATE audit_events SET action = action", "DELETE FROM audit_events"):
            try:
                connection.execute(text(change))
                refused.append(False)
            except DBAPIError:
                refused.append(True)
            connection.rollback()
    ok = triggers > 0 and all(refused)
    return Check(
        "audit log append-only",
        ok,
        "a change to audit_events is refused" if ok else "audit_events can be changed",
    )


def _secrets_readable(connection: Connection, mfa_keys: tuple[str, ...]) -> Check:
    stored = connection.execute(
        text("SELECT totp_secret FROM clinicians WHERE active AND totp_secret IS NOT NULL")
    ).scalars()
    unreadable = 0
    count = 0
    for value in stored:
        count += 1
        try:
            decrypt(value, mfa_keys)
        except ValueError:
            unreadable += 1
    return Check(
        "authenticator secrets",
        unreadable == 0,
        f"{count - unreadable} of {count} active clinicians' secrets can be read with "
        "MFA_ENCRYPTION_KEY",
    )
