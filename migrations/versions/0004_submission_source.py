"""Where a submission came from: the patient pages ("web") or a FHIR forms client
("fhir").

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="web", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_column("source")
