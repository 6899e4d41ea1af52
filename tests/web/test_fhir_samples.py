"""Every public FHIR sample imports or is held with its reasons in words (docs/interfaces.md
lists the verdicts)."""

from __future__ import annotations

import pytest

from medbill.web.interfaces.fhir_in import import_bundle
from medbill.web.interfaces.models import InboundMessage
from shared_data import shared_path

pytestmark = pytest.mark.django_db

IMPORTED = {"carinbb__Patient_ExamplePatient1.json"}


def test_every_sample_imports_or_is_held_with_its_reasons(world):
    folder = shared_path("fhir")
    files = sorted(folder.rglob("*.json"))
    assert len(files) == 27
    practice = world.a.practice
    for path in files:
        outcome = import_bundle(practice, path.read_bytes())
        if path.name in IMPORTED:
            assert outcome.status == "imported", (path.name, outcome.problems)
            continue
        assert outcome.status == "held", path.name
        assert outcome.problems and all(text for _, text, _ in outcome.problems), path.name
        if path.parent.name == "synthea":
            # Made-up practices' practitioners: never guessed.
            assert any(
                ".participant: provider" in text and "matches none" in text
                for _, text, _ in outcome.problems
            ), (path.name, outcome.problems)
            # Their pharmacy and institutional claims are not what holds them.
            assert not any(".type:" in text for _, text, _ in outcome.problems), path.name
    held = InboundMessage.objects.filter(practice=practice, status="held")
    assert held.count() == len(files) - len(IMPORTED)


def test_a_foreign_address_is_held_and_a_state_name_is_read_as_its_code(world):
    folder = shared_path("fhir")
    example = import_bundle(
        world.a.practice, (folder / "r4-examples/hl7r4__Patient-example.json").read_bytes()
    )
    assert tuple(p[:2] for p in example.problems) == (
        (
            "Patient/example.address.state",
            "Patient/example.address.state: 'Vic' is not a US state (e.g. WI)",
        ),
    )
    from medbill.core.fhir import map_bundle, read_bundle

    synthea = folder / "synthea/smart__Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json"
    registration = map_bundle(read_bundle(synthea.read_bytes())).intakes[0]
    assert registration.patient.address.state == "MA"  # "Massachusetts" in the bundle
