"""Clinician review area: accounts, server-side sessions, notes, assignment, queue
priority and an append-only audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
APPEND_ONLY_POSTGRESQL = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
]


def upgrade():
    op.create_table(
        "clinicians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('clinician', 'admin')", name=op.f("ck_clinicians_role_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinicians")),
        sa.UniqueConstraint("email", name=op.f("uq_clinicians_email")),
    )
    op.create_table(
        "clinician_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("second_factor_at", sa.DateTime(), nullable=True),
        sa.Column("pending_totp_secret", sa.String(length=64), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_clinician_sessions_clinician_id_clinicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_clinician_sessions_key_hash")),
    )
    op.create_index(
        op.f("ix_clinician_sessions_clinician_id"), "clinician_sessions", ["clinician_id"]
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["clinicians.id"],
            name=op.f("fk_notes_author_id_clinicians"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_notes_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(op.f("ix_notes_submission_id"), "notes", ["submission_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=12), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("remote_addr", sa.String(length=45), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at", "id"])
    op.create_index("ix_audit_events_action", "audit_events", ["action", "at"])
    op.create_index("ix_audit_events_submission", "audit_events", ["submission_id", "at"])

    op.drop_index("ix_submission_flags_flag_id", table_name="submission_flags")
    op.create_index("ix_submission_flags_flag", "submission_flags", ["flag_id", "submission_id"])

    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_submissions_assigned_to_id_clinicians"),
            "clinicians",
            ["assigned_to_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_index("ix_submissions_created_at")
        batch_op.drop_index("ix_submissions_outcome_created")
        batch_op.drop_index("ix_submissions_status_created")
        batch_op.create_index(op.f("ix_submissions_assigned_to_id"), ["assigned_to_id"])
        batch_op.create_index("ix_submissions_queue", ["priority", "created_at", "id"])
        batch_op.create_index(
            "ix_submissions_status_queue", ["status", "priority", "created_at", "id"]
        )
        batch_op.create_index(
            "ix_submissions_outcome_queue", ["outcome", "priority", "created_at", "id"]
        )
    op.execute(
        "UPDATE submissions SET priority = 1 WHERE outcome = 'urgent-support' AND status = 'new'"
    )
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.alter_column("priority", server_default=None)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": APPEND_ONLY_SQLITE, "postgresql": APPEND_ONLY_POSTGRESQL}.get(
        dialect, []
    ):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")

    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_index("ix_submissions_outcome_queue")
        batch_op.drop_index("ix_submissions_status_queue")
        batch_op.drop_index("ix_submissions_queue")
        batch_op.drop_index(op.f("ix_submissions_assigned_to_id"))
        batch_op.create_index("ix_submissions_status_created", ["status", "created_at"])
        batch_op.create_index("ix_submissions_outcome_created", ["outcome", "created_at"])
        batch_op.create_index("ix_submissions_created_at", ["created_at"])
        batch_op.drop_constraint(
            op.f("fk_submissions_assigned_to_id_clinicians"), type_="foreignkey"
        )
        batch_op.drop_column("assigned_to_id")
        batch_op.drop_column("priority")

    op.drop_index("ix_submission_flags_flag", table_name="submission_flags")
    op.create_index("ix_submission_flags_flag_id", "submission_flags", ["flag_id"])

    op.drop_index("ix_audit_events_submission", table_name="audit_events")
    op.drop_index("ix_audit_events_action", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_notes_submission_id"), table_name="notes")
    op.drop_table("notes")
    op.drop_index(op.f("ix_clinician_sessions_clinician_id"), table_name="clinician_sessions")
    op.drop_table("clinician_sessions")
    op.drop_table("clinicians")
