"""One-time account links (invitations and resets): a person sets their own password
and enrols their own authenticator; nobody else ever knows them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("pending_totp_secret", sa.String(length=255), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invite', 'reset')", name=op.f("ck_account_links_purpose_known")
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_account_links_clinician_id_clinicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    op.create_index(op.f("ix_account_links_clinician_id"), "account_links", ["clinician_id"])


def downgrade():
    op.drop_index(op.f("ix_account_links_clinician_id"), table_name="account_links")
    op.drop_table("account_links")
