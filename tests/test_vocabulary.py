"""The named vocabularies are the single list the rules, the database and the forms use."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from questionnaire.clinician.workflow import STATUS_LABELS, TRANSITIONS
from questionnaire.extensions import db
from questionnaire.models import Submission
from questionnaire.rules import OUTCOMES
from questionnaire.vocabulary import STORED_OUTCOMES, OutcomeId, Status, one_of

from .staff import make_submission


def test_every_outcome_and_status_is_named_once():
    assert list(OUTCOMES) == list(OutcomeId)
    assert list(STATUS_LABELS) == list(Status) == list(TRANSITIONS)
    assert OutcomeId.ADULT_ONLY not in STORED_OUTCOMES


def test_check_text_is_built_from_the_vocabulary():
    assert one_of("status", Status) == (
        "status IN ('new', 'in-review', 'contacted', 'unable-to-contact', 'closed', 'withdrawn')"
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "lost"), ("outcome", "adult-only"), ("outcome", "eligible"), ("source", "fax")],
)
def test_the_database_refuses_a_value_outside_the_vocabulary(app, column, value):
    reference = make_submission(app)
    with app.app_context():
        statement = (
            update(Submission).where(Submission.reference == reference).values({column: value})
        )
        with pytest.raises(IntegrityError):
            db.session.execute(statement)
            db.session.commit()
        db.session.rollback()
