"""The patient side in Spanish (US): the catalogue is whole and current, the language is
negotiated and kept, a Spanish-speaking person meets no English sentence from the start
page to deleting their answers, every outcome decides the same in both languages, and
the clinic sees that they answered in Spanish."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import textstat
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from questionnaire.content import path_of, section
from questionnaire.rules import SECTION_ORDER

from .helpers import CSRF, Patient, steps_with, text
from .html import error_summary, soup, words
from .staff import make_submission

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "questionnaire" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo"

SPANISH = {"Accept-Language": "es-US,es;q=0.9"}

#: Answers that lead to each outcome (changes to worked example 1), with and without
#: contact wanted.
OUTCOMES = {
    "discuss": {},
    "urgent-support": {"phq9": {"phq9_9": "2"}},
    "not-recommended": {"health": {"vascular": ["aneurysm", "brain-bleed"]}},
    "other-options-first": {"history": {"antidepressants_tried": "1"}},
    "evaluate-first": {
        "health": {"blood_pressure": "not-controlled"},
        "medicines": {"medications": ["benzodiazepine", "other"], "medications_other": "x"},
        "practical": {"ride_home": "no", "insurance": "not-sure"},
    },
}
NO_CONTACT = {"contact": {"wants_contact": "no"}}


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


# --- the catalogue ------------------------------------------------------------------


def test_messages_pot_is_up_to_date_with_the_code(tmp_path):
    """Run `make update-translations` (tools/update_translations.sh) when this fails."""
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(fresh),
            str(ROOT),
        ]
    )
    extracted = {(m.id, tuple(sorted(m.flags))) for m in _read(fresh) if m.id}
    committed = {(m.id, tuple(sorted(m.flags))) for m in _read(POT) if m.id}
    assert extracted - committed == set(), "strings in the code, missing from messages.pot"
    assert committed - extracted == set(), "strings in messages.pot, gone from the code"


def test_every_spanish_entry_is_translated_and_none_is_fuzzy():
    template = {m.id for m in _read(POT) if m.id}
    catalogue = _read(PO)
    assert not catalogue.fuzzy, "the catalogue's header is marked fuzzy"
    entries = {m.id: m for m in catalogue if m.id}
    assert set(entries) == template, "messages.po is not merged with messages.pot"
    untranslated = [m.id for m in entries.values() if not m.string]
    fuzzy = [m.id for m in entries.values() if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    # Placeholders (%(days)s, {count}) are the same in both languages.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert problems == []
    for message in entries.values():
        assert sorted(re.findall(r"\{\w+\}|%\(\w+\)s", message.id)) == sorted(
            re.findall(r"\{\w+\}|%\(\w+\)s", message.string)
        ), message.id


def test_the_compiled_catalogue_holds_every_translation():
    """The .mo is built from the .po at install (make run, make test): a stale one fails."""
    assert MO.exists(), "run `make translations`"
    with MO.open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == {m.id: m.string for m in _read(PO) if m.id}


# --- the PHQ-9 and the crisis contacts ------------------------------------------------

#: The published PHQ-9 "Spanish for the USA" (Pfizer, distributed with the PHQ
#: screeners), word for word.
PHQ9_ES_ITEMS = [
    "Poco interés o placer en hacer cosas",
    "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
    "Se ha sentido cansado(a) o con poca energía",
    "Sin apetito o ha comido en exceso",
    "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con "
    "usted mismo(a) o con su familia",
    "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el "
    "periódico o ver la televisión",
    "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo "
    "contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo "
    "normal",
    "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
]


def _spanish_patient(client) -> Patient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH["Accept-Language"]
    return Patient(client)


def test_the_phq9_page_is_the_published_spanish_phq9(client):
    patient = _spanish_patient(client)
    patient.answer_all(steps_with(), until="phq9")
    page = soup(client.get("/screening/phq9"))
    assert words(page.select_one("#phq9-stem")) == (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?"
    )
    legends = [words(legend) for legend in page.select("form[data-step='phq9'] legend")]
    assert legends[:9] == [f"{n}. {item}" for n, item in enumerate(PHQ9_ES_ITEMS, 1)]
    assert legends[9] == (
        "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos "
        "problemas para hacer su trabajo, encargarse de las tareas del hogar, o llevarse "
        "bien con otras personas?"
    )
    answers = [words(label) for label in page.select("label[for^='phq9_1']")]
    assert answers == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]
    difficulty = [words(label) for label in page.select("label[for^='phq9_difficulty']")]
    assert difficulty == [
        "No ha sido difícil",
        "Un poco difícil",
        "Muy difícil",
        "Extremadamente difícil",
    ]
    assert words(page.select_one(".attribution")) == (
        "PHQ-9: Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt "
        "Kroenke y colegas, con una subvención educativa otorgada por Pfizer Inc."
    )


def test_the_crisis_panel_offers_988_in_spanish(client):
    patient = _spanish_patient(client)
    patient.answer_all(steps_with({"phq9": {"phq9_9": "1"}}), until="health")
    panel = soup(client.get("/screening/health")).select_one("[data-crisis]")
    for printed in panel.select(".print-inline"):  # on paper only
        printed.decompose()
    assert words(panel.h2) == "Usted merece apoyo ahora"
    actions = {a["href"]: words(a) for a in panel.select("a.crisis-action")}
    assert actions["tel:988"] == "Llame al 988 y marque 2 para español"
    assert actions["sms:988?&body=AYUDA"] == "Envíe AYUDA por texto al 988"
    assert actions["tel:911"] == "Llame al 911"
    # The pages after it: the compact banner, its buttons in Spanish too.
    patient.answer("health", steps_with()["health"])
    banner = soup(client.get("/screening/medicines")).select_one("[data-crisis-compact]")
    for printed in banner.select(".print-inline"):
        printed.decompose()
    quick = [(a["href"], words(a)) for a in banner.select("a.crisis-action")]
    assert quick == [
        ("tel:988", "Llame al 988"),
        ("sms:988?&body=AYUDA", "AYUDA por texto al 988"),
        ("tel:911", "Llame al 911"),
    ]
    assert words(banner.select_one("a.crisis-more-link")) == "Más formas de recibir ayuda ahora"


# --- choosing the language ----------------------------------------------------------


def test_a_first_visit_follows_the_browser_language(client):
    assert soup(client.get("/", headers=SPANISH)).html["lang"] == "es"
    page = soup(client.get("/", headers={"Accept-Language": "fr-FR,en;q=0.5"}))
    assert page.html["lang"] == "en"
    assert words(page.h1) == "Screening for ketamine therapy for depression"


def test_the_switch_links_to_the_same_page_and_the_choice_is_kept(client, patient):
    patient.answer_all(steps_with(), until="health")
    page = soup(client.get("/screening/history?change=1"))
    switch = page.select_one("header a[hreflang]")
    assert (switch["hreflang"], switch["lang"], words(switch)) == ("es", "es", "Español")
    assert switch["href"] == "/screening/history?change=1&lang=es"

    spanish = client.get(switch["href"])
    assert "lang=es" in spanish.headers["Set-Cookie"]
    assert soup(spanish).html["lang"] == "es"
    # the cookie keeps the choice, whatever the browser says
    page = soup(client.get("/screening/history", headers={"Accept-Language": "en"}))
    assert page.html["lang"] == "es"
    assert words(page.h1) == "Su depresión y sus tratamientos hasta ahora"
    back = page.select_one("header a[hreflang]")
    assert (back["hreflang"], words(back)) == ("en", "English")
    assert soup(client.get(back["href"])).html["lang"] == "en"
    assert soup(client.get("/screening/history")).html["lang"] == "en"


def test_pages_say_they_vary_by_language(client):
    vary = client.get("/", headers=SPANISH).headers["Vary"]
    assert "Cookie" in vary and "Accept-Language" in vary


def test_the_clinician_area_stays_in_english(client, account):
    client.get("/?lang=es")
    page = soup(client.get("/clinician/sign-in", headers=SPANISH))
    assert page.html["lang"] == "en"
    assert page.select("a[hreflang]") == []


# --- no English on a Spanish page ---------------------------------------------------

#: English words that no Spanish sentence uses.
ENGLISH_WORDS = frozenset(
    {
        "the",
        "you",
        "your",
        "and",
        "is",
        "are",
        "this",
        "that",
        "with",
        "for",
        "of",
        "to",
        "what",
        "how",
        "we",
        "our",
        "will",
        "can",
        "have",
        "has",
        "it",
        "be",
        "or",
        "if",
        "on",
        "in",
        "do",
        "not",
        "please",
        "help",
        "page",
        "answers",
        "screening",
        "clinic",
        "here",
    }
)
#: Proper names that stay as they are.
PROPER_NAMES = ("Crisis Text Line", "Robert L. Spitzer", "Janet B.W. Williams", "Kurt Kroenke")


def _english_sentences() -> set[str]:
    """Every catalogue entry of four words or more whose Spanish differs."""
    return {
        " ".join(BeautifulSoup(m.id, "html.parser").get_text().split())
        for m in _read(PO)
        if isinstance(m.id, str)  # plural entries all hold a %(num)s
        and m.id
        and m.string != m.id
        and len(m.id.split()) >= 4
        and "%(" not in m.id
    }


ENGLISH = _english_sentences()


def english_on(response) -> list[str]:
    return english_in(response.get_data(as_text=True))


def english_in(html: str) -> list[str]:
    """The English left on a page: any catalogue sentence in English, and any phrase
    holding an English word, outside elements marked as another language (the switch's
    "English") and bar proper names and the page's own links (the reference code)."""
    page = BeautifulSoup(html, "html.parser")
    assert page.html["lang"] == "es"
    for marked in page.select("[lang]:not(html)"):
        if marked["lang"] != "es":
            marked.decompose()
    for node in page(["script", "style"]) + page.select("[data-link-value]"):
        node.decompose()
    seen = " ".join(page.get_text(" ").split())
    for name in PROPER_NAMES:
        seen = seen.replace(name, "")
    found = [sentence for sentence in ENGLISH if sentence in seen]
    found += sorted(
        {
            phrase
            for phrase in re.split(r"[.:;!?¿¡()·,]", seen)
            if {w.lower() for w in re.findall(r"[^\W\d_]+", phrase)} & ENGLISH_WORDS
        }
    )
    return found


