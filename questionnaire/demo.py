"""Demo data: realistic submissions in bulk, for trying the clinician area and for the
benchmark. ``flask --app wsgi demo seed --submissions N``.

Answers are drawn so that every outcome and every flag turns up; times are spread over
the last two years; older submissions are more often closed; some have notes.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from . import tokens
from .extensions import db
from .forms.screening import STEP_FORMS
from .models import Clinician, Note, Submission, SubmissionFlag
from .references import REFERENCE_ALPHABET
from .submissions import assessed, search_text

BATCH = 5000
FIRST_NAMES = (
    "Sam",
    "Alex",
    "Jordan",
    "Maria",
    "Wei",
    "Aisha",
    "Daniel",
    "Priya",
    "Carlos",
    "Emily",
    "Kwame",
    "Sofia",
    "Liam",
    "Fatima",
    "Noah",
    "Yuki",
    "Olivia",
    "Mateo",
    "Grace",
    "Omar",
)
LAST_NAMES = (
    "Lee",
    "Kim",
    "Diaz",
    "Garcia",
    "Nguyen",
    "Smith",
    "Johnson",
    "Patel",
    "Brown",
    "Okafor",
    "Martinez",
    "Chen",
    "Williams",
    "Rossi",
    "Hughes",
    "Silva",
    "Cohen",
    "Ali",
    "Murphy",
    "Tanaka",
)
NOTES = (
    "Called, no answer. Will try again tomorrow.",
    "Spoke with the patient. Booked an evaluation with the psychiatrist.",
    "Asked the GP for the medication history.",
    "Patient prefers contact by email.",
)


def _pick(rng: random.Random, common: str, rare: list[str], p_rare: float) -> str:
    return rng.choice(rare) if rng.random() < p_rare else common


def _some(rng: random.Random, options: list[str], p_any: float) -> list[str]:
    if rng.random() >= p_any:
        return ["none"]
    chosen = {rng.choice(options)}
    if rng.random() < 0.2:
        chosen.add(rng.choice(options))
    return [o for o in options if o in chosen]


def _phq9(rng: random.Random, severity: float) -> list[str]:
    """Nine items from one underlying severity (0-3): answers move together, as they do
    in people; item 9 is rarer and likelier when the rest is severe."""
    items = []
    for _ in range(8):
        value = severity + rng.gauss(0, 0.7)
        items.append(str(min(3, max(0, round(value)))))
    risk = 0.02 + 0.06 * severity  # 2% with no symptoms, 20% at the most severe
    items.append(rng.choice("123") if rng.random() < risk else "0")
    return items


def _pregnancy(rng: random.Random, age: int) -> str:
    if age >= 55:
        return rng.choices(["not-applicable", "no", "prefer-not-to-say"], (70, 28, 2))[0]
    if age >= 45:
        return rng.choices(["not-applicable", "no", "prefer-not-to-say", "yes"], (45, 50, 4, 1))[0]
    return rng.choices(["no", "not-applicable", "prefer-not-to-say", "yes"], (55, 35, 4, 6))[0]


def random_answers(rng: random.Random) -> dict[str, Any]:
    """One complete, valid set of answers, drawn together rather than one by one: age
    shapes pregnancy and blood pressure, the length of the episode shapes how many
    treatments were tried, one severity shapes the PHQ-9. Rare answers stay rare but
    all appear."""
    age = min(85, max(18, round(rng.gauss(44, 14))))
    severity = min(3.0, max(0.0, rng.gauss(1.9, 0.6)))
    phq = _phq9(rng, severity)
    episode = rng.choices(
        ["under-6-months", "6-to-12-months", "1-to-2-years", "over-2-years"], (8, 17, 25, 50)
    )[0]
    longer = episode in ("1-to-2-years", "over-2-years")
    tried = rng.choices(
        ["0", "1", "2", "3-or-more", "not-sure"],
        (2, 6, 27, 60, 5) if longer else (15, 30, 30, 15, 10),
    )[0]
    many = tried in ("2", "3-or-more")
    other_treatments = _some(rng, ["ect", "tms", "ketamine"], 0.35 if many and longer else 0.08)
    diagnosed = _pick(rng, "yes", ["not-sure", "no"], 0.08 if many else 0.25)
    older = age >= 55
    answers: dict[str, Any] = {
        "understand_not_diagnosis": ["y"],
        "consent_store": ["y"],
        "age": age,
        "pregnancy": _pregnancy(rng, age),
        "diagnosed": diagnosed,
        "episode_length": episode,
        "antidepressants_tried": tried,
        "therapy": rng.choices(["current", "past", "never"], (35, 45, 20))[0],
        "other_treatments": other_treatments,
        **{f"phq9_{i}": v for i, v in enumerate(phq, start=1)},
        "blood_pressure": _pick(
            rng, "no", ["controlled", "not-controlled", "not-sure"], 0.45 if older else 0.15
        ),
        "vascular": _some(rng, ["aneurysm", "avm", "brain-bleed"], 0.06 if older else 0.02),
        "heart_brain": _some(
            rng, ["recent-heart", "stroke", "head-pressure", "seizures"], 0.15 if older else 0.05
        ),
        "mental_health": _some(rng, ["psychosis", "mania"], 0.1),
        "substance_use": _pick(rng, "no", ["past", "current", "prefer-not-to-say"], 0.2),
        "other_conditions": _some(
            rng, ["liver", "glaucoma", "bladder", "lung"], 0.18 if older else 0.06
        ),
        "medications": _medications(rng, diagnosed == "yes" and tried != "0"),
        "ride_home": _pick(rng, "yes", ["no", "not-sure"], 0.2),
        "insurance": _pick(rng, "yes", ["no", "not-sure"], 0.3),
        "format_interest": rng.choice(["iv", "nasal-spray", "not-sure"]),
        "wants_contact": _pick(rng, "yes", ["no"], 0.25),
    }
    if any(v != "0" for v in phq):
        level = min(3, max(0, round(severity + rng.gauss(0, 0.6))))
        answers["phq9_difficulty"] = ["not-difficult", "somewhat", "very", "extremely"][level]
    if "ketamine" in answers["other_treatments"]:
        answers["ketamine_reaction"] = _pick(rng, "no-problems", ["bad-reaction", "allergic"], 0.15)
    if "other" in answers["medications"]:
        answers["medications_other"] = "Levothyroxine 50 micrograms"
    if answers["wants_contact"] == "yes":
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        answers["contact_name"] = f"{first} {last}"
        if rng.random() < 0.8:
            answers["contact_email"] = f"{first}.{last}{rng.randint(1, 999)}@example.com".lower()
        if rng.random() < 0.7 or "contact_email" not in answers:
            # 555-01xx numbers are set aside for fiction: nobody real is ever dialled
            answers["contact_phone"] = f"+1 {rng.randint(200, 999)} 555 01{rng.randint(0, 99):02d}"
        answers["contact_time"] = rng.choice(["morning", "afternoon", "evening", "any"])
    if rng.random() < 0.2:
        answers["notes"] = "I would like to know more about the nasal spray."
    return answers


def as_steps(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A set of answers as the step pages post them (for driving the app over HTTP)."""
    return {
        form.step_id: {name: answers[name] for name in form.field_names() if name in answers}
        for form in STEP_FORMS
    }


