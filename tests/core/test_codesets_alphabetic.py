"""The Alphabetic Index import: reading the CMS layouts, "see" references, finishing codes that
end in "-" against the Tabular, windows by date of service, and skipping a current build."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medbill.core.codesets import icd10cm
from medbill.core.codesets._alphabetic import (
    complete_code,
    import_index,
    index_for,
    read_index_csv,
    read_index_xml,
    resolve_references,
)
from medbill.core.codesets.build import ensure_icd10cm

FY2025 = date(2025, 3, 1)
FY2026 = date(2025, 11, 1)

# A few lines in the layout of the CMS Index CSV (RowID,Letter,Level,Term,See,SeeAlso,
# NonEssModif,Code), written for these tests.
INDEX_CSV = """RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code
1,A,0,Abdominalgia,"Pain, abdominal",,,
2,A,0,Ache(s),,Pain,,R52
3,A,1,stomach,"Pain, abdominal",,,
4,C,0,Colic,,,(bilious) (infantile),R10.83
5,C,1,abdominal,,,,R10.83
6,C,0,Cramp,"Pain, belly",,,
7,N,0,Nonsense,"Pain, abdominal, by site",,,
8,P,0,Pain(s),,,,R52
9,P,1,"abdominal",,,(acute),R10.9
10,P,2,lower,,,,R10.30
11,P,1,ear,,,,H92.0-
12,S,0,Soreness,Ache,,,
"""

NEOPLASM_XML = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index><version>2025</version>
<indexHeading><head col="1">Neoplasm</head><head col="2">Malignant Primary</head>
<head col="3">Malignant Secondary</head></indexHeading>
<letter><title>N</title><mainTerm><title>Neoplasm, neoplastic</title>
<cell col="2">C80.1</cell><cell col="3">C79.9</cell>
<term level="1"><title>breast<nemod>(connective tissue) (glandular tissue)</nemod></title>
<cell col="2">C50.9-</cell><cell col="3">C79.81</cell></term>
</mainTerm></letter></ICD10CM.index>
"""


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    ensure_icd10cm()


def entries(tmp_path: Path) -> list:
    path = tmp_path / "index.csv"
    path.write_text(INDEX_CSV)
    return read_index_csv(path)


def by_path(found: list, *path: str):
    return next(e for e in found if e.path == path)


def test_csv_levels_become_paths_with_nonessential_modifiers(tmp_path: Path) -> None:
    found = entries(tmp_path)
    lower = by_path(found, "Pain(s)", "abdominal", "lower")
    assert lower.code == "R10.30"
    assert lower.nemod == ("(acute)",)
    assert lower.trail == "Pain(s), abdominal, lower"
    assert by_path(found, "Colic").nemod == ("(bilious) (infantile)",)


def test_see_references_take_the_code_of_their_target(tmp_path: Path) -> None:
    found = resolve_references(entries(tmp_path))
    see = by_path(found, "Abdominalgia")
    assert (see.code, see.via) == ("R10.9", "Pain, abdominal")
    assert see.trail == "Abdominalgia (see Pain, abdominal)"
    assert by_path(found, "Ache(s)", "stomach").code == "R10.9"  # a subterm's reference
    assert by_path(found, "Soreness").code == "R52"  # main term named without its "(s)"


def test_a_reference_that_cannot_be_followed_to_the_end_names_no_code(tmp_path: Path) -> None:
    found = resolve_references(entries(tmp_path))
    assert by_path(found, "Cramp").code == ""  # "Pain, belly": no such subterm
    # a closing "by site" leaves the choice below the term to the coder: the term's code
    assert by_path(found, "Nonsense").code == "R10.9"


def test_neoplasm_table_cells_are_entries_with_their_column(tmp_path: Path) -> None:
    path = tmp_path / "neoplasm.xml"
    path.write_text(NEOPLASM_XML)
    found = read_index_xml(path, "neoplasm")
    primary = next(e for e in found if e.path[-1] == "breast" and e.column == "Malignant Primary")
    assert primary.code == "C50.9-"
    assert primary.nemod == ("(connective tissue) (glandular tissue)",)
    assert primary.trail == "Table of Neoplasms: Neoplasm, neoplastic, breast, Malignant Primary"
    assert {e.column for e in found if e.path[-1] == "breast"} == {
        "Malignant Primary",
        "Malignant Secondary",
    }


def test_a_dash_code_is_finished_from_the_tabular() -> None:
    release = icd10cm(FY2025)
    options = complete_code("C79.8-", release)
    assert options and all(c.startswith("C79.8") and release.is_billable(c) for c in options)
    assert complete_code("C50.9-", release, {"left"})[0] == "C50.912"
    assert complete_code("H92.0-", release, {"right"})[0] == "H92.01"
    assert complete_code("E11.22", release) == ["E11.22"]


def test_a_code_that_takes_a_seventh_character_gets_the_encounter() -> None:
    release = icd10cm(FY2025)
    assert complete_code("T46.4X5", release)[0] == "T46.4X5A"
    assert complete_code("T46.4X5", release, {"subsequ"})[0] == "T46.4X5D"
    assert complete_code("S93.40-", release, {"left", "sequela"})[0] == "S93.402S"


def test_codes_are_checked_against_the_release_of_the_date_of_service() -> None:
    # class 3 obesity first appears in FY2025; multiple sclerosis G35 is a header in FY2026
    assert complete_code("E66.813", icd10cm(date(2021, 3, 1))) == []
    assert complete_code("E66.813", icd10cm(FY2025)) == ["E66.813"]
    assert complete_code("G35", icd10cm(FY2025)) == ["G35"]
    later = complete_code("G35", icd10cm(FY2026))
    assert later and all(c.startswith("G35") and c != "G35" for c in later)


def test_import_is_dated_and_skipped_when_current(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "data"))
    csv_file = tmp_path / "icd10cm_index_2025.csv"
    csv_file.write_text(INDEX_CSV)
    neoplasm = tmp_path / "icd10cm_neoplasm_2025.xml"
    neoplasm.write_text(NEOPLASM_XML)
    files = {"index": csv_file, "neoplasm": neoplasm}
    summary, rebuilt = import_index(files, "FY2025", date(2024, 10, 1), date(2025, 9, 30))
    assert rebuilt and "FY2025" in summary
    assert import_index(files, "FY2025", date(2024, 10, 1), date(2025, 9, 30))[1] is False
    index = index_for(FY2025)
    assert index is not None and index.name == "FY2025"
    assert index_for(date(2024, 9, 30)) is None  # before the first built Index
    assert index_for(FY2026).name == "FY2025"  # after it: the latest that began before
    trails = [index.trail(i) for i in range(len(index))]
    assert "Abdominalgia (see Pain, abdominal)" in trails
    csv_file.write_text(INDEX_CSV.replace("R10.83", "R10.84"))
    assert import_index(files, "FY2025", date(2024, 10, 1), date(2025, 9, 30))[1] is True
