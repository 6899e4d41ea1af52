"""Code lists in our own words, CPT shapes, CARC/RARC and licensed CPT importers, build steps."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from medbill.core.codesets import build as build_module
from medbill.core.codesets._adjustments import AdjustmentCsvError
from medbill.core.codesets.cpt import CptFileError, cpt_shape, read_licensed_cpt
from medbill.core.codesets.lists import (
    ABBREVIATIONS,
    CARC,
    CLAIM_FILING_INDICATORS,
    FREQUENCY_CODES,
    MODIFIERS,
    PLACES_OF_SERVICE,
    RARC,
    RELATIONSHIP_CODES,
    load_adjustment_csv,
)
from shared_data import shared_path

REQUIRED_MODIFIERS = (
    "25 26 TC 50 51 52 57 59 XE XS XP XU 76 77 79 91 LT RT E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 "
    "F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 GA GY GZ KX QW 95 GT 33"
)


def test_required_modifiers_are_described() -> None:
    missing = [m for m in REQUIRED_MODIFIERS.split() if m not in MODIFIERS]
    assert missing == []
    assert all(text and text[0].isupper() for text in MODIFIERS.values())


def test_places_of_service_cover_the_cms_list_and_newer_codes() -> None:
    published = json.loads((shared_path("cms/pos") / "pos_codes.json").read_text())["codes"]
    assert set(published) <= set(PLACES_OF_SERVICE)
    assert PLACES_OF_SERVICE["27"].startswith("Outreach")
    assert "opioid" in PLACES_OF_SERVICE["58"].lower()
    assert PLACES_OF_SERVICE["11"] == "Office"


def test_claim_code_lists() -> None:
    assert set(FREQUENCY_CODES) >= {"1", "7", "8"}
    assert RELATIONSHIP_CODES["18"] == "Self"
    assert {"01", "19", "20", "21", "G8"} <= set(RELATIONSHIP_CODES)
    assert {"MB", "MC", "CI", "BL", "HM", "12", "WC", "ZZ"} <= set(CLAIM_FILING_INDICATORS)
    assert {"1", "2", "3", "45", "16", "50", "97", "CO"} - set(CARC) == {"CO"}  # CO is a group
    assert {"N130", "M15", "MA130"} <= set(RARC)


def test_abbreviation_lexicon_covers_what_coders_write() -> None:
    wanted = (
        "t2dm htn ckd chf hfref copd afib cad mi uti uri gerd bph oa ra dvt pe osa adhd mdd gad"
    )
    assert [a for a in wanted.split() if a not in ABBREVIATIONS] == []
    assert {"s/p", "h/o", "f/u"} <= set(ABBREVIATIONS)


@pytest.mark.parametrize(
    ("code", "shape"),
    [
        ("99213", "category1"),
        ("3074F", "category2"),
        ("0042t", "category3"),
        ("0001U", "pla"),
        (" 99213 ", "category1"),
        ("9921", None),
        ("J1100", None),
        ("99213F", None),
        ("ABCDE", None),
    ],
)
def test_cpt_shapes(code: str, shape: str | None) -> None:
    assert cpt_shape(code) == shape


def test_carc_csv_import_and_errors() -> None:
    full = load_adjustment_csv(io.StringIO("Code,Description\n45,Over the fee schedule\nB7,x\n"))
    assert full == {"45": "Over the fee schedule", "B7": "x"}
    with pytest.raises(AdjustmentCsvError, match="column 'description' is missing"):
        load_adjustment_csv(io.StringIO("code,text\n1,a\n"))
    with pytest.raises(AdjustmentCsvError, match="row 3, column 'description': empty"):
        load_adjustment_csv(io.StringIO("code,description\n1,a\n2,\n"))


def test_licensed_cpt_file(tmp_path: Path) -> None:
    good = tmp_path / "cpt.csv"
    good.write_text("code,description,effective_from\n99213,Our words,2025-01-01\n")
    assert read_licensed_cpt(good)[0][:2] == ("99213", "Our words")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,description\n9921,Too short\n")
    with pytest.raises(CptFileError, match="row 2, column 'code'"):
        read_licensed_cpt(bad)
    dated = tmp_path / "dated.csv"
    dated.write_text("code,description,effective_to\n99213,x,31/12/2025\n")
    with pytest.raises(CptFileError, match="row 2, column 'effective_to'"):
        read_licensed_cpt(dated)


def test_build_steps_register_once() -> None:
    assert build_module.steps()[:5] == [
        "icd10cm",
        "icd10cm-addenda",
        "hcpcs",
        "icd10cm-index",
        "search",
    ]
    with pytest.raises(ValueError, match="registered twice"):
        build_module.register("icd10cm", "medbill.core.codesets.build:build_icd10cm")
    with pytest.raises(build_module.BuildError, match="unknown build step"):
        build_module.build(["nope"])


def test_full_adjustment_lists_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from medbill.core.codesets._adjustments import adjustment_codes, import_adjustment_csv

    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    path = tmp_path / "carc.csv"
    path.write_text("code,description,start_date\n45,Long official wording,\n300,New code,\n")
    assert import_adjustment_csv("carc", path) == 2
    codes = adjustment_codes("carc")
    assert codes["300"] == "New code"
    assert codes["45"] == CARC["45"]  # our shorter wording wins where we have one
    assert "N130" in adjustment_codes("rarc")
    with pytest.raises(ValueError, match="kind"):
        import_adjustment_csv("remarks", path)
