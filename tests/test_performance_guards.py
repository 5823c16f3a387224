"""Guards for speed that do not depend on the machine: demo data in bulk, and a fixed
number of queries per page (no N+1), whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from questionnaire import clock
from questionnaire.extensions import db
from questionnaire.models import Note, Submission, SubmissionFlag
from questionnaire.rules import FLAGS, OUTCOMES

from .staff import make_submission


@contextmanager
def counted(app) -> Iterator[list[str]]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def seed(app, count: int) -> None:
    from questionnaire.demo import seed as demo_seed

    with app.app_context():
        demo_seed(count, clock.now(), seed_value=7)


def test_demo_seed_covers_every_outcome_and_flag(app, runner):
    result = runner.invoke(args=["demo", "seed", "--submissions", "3000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Added 3000 submissions in ")
    with app.app_context():
        outcomes = set(db.session.scalars(select(Submission.outcome).distinct()))
        flags = set(db.session.scalars(select(SubmissionFlag.flag_id).distinct()))
        statuses = set(db.session.scalars(select(Submission.status).distinct()))
        oldest, newest = db.session.execute(
            select(func.min(Submission.created_at), func.max(Submission.created_at))
        ).one()
        references = db.session.scalar(select(func.count(Submission.reference.distinct())))
        notes = db.session.scalar(select(func.count()).select_from(Note))
    assert outcomes == set(OUTCOMES) - {"adult-only"}  # minors are never stored
    assert flags == set(FLAGS)
    assert statuses == {"new", "in-review", "contacted", "unable-to-contact", "closed"}
    assert (newest - oldest).days > 600
    assert references == 3000 and notes > 0


def test_seeding_twice_adds_more(app):
    seed(app, 50)
    seed(app, 50)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 100


def test_the_queue_costs_the_same_queries_for_few_or_many_rows(app, signed_in, clock):
    seed(app, 3)
    clock.advance(minutes=1)  # so that each request moves the idle timeout on alike
    with counted(app) as few:
        assert signed_in.client.get("/clinician/").status_code == 200
    seed(app, 200)
    clock.advance(minutes=1)
    with counted(app) as many:
        assert signed_in.client.get("/clinician/?status=closed").status_code == 200
    assert len(few) == len(many), "\n".join(s[:80] for s in [*few, "--", *many])
    # the session, its refresh, the page's rows (with their assignees), the total, the four
    # counts above the table, and the audit row: each served by an index, none per row
    assert len(many) <= 10, many


def test_the_queue_counts_and_searches_come_from_indexes(app, signed_in):
    """No count or search on the queue reads whole rows (they hold the answers): each is
    served by an index, including searches for a name or part of a reference."""
    from sqlalchemy import text as sql

    from questionnaire.clinician.queue import Filters, filtered
    from questionnaire.counting import counting

    seed(app, 50)
    with app.app_context():
        is_pg = db.engine.dialect.name == "postgresql"
        statements = [
            filtered(Filters()),
            filtered(Filters(status="new")),
            filtered(Filters(urgent_waiting=True)),
            filtered(Filters(search="maria g")),
        ]
        for statement in statements:
            compiled = counting(statement).compile(
                db.engine, compile_kwargs={"literal_binds": True}
            )
            explain = "EXPLAIN " if is_pg else "EXPLAIN QUERY PLAN "
            plan = [str(row[-1]) for row in db.session.execute(sql(explain + str(compiled)))]
            if is_pg:  # PostgreSQL plans by table size: see the bench for 1,000,000 rows
                continue
            # SQLite: never a plain scan of the table itself, only of an index
            assert "SCAN submissions" not in plan, plan


def test_the_submission_page_costs_the_same_queries_for_few_or_many_notes(app, signed_in, clock):
    reference = make_submission(app)
    clock.advance(minutes=1)
    with counted(app) as one:
        signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": "first"})
        assert signed_in.client.get(f"/clinician/submissions/{reference}").status_code == 200
    for n in range(10):
        signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": f"note {n}"})
    clock.advance(minutes=1)
    with counted(app) as eleven:
        signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": "last"})
        assert signed_in.client.get(f"/clinician/submissions/{reference}").status_code == 200
    assert len(one) == len(eleven), "\n".join(s[:80] for s in [*one, "--", *eleven])


def test_demo_answers_are_drawn_together_and_plausible():
    import random

    from questionnaire.demo import random_answers

    rng = random.Random(11)  # noqa: S311 (demo data, not secrets)
    people = [random_answers(rng) for _ in range(4000)]
    # nobody aged 55 or more is pregnant; pregnancy appears among younger people
    assert not [p for p in people if p["age"] >= 55 and p["pregnancy"] == "yes"]
    assert any(p["pregnancy"] == "yes" for p in people)
    # one severity drives the PHQ-9: items move together
    mild = [p for p in people if int(p["phq9_1"]) == 0]
    severe = [p for p in people if int(p["phq9_1"]) == 3]
    assert mean_total(severe) - mean_total(mild) > 8
    # the ketamine question only for people who had ketamine, as the form asks it
    assert all(("ketamine_reaction" in p) == ("ketamine" in p["other_treatments"]) for p in people)
    # longer episodes have seen more antidepressants
    long = [p for p in people if p["episode_length"] == "over-2-years"]
    short = [p for p in people if p["episode_length"] == "under-6-months"]
    assert share_with_three_or_more(long) > 2 * share_with_three_or_more(short)


def mean_total(people: list[dict]) -> float:
    from questionnaire.rules import phq9_total

    return sum(phq9_total(p) for p in people) / len(people)


def share_with_three_or_more(people: list[dict]) -> float:
    return sum(p["antidepressants_tried"] == "3-or-more" for p in people) / len(people)
