"""Resume links for drafts, and when a submission was closed (for retention).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.add_column(sa.Column("resume_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            op.f("uq_drafts_resume_token_hash"), ["resume_token_hash"]
        )
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_submissions_closed", ["status", "closed_at"])
    # Submissions already closed count from now: the time they were closed is not known.
    # Times are stored as naive UTC.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE submissions SET closed_at = timezone('utc', now()) WHERE status = 'closed'"
        )
    else:
        op.execute("UPDATE submissions SET closed_at = CURRENT_TIMESTAMP WHERE status = 'closed'")


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_index("ix_submissions_closed")
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.drop_constraint(op.f("uq_drafts_resume_token_hash"), type_="unique")
        batch_op.drop_column("resume_token_hash")
