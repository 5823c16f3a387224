"""Patient routes. Views move answers between forms, drafts and submissions; the
clinical decisions are made in ``rules.py`` alone."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from .. import audit, clock, crisis, drafts, outbox, phq9, submissions, tokens
from ..body_limits import sized_for
from ..clinic import ClinicContact
from ..content import section
from ..errors import DATABASE_DOWN
from ..extensions import db, limiter
from ..forms.catalogue import answer_groups
from ..forms.confirm_age import ConfirmAgeForm
from ..forms.screening import (
    FORMS_BY_STEP,
    STEP_FORMS,
    STEP_IDS,
    StepForm,
)
from ..i18n import N_, _, clinic_contact, language
from ..models import Draft, Submission
from ..next_steps import next_steps
from ..rules import OUTCOMES, PHQ9_BAND_LABELS, Assessment, Level, crisis_support_needed, is_minor
from ..vocabulary import Status
from . import bp

log = logging.getLogger(__name__)

#: Session keys: the link the saved page shows, and whether the deleted page shows the
#: crisis panel.
SAVED_LINK = "saved_link"
#: An age under 18 waiting to be confirmed, and the answer to bring back to "About you".
PENDING_AGE = "pending_age"
ABOUT_PREFILL = "about_prefill"
#: This browser deleted a submission: the deleted page may say so.
DELETED_HERE = "deleted_here"
#: After "Finish and clear this device": the results finished here (hashes of their
#: tokens), which this browser no longer shows; every page of that screening shows the
#: neutral "You have finished" page instead.
FINISHED = "finished"
#: Results sent from this browser (hashes of their tokens): "Finish and clear" and
#: "Start a new screening" finish every one of them, not only the one on screen.
SENT_HERE = "sent_here"
#: The draft cookie outlives its draft by this long, so that the browser can be told
#: what became of the answers (sent, deleted unsent, moved to another browser). The
#: key alone opens nothing once the draft has gone.
COOKIE_GRACE = timedelta(days=30)

#: Beside "No" on the contact step once the crisis panel shows.
NO_CONTACT_WARNING = N_(
    "If you choose no, the clinic cannot contact you about these answers. Please do not "
    "wait for the clinic: use the crisis contacts above if you feel unsafe."
)


def _ttl() -> timedelta:
    return timedelta(days=current_app.config["DRAFT_TTL_DAYS"])


def _cookie_key() -> str | None:
    return request.cookies.get(drafts.COOKIE_NAME)


def _set_cookie(response: Response, key: str, max_age: int | None) -> None:
    response.set_cookie(
        drafts.COOKIE_NAME,
        key,
        max_age=max_age,
        path="/screening",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def _cookie_age() -> int:
    return int((_ttl() + COOKIE_GRACE).total_seconds())


def _forget(response: Response) -> None:
    response.delete_cookie(drafts.COOKIE_NAME, path="/screening")


def _go(step_id: str, *, change: bool = False) -> Response:
    """To a step (or the check page). ``change``: on the way back to the check page,
    as after "Change" there, so the step returns straight to it."""
    if step_id == "check":
        return redirect(url_for(".check"), code=303)
    return redirect(url_for(".step", step_id=step_id, change=1 if change else None), code=303)


def _carry_on(draft: Draft) -> Response:
    """To where this draft goes on. A step left unanswered after later steps were
    answered (a new question from a change on the check page) opens as a change, so
    that it returns straight to the check page, whichever way the person got there."""
    following = drafts.first_unanswered(draft)
    later = STEP_IDS[STEP_IDS.index(following) + 1 : -1]
    return _go(following, change=any(step in draft.answers for step in later))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# --- a browser that no longer holds a screening ---------------------------------------


def _finished_here(token: str | None = None) -> bool:
    """This browser was finished and cleared (of this result, when ``token`` is given)."""
    done = session.get(FINISHED) or []
    return bool(done) if token is None else tokens.digest(token) in done


def _to_finished() -> Response:
    return redirect(url_for(".finished"), code=303)


def by_result_link(token: str) -> Submission | Response:
    """The submission a result link opens, or the page to show instead: the finished
    page once this browser was cleared of it, "no longer works" after RESULT_LINK_DAYS,
    404 for a wrong or withdrawn link. Every page under a result link starts here."""
    if _finished_here(token):
        return _to_finished()  # Back, history or a typed link after finishing
    submission = submissions.by_token(token)
    if submission is None:
        abort(404)
    if _link_days_over(submission):
        return _result_link_over()
    return submission


def _link_days_over(submission: Submission) -> bool:
    days = current_app.config["RESULT_LINK_DAYS"]
    return clock.now() >= submission.created_at + timedelta(days=days)


def _sent_from_here(key: str | None) -> Submission | None:
    """The submission this browser's draft became, unless the person deleted it."""
    submission = submissions.by_draft_key(key)
    if submission is None or submission.status == Status.WITHDRAWN:
        return None
    return submission


