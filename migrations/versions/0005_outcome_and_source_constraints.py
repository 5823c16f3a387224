"""CHECK constraints for a submission's outcome and source, built from the named
vocabularies (questionnaire/vocabulary.py) like the status and role ones.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written out, not imported: a migration states the schema of its own day.
OUTCOMES = (
    "('urgent-support', 'not-recommended', 'other-options-first', 'evaluate-first', 'discuss')"
)
SOURCES = "('web', 'fhir')"


def upgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.create_check_constraint("outcome_known", f"outcome IN {OUTCOMES}")
        batch_op.create_check_constraint("source_known", f"source IN {SOURCES}")


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_constraint("source_known", type_="check")
        batch_op.drop_constraint("outcome_known", type_="check")
