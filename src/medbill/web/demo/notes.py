"""Visit scenarios of the demo practice: a clinical note template and its answer key.

Each scenario is the kind of visit a family medicine or cardiology office sees
every week. The note is written the way clinicians write (history, review of
systems with negations, family history, exam, assessment and plan); the answer
key lists the diagnoses (ICD-10-CM, with the dot) and service lines a careful
coder would bill for it. The generator fills the template with the patient's
details and that day's vital signs.

Special service codes resolved by the generator:
``@preventive`` — the preventive visit code for the patient's age (new/established);
``@flu_admin`` — G0008 for Medicare patients, 90471 otherwise;
``@pneumo_admin`` — G0009 for Medicare patients, 90471 otherwise.
"""

from __future__ import annotations

from medbill.web.demo.notes_cardiology import CARDIOLOGY
from medbill.web.demo.notes_family import FAMILY_MEDICINE
from medbill.web.demo.scenario import Line, Scenario, Variant

__all__ = ["SCENARIOS", "Line", "Scenario", "Variant"]

SCENARIOS: tuple[Scenario, ...] = FAMILY_MEDICINE + CARDIOLOGY