def _already_sent(submission: Submission) -> Response:
    """Back (or a typed address) after sending: say so, never an empty new screening."""
    token = submissions.result_token(current_app.config["SECRET_KEY"], _cookie_key() or "")
    over = _link_days_over(submission)
    visible = not _finished_here(token) and not over
    html = render_template(
        "patient/already_sent.html",
        result_url=url_for(".result", token=token) if visible else None,
        link_over=over,
    )
    response = _no_store(make_response(html))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _without_draft(*, starting: bool = False) -> Response | None:
    """What a screening page shows when this browser holds no live draft: the
    already-sent page, the neutral finished page, or None to go on (to a new start)."""
    sent = _sent_from_here(_cookie_key())
    if sent is not None:
        return _already_sent(sent)
    if _finished_here() and not starting:
        return _to_finished()
    return None


def _remember(key: str, *digests: str) -> None:
    """Add result-token hashes to a session list, once each, keeping the last 20 (a
    signed cookie has room for no more)."""
    kept = [*(session.get(key) or []), *digests]
    session[key] = list(dict.fromkeys(kept))[-20:]


def _clear_device(*tokens_: str) -> None:
    """Nothing of what was sent from this browser stays reachable in it: every result
    sent here (and ``tokens_``) is finished, and the rest of the session goes, crisis
    state included, so nothing on later pages derives from those answers."""
    done = [*(session.get(FINISHED) or []), *(session.get(SENT_HERE) or [])]
    session.clear()
    session[FINISHED] = done
    _remember(FINISHED, *(tokens.digest(token) for token in tokens_))


@bp.post("/screening/new")
def new_screening() -> Response:
    """ "Start a new screening", chosen on purpose after sending one (perhaps for the
    next person on this device): the screening sent from here is finished on it."""
    key = _cookie_key()
    if drafts.find(key, clock.now()) is not None:
        # A stale button in another tab: a screening is under way here, so carry on
        # with it rather than throw it away.
        return redirect(url_for(".begin"), code=303)
    sent = _sent_from_here(key)
    _clear_device(
        *([submissions.result_token(current_app.config["SECRET_KEY"], key or "")] if sent else [])
    )
    response = redirect(url_for(".step", step_id="start", new=1), code=303)
    _forget(response)
    return response


# --- landing ------------------------------------------------------------------------


@bp.get("/")
def landing() -> str:
    return render_template("patient/landing.html")


@bp.get("/screening")
def begin() -> Response:
    """Start a screening, or carry on with the one this browser has open."""
    draft = drafts.find(_cookie_key(), clock.now())
    if draft is None:
        sent = _sent_from_here(_cookie_key())
        if sent is not None:
            return _already_sent(sent)
        # From the landing page's button: a new screening is what this person chose.
        new = 1 if _finished_here() else None
        return redirect(url_for(".step", step_id="start", new=new), code=303)
    return _carry_on(draft)


