"""What a browser needs to be told about a screening it no longer holds: when a
"come back later" link moves a draft to another browser, the key the first browser
still holds and the used link's token (hashes only), kept apart from the draft so that
they outlive it once it is sent.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draft_moves",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("previous_key_hash", sa.String(length=64), nullable=False),
        sa.Column("used_resume_token_hash", sa.String(length=64), nullable=True),
        sa.Column("moved_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_draft_moves_previous_key_hash", "draft_moves", ["previous_key_hash"])
    op.create_index(
        "ix_draft_moves_used_resume_token_hash", "draft_moves", ["used_resume_token_hash"]
    )
    op.create_index("ix_draft_moves_moved_at", "draft_moves", ["moved_at"])


def downgrade():
    op.drop_table("draft_moves")
