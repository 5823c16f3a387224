"""Search and counts that stay fast at scale: an index for the status and outcome filters
together, and each submission's searchable text (its reference
without dashes, and the contact name, email and phone digits the person gave), with an
index that serves "contains" searches: pg_trgm's GIN index on PostgreSQL, an FTS5
trigram table kept in step by triggers on SQLite.

On SQLite, a later migration that rebuilds ``submissions`` in batch mode drops these
triggers with the old table: it must create them again (``SQLITE_SEARCH`` below).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE submissions_search USING fts5(
         search_text, content='submissions', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions BEGIN
         INSERT INTO submissions_search(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
         INSERT INTO submissions_search(submissions_search, rowid, search_text)
         VALUES ('delete', old.id, old.search_text);
       END""",
    """CREATE TRIGGER submissions_search_update AFTER UPDATE OF search_text ON submissions
       BEGIN
         INSERT INTO submissions_search(submissions_search, rowid, search_text)
         VALUES ('delete', old.id, old.search_text);
         INSERT INTO submissions_search(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
]


def _text(reference: str, answers: dict) -> str:
    """As questionnaire.submissions.search_text wrote it on the day of this migration."""
    parts = [reference.replace("-", "").lower()]
    if answers.get("wants_contact") == "yes":
        parts += [
            (answers.get("contact_name") or "").lower(),
            (answers.get("contact_email") or "").lower(),
            re.sub(r"\D", "", answers.get("contact_phone") or ""),
        ]
    return " ".join(p for p in parts if p)


def upgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
    # Both filters at once (say, closed and evaluate-first): counted from one index.
    op.create_index(
        "ix_submissions_status_outcome",
        "submissions",
        ["status", "outcome", "priority", "queue_rank", "id"],
    )
    bind = op.get_bind()
    table = sa.table(
        "submissions",
        sa.column("id", sa.Integer),
        sa.column("reference", sa.String),
        sa.column("answers", sa.JSON),
        sa.column("search_text", sa.Text),
    )
    last = 0
    while True:  # in batches, so that a large table is not read at once
        rows = bind.execute(
            sa.select(table.c.id, table.c.reference, table.c.answers)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(5000)
        ).all()
        if not rows:
            break
        for row in rows:
            bind.execute(
                table.update()
                .where(table.c.id == row.id)
                .values(search_text=_text(row.reference, row.answers or {}))
            )
        last = rows[-1].id
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_submissions_search ON submissions USING gin (search_text gin_trgm_ops)"
        )
    else:
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        op.execute("INSERT INTO submissions_search(submissions_search) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_submissions_search")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER submissions_search_{name}")
        op.execute("DROP TABLE submissions_search")
    op.drop_index("ix_submissions_status_outcome", table_name="submissions")
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_column("search_text")