# --- steps --------------------------------------------------------------------------


def _render_step(
    form: StepForm,
    draft_answers: dict[str, Any],
    status: int,
    *,
    unavailable: bool = False,
    gone: drafts.Gone | None = None,
) -> Response:
    step_id = form.step_id
    index = STEP_IDS.index(step_id)
    change = request.args.get("change") == "1"
    # What this page has been given so far counts too (a re-shown PHQ-9 page).
    crisis = crisis_support_needed({**draft_answers, **form.given()})
    if change:
        back_url = url_for(".check")
    elif index == 0:
        back_url = url_for(".landing")
    else:
        back_url = url_for(".step", step_id=STEP_IDS[index - 1])
    html = render_template(
        "patient/step.html",
        gone=gone,
        form=form,
        step_number=index + 1,
        step_count=len(STEP_IDS),
        back_url=back_url,
        action_url=url_for(".step", step_id=step_id, change=1 if change else None),
        crisis=crisis,
        unavailable=unavailable,
        phq9=phq9,
        option_warnings={"wants_contact": {"no": _(NO_CONTACT_WARNING)}} if crisis else {},
    )
    response = _no_store(make_response(html, status))
    if unavailable:
        response.headers["Retry-After"] = "30"
    return response


def _start_limit() -> str:
    return current_app.config["SCREENING_START_RATE_LIMIT"]


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def _not_starting() -> bool:
    return (request.view_args or {}).get("step_id") != "start"


@bp.route("/screening/<step_id>", methods=["GET", "POST"])
@sized_for(*STEP_FORMS)
@limiter.limit(_start_limit, methods=["POST"], exempt_when=_not_starting)
def step(step_id: str) -> Response:
    form_class = FORMS_BY_STEP.get(step_id)
    if form_class is None:
        abort(404)
    if request.method == "GET":
        return _show_step(form_class)
    form = form_class()
    try:
        return _save_step(form)
    except DATABASE_DOWN:
        # Nothing typed on this page is lost: it comes back filled in, with a note.
        db.session.rollback()
        log.warning("database unavailable while saving a step")
        return _render_step(form, {}, 503, unavailable=True)


def _show_step(form_class: type[StepForm]) -> Response:
    step_id = form_class.step_id
    key = _cookie_key()
    draft = drafts.find(key, clock.now())
    gone = None
    if draft is None:
        elsewhere = _without_draft(starting=request.args.get("new") == "1")
        if elsewhere is not None:
            return elsewhere
        if step_id != "start":
            return _go("start")
        # A start page in a browser whose earlier answers went: say what became of them.
        gone = drafts.why_gone(key, clock.now())
    if not drafts.may_open(draft, step_id):
        return _carry_on(draft)
    stored = draft.answers.get(step_id, {}) if draft else {}
    if step_id == "about":
        # Back from "No, I want to change my age": keep the other answer they gave.
        stored = {**stored, **session.pop(ABOUT_PREFILL, {})}
    form = form_class(formdata=None, data=stored)
    form.earlier = drafts.answers_before(draft, step_id)
    return _render_step(form, drafts.flat_answers(draft), 200, gone=gone)


