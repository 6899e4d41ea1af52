"""Reference data for the scrubber tests: the shared CMS files, the PTP fixture, ICD-10-CM."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.core.scrubber import References
from medbill.core.scrubber.edits.payer import default_rules
from medbill.core.scrubber.importers import import_aoc, import_mce, import_mue, import_ptp
from medbill.core.scrubber.refdata import Releases
from shared_data import shared_data_with, shared_path

HERE = Path(__file__).resolve().parent
PTP_FIXTURE = HERE.parent / "fixtures" / "ncci" / "ccipra_v321r0_f1.txt"


@pytest.fixture(scope="session")
def cms_tables() -> dict:
    """The shared CMS MUE, add-on and MCE files and our PTP fixture, imported in memory."""
    cms = shared_data_with("cms/mue", "cms/ncci-aoc", "cms/mce") / "cms"
    return {
        "mue": import_mue(cms / "mue" / "mue_practitioner.json"),
        "aoc": import_aoc(cms / "ncci-aoc" / "ncci_aoc_edits.json"),
        "mce_fy2026": import_mce(cms / "mce" / "mce_edits.json"),
        "mce_v37": import_mce(cms / "mce" / "MCE_Simple_Code_Edits_v37.txt"),
        "ptp": import_ptp(PTP_FIXTURE),
    }


@pytest.fixture(scope="session")
def scrub_refs(cms_tables: dict) -> References:
    """Every table the scrubber uses, from the shared data and the built ICD-10-CM releases."""
    from medbill.core.codesets import icd10cm
    from medbill.core.codesets.build import ensure_icd10cm
    from medbill.core.codesets.hcpcs import HcpcsTable, read_hcpcs
    from medbill.core.codesets.lists import MODIFIERS, PLACES_OF_SERVICE

    ensure_icd10cm()
    hcpcs = HcpcsTable(
        read_hcpcs(shared_path("cms/hcpcs") / "hcpcs_2025_oct.csv"), "HCPCS 2025 October"
    )
    modifiers = set(MODIFIERS) | {c.code for c in hcpcs if c.kind == "modifier"}
    return References(
        mue=Releases([cms_tables["mue"]]),
        aoc=Releases([cms_tables["aoc"]]),
        ptp=Releases([cms_tables["ptp"]]),
        mce=Releases([cms_tables["mce_v37"], cms_tables["mce_fy2026"]]),
        icd=icd10cm,
        hcpcs=hcpcs,
        modifiers=frozenset(modifiers),
        pos=frozenset(PLACES_OF_SERVICE),
        payer_rules=default_rules(),
    )