def spanish(response) -> BeautifulSoup:
    assert english_on(response) == [], response.request.path
    return soup(response)


def test_the_check_finds_english_left_on_a_spanish_page(client):
    html = client.get("/", headers=SPANISH).get_data(as_text=True)
    assert english_in(html) == []
    left = html.replace("</main>", "<p>Your answers so far are saved.</p><p>Gracias</p></main>")
    assert english_in(left) == ["Your answers so far are saved.", " Your answers so far are saved"]
    worded = html.replace("</main>", "<p>Llame hoy, please.</p></main>")
    assert english_in(worded) == [" please"]
    marked = html.replace("</main>", '<p lang="en">The clinic</p></main>')
    assert english_in(marked) == []


def test_a_whole_screening_in_spanish_meets_no_english_sentence(app, client):
    """Start, an error on each step, save and resume on another device, the crisis
    panel, check, send, the result, delete: every page in Spanish."""
    patient = _spanish_patient(client)
    spanish(client.get("/"))
    spanish(client.get("/privacy"))
    steps = steps_with(
        {
            "phq9": {"phq9_9": "1"},
            "medicines": {"medications": ["benzodiazepine", "other"], "medications_other": "x"},
            "practical": {"notes": "Tengo preguntas sobre el costo."},
            "contact": {"wants_contact": "no"},
        }
    )
    for step, data in steps.items():
        spanish(client.get(f"/screening/{step}"))
        assert spanish(patient.answer(step, {})).select("[data-error-summary] a")
        if step == "about":
            page = spanish(patient.answer("about", {"age": "dieciséis", "pregnancy": "no"}))
            assert error_summary(page) == [
                ("#age", "Escriba su edad en números enteros, por ejemplo 34")
            ]
        if step == "health":
            # save, and carry on from the link on a device that speaks Spanish too
            saved = patient.post("/screening/health", {**data, "save_for_later": "1"})
            page = spanish(client.get(saved.location))
            link = words(page.select_one("[data-link-value]"))
            assert re.search(r"hasta el \d{1,2} de [a-záéíóú]+ de \d{4}\.", words(page.main))
            other = app.test_client()
            other.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH["Accept-Language"]
            opened = other.get(link.replace("http://localhost", ""))
            spanish(opened)
            token = CSRF.search(text(opened)).group(1)
            carried = other.post(link.replace("http://localhost", ""), data={"csrf_token": token})
            assert carried.status_code == 303
            client = other
            patient = Patient(other)
        response = patient.answer(step, data)
        assert response.status_code == 303, (step, text(response))
    page = spanish(client.get("/screening/check"))
    assert words(page.select_one("p.caption")) == "Paso 9 de 9"
    assert page.select_one("[data-crisis]")
    result = client.get(patient.submit().location)
    page = spanish(result)
    assert page.main["data-outcome"] == "urgent-support"
    assert page.select_one("[data-no-contact-warning]")
    token = result.request.path.rsplit("/", 1)[1]
    spanish(client.get(f"/screening/result/{token}/delete"))
    deleted = patient.post(f"/screening/result/{token}/delete")
    spanish(client.get(deleted.location))


