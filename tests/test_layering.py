"""The areas stand apart: the patient pages, the clinician area and the FHIR API never
import one another. What more than one of them needs lives below them (forms, rules,
submissions, fhir, next_steps, ...)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "questionnaire"
AREAS = ("patient", "clinician", "interop")


def imported_areas(path: Path) -> set[str]:
    """The areas a module imports, by relative or absolute import."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 2 and node.module:  # from ..patient import x
                found.add(node.module.split(".")[0])
            if node.level == 2 and node.module is None:  # from .. import patient
                found.update(alias.name for alias in node.names)
            if node.level == 0 and node.module and node.module.startswith("questionnaire."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("questionnaire."):
                    found.add(alias.name.split(".")[1])
    return found & set(AREAS)


@pytest.mark.parametrize("area", AREAS)
def test_no_area_imports_another(area):
    crossings = {
        str(path.relative_to(PACKAGE)): sorted(imported_areas(path) - {area})
        for path in (PACKAGE / area).rglob("*.py")
    }
    assert {module: areas for module, areas in crossings.items() if areas} == {}


def test_the_check_sees_a_crossing(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from ..clinician.views import x\nfrom .. import interop\n")
    assert imported_areas(module) == {"clinician", "interop"}


@pytest.mark.parametrize(
    "fact",
    [
        "Little interest or pleasure in doing things",  # an item's wording
        "Over the last 2 weeks",  # the stem
        "LA6571-9",  # an answer's LOINC code
        "44261-6",  # the total score's LOINC code
        "Kurt Kroenke",  # the attribution
        '"moderately-severe"',  # a scoring band
    ],
)
def test_the_phq9_is_written_in_one_place(fact):
    holders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if fact in path.read_text(encoding="utf-8")
    ]
    assert holders == ["phq9.py"]
