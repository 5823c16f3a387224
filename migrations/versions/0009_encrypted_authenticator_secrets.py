"""Authenticator secrets encrypted at rest with MFA_ENCRYPTION_KEY: the columns grow to
hold Fernet tokens, and every secret stored in clear is encrypted in place.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (("clinicians", "totp_secret"), ("clinician_sessions", "pending_totp_secret"))
#: How every Fernet ciphertext starts (its version byte, 0x80, in base64).
FERNET_START = "gAAAAA"


def _box() -> MultiFernet:
    keys = current_app.config["MFA_ENCRYPTION_KEYS"]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _rewrite(change) -> None:
    bind = op.get_bind()
    for table_name, column in COLUMNS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.String))
        rows = bind.execute(
            sa.select(table.c.id, table.c[column]).where(table.c[column].is_not(None))
        ).all()
        for row_id, value in rows:
            new = change(value)
            if new != value:
                bind.execute(table.update().where(table.c.id == row_id).values({column: new}))


def upgrade():
    for table_name, column in COLUMNS:
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(64), type_=sa.String(255))
    box = _box()
    _rewrite(
        lambda value: (
            value if value.startswith(FERNET_START) else box.encrypt(value.encode()).decode()
        )
    )


def downgrade():
    box = _box()
    _rewrite(
        lambda value: (
            box.decrypt(value.encode()).decode() if value.startswith(FERNET_START) else value
        )
    )
    for table_name, column in COLUMNS:
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(255), type_=sa.String(64))