def test_the_contact_step_warning_and_the_age_check_are_in_spanish(app, client):
    patient = _spanish_patient(client)
    patient.answer_all(steps_with({"phq9": {"phq9_9": "3"}}), until="contact")
    page = spanish(client.get("/screening/contact"))
    assert words(page.select_one("[data-no-contact-warning]")).startswith("Si elige no,")
    client = app.test_client()
    answered = _spanish_patient(client)
    answered.answer_all(steps_with({"about": {"age": "16"}}), until="history")
    page = spanish(client.get("/screening/confirm-age"))
    assert [words(label) for label in page.select("label")] == [
        "Sí, tengo 16 años",
        "No, quiero cambiar mi edad",
    ]
    spanish(answered.post("/screening/confirm-age", {}))
    adult_only = answered.post("/screening/confirm-age", {"confirm_age": "yes"})
    page = spanish(client.get(adult_only.location))
    assert page.main["data-outcome"] == "adult-only"


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
@pytest.mark.parametrize("contact", ["yes", "no"])
def test_every_outcome_decides_the_same_in_spanish(app, outcome, contact):
    """The same answers give the same outcome, flags, groups and sections in both
    languages; the Spanish result page has no English on it."""
    changes = {**OUTCOMES[outcome], **(NO_CONTACT if contact == "no" else {})}
    shown = {}
    for language in ("en", "es"):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        patient = Patient(client)
        patient.answer_all(steps_with(changes))
        response = client.get(patient.submit().location)
        page = spanish(response) if language == "es" else soup(response)
        shown[language] = {
            "outcome": page.main["data-outcome"],
            "flags": [li["data-flag"] for li in page.select("[data-flag]")],
            "groups": [g["data-flag-group"] for g in page.select("[data-flag-group]")],
            "sections": [d["data-section"] for d in page.select("[data-section]")],
            "open": [d["data-section"] for d in page.select("details[open]")],
            "crisis": len(page.select("[data-crisis]")),
            "warning": len(page.select("[data-no-contact-warning]")),
            "next steps": len(page.select("[data-next-steps] p")),
        }
    assert shown["es"] == shown["en"]
    assert shown["es"]["outcome"] == outcome


