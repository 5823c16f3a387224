"""The reference email a person may send themselves from their result (issue 23): a
new kind of outbox message whose address is kept only encrypted (``sealed_recipient``)
until it is sent, at most until ``expires_at``, in the language of the page
(``language``). Such a message has no plain ``recipient``: the column becomes nullable,
and a CHECK keeps it empty for reference emails and filled for alerts.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Written out, not imported: a migration states the schema of its own day.
KINDS = "kind IN ('urgent', 'reminder', 'digest', 'reference')"
OLD_KINDS = "kind IN ('urgent', 'reminder', 'digest')"
RECIPIENT = (
    "(kind = 'reference' AND recipient IS NULL) OR (kind <> 'reference' AND recipient IS NOT NULL)"
)


def upgrade():
    # The outbox has no triggers: a batch rebuild on SQLite is safe.
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_constraint("alert_kind_known", type_="check")
        batch_op.create_check_constraint("alert_kind_known", KINDS)
        batch_op.alter_column("recipient", existing_type=sa.String(254), nullable=True)
        batch_op.add_column(sa.Column("sealed_recipient", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint("recipient_only_for_alerts", RECIPIENT)


def downgrade():
    # Reference emails cannot live in the old table (no recipient): they go.
    op.execute("DELETE FROM outbox WHERE kind = 'reference'")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_constraint("recipient_only_for_alerts", type_="check")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("language")
        batch_op.drop_column("sealed_recipient")
        batch_op.alter_column("recipient", existing_type=sa.String(254), nullable=False)
        batch_op.drop_constraint("alert_kind_known", type_="check")
        batch_op.create_check_constraint("alert_kind_known", OLD_KINDS)
