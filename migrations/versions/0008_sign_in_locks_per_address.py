"""Sign-in lockout per account and address (sign_in_locks), instead of per account
(clinicians.locked_until): failures from elsewhere never lock a clinician out of their
own address.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_sign_in_locks_clinician_id_clinicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_locks")),
        sa.UniqueConstraint("clinician_id", "address", name=op.f("uq_sign_in_locks_clinician_id")),
    )
    # A lock in force when upgrading (minutes long, at most) is not carried over: it
    # cannot say which address it was for.
    with op.batch_alter_table("clinicians") as batch_op:
        batch_op.drop_column("locked_until")


def downgrade():
    with op.batch_alter_table("clinicians") as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.drop_table("sign_in_locks")