def _save_step(form: StepForm) -> Response:
    step_id = form.step_id
    now = clock.now()
    key = _cookie_key()
    draft = drafts.find(key, now)
    saving = "save_for_later" in request.form
    if draft is None:
        elsewhere = _without_draft(starting=step_id == "start")
        if elsewhere is not None:
            return elsewhere
    if step_id != "start" and draft is None:
        return _go("start")
    if not drafts.may_open(draft, step_id):
        return _carry_on(draft)
    form.earlier = drafts.answers_before(draft, step_id)
    if not form.validate():
        if saving and draft is not None and key:
            return _resume_link(draft, key, page_saved=False)
        return _render_step(form, drafts.flat_answers(draft), 422)
    answers = form.answers()

    if step_id == "about" and is_minor(answers["age"]):
        # Ask before anything is thrown away. The age waits in this browser's signed
        # session cookie, not in the database: nothing about a minor is stored.
        session[PENDING_AGE] = {
            "age": answers["age"],
            "pregnancy": answers.get("pregnancy"),
            "change": request.args.get("change") == "1",
        }
        return redirect(url_for(".confirm_age"), code=303)

    if step_id == "about":
        session.pop(PENDING_AGE, None)  # an adult age settles any earlier question
    new_key = None
    if draft is None:
        draft, new_key = drafts.start(now, _ttl())
        # A new screening: crisis state and "deleted" belonged to the last one.
        crisis.forget()
        session.pop(DELETED_HERE, None)
    drafts.save_step(draft, step_id, answers, now, _ttl())
    if saving:
        return _resume_link(draft, new_key or key or "", page_saved=True)
    db.session.commit()

    following = STEP_IDS[STEP_IDS.index(step_id) + 1]
    changing = request.args.get("change") == "1"
    if changing:
        # A change that asks a new question (ketamine ticked from the check page)
        # opens that step, then comes straight back to the check page.
        following = drafts.first_unanswered(draft)
    response = _go(following, change=changing)
    _set_cookie(response, new_key or key or "", _cookie_age())
    return response


def _resume_link(draft: Draft, key: str, *, page_saved: bool) -> Response:
    """Issue a one-time link to carry on later, then show it on its own page: a refresh
    shows the same link again instead of silently replacing it with a new one."""
    token = drafts.issue_resume_token(draft)
    db.session.commit()
    # The link lives in this browser's signed session cookie until the saved page has
    # shown it; only its hash is in the database.
    session[SAVED_LINK] = {"token": token, "page_saved": page_saved}
    response = redirect(url_for(".saved"), code=303)
    _set_cookie(response, key, _cookie_age())
    return response


@bp.get("/screening/saved")
def saved() -> Response:
    draft = drafts.find(_cookie_key(), clock.now())
    shown = session.get(SAVED_LINK) or {}
    token = shown.get("token")
    if draft is None or not token or drafts.find_by_resume_token(token, clock.now()) is not draft:
        # Used, replaced or expired: never show a link that no longer works.
        session.pop(SAVED_LINK, None)
        if draft is None:
            return _without_draft() or _go("start")
        return _carry_on(draft)
    html = render_template(
        "patient/saved.html",
        link=url_for(".resume", token=token, _external=True),
        expires_at=draft.expires_at,
        page_saved=shown.get("page_saved", True),
        crisis=crisis_support_needed(drafts.flat_answers(draft)),
    )
    response = _no_store(make_response(html))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_not_working(*, used: bool = False) -> Response:
    html = render_template("patient/link_not_working.html", used=used)
    return _no_store(make_response(html, 404))


@bp.route("/screening/resume/<token>", methods=["GET", "POST"])
def resume(token: str) -> Response:
    """Continue a saved screening. Opening the link asks first, so that a link preview
    (in a chat app, say) cannot use it up; the button moves the draft to this browser."""
    draft = drafts.find_by_resume_token(token, clock.now())
    if draft is None:
        if _finished_here():
            return _to_finished()
        return _link_not_working(used=drafts.resume_link_used(token))
    if request.method == "GET":
        html = render_template(
            "patient/resume.html",
            token=token,
            crisis=crisis_support_needed(drafts.flat_answers(draft)),
        )
        response = _no_store(make_response(html))
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    key = drafts.take_over(draft, clock.now())
    db.session.commit()
    response = _carry_on(draft)
    _set_cookie(response, key, _cookie_age())
    return response


# --- check and submit ---------------------------------------------------------------


def _result_redirect(key: str) -> Response:
    token = submissions.result_token(current_app.config["SECRET_KEY"], key)
    return redirect(url_for(".result", token=token), code=303)


