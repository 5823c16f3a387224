"""What the submission page shows, built once for the page and the JSON export, so the
two can never disagree. Wording comes from the form classes and the stored snapshot."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .. import phq9
from ..content import section
from ..extensions import db
from ..forms.catalogue import Group, answer_groups, fields_by_name
from ..forms.clinician import CONTACT_METHODS, CONTACT_RESULTS
from ..i18n import in_language, language_name
from ..models import AuditEvent, Submission
from ..rules import OUTCOMES, Assessment, Flag
from .workflow import STATUS_LABELS, may_contact, offers_contacted

METHOD_LABELS = {o.value: o.label for o in CONTACT_METHODS}
RESULT_LABELS = {o.value: o.label for o in CONTACT_RESULTS}

#: Audit rows shown in a submission's timeline, and what the timeline calls them.
TIMELINE_ACTIONS = {
    "status-changed": "Status changed",
    "assigned": "Assigned",
    "deleted-by-patient": "The patient withdrew their answers",
}


@dataclass(frozen=True, slots=True)
class AskedRow:
    """One answer of a submission made in another language: the clinic's English
    beside the words the person read and chose."""

    name: str
    label: str
    value: str
    label_asked: str
    value_asked: str


@dataclass(frozen=True, slots=True)
class AskedGroup:
    step_id: str
    title: str
    title_asked: str
    rows: tuple[AskedRow, ...]


def asked_in(answers: dict[str, Any], language: str) -> list[AskedGroup]:
    """The answers in English with the question and answer as the person saw them in
    ``language`` (what they typed themselves is shown once, as typed)."""
    english = answer_groups(answers)
    with in_language(language):
        theirs = answer_groups(answers)
    return [
        AskedGroup(
            step_id=mine.step_id,
            title=mine.title,
            title_asked=seen.title,
            rows=tuple(
                AskedRow(row.name, row.label, row.value, asked.label, asked.value)
                for row, asked in zip(mine.rows, seen.rows, strict=True)
            ),
        )
        for mine, seen in zip(english, theirs, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Phq9Row:
    number: int
    text: str
    answer: str
    score: int | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    note: str | None = None


def phq9_rows(answers: dict[str, Any]) -> list[Phq9Row]:
    rows = []
    for item in phq9.ITEMS:
        value = answers.get(item.field)
        rows.append(
            Phq9Row(
                item.number,
                item.text,
                phq9.answer_label(value) or "Not answered",
                None if value is None else int(value),
            )
        )
    return rows


def timeline(submission: Submission) -> list[TimelineEntry]:
    """Notes and changes, oldest first."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.submission_id == submission.id,
            AuditEvent.action.in_(tuple(TIMELINE_ACTIONS)),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    entries = [
        TimelineEntry(
            e.at,
            e.actor_email or ("the patient" if e.action == "deleted-by-patient" else "system"),
            TIMELINE_ACTIONS[e.action],
            e.detail or None,
        )
        for e in events
    ]
    entries += [
        TimelineEntry(
            n.created_at, n.author.email if n.author else "former clinician", "Note", n.body
        )
        for n in submission.notes
    ]
    entries += [
        TimelineEntry(
            a.created_at,
            a.author.email if a.author else "former clinician",
            f"Contact attempt: {METHOD_LABELS[a.method]}, {RESULT_LABELS[a.result].lower()}",
            a.note,
        )
        for a in submission.contact_attempts
    ]
    return sorted(entries, key=lambda entry: entry.at)


@dataclass(frozen=True, slots=True)
class SectionShown:
    id: str
    title: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContactPanel:
    """How to reach the person, at the top of the page: links that dial or write."""

    agreed: bool
    name: str | None = None
    time: str | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def phone_href(self) -> str | None:
        if not self.phone:
            return None
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")

    @classmethod
    def of(cls, answers: dict[str, Any]) -> ContactPanel:
        if answers.get("wants_contact") != "yes":
            return cls(agreed=False)
        time = answers.get("contact_time")
        return cls(
            agreed=True,
            name=answers.get("contact_name"),
            time=fields_by_name()["contact_time"].display(time) if time else None,
            phone=(answers.get("contact_phone") or "").strip() or None,
            email=(answers.get("contact_email") or "").strip() or None,
        )