def test_error_pages_are_in_spanish(app, client):
    @app.post("/screening/boom")
    def boom():
        raise RuntimeError("a fault")

    patient = _spanish_patient(client)
    page = spanish(client.get("/no-such-page"))
    assert words(page.h1) == "No se encontró la página"
    page = spanish(client.post("/screening/start", data={}))  # no CSRF token
    assert words(page.h1) == "Se acabó el tiempo de su sesión"
    patient.answer_all(steps_with(), until="health")
    page = spanish(patient.post("/screening/boom"))
    assert words(page.h1) == "Lo sentimos, algo salió mal de nuestro lado"
    assert words(page.select_one("[data-help-now] h2")) == (
        "Si necesita ayuda ahora, no espere a este servicio"
    )


def test_the_unavailable_page_for_the_proxy_comes_in_spanish(runner, tmp_path):
    out = tmp_path / "unavailable.es.html"
    result = runner.invoke(args=["unavailable-page", "--language", "es", str(out)])
    assert result.exit_code == 0, result.output
    page = BeautifulSoup(out.read_text(), "html.parser")
    assert page.html["lang"] == "es"
    assert words(page.h1) == "Lo sentimos, el servicio no está disponible en este momento"
    assert page.select("a[hreflang]") == []


# --- the educational sections -------------------------------------------------------


def _read_aloud(markdown: str) -> str:
    lines = [re.sub(r"^\s*[-#]+\s*|[*_`]", "", line).strip() for line in markdown.splitlines()]
    return " ".join(
        line if line[-1:] in ".?!" else line.rstrip(",:") + "." for line in lines if line
    )


