"""ICD-10-CM: the full tabular, inherited notes, 7th characters, and validity by date of service."""

from __future__ import annotations

from datetime import date

import pytest

from medbill.core.codesets import (
    Icd10cmRelease,
    ReleaseNotFound,
    code_refs,
    icd10cm,
    parse_tabular,
    validity,
)
from medbill.core.codesets.build import ensure_icd10cm

FY25 = date(2025, 6, 1)
FY26 = date(2025, 11, 1)


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    ensure_icd10cm()


def test_newest_release_is_fy2026() -> None:
    release = icd10cm()
    assert release.name == "FY2026"
    assert release.effective_from == date(2025, 10, 1)
    assert icd10cm(FY25).name == "FY2025"
    assert icd10cm(FY26) is release


def test_every_level_is_present() -> None:
    release = icd10cm()
    kinds = {kind: sum(1 for _ in release.codes(kind)) for kind in ("chapter", "block", "code")}
    assert kinds["chapter"] == 22
    assert kinds["block"] > 280
    assert sum(1 for c in release.codes() if release.is_billable(c)) > 74000
    assert release.get("9").kind == "chapter"
    assert release.get("E08-E13").kind == "block"
    assert release.get("E11").kind == "category"
    assert [release.get(c).kind for c in release.ancestors("E11.22")] == [
        "code", "code", "category", "block", "chapter"
    ]  # fmt: skip


def test_e11_22_carries_its_own_and_inherited_notes() -> None:
    code = icd10cm().get("e1122")
    assert code.dotted == "E11.22"
    assert code.description == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert code.billable and code.kind == "code" and code.parent == "E112"
    # its own note first, then the category's
    assert code.use_additional[0].startswith("code to identify stage of chronic kidney disease")
    assert code.use_additional[0].source == "E1122"
    assert any("insulin (Z79.4)" in n and n.source == "E11" for n in code.use_additional)
    assert any(n == "type 1 diabetes mellitus (E10.-)" for n in code.excludes1)
    assert "diabetes NOS" in code.includes
    assert not code.is_manifestation


def test_inclusion_terms_and_headers() -> None:
    release = icd10cm()
    assert (
        "Type 2 diabetes mellitus with Kimmelstiel-Wilson disease"
        in release.get("E11.21").inclusion_terms
    )
    assert not release.is_billable("E11")
    assert not release.is_billable("E11.2")
    assert release.is_billable("E11.9")
    assert "E11.9" in release and "E11.99" not in release


def test_seventh_character_codes_and_placeholder() -> None:
    release = icd10cm()
    assert release.needs_seventh("S72.001")
    assert not release.is_billable("S72.001")
    hip = release.get("S72.001A")
    assert hip.billable
    assert hip.description.endswith("initial encounter for closed fracture")
    assert hip.seventh_characters["D"].startswith("subsequent encounter for closed fracture")
    assert not release.needs_seventh("S72.001A")
    t07 = release.get("T07.XXXA")
    assert t07.billable and t07.has_placeholder and t07.parent == "T07"
    assert "T07A" not in release
    assert release.get("T36.0X1A").has_placeholder


def test_manifestation_codes() -> None:
    release = icd10cm()
    assert release.get("G63").is_manifestation  # polyneuropathy in diseases classified elsewhere
    assert not release.get("I10").is_manifestation


def test_excludes1_conflict_walks_up_the_hierarchy() -> None:
    release = icd10cm()
    note = release.excludes1_conflict("E11.9", "E10.9")
    assert note == "type 1 diabetes mellitus (E10.-)"
    assert release.excludes1_conflict("E11.65", "O24.410") is not None
    assert release.excludes1_conflict("E11.9", "I10") is None
    assert release.excludes1_conflict("E11.9", "E11.65") is None


def test_code_refs_reads_ranges_and_prefixes() -> None:
    assert code_refs("gestational diabetes (O24.4-)") == (("O244", "O244"),)
    assert code_refs("stage of CKD (N18.1-N18.6)") == (("N181", "N186"),)
    assert code_refs("birth trauma (P10-P15)") == (("P10", "P15"),)
    assert code_refs("diabetes (E10.-, E11.-)") == (("E10", "E10"), ("E11", "E11"))
    assert code_refs("coma NOS (NKHHC)") == ()


def test_validity_for_a_code_that_became_a_header() -> None:
    before = validity("G35", FY25)
    assert before.status == "valid" and before.release == "FY2025"
    assert before.note.startswith("from 2025-10-01 (FY2026) it is a header: use G35A")
    assert "deleted from 2025-10-01 (FY2026): use S3011XA" in validity("S30.1XXA", FY25).note
    assert validity("E11.9", FY25).note == ""
    after = validity("G35", FY26)
    assert after.status == "not_billable" and after.release == "FY2026"
    assert {"G35A", "G35D"} <= set(after.successors)


def test_validity_not_yet_valid_and_deleted() -> None:
    early = validity("E11.A", FY25)
    assert early.status == "not_yet_valid"
    assert "FY2026" in early.note
    assert validity("E11.A", FY26).ok
    gone = validity("S30.1XXA", FY26)
    assert gone.status == "deleted"
    assert gone.successors == ("S3011XA", "S3012XA", "S3013XA")
    assert validity("S30.1XXA", FY25).ok


def test_validity_unknown_and_out_of_window() -> None:
    assert validity("ZZZ.9", FY26).status == "unknown"
    assert validity("E11.9", date(2019, 1, 1)).status == "unknown"
    late = validity("E11.9", date(2026, 11, 2))
    assert late.ok and "no release is built" in late.note
    with pytest.raises(ReleaseNotFound):
        icd10cm(date(2019, 1, 1))


def test_parse_tabular_reads_a_cms_layout_file(tmp_path) -> None:
    xml = tmp_path / "tab.xml"
    xml.write_text(
        """<?xml version="1.0"?><ICD10CM.tabular><version>2099</version>
        <chapter><name>1</name><desc>Things (A00-A01)</desc>
        <excludes2><note>other things (B00-B09)</note></excludes2>
        <section id="A00-A01"><desc>Thing group (A00-A01)</desc>
        <diag><name>A00</name><desc>Thing</desc>
          <sevenChrNote><note>Add a 7th character</note></sevenChrNote>
          <sevenChrDef><extension char="A">initial encounter</extension></sevenChrDef>
          <diag><name>A00.1</name><desc>Thing one</desc>
            <inclusionTerm><note>Thing alpha</note></inclusionTerm></diag>
        </diag></section></chapter></ICD10CM.tabular>"""
    )
    data = parse_tabular(xml)
    release = Icd10cmRelease("FY2099", date(2098, 10, 1), None, data)
    assert release.get("A00-A01").description == "Thing group"
    assert release.get("A00.1XXA").billable
    assert release.get("A00.1XXA").excludes2 == ("other things (B00-B09)",)
    assert release.get("A00.1").inclusion_terms == ("Thing alpha",)
    assert not release.is_billable("A00.1")
