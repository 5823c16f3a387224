"""The hand-off to a professional on the patient side: what happens next for every
outcome and contact choice, how to reach the clinic, the urgent path, the crisis panel
on every later page, and the small things around them."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from questionnaire import drafts
from questionnaire.clinic import ClinicContact
from questionnaire.extensions import db
from questionnaire.next_steps import CONSULT, CONSULT_YOUNG, next_steps
from questionnaire.rules import OUTCOMES

from .helpers import EXAMPLE_1, Patient, steps_with, text
from .staff import make_clinician

CLINIC = {
    "CLINIC_NAME": "Riverside Clinic",
    "CLINIC_PHONE": "(555) 010-0199",
    "CLINIC_EMAIL": "screening@riverside.example",
    "CLINIC_HOURS": "Monday to Friday, 9am to 5pm",
    "CLINIC_ADDRESS": "1 River Street, Springfield",
    "CLINIC_RESPONSE_TIME": "within 2 working days",
}

#: Answers (as steps) that lead to each outcome a submission can have.
OUTCOME_STEPS = {
    "urgent-support": {"phq9": {"phq9_9": "2"}},
    "not-recommended": {"health": {"vascular": ["aneurysm"]}},
    "other-options-first": {"history": {"antidepressants_tried": "1"}},
    "evaluate-first": {"medicines": {"medications": ["opioid"]}},
    "discuss": {},
}
CONTACT_YES = {
    "wants_contact": "yes",
    "contact_name": "Sam Lee",
    "contact_phone": "+1 555 010 0199",
}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(text(response), "html.parser")


def words(node) -> str:
    return " ".join(node.get_text(" ").split())


def complete(app, outcome: str, contact: dict) -> BeautifulSoup:
    changes = {step: dict(v) for step, v in OUTCOME_STEPS[outcome].items()}
    changes["contact"] = contact
    page = Patient(app.test_client()).complete(changes)
    soup = soup_of(page)
    assert soup.main["data-outcome"] == outcome
    return soup


# --- what happens next: 6 outcomes x contact yes/no ------------------------------

CONTACT_CHOICES = {
    "yes": {**CONTACT_YES, "contact_email": "sam@example.com"},
    "no": {"wants_contact": "no"},
}


REACHABLE = ClinicContact(
    name="Riverside Clinic",
    phone="(555) 010-0199",
    hours="Monday to Friday, 9am to 5pm",
    response_time="within 2 working days",
)
HAVE_READY = [
    "the medicines you take, with their doses",
    "the antidepressants and other treatments you have tried",
    "your most recent blood pressure reading, if you know it",
    "your reference code: KS-ABCD-EFGH",
]


def all_sentences(steps) -> list[str]:
    """Every sentence the next steps say, split at full stops."""
    found = []
    for line in steps.lines():
        found += [part.strip() for part in line.split(". ") if part.strip()]
    return found


@pytest.mark.parametrize("choice", ["yes", "no"])
@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_next_steps_for_every_outcome_and_contact_choice(outcome, choice):
    steps = next_steps(outcome, CONTACT_CHOICES[choice], REACHABLE, "KS-ABCD-EFGH")
    text_ = " ".join(steps.lines())
    if outcome == "adult-only":
        # No answers are kept, whatever was chosen: nobody can call.
        assert steps.closing == CONSULT_YOUNG
        assert text_.startswith("We have not kept your answers, so the clinic cannot contact you")
        assert not steps.show_clinic_contact and steps.steps == ()
        return
    assert steps.closing == CONSULT
    # A numbered list, with what to have ready for the conversation.
    ready = [step for step in steps.steps if step.items]
    assert [step.text for step in ready] == ["Before you talk to a professional, have these ready:"]
    assert list(ready[0].items) == HAVE_READY
    # No sentence twice.
    sentences = all_sentences(steps)
    assert len(sentences) == len(set(sentences)), sentences
    if choice == "yes":
        assert "They will use the phone number or email address you gave." in text_
        assert "If you do not hear from the clinic, contact them yourself" in text_
        assert steps.no_contact_warning == ""
    else:
        assert "yourself and give them your reference code." in text_
        assert "A clinician will" not in text_ and "will try to" not in text_
    if outcome == "urgent-support":
        assert steps.paragraphs[0].startswith("This form is not watched all the time")
        assert "Do not wait for the clinic." in steps.paragraphs[0]
        # Never the ordinary response time on an urgent result.
        assert "within 2 working days" not in text_ and "aims to contact you" not in text_
        if choice == "yes":
            assert steps.steps[0].text == (
                "The clinic will see your answers as urgent. A clinician will try to reach "
                "you during the clinic's opening hours: Monday to Friday, 9am to 5pm. They "
                "will use the phone number or email address you gave."
            )
        else:
            assert steps.no_contact_warning == (
                "You chose not to be contacted, so the clinic cannot contact you about "
                "these answers."
            )
    else:
        assert "not watched" not in text_
        assert steps.no_contact_warning == ""
        if choice == "yes":
            assert "The clinic aims to contact you within 2 working days." in text_


def test_urgent_with_contact_and_no_hours_set_says_opening_hours_without_a_time():
    clinic = ClinicContact(name="C", phone="1", response_time="within 2 working days")
    steps = next_steps("urgent-support", CONTACT_CHOICES["yes"], clinic)
    assert steps.steps[0].text.startswith(
        "The clinic will see your answers as urgent. A clinician will try to reach you "
        "during the clinic's opening hours. They will use"
    )
    assert "within 2 working days" not in " ".join(steps.lines())


@pytest.mark.parametrize("choice", ["yes", "no"])
@pytest.mark.parametrize("outcome", sorted(OUTCOME_STEPS))
def test_nobody_is_told_to_contact_a_clinic_that_gave_no_way_to_reach_it(outcome, choice):
    steps = next_steps(outcome, CONTACT_CHOICES[choice], ClinicContact(name="C"))
    text_ = " ".join(steps.lines())
    assert "contact them yourself" not in text_ and "contact the clinic yourself" not in text_
    if choice == "no":
        assert steps.steps[-1].text == (
            "Take or send this page to your own doctor, and talk to them about it."
        )


def test_each_outcome_says_what_the_contact_is_about():
    topics = {
        outcome: next_steps(outcome, CONTACT_CHOICES["yes"], REACHABLE).steps[-3].text
        for outcome in OUTCOME_STEPS
    }
    assert len(set(topics.values())) == len(topics)  # never the same sentence for all


def test_contact_method_follows_the_details_given():
    clinic = ClinicContact(name="C")
    phone = next_steps("discuss", CONTACT_YES, clinic).steps[0].text
    assert phone.endswith("They will use the phone number you gave.")
    email = {"wants_contact": "yes", "contact_email": "a@example.com"}
    assert (
        next_steps("discuss", email, clinic)
        .steps[0]
        .text.endswith("They will use the email address you gave.")
    )
    # Without a response time set, no time is promised.
    assert "aims to contact you" not in phone


@pytest.mark.parametrize("choice", ["yes", "no"])
@pytest.mark.parametrize("outcome", sorted(OUTCOME_STEPS))
def test_result_page_puts_title_then_next_steps_first(app, outcome, choice):
    app.config.update(CLINIC)
    make_clinician(app)  # someone receives urgent alerts
    contact = CONTACT_YES if choice == "yes" else {"wants_contact": "no"}
    soup = complete(app, outcome, contact)
    main = soup.main
    order = [
        (el.get("data-crisis") is not None and "crisis") or el.name
        for el in main.find_all(["section", "h1"], recursive=False)
    ]
    if outcome == "urgent-support":
        assert order[0] == "crisis"
    assert order[order.index("h1") + 1] == "section"
    block = main.find("h1").find_next_sibling("section")
    assert block.has_attr("data-next-steps")
    steps = words(block)
    assert steps.startswith("What happens next")
    assert steps.endswith(CONSULT)
    warning = block.select_one("[data-no-contact-warning]")
    if outcome == "urgent-support" and choice == "no":
        assert words(warning).startswith("You chose not to be contacted, so the clinic cannot")
    else:
        assert warning is None
    if outcome == "urgent-support":
        assert "This form is not watched all the time" in steps
        urgent_promise = "The clinic will see your answers as urgent." in steps
        assert urgent_promise == (choice == "yes")
    if choice == "yes" and outcome != "urgent-support":
        assert "The clinic aims to contact you within 2 working days." in steps
    if outcome == "urgent-support":
        assert "within 2 working days" not in words(main)
    # the steps are a numbered list
    assert [words(li)[:30] for li in block.select("ol[data-step-list] > li")]
    # how to reach the clinic, with working links
    contact_block = main.select_one("[data-clinic-contact]")
    assert main.select_one("[data-clinic-contact] a[href='tel:5550100199']").get_text() == (
        "(555) 010-0199"
    )
    assert contact_block.select_one("a[href='mailto:screening@riverside.example']")
    assert "Monday to Friday, 9am to 5pm" in words(contact_block)
    assert "1 River Street, Springfield" in words(contact_block)


def test_urgent_result_never_says_someone_will_call_when_nobody_can(app):
    soup = complete(app, "urgent-support", {"wants_contact": "no"})
    page = words(soup.main)
    assert "will see your answers as urgent" not in page
    assert "will contact you" not in page and "will call" not in page
    assert "the clinic cannot contact you about these answers" in page


def test_clinic_details_show_only_when_set(app):
    soup = complete(app, "discuss", {"wants_contact": "no"})
    block = soup.main.select_one("[data-clinic-contact]")
    assert block.select("dt") == []
    assert "Please talk to your own doctor instead." in words(block)
    footer = soup.select_one("footer [data-clinic-contact]")
    assert footer is not None


def test_outcome_text_counts_the_conditions(app):
    soup = complete(app, "not-recommended", {"wants_contact": "no"})
    first = soup.main.find("h1").find_next_sibling("p").get_text()
    assert first == (
        "Ketamine-based treatments are usually not used for people with the condition "
        "listed below, because it could be unsafe."
    )


def test_reasons_are_grouped_by_level(app):
    patient = Patient(app.test_client())
    page = patient.complete(
        {
            "health": {"vascular": ["avm"], "other_conditions": ["liver"]},
            "practical": {"ride_home": "no"},
        }
    )
    soup = soup_of(page)
    groups = {
        g["data-flag-group"]: [li["data-flag"] for li in g.select("[data-flag]")]
        for g in soup.select("[data-flag-group]")
    }
    assert groups == {
        "contraindication": ["avm"],
        "precaution": ["liver"],
        "practical": ["no-ride-home"],
    }
    assert soup.select_one("[data-flag='current-antidepressant']") is None  # info: clinicians


def test_keep_the_link_and_sections_collapsed_but_consult(app):
    patient = Patient(app.test_client())
    result = patient.complete()
    soup = soup_of(result)
    keep = soup.select_one(".keep-link")
    assert "This link is the only way back to your result" in words(keep)
    link = keep.select_one("#result-link")
    link.select_one(".visually-hidden").decompose()
    assert link.get_text(strip=True) == "http://localhost" + result.request.path
    sections = soup.select("details[data-section]")
    assert [s["data-section"] for s in sections][-1] == "consult"
    assert [s["data-section"] for s in sections if s.has_attr("open")] == ["consult"]
    assert soup.select("[data-section]:not(details)") == []


def test_dates_read_as_day_month_year(app, clock):
    from datetime import UTC, datetime

    clock.moment = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    soup = soup_of(Patient(app.test_client()).complete())
    assert "Sent on 7 December 2026." in words(soup.main)


# --- the crisis panel on every later page ----------------------------------------


def crisis_panels(response) -> list:
    """The crisis blocks as the screen shows them (without their on-paper-only text)."""
    page = soup_of(response)
    for printed in page.select(".print-inline"):
        printed.decompose()
    return page.select("main [data-crisis]")


def test_crisis_panel_on_every_page_after_a_positive_item_9(app):
    patient = Patient(app.test_client())
    steps = steps_with({"phq9": {"phq9_9": "1"}})
    patient.answer_all(steps, until="health")
    seen = {}
    for step in ("health", "medicines", "practical", "contact"):
        seen[step] = crisis_panels(patient.client.get(f"/screening/{step}"))
        patient.answer(step, steps[step])
    seen["check"] = crisis_panels(patient.client.get("/screening/check"))
    # save for later and resume
    patient.post("/screening/contact", {**steps["contact"], "save_for_later": "1"})
    saved = patient.client.get("/screening/saved")
    seen["saved"] = crisis_panels(saved)
    link = soup_of(saved).select_one("#resume-link")
    link.select_one(".visually-hidden").decompose()
    seen["resume"] = crisis_panels(
        patient.client.get(link.get_text(strip=True).removeprefix("http://localhost"))
    )
    result = patient.client.get(patient.submit().location)
    seen["result"] = crisis_panels(result)
    delete_url = result.request.path + "/delete"
    seen["delete"] = crisis_panels(patient.client.get(delete_url))
    deleted = patient.post(delete_url)
    seen["deleted"] = crisis_panels(patient.client.get(deleted.location))
    assert {page: len(panels) for page, panels in seen.items()} == dict.fromkeys(seen, 1)
    # The full panel on the first page after item 9 and on the result; a compact
    # banner on every other page, so that the page's own content shows on screen.
    modes = {
        page: "compact" if panels[0].has_attr("data-crisis-compact") else "full"
        for page, panels in seen.items()
    }
    full = {"health", "result"}
    assert modes == {page: "full" if page in full else "compact" for page in seen}
    for page, panels in seen.items():
        actions = [a["href"] for a in panels[0].select("a.crisis-action")]
        if page in full:
            assert actions == [
                "tel:988",
                "sms:988",
                "https://988lifeline.org/chat/",
                "sms:741741?&body=HOME",
                "tel:911",
            ], page
        else:
            assert actions == ["tel:988", "sms:988", "tel:911"], page
            assert [words(a) for a in panels[0].select("a.crisis-action")] == [
                "Call 988",
                "Text 988",
                "Call 911",
            ]
            # the rest one tap away: the footer's full list, with names and notes
            more = panels[0].select_one("a.crisis-more-link")
            assert (more["href"], words(more)) == ("#help-now", "More ways to get help now")


def test_crisis_banner_on_error_pages_and_the_age_check_once_item_9_was_above_0(app):
    @app.post("/screening/boom")
    def boom():
        raise RuntimeError("a fault")

    patient = Patient(app.test_client())
    patient.answer_all(steps_with({"phq9": {"phq9_9": "1"}}), until="health")
    patient.client.get("/screening/health")  # the full panel, once
    pages = {
        "404": patient.client.get("/no-such-page"),
        "400 (CSRF)": patient.client.post("/screening/health", data={}),
        "413": patient.post("/screening/health", {"notes": "x" * 3_000_000}),
        "500": patient.post("/screening/boom"),
        "adult-only": patient.client.get("/screening/adult-only"),
    }
    assert pages["413"].status_code == 413 and pages["500"].status_code == 500
    # an age under 18 asks first
    about = {**steps_with()["about"], "age": "16"}
    asked = patient.answer("about", about, change=True)
    pages["confirm-age"] = patient.client.get(asked.location)
    for name, response in pages.items():
        banner = soup_of(response).select("main [data-crisis][data-crisis-compact]")
        assert len(banner) == 1, name
    # another browser that never answered item 9 sees none of it
    other = app.test_client()
    assert soup_of(other.get("/no-such-page")).select("[data-crisis]") == []


def test_no_crisis_panel_when_item_9_is_not_at_all(app):
    patient = Patient(app.test_client())
    steps = steps_with()
    patient.answer_all(steps, until="contact")
    assert crisis_panels(patient.client.get("/screening/contact")) == []
    patient.answer("contact", steps["contact"])
    assert crisis_panels(patient.client.get("/screening/check")) == []
    result = patient.client.get(patient.submit().location)
    assert crisis_panels(result) == []
    assert crisis_panels(patient.client.get(result.request.path + "/delete")) == []
    # the footer keeps the crisis contacts, without the panel's marker
    assert soup_of(result).select_one("footer a[href='tel:988']") is not None


def test_contact_step_warns_that_no_means_no_contact_when_the_panel_shows(app):
    patient = Patient(app.test_client())
    patient.answer_all(steps_with({"phq9": {"phq9_9": "3"}}), until="contact")
    soup = soup_of(patient.client.get("/screening/contact"))
    warning = soup.select_one("[data-no-contact-warning]")
    assert words(warning).startswith("If you choose no, the clinic cannot contact you")
    no = soup.select_one("input[name='wants_contact'][value='no']")
    assert warning["id"] in no["aria-describedby"].split()
    other = Patient(app.test_client())
    other.answer_all(steps_with(), until="contact")
    assert soup_of(other.client.get("/screening/contact")).select("[data-no-contact-warning]") == []


def test_contact_fields_are_marked_to_be_revealed_by_yes(app):
    patient = Patient(app.test_client())
    patient.answer_all(steps_with(), until="contact")
    soup = soup_of(patient.client.get("/screening/contact"))
    blocks = soup.select("[data-reveal-name='wants_contact'][data-reveal-value='yes']")
    names = [b.select_one("input, textarea")["name"] for b in blocks]
    assert names == ["contact_name", "contact_email", "contact_phone", "contact_time"]
    assert not any(b.has_attr("hidden") for b in blocks)  # shown without JavaScript


# --- saved page, check page, small things ----------------------------------------


def test_refreshing_the_saved_page_shows_the_same_link_and_it_still_works(app):
    app.config.update(CLINIC)
    patient = Patient(app.test_client())
    patient.answer_all(steps_with(), until="phq9")
    patient.post("/screening/phq9", {**EXAMPLE_1["phq9"], "save_for_later": "1"})

    def link() -> str:
        node = soup_of(patient.client.get("/screening/saved")).select_one("#resume-link")
        node.select_one(".visually-hidden").decompose()
        return node.get_text(strip=True)

    first = link()
    assert link() == first  # refresh
    saved = soup_of(patient.client.get("/screening/saved"))
    assert saved.select_one("main [data-clinic-contact] a[href='tel:5550100199']")
    other = Patient(app.test_client())
    path = first.removeprefix("http://localhost")
    confirm = other.client.get(path)
    assert confirm.status_code == 200
    token = soup_of(confirm).select_one("input[name='csrf_token']")["value"]
    assert other.client.post(path, data={"csrf_token": token}).location == "/screening/health"
    # used up: the saved page no longer shows it
    assert patient.client.get("/screening/saved").status_code == 303


def test_check_shows_the_agreements_as_statements_without_change_links(app):
    patient = Patient(app.test_client())
    patient.answer_all(steps_with())
    soup = soup_of(patient.client.get("/screening/check"))
    agreed = [li.get_text() for li in soup.select("[data-agreed] li")]
    assert agreed == [
        "I understand this is not a diagnosis or medical advice",
        "I agree my answers are stored and read by the clinic's clinicians",
    ]
    changes = [a["href"] for a in soup.select(".summary-action a")]
    assert not any(href.startswith("/screening/start") for href in changes)
    assert "/screening/about?change=1#age" in changes


def test_favicon_and_meta_description(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"
    for path in ("/", "/privacy", "/screening/start"):
        meta = soup_of(client.get(path)).select_one("meta[name='description']")
        assert "Not a diagnosis." in meta["content"], path


def test_error_summary_is_an_alert_with_one_item_per_error(app):
    patient = Patient(app.test_client())
    patient.answer_all(steps_with(), until="about")
    soup = soup_of(patient.answer("about", {}))
    summary = soup.select_one("[data-error-summary]")
    assert summary["role"] == "alert"
    assert [li.get_text() for li in summary.select("li")] == [
        "Enter your age in years, for example 34",
        "Select if you are pregnant, breastfeeding or planning a pregnancy",
    ]


def test_privacy_and_delete_pages_say_how_to_reach_the_clinic(app):
    app.config.update(CLINIC)
    patient = Patient(app.test_client())
    result = patient.complete()
    pages = {
        "privacy": patient.client.get("/privacy"),
        "delete": patient.client.get(result.request.path + "/delete"),
    }
    for name, page in pages.items():
        block = soup_of(page).select_one("main [data-clinic-contact]")
        assert block is not None, name
        assert block.select_one("a[href='tel:5550100199']").get_text() == "(555) 010-0199"
        assert block.select_one("a[href='mailto:screening@riverside.example']"), name


# --- finish and clear this device ---------------------------------------------------


def test_after_submitting_the_draft_cookie_lasts_only_for_the_browser_session(patient):
    patient.answer_all(steps_with())
    response = patient.submit()
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{drafts.COOKIE_NAME}=")
    )
    attributes = {part.split("=")[0].strip().lower() for part in cookie.split(";")}
    assert "max-age" not in attributes and "expires" not in attributes


def test_finish_and_clear_leaves_nothing_of_the_person_on_this_device(app, patient):
    result = patient.complete({"phq9": {"phq9_9": "1"}})
    page = soup_of(result)
    form = page.select_one("[data-finish] form")
    assert words(form.button) == "Finish and clear this device"
    result_url = form["action"].removesuffix("/finish")
    done = patient.post(form["action"])
    assert (done.status_code, done.location) == (303, "/screening/finished")
    cleared = [c for c in done.headers.getlist("Set-Cookie") if c.startswith(drafts.COOKIE_NAME)]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    finished = soup_of(patient.client.get("/screening/finished"))
    assert words(finished.h1) == "You have finished"
    # neutral: nothing derived from the answers, no crisis marker, no reference
    assert finished.select("[data-crisis]") == []
    assert "better off dead" not in words(finished)
    # help now is there for everyone who finishes
    assert finished.select_one("main .help-now a[href='tel:988']")
    # Back, history and typed addresses show the neutral page, every one of them
    for path in (
        result_url,
        result_url + "/delete",
        "/screening/deleted",
        "/screening/saved",
        "/screening/check",
        "/screening/contact",
        "/screening/start",
    ):
        back = patient.client.get(path)
        assert (back.status_code, back.location) == (303, "/screening/finished"), path
    # a delete form kept from before is refused: its CSRF token went with the session
    refused = patient.post(result_url + "/delete")
    assert refused.status_code == 400
    assert page.select_one(".reference-code").get_text() not in text(refused)
    # the crisis state went with the session: an error page shows no banner
    assert soup_of(patient.client.get("/no-such-page")).select("[data-crisis]") == []
    # a new screening is a deliberate choice, and starts empty
    new = finished.select_one("main a.link-alone")
    assert (words(new), new["href"]) == ("Start a new screening", "/screening/start?new=1")
    start = soup_of(patient.client.get("/screening/start?new=1"))
    assert start.select("input[checked]") == []
    assert patient.client.get("/screening").location == "/screening/start?new=1"
    # the answers are still with the clinic
    with app.app_context():
        from questionnaire.models import Submission

        assert db.session.scalar(select(Submission.id)) is not None


@pytest.mark.parametrize("choice", ["yes", "no"])
def test_an_urgent_result_says_no_sentence_twice(app, choice):
    app.config.update(CLINIC)
    make_clinician(app)
    contact = CONTACT_YES if choice == "yes" else {"wants_contact": "no"}
    main = complete(app, "urgent-support", contact).main
    for hidden in main.select(".print-only, .visually-hidden"):
        hidden.decompose()
    sentences = [
        sentence.strip()
        for block in main.find_all(["p", "li", "h1", "h2"])
        if not block.find(["p", "li"])
        for sentence in re.split(r"(?<=[.!?])\s+", words(block))
        if len(sentence.split()) >= 4
    ]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert repeated == set()
    # never the ordinary response time, never "the details you gave" twice
    assert "within 2 working days" not in words(main)
    assert words(main).count("you gave") <= 1


def test_an_urgent_result_promises_no_call_while_no_clinician_receives_alerts(app):
    app.config.update(CLINIC)
    make_clinician(app, enrolled=False)  # invited, never set up: gets no alerts
    main = complete(app, "urgent-support", CONTACT_YES).main
    steps = [words(li) for li in main.select("[data-next-steps] ol[data-step-list] > li")]
    assert steps[0] == (
        "The clinic has your answers, but no one there may read them soon, so no one may "
        "contact you soon."
    )
    assert steps[1] == (
        "To talk to the clinic, contact them yourself and give them your reference code."
    )
    page = words(main)
    assert "will try to reach you" not in page and "will see your answers as urgent" not in page
    # once a set-up clinician receives alerts, the call is promised again
    make_clinician(app, "alex@clinic.example")
    main = complete(app, "urgent-support", CONTACT_YES).main
    assert "A clinician will try to reach you during the clinic's opening hours" in words(main)


def test_no_booking_link_beside_do_not_wait(app):
    app.config.update(CLINIC, CLINIC_BOOKING_URL="https://book.example/")
    make_clinician(app)
    assert complete(app, "urgent-support", CONTACT_YES).select("[data-booking]") == []
    booking = complete(app, "discuss", CONTACT_YES).select_one("[data-booking]")
    assert booking["href"].startswith("https://book.example/?ref=")
