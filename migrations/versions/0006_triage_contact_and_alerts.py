"""Clinician triage and alerts: the statuses unable-to-contact and withdrawn; urgent
submissions stay on top while new or in review, longest waiting first (queue_rank);
contact attempts; the tombstone of a submission the patient withdrew (withdrawn_at); the
outbox of alert emails; each clinician's alerts setting.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Written out, not imported: a migration states the schema of its own day.
STATUSES = "('new', 'in-review', 'contacted', 'unable-to-contact', 'closed', 'withdrawn')"
OLD_STATUSES = "('new', 'in-review', 'contacted', 'closed')"
QUEUE_INDEXES = {
    "ix_submissions_queue": [],
    "ix_submissions_status_queue": ["status"],
    "ix_submissions_outcome_queue": ["outcome"],
}
# Milliseconds since 1970 of created_at (stored as naive UTC), per database.
MILLIS = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS BIGINT)",
    "sqlite": "CAST(strftime('%s', created_at) AS INTEGER) * 1000"
    " + CAST(substr(strftime('%f', created_at), 4) AS INTEGER)",
}


def upgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_constraint("status_known", type_="check")
        # "unable-to-contact" is 17 characters
        batch_op.alter_column("status", existing_type=sa.String(16), type_=sa.String(20))
        batch_op.create_check_constraint("status_known", f"status IN {STATUSES}")
        batch_op.add_column(sa.Column("queue_rank", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        for name in QUEUE_INDEXES:
            batch_op.drop_index(name)
    millis = MILLIS[op.get_bind().dialect.name]
    op.execute(
        "UPDATE submissions SET priority = CASE WHEN outcome = 'urgent-support' "
        "AND status IN ('new', 'in-review') THEN 1 ELSE 0 END"
    )
    # Both fragments are the constants above.
    rank = f"CASE WHEN priority = 1 THEN -({millis}) ELSE {millis} END"
    op.execute(f"UPDATE submissions SET queue_rank = {rank}")  # noqa: S608
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.alter_column("queue_rank", existing_type=sa.BigInteger(), nullable=False)
        for name, leading in QUEUE_INDEXES.items():
            batch_op.create_index(name, [*leading, "priority", "queue_rank", "id"])

    with op.batch_alter_table("clinicians") as batch_op:
        batch_op.add_column(
            sa.Column("alerts_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )

    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "method IN ('phone', 'email', 'text')",
            name=op.f("ck_contact_attempts_contact_method_known"),
        ),
        sa.CheckConstraint(
            "result IN ('reached', 'no-answer', 'left-message', 'wrong-number')",
            name=op.f("ck_contact_attempts_contact_result_known"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_contact_attempts_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["clinicians.id"],
            name=op.f("fk_contact_attempts_author_id_clinicians"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    op.create_index(
        op.f("ix_contact_attempts_submission_id"), "contact_attempts", ["submission_id"]
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "kind IN ('urgent', 'reminder', 'digest')", name=op.f("ck_outbox_alert_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index("ix_outbox_due", "outbox", ["sent_at", "failed_at", "due_at"])


def downgrade():
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_contact_attempts_submission_id"), table_name="contact_attempts")
    op.drop_table("contact_attempts")
    with op.batch_alter_table("clinicians") as batch_op:
        batch_op.drop_column("alerts_enabled")
    op.execute("DELETE FROM submissions WHERE status = 'withdrawn'")
    op.execute("UPDATE submissions SET status = 'in-review' WHERE status = 'unable-to-contact'")
    with op.batch_alter_table("submissions") as batch_op:
        for name in QUEUE_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("queue_rank")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_constraint("status_known", type_="check")
        batch_op.alter_column("status", existing_type=sa.String(20), type_=sa.String(16))
        batch_op.create_check_constraint("status_known", f"status IN {OLD_STATUSES}")
    op.execute(
        "UPDATE submissions SET priority = CASE WHEN outcome = 'urgent-support' "
        "AND status = 'new' THEN 1 ELSE 0 END"
    )
    with op.batch_alter_table("submissions") as batch_op:
        for name, leading in QUEUE_INDEXES.items():
            batch_op.create_index(name, [*leading, "priority", "created_at", "id"])
