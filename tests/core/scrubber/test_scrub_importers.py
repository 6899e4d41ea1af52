"""Importing the CMS MUE, add-on, PTP and MCE files; storing and picking releases by date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medbill.core.scrubber.build import build_scrub_tables, import_and_store
from medbill.core.scrubber.importers import (
    ImportError_,
    import_aoc,
    import_file,
    import_mce,
    import_mue,
    import_ptp,
)
from medbill.core.scrubber.refdata import (
    FAR_FUTURE,
    MueTable,
    Releases,
    load_releases,
    quarter_of,
    quarter_start,
    save_table,
)
from shared_data import shared_data_with, shared_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ncci"


def test_quarters() -> None:
    assert quarter_of(date(2026, 4, 1)) == "2026Q2"
    assert quarter_of(date(2026, 12, 31)) == "2026Q4"
    assert quarter_start("2026Q3") == date(2026, 7, 1)
    with pytest.raises(ValueError):
        quarter_start("2026-3")


def test_mue_from_the_shared_json_reads_the_mai_from_the_description() -> None:
    table = import_mue(shared_path("cms/mue") / "mue_practitioner.json")
    # the file says Eff_04-01-2026 although its rows say 2026-03-31
    assert (table.quarter, table.effective_from) == ("2026Q2", date(2026, 4, 1))
    assert len(table.values) == 15095
    assert table.values["99213"][:2] == (2, 3)
    assert table.values["83036"][:2] == (1, 2)
    assert table.values["A6460"][:2] == (1, 1)
    assert "99201" not in table.values


def test_mue_from_the_cms_csv_layout() -> None:
    table = import_mue(FIXTURES / "MCR_MUE_PractitionerServices_Eff_07-01-2026_sample.csv")
    assert table.quarter == "2026Q3"
    assert table.values["A6460"][:2] == (1, 1)
    assert table.values["17003"] == (
        13,
        2,
        "Date of Service Edit: Policy|Code Descriptor / CPT Instruction",
    )


def test_aoc_from_the_shared_json() -> None:
    table = import_aoc(shared_path("cms/ncci-aoc") / "ncci_aoc_edits.json")
    assert table.quarter == "2026Q3"
    kind, primaries = table.addons["17003"]
    assert kind == 1 and "17000" in primaries
    assert table.addons["0054T"][0] == 2 and "CCCCC" in table.addons["0054T"][1]
    assert "CCCCC" not in table.codes()


def test_aoc_from_the_cms_text_layout() -> None:
    table = import_aoc(FIXTURES / "AOC_V2026Q3-F-MCR_sample.txt")
    assert table.addons["17003"] == (1, {"17000": (date(2013, 4, 1), FAR_FUTURE)})
    assert table.addons["11045"][1]["11042"] == (date(2013, 4, 1), date(2025, 10, 1))


def test_ptp_from_the_cms_layout() -> None:
    table = import_ptp(FIXTURES / "ccipra_v321r0_f1.txt")
    assert (table.quarter, table.effective_from) == ("2026Q2", date(2026, 4, 1))
    assert table.pairs[("93000", "93010")] == (date(1996, 1, 1), FAR_FUTURE, "0")
    assert table.pairs[("12001", "11000")][1] == date(2024, 1, 1)
    assert table.pairs[("20610", "99213")][2] == "1"


def test_ptp_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "ccipra_v321r0_f1.txt"
    bad.write_text("Column 1\tColumn 2\n11042\t97597\t \t20130101\t*\t7\tx\n")
    with pytest.raises(ImportError_, match=r"line 2: modifier indicator '7'"):
        import_ptp(bad)
    empty = tmp_path / "ptp_2026Q2.txt"
    empty.write_text("nothing here\n")
    with pytest.raises(ImportError_, match="no PTP rows"):
        import_ptp(empty)


def test_quarter_is_required_when_the_name_does_not_tell(tmp_path: Path) -> None:
    f = tmp_path / "pairs.txt"
    f.write_text("11042\t97597\t \t20130101\t*\t1\tx\n")
    with pytest.raises(ImportError_, match="pass it"):
        import_ptp(f)
    assert import_ptp(f, "2025Q4").effective_from == date(2025, 10, 1)


def test_mce_lists() -> None:
    fy26 = import_mce(shared_path("cms/mce") / "mce_edits.json")
    v37 = import_mce(shared_path("cms/mce") / "MCE_Simple_Code_Edits_v37.txt")
    assert (fy26.quarter, fy26.effective_from) == ("FY2026", date(2025, 10, 1))
    assert (v37.quarter, v37.effective_from) == ("FY2020", date(2019, 10, 1))
    assert "Z3801" in fy26.lists["newborn"] and "O0901" in fy26.lists["maternity"]
    assert "male" not in fy26.lists  # CMS dropped the sex edit
    assert "N400" in v37.lists["male"]
    merged = fy26.merged(v37)
    assert merged.sex_version == "FY2020" and "N400" in merged.lists["male"]
    assert merged.lists["newborn"] == fy26.lists["newborn"]


def test_unknown_kind_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="unknown table"):
        import_file("ncd", tmp_path / "x")
    bad = tmp_path / "MUE_Eff_04-01-2026.json"
    bad.write_text('[{"code": "99213", "mue_value": 2, "description": "x"}]')
    with pytest.raises(ImportError_, match="row 1: MUE adjudication indicator"):
        import_mue(bad)


def test_store_and_pick_the_release_in_force(tmp_path: Path) -> None:
    q2 = MueTable("2026Q2", date(2026, 4, 1), "q2", {"99213": (2, 3, "")})
    q3 = MueTable("2026Q3", date(2026, 7, 1), "q3", {"99213": (3, 3, "")})
    save_table(q3, tmp_path)
    save_table(q2, tmp_path)
    releases = load_releases("mue", tmp_path)
    assert [t.quarter for t in releases.tables] == ["2026Q2", "2026Q3"]
    assert releases.for_date(date(2026, 5, 1)).values["99213"][0] == 2
    assert releases.for_date(date(2026, 8, 1)).values["99213"][0] == 3
    assert releases.for_date(date(2025, 1, 1)).quarter == "2026Q2"  # the oldest carries back
    assert releases.for_date(None).quarter == "2026Q3"
    assert not Releases([])
    assert load_releases("ptp", tmp_path).newest is None


def test_build_step_imports_the_shared_files_once(tmp_path: Path) -> None:
    shared = shared_data_with("cms/mue", "cms/ncci-aoc", "cms/mce")

    class Context:
        data_dir = tmp_path
        shared_data_dir = shared

    first = build_scrub_tables(Context())
    assert "mue 2026Q2" in first and "aoc 2026Q3" in first and "mce FY2026" in first
    second = build_scrub_tables(Context())
    assert "(current)" in second and "mue 2026Q2" not in second
    assert load_releases("mue", tmp_path).newest.values["99213"][0] == 2
    table, imported = import_and_store("ptp", FIXTURES / "ccipra_v321r0_f1.txt", root=tmp_path)
    assert imported and load_releases("ptp", tmp_path).newest.pairs == table.pairs