@dataclass(frozen=True, slots=True)
class SubmissionView:
    """What the submission page shows, and the JSON export carries."""

    reference: str
    submitted_at: datetime
    status: str
    status_label: str
    assessment: Assessment
    outcome_title: str
    urgent: bool
    assigned_to: str | None
    phq9_difficulty: str | None
    phq9: list[Phq9Row]
    #: The language the person answered in, and its name in English.
    language: str
    language_name: str
    #: For a submission made in another language than English: each answer with the
    #: question as the person read it (empty for English ones).
    answers_asked: list[AskedGroup]
    sections: list[SectionShown]
    answers: list[Group]
    raw_answers: dict[str, Any]
    questionnaire_version: str
    timeline: list[TimelineEntry]
    #: Where it came from: "web" (the screening pages) or "fhir" (a FHIR forms client).
    source: str
    contact: ContactPanel
    assigned_to_id: int | None
    withdrawn_at: datetime | None
    offers_contacted: bool
    may_contact: bool

    @property
    def outcome(self) -> str:
        return self.assessment.outcome

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.assessment.flags

    @property
    def rules_version(self) -> str:
        return self.assessment.rules_version


def view_model(submission: Submission) -> SubmissionView:
    assessment = Assessment.from_dict(submission.assessment)
    return SubmissionView(
        reference=submission.reference,
        submitted_at=submission.created_at,
        status=submission.status,
        status_label=STATUS_LABELS[submission.status],
        assessment=assessment,
        outcome_title=OUTCOMES[assessment.outcome].title,
        urgent=submission.urgent,
        assigned_to=submission.assigned_to.email if submission.assigned_to else None,
        phq9_difficulty=submission.answers.get("phq9_difficulty"),
        phq9=phq9_rows(submission.answers),
        language=submission.language,
        language_name=language_name(submission.language),
        answers_asked=[]
        if submission.language == "en"
        else asked_in(submission.answers, submission.language),
        sections=[
            SectionShown(s, section(s).title, section(s).sources) for s in assessment.sections
        ],
        answers=answer_groups(submission.answers),
        raw_answers=submission.answers,
        source=submission.source,
        contact=ContactPanel.of(submission.answers),
        assigned_to_id=submission.assigned_to_id,
        withdrawn_at=submission.withdrawn_at,
        offers_contacted=offers_contacted(submission),
        may_contact=may_contact(submission),
        questionnaire_version=submission.questionnaire_version,
        timeline=timeline(submission),
    )


def export_dict(submission: Submission) -> dict[str, Any]:
    """The submission as JSON: what the page shows, with values and labels."""
    model = view_model(submission)
    return {
        "reference": model.reference,
        "submitted_at": model.submitted_at.isoformat(),
        "status": model.status,
        "outcome": model.outcome,
        "outcome_title": model.outcome_title,
        "assigned_to": model.assigned_to,
        "phq9": {
            "total": model.assessment.phq9_total,
            "band": model.assessment.phq9_band,
            "items": [asdict(row) for row in model.phq9],
            "difficulty": model.phq9_difficulty,
        },
        "flags": [f.to_dict() for f in model.flags],
        "sections": [
            {"id": s.id, "title": s.title, "sources": list(s.sources)} for s in model.sections
        ],
        "answers": model.raw_answers,
        "answers_as_shown": [
            {
                "step": g.step_id,
                "title": g.title,
                "rows": [{"field": r.name, "question": r.label, "answer": r.value} for r in g.rows],
            }
            for g in model.answers
        ],
        "timeline": [
            {"at": e.at.isoformat(), "who": e.who, "what": e.what, "note": e.note}
            for e in model.timeline
        ],
        "rules_version": model.rules_version,
        "questionnaire_version": model.questionnaire_version,
        "language": model.language,
    }