@pytest.mark.parametrize("section_id", SECTION_ORDER)
def test_each_spanish_section_reads_plainly(section_id):
    """Fernández-Huerta (or Szigriszt-Pazos) of 65 or more: plain Spanish."""
    content = section(section_id, "es")
    prose = _read_aloud(f"{content.title}\n{content.body}")
    textstat.set_lang("es")
    try:
        scores = (textstat.fernandez_huerta(prose), textstat.szigriszt_pazos(prose))
    finally:
        textstat.set_lang("en_US")
    print(f"{section_id}: Fernández-Huerta {scores[0]:.1f}, Szigriszt-Pazos {scores[1]:.1f}")
    assert max(scores) >= 65, scores


@pytest.mark.parametrize("section_id", SECTION_ORDER)
def test_each_spanish_section_says_the_same_numbers_and_dates(section_id):
    english, spanish_text = section(section_id), section(section_id, "es")
    assert path_of(section_id, "es").parent.name == "es"
    assert spanish_text.title != english.title
    assert sorted(re.findall(r"\d+", spanish_text.body)) == sorted(re.findall(r"\d+", english.body))
    assert spanish_text.sources == english.sources


def test_the_result_shows_the_sections_in_spanish(client):
    patient = _spanish_patient(client)
    page = soup(patient.complete())
    titles = {d["data-section"]: words(d.select_one(".edu-title")) for d in page.select("details")}
    assert titles["what-is-ketamine"] == "¿Qué es la ketamina?"
    assert titles["consult"] == "Hable con un profesional de la salud calificado"


# --- what the clinic sees -----------------------------------------------------------


def test_the_submission_keeps_its_language(app, client):
    from questionnaire.models import Submission

    _spanish_patient(client).complete()
    Patient(app.test_client()).complete()
    with app.app_context():
        from questionnaire.extensions import db

        languages = sorted(db.session.scalars(db.select(Submission.language)))
    assert languages == ["en", "es"]


def test_clinicians_see_spanish_answers_beside_the_english(app, signed_in):
    reference = make_submission(
        app,
        language="es",
        notes="Tengo miedo de manejar.",
        wants_contact="yes",
        contact_name="Ana Ruiz",
        contact_phone="+1 555 010 0199",
    )
    declined = make_submission(app, language="es")
    english = make_submission(app)
    queue = soup(signed_in.client.get("/clinician/"))
    cells = {
        tr["data-reference"]: words(tr.select_one("td[data-language]"))
        for tr in queue.select("tr[data-reference]")
    }
    assert cells == {reference: "Spanish", declined: "Spanish", english: "English"}

    page = soup(signed_in.client.get(f"/clinician/submissions/{reference}"))
    assert page.html["lang"] == "en"
    assert words(page.select_one("dd[data-language='es']")) == "Spanish"
    assert words(page.select_one("[data-answered-in='es']")).startswith(
        "This person answered in Spanish."
    )
    assert words(page.select_one("[data-contact-language='es']")) == (
        "This person answered in Spanish. Contact them in Spanish, or with an interpreter."
    )
    row = page.select_one("tr[data-field='phq9_1']")
    assert [words(td) for td in row.find_all("td")] == [
        "1. Little interest or pleasure in doing things",
        "1. Poco interés o placer en hacer cosas",
        "More than half the days",
        "Más de la mitad de los días",
    ]
    assert [td.get("lang") for td in row.find_all("td")] == [None, "es", None, "es"]
    notes = page.select_one("tr[data-field='notes']")
    assert [words(td) for td in notes.find_all("td")][2:] == ["Tengo miedo de manejar."] * 2
    plain = soup(signed_in.client.get(f"/clinician/submissions/{english}"))
    assert plain.select("[data-answered-in]") == []
    assert plain.select("[data-contact-language]") == []
    # nobody to contact: no advice on how to
    no_contact = soup(signed_in.client.get(f"/clinician/submissions/{declined}"))
    assert no_contact.select("[data-contact-language]") == []
    assert no_contact.select("[data-answered-in='es']")


