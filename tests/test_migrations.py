"""The schema comes from the migrations alone, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from questionnaire.extensions import db


def _not_search_index(name, kind, parent) -> bool:
    """The search index is built by migration 0007 for each database on its own (a GIN
    index, or an FTS5 table and its shadow tables): the models do not describe it."""
    return not (name or "").startswith(("submissions_search", "ix_submissions_search"))


def test_upgrading_an_empty_database_gives_the_tables_the_models_describe(empty_database_url):
    from .conftest import _make_app

    app = _make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": _not_search_index}
            )
            assert compare_metadata(context, db.metadata) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"drafts", "submissions", "submission_flags", "alembic_version"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


def test_there_is_one_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def test_migration_files_are_numbered(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        script = ScriptDirectory.from_config(config)
        for revision in script.walk_revisions():
            assert revision.revision.isdigit() and len(revision.revision) == 4


def test_upgrading_a_database_with_submissions_keeps_them_whole_and_searchable(
    empty_database_url,
):
    """Submissions stored before 0006 and 0007 get their queue place and search text."""
    import json

    from sqlalchemy import text as sql

    from questionnaire.clinician.queue import Filters, filtered, ordered
    from questionnaire.models import Submission

    from .conftest import _make_app
    from .examples import EXAMPLE_1_ANSWERS

    app = _make_app(empty_database_url)
    contact = {"wants_contact": "yes", "contact_name": "Ana Ruiz", "contact_phone": "555 0100"}
    rows = [
        # (reference, outcome, status, created_at, answers)
        ("KT-AAAA-AAAA", "urgent-support", "new", "2026-11-01 10:00:00", {}),
        ("KT-CCCC-CCCC", "urgent-support", "in-review", "2026-11-01 09:00:00", {}),
        ("KT-DDDD-DDDD", "discuss", "new", "2026-11-01 11:00:00", contact),
        ("KT-EEEE-EEEE", "urgent-support", "closed", "2026-11-01 12:00:00", {}),
    ]
    with app.app_context():
        upgrade(revision="0005")
        for i, (reference, outcome, status, created, extra) in enumerate(rows, start=1):
            db.session.execute(
                sql(
                    "INSERT INTO submissions (id, reference, result_token_hash, draft_key_hash,"
                    " created_at, status, outcome, priority, contraindication_count,"
                    " precaution_count, answers, assessment, rules_version,"
                    " questionnaire_version, source) VALUES (:id, :ref, :r, :d, :at, :status,"
                    " :outcome, :priority, 0, 0, :answers, :assessment, '2026.12', '1.0', 'web')"
                ),
                {
                    "id": i,
                    "ref": reference,
                    "r": f"r{i}",
                    "d": f"d{i}",
                    "at": created,
                    "status": status,
                    "outcome": outcome,
                    "priority": 1 if outcome == "urgent-support" and status == "new" else 0,
                    "answers": json.dumps({**EXAMPLE_1_ANSWERS, **extra}),
                    "assessment": json.dumps({"outcome": outcome, "flags": [], "sections": []}),
                },
            )
        db.session.commit()
        upgrade()
        order = db.session.scalars(
            ordered(filtered(Filters())).with_only_columns(Submission.reference)
        ).all()
        # urgent and waiting first (longest waiting first), then the rest, newest first
        assert order == ["KT-CCCC-CCCC", "KT-AAAA-AAAA", "KT-EEEE-EEEE", "KT-DDDD-DDDD"]
        for query, found in (
            ("ana r", "KT-DDDD-DDDD"),
            ("5550100", "KT-DDDD-DDDD"),
            ("eeee", "KT-EEEE-EEEE"),
        ):
            statement = filtered(Filters(search=query)).with_only_columns(Submission.reference)
            assert db.session.scalars(statement).all() == [found], query
        db.session.remove()
        db.engine.dispose()