@bp.route("/screening/check", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"])
def check() -> Response:
    key = _cookie_key()
    draft = drafts.find(key, clock.now())
    if draft is None:
        # Already sent from this browser: a second click on "Send" goes to the result;
        # Back or a typed address says the answers were sent.
        if request.method == "POST" and _sent_from_here(key) is not None:
            return _result_redirect(key or "")
        return _without_draft() or _go("start")
    if key is None or drafts.first_unanswered(draft) != "check":
        return _carry_on(draft)

    if request.method == "GET":
        flat = drafts.flat_answers(draft)
        html = render_template(
            "patient/check.html",
            groups=answer_groups(flat),
            crisis=crisis_support_needed(flat),
            back_url=url_for(".step", step_id=STEP_IDS[-2]),
            step_number=len(STEP_IDS),
            step_count=len(STEP_IDS),
        )
        return _no_store(make_response(html))

    _, created = submissions.submit_draft(
        key, current_app.config["SECRET_KEY"], clock.now(), language()
    )
    if created:
        log.info("submission stored")
    token = submissions.result_token(current_app.config["SECRET_KEY"], key)
    _remember(SENT_HERE, tokens.digest(token))
    response = _result_redirect(key)
    # From now on the draft cookie lasts only as long as the browser session.
    _set_cookie(response, key, None)
    return response


# --- endings ------------------------------------------------------------------------


@bp.route("/screening/confirm-age", methods=["GET", "POST"])
def confirm_age() -> Response:
    """Under 18? Confirm before the adult-only stop. "No" goes back to the age question
    with every answer kept; "Yes" deletes the draft."""
    pending = session.get(PENDING_AGE)
    draft = drafts.find(_cookie_key(), clock.now())
    if not pending:
        return _carry_on(draft) if draft else _go("start")
    change = bool(pending.get("change"))
    form = ConfirmAgeForm().for_age(int(pending["age"]))
    if request.method == "POST" and form.validate():
        session.pop(PENDING_AGE, None)
        if form.confirm_age.data == "no":
            if pending.get("pregnancy"):
                session[ABOUT_PREFILL] = {"pregnancy": pending["pregnancy"]}
            return redirect(url_for(".step", step_id="about", change=1 if change else None), 303)
        # Nothing about a minor is kept: the whole draft goes.
        if draft is not None:
            db.session.delete(draft)
            db.session.commit()
        response = redirect(url_for(".adult_only"), code=303)
        _forget(response)
        return response
    html = render_template(
        "patient/confirm_age.html",
        form=form,
        age=int(pending["age"]),
        back_url=url_for(".step", step_id="about", change=1 if change else None),
    )
    status = 422 if request.method == "POST" else 200
    return _no_store(make_response(html, status))


@bp.get("/screening/adult-only")
def adult_only() -> Response:
    html = render_template(
        "patient/adult_only.html",
        outcome=OUTCOMES["adult-only"],
        next=next_steps("adult-only", {}, _clinic()),
        sections=[section("consult", language())],
    )
    return _no_store(make_response(html))


@bp.get("/privacy")
def privacy() -> str:
    return render_template(
        "patient/privacy.html",
        draft_days=current_app.config["DRAFT_TTL_DAYS"],
        retention_days=current_app.config["RETENTION_DAYS"],
    )


@bp.route("/screening/result/<token>/delete", methods=["GET", "POST"])
def delete_answers(token: str) -> Response:
    """Delete a submission, after a confirmation step. Only the fact is audited."""
    submission = by_result_link(token)
    if isinstance(submission, Response):
        return submission
    crisis = crisis_support_needed(submission.answers)
    if request.method == "GET":
        html = render_template(
            "patient/delete.html", submission=submission, token=token, crisis=crisis
        )
        response = _no_store(make_response(html))
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    reference = submission.reference
    # The deleted page may say so in this browser (and crisis support stays).
    session[DELETED_HERE] = True
    if submissions.withdraw(submission, clock.now()):
        audit.record("deleted-by-patient", submission=submission)
    else:
        audit.record("deleted-by-patient", reference=reference)
    db.session.commit()
    return _leave_device(".deleted")


def _leave_device(endpoint: str) -> Response:
    """To an ending page, with the draft cookie gone from this browser."""
    response = redirect(url_for(endpoint), code=303)
    _forget(response)
    return response


@bp.get("/screening/deleted")
def deleted() -> Response:
    if not session.get(DELETED_HERE):
        # Only the browser that deleted is told so; after "Finish and clear", the
        # neutral page.
        return _to_finished() if _finished_here() else redirect(url_for(".landing"), 303)
    return _no_store(make_response(render_template("patient/deleted.html")))


def _result_link_over() -> Response:
    """A result link past RESULT_LINK_DAYS: the clinic keeps the answers."""
    html = render_template(
        "patient/result_link_over.html", days=current_app.config["RESULT_LINK_DAYS"]
    )
    response = _no_store(make_response(html, 410))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


#: The patient's flag groups, in the order the result page shows them.
FLAG_GROUPS: tuple[tuple[Level, str], ...] = (
    (Level.CONTRAINDICATION, N_("Health conditions that can make ketamine unsafe")),
    (Level.PRECAUTION, N_("Answers a professional needs to check first")),
    (Level.PRACTICAL, N_("Practical things to plan for")),
)


@bp.post("/screening/result/<token>/finish")
def finish(token: str) -> Response:
    """Finish and clear this device: nothing of this person stays in this browser (the
    draft cookie and the session go), and going back to the result shows nothing."""
    if submissions.by_token(token) is None and not _finished_here(token):
        abort(404)
    _clear_device(token)
    return _leave_device(".finished")


@bp.get("/screening/finished")
def finished() -> Response:
    """The same neutral page for everyone, whatever their answers were."""
    return _no_store(make_response(render_template("patient/finished.html")))


@bp.get("/screening/result/<token>")
def result(token: str) -> Response:
    submission = by_result_link(token)
    if isinstance(submission, Response):
        return submission
    assessment = Assessment.from_dict(submission.assessment)
    html = render_template(
        "patient/result.html",
        token=token,
        link=url_for(".result", token=token, _external=True),
        submission=submission,
        outcome=OUTCOMES[assessment.outcome],
        explanation=assessment.explanation(_),
        next=next_steps(
            assessment.outcome,
            submission.answers,
            _clinic(),
            submission.reference,
            alerted=assessment.outcome != "urgent-support" or outbox.anyone_receives_alerts(),
        ),
        # Not beside "Do not wait for the clinic": an urgent result books nothing.
        booking_url=None
        if assessment.outcome == "urgent-support"
        else _booking_url(submission.reference),
        flag_groups=[
            (level, _(heading), [f for f in assessment.flags if f.level is level])
            for level, heading in FLAG_GROUPS
            if assessment.count(level)
        ],
        sections=[section(s, language()) for s in assessment.sections],
        band_label=_(PHQ9_BAND_LABELS.get(submission.phq9_band or "", "")),
        crisis=crisis_support_needed(submission.answers),
        crisis_full=True,
        groups=answer_groups(submission.answers),
    )
    response = _no_store(make_response(html))
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _booking_url(reference: str) -> str | None:
    """The clinic's booking page (CLINIC_BOOKING_URL), with the reference as ``ref=``."""
    base = current_app.config.get("CLINIC_BOOKING_URL", "")
    if not base:
        return None
    # Added as it is, so that the clinic's own query is left exactly as it wrote it.
    return f"{base}{'&' if '?' in base else '?'}ref={quote(reference)}"


def _clinic() -> ClinicContact:
    return clinic_contact(current_app.config, language())