def _medications(rng: random.Random, treated: bool) -> list[str]:
    """Someone in treatment mostly takes an antidepressant, sometimes with others."""
    chosen = []
    if rng.random() < (0.85 if treated else 0.2):
        chosen.append("antidepressant")
    for medicine, chance in (
        ("maoi", 0.02),
        ("benzodiazepine", 0.12),
        ("stimulant", 0.05),
        ("lamotrigine", 0.05),
        ("opioid", 0.04),
        ("other", 0.2),
    ):
        if rng.random() < chance:
            chosen.append(medicine)
    return chosen or ["none"]


def _status(rng: random.Random, age_days: float) -> str:
    if age_days > 60:
        return rng.choices(
            ["closed", "contacted", "unable-to-contact", "in-review", "new"], (78, 10, 2, 5, 5)
        )[0]
    return rng.choices(
        ["new", "in-review", "contacted", "unable-to-contact", "closed"], (50, 25, 13, 2, 10)
    )[0]


def _references(count: int, taken: set[str], rng: random.Random) -> Iterator[str]:
    made = 0
    while made < count:
        chars = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"KT-{chars[:4]}-{chars[4:]}"
        if reference not in taken:
            taken.add(reference)
            made += 1
            yield reference


def seed(count: int, now: datetime, seed_value: int | None = None) -> int:
    """Insert ``count`` submissions in bulk; returns how many were made."""
    # Demo data only: a seeded generator makes runs repeatable (nothing secret is drawn).
    seed_value = seed_value if seed_value is not None else secrets.randbits(32)
    rng = random.Random(seed_value)  # noqa: S311  # nosec B311
    taken = set(db.session.scalars(select(Submission.reference)))
    next_id = (db.session.scalar(select(func.max(Submission.id))) or 0) + 1
    clinician_ids = list(db.session.scalars(select(Clinician.id).where(Clinician.active)))
    references = _references(count, taken, rng)
    two_years = timedelta(days=730).total_seconds()
    made = 0
    while made < count:
        rows, flags, notes = [], [], []
        for _ in range(min(BATCH, count - made)):
            age = rng.random() ** 1.5 * two_years  # more recent ones than old ones
            created = now - timedelta(seconds=age)
            status = _status(rng, age / 86400)
            answers = random_answers(rng)
            columns, assessment = assessed(answers, created, status)
            row_id = next_id + made
            reference = next(references)
            rows.append(
                {
                    **columns,
                    "id": row_id,
                    "reference": reference,
                    "search_text": search_text(reference, answers),
                    "result_token_hash": tokens.digest(tokens.new()),
                    "draft_key_hash": tokens.digest(tokens.new()),
                    "closed_at": created + timedelta(days=rng.randint(1, 30))
                    if status == "closed"
                    else None,
                    "assigned_to_id": rng.choice(clinician_ids)
                    if clinician_ids and status != "new"
                    else None,
                }
            )
            flags += [
                {"submission_id": row_id, "flag_id": f.id, "level": f.level.value}
                for f in assessment.flags
            ]
            if status != "new" and rng.random() < 0.3:
                notes.append(
                    {
                        "submission_id": row_id,
                        "body": rng.choice(NOTES),
                        "author_id": rng.choice(clinician_ids) if clinician_ids else None,
                        "created_at": created + timedelta(hours=rng.randint(1, 72)),
                    }
                )
            made += 1
        db.session.execute(insert(Submission), rows)
        if flags:
            db.session.execute(insert(SubmissionFlag), flags)
        if notes:
            db.session.execute(insert(Note), notes)
        db.session.commit()
    _fix_sequence()
    return made


def _fix_sequence() -> None:
    """On PostgreSQL, move the id sequence past the ids given explicitly."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence("submissions", "id"),
                    func.coalesce(func.max(Submission.id), 1),
                )
            )
        )
        db.session.commit()
