"""What a browser needs to be told about a screening it no longer holds: the key a
draft had before its "come back later" link moved it to another browser, and that
link's token once used.

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
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("previous_key_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("used_resume_token_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_drafts_previous_key_hash", "drafts", ["previous_key_hash"])
    op.create_index("ix_drafts_used_resume_token_hash", "drafts", ["used_resume_token_hash"])


def downgrade():
    op.drop_index("ix_drafts_used_resume_token_hash", "drafts")
    op.drop_index("ix_drafts_previous_key_hash", "drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("used_resume_token_hash")
        batch.drop_column("previous_key_hash")
