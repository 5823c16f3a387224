"""The language a person answered in, on each submission: "en" (every earlier
submission) or "es".

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its CHECK in place; a batch rebuild of the table
        # would drop the search triggers of migration 0007.
        op.execute(
            "ALTER TABLE submissions ADD COLUMN language VARCHAR(8) DEFAULT 'en' NOT NULL "
            "CONSTRAINT ck_submissions_language_known CHECK (language IN ('en', 'es'))"
        )
        return
    op.add_column(
        "submissions",
        sa.Column("language", sa.String(length=8), nullable=False, server_default="en"),
    )
    op.create_check_constraint("language_known", "submissions", "language IN ('en', 'es')")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE submissions DROP COLUMN language")
        return
    op.drop_constraint("language_known", "submissions", type_="check")
    op.drop_column("submissions", "language")
