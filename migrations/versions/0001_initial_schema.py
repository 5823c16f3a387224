"""Initial schema: drafts, submissions and the flags raised for each submission.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_drafts_key_hash")),
    )
    op.create_index(op.f("ix_drafts_expires_at"), "drafts", ["expires_at"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("result_token_hash", sa.String(length=64), nullable=False),
        sa.Column("draft_key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("phq9_total", sa.Integer(), nullable=True),
        sa.Column("phq9_band", sa.String(length=24), nullable=True),
        sa.Column("contraindication_count", sa.Integer(), nullable=False),
        sa.Column("precaution_count", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("assessment", JSON, nullable=False),
        sa.Column("rules_version", sa.String(length=32), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'in-review', 'contacted', 'closed')",
            name=op.f("ck_submissions_status_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("draft_key_hash", name=op.f("uq_submissions_draft_key_hash")),
        sa.UniqueConstraint("reference", name=op.f("uq_submissions_reference")),
        sa.UniqueConstraint("result_token_hash", name=op.f("uq_submissions_result_token_hash")),
    )
    op.create_index(op.f("ix_submissions_created_at"), "submissions", ["created_at"])
    op.create_index("ix_submissions_outcome_created", "submissions", ["outcome", "created_at"])
    op.create_index("ix_submissions_status_created", "submissions", ["status", "created_at"])

    op.create_table(
        "submission_flags",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_flags_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "flag_id", name=op.f("pk_submission_flags")),
    )
    op.create_index(op.f("ix_submission_flags_flag_id"), "submission_flags", ["flag_id"])


def downgrade():
    op.drop_index(op.f("ix_submission_flags_flag_id"), table_name="submission_flags")
    op.drop_table("submission_flags")
    op.drop_index("ix_submissions_status_created", table_name="submissions")
    op.drop_index("ix_submissions_outcome_created", table_name="submissions")
    op.drop_index(op.f("ix_submissions_created_at"), table_name="submissions")
    op.drop_table("submissions")
    op.drop_index(op.f("ix_drafts_expires_at"), table_name="drafts")
    op.drop_table("drafts")