def test_exports_carry_the_language(app, admin_in):
    reference = make_submission(app, language="es")
    english = make_submission(app)
    body = admin_in.client.get("/clinician/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["reference"]: r["language"] for r in rows} == {reference: "es", english: "en"}

    exported = admin_in.client.get(f"/clinician/submissions/{reference}/export.json").get_json()
    assert exported["language"] == "es"

    lines = admin_in.client.get("/clinician/export.ndjson").get_data(as_text=True).splitlines()
    languages = {json.loads(line)["id"]: json.loads(line)["language"] for line in lines}
    assert languages == {reference: "es", english: "en"}


# --- FHIR: the Questionnaire in Spanish, and responses made in Spanish ------------------


def _questionnaire(client, query: str = "") -> dict:
    response = client.get(f"/fhir/Questionnaire/ketamine-screening{query}")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def _items(items: list[dict]) -> dict[str, dict]:
    found = {}
    for item in items:
        found[item["linkId"]] = item
        found.update(_items(item.get("item", [])))
    return found


WORDS = ("text", "display", "valueString", "item")


def _rules(item: object) -> object:
    """An item without its words: link ids, types, codes, conditions and limits."""
    if isinstance(item, dict):
        return {k: _rules(v) for k, v in item.items() if k not in WORDS}
    if isinstance(item, list):
        return [_rules(v) for v in item]
    return item


def test_the_fhir_questionnaire_is_served_in_spanish_with_lang_es(client):
    from questionnaire.fhir import checked

    english, spanish_one = _questionnaire(client), _questionnaire(client, "?lang=es")
    assert (english["language"], spanish_one["language"]) == ("en", "es")
    checked("Questionnaire", spanish_one)
    en_items, es_items = _items(english["item"]), _items(spanish_one["item"])
    # the same questions, codes and rules; only the words differ
    assert list(es_items) == list(en_items)
    for link_id, item in en_items.items():
        assert _rules(es_items[link_id]) == _rules(item), link_id
    assert es_items["phq9_1"]["text"] == PHQ9_ES_ITEMS[0]
    assert es_items["phq9-stem"]["text"].startswith("Durante las últimas 2 semanas")
    assert [o["valueCoding"]["code"] for o in es_items["phq9_1"]["answerOption"]] == [
        o["valueCoding"]["code"] for o in en_items["phq9_1"]["answerOption"]
    ]
    assert [o["valueCoding"]["display"] for o in es_items["phq9_1"]["answerOption"]] == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]
    assert "marque 2 para español" in es_items["phq9-crisis"]["text"]
    # an unknown language is English, and the English one is unchanged by the Spanish
    assert _questionnaire(client, "?lang=fr") == english
    assert _questionnaire(client) == english


def test_a_fhir_response_in_spanish_is_stored_as_spanish(app, client):
    from questionnaire.models import Submission

    from .test_fhir_api import post, response_for

    resource = {**response_for(steps_with()), "language": "es-US"}
    assert post(client, resource).status_code == 201
    with app.app_context():
        from questionnaire.extensions import db

        assert db.session.scalar(db.select(Submission.language)) == "es"


def test_the_clinic_settings_have_their_spanish_wording(app):
    app.config.update(
        CLINIC_PHONE="+1 555 010 0100",
        CLINIC_HOURS="Monday to Friday, 9am to 5pm",
        CLINIC_RESPONSE_TIME="within 2 working days",
    )
    changes = {
        "contact": {"wants_contact": "yes", "contact_name": "Ana", "contact_phone": "555 0100"}
    }

    def result() -> BeautifulSoup:
        client = app.test_client()
        patient = _spanish_patient(client)
        patient.answer_all(steps_with(changes))
        return soup(client.get(patient.submit().location))

    # English wording only: shown, and marked as English where it stands alone
    page = result()
    hours = page.select_one("[data-clinic-contact] dd[lang='en']")
    assert words(hours) == "Monday to Friday, 9am to 5pm"
    app.config.update(
        CLINIC_HOURS_ES="lunes a viernes, de 9 a. m. a 5 p. m.",
        CLINIC_RESPONSE_TIME_ES="en un plazo de 2 días hábiles",
    )
    page = result()
    assert english_in(str(page)) == []
    assert "La clínica quiere comunicarse con usted en un plazo de 2 días hábiles." in words(
        page.select_one("[data-next-steps]")
    )
    definitions = {
        words(dt): words(dt.find_next_sibling("dd"))
        for dt in page.select("[data-clinic-contact] dt")
    }
    assert definitions["Horario de atención"] == "lunes a viernes, de 9 a. m. a 5 p. m."
