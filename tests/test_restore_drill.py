"""The restore drill (PostgreSQL): fill the database through the app, dump it with
``pg_dump --format=custom``, and let ``flask --app wsgi backup verify FILE`` restore it
into a new database and check it; then start the app on the copy and compare every
table's digest with the original's, check that the audit log is still append-only and
that a clinician can sign in."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from questionnaire import create_app
from questionnaire.extensions import db
from questionnaire.ops.backup import table_digests

from .conftest import ON_POSTGRESQL
from .helpers import Patient
from .html import soup
from .staff import Staff, audit_count, make_clinician

pytestmark = pytest.mark.slow  # pg_dump and pg_restore


def pg_dump(url: str, file) -> None:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(  # noqa: S603 (pg_dump, fixed arguments)
        [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--file", str(file), libpq],
        check=True,
    )


def queued(staff: Staff) -> list[str]:
    page = soup(staff.client.get("/clinician/"))
    return [row["data-reference"] for row in page.select("tr[data-reference]")]


def digests(url) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = table_digests(connection)
    engine.dispose()
    return found


def test_a_dump_restores_whole_and_the_app_runs_on_the_copy(app, clock, runner, tmp_path):
    if not ON_POSTGRESQL:
        pytest.skip(
            "needs PostgreSQL: set DATABASE_URL=postgresql://postgres@127.0.0.1:5432/"
            "postgres to run it"
        )
    # Screenings, a clinician's notes and status changes, and the audit rows they leave
    account = make_clinician(app)
    for _ in range(3):
        Patient(app.test_client()).complete()
    staff = Staff(app.test_client(), clock)
    staff.full_sign_in(account)
    references = queued(staff)
    assert len(references) == 3
    for reference in references:
        staff.post(f"/clinician/submissions/{reference}/notes", {"body": "Called, no answer"})
        staff.post(f"/clinician/submissions/{reference}/status", {"status": "in-review"})
    assert audit_count(app) >= 8  # signing in, the queue, each note and status change
    source = app.config["DATABASE_URL"]
    dump = tmp_path / "nightly.dump"
    pg_dump(source, dump)

    result = runner.invoke(args=["backup", "verify", str(dump), "--keep"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "ok    schema: migration " in "\n".join(lines)
    assert "ok    audit log append-only: a change to audit_events is refused" in lines
    assert (
        "ok    authenticator secrets: 1 of 1 active clinicians' secrets can be read with "
        "MFA_ENCRYPTION_KEY" in lines
    )
    assert lines[-1] == "The backup restores whole."
    kept = next(line for line in lines if line.startswith("Kept: "))
    copy = make_url(kept.removeprefix("Kept: ")).render_as_string(hide_password=False)

    try:
        # every table, row for row, as it was (submissions, notes, audit rows, ...)
        restored = digests(copy)
        original = digests(source)
        assert [d.name for d in restored] == [d.name for d in original]
        assert {"submissions", "notes", "audit_events"} <= {d.name for d in restored}
        assert restored == original
        printed = {line.split()[0]: line.split()[-1] for line in lines if " rows  sha256 " in line}
        assert printed == {d.name: d.sha256 for d in original}

        # the app on the copy: a clinician signs in and reads the same queue
        copy_app = create_app({"APP_ENV": "testing", "DATABASE_URL": copy})
        on_copy = Staff(copy_app.test_client(), clock)
        clock.advance(seconds=31)  # a fresh code
        on_copy.full_sign_in(account)
        assert sorted(queued(on_copy)) == sorted(references)
        # and its audit log still refuses changes (the trigger came back)
        with copy_app.app_context():
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text("DELETE FROM audit_events"))
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()
    finally:
        server = create_engine(
            make_url(source).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with server.connect() as connection:
            name = make_url(copy).database
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
