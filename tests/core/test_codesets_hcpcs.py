"""HCPCS Level II: the CMS workbook, the fixed-width text layout, continuation records, dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medbill.core.codesets.build import import_hcpcs_file
from medbill.core.codesets.hcpcs import (
    HcpcsFormatError,
    HcpcsTable,
    hcpcs,
    read_hcpcs,
    read_hcpcs_fixed_width,
    reset_hcpcs_cache,
)
from shared_data import shared_path

SAMPLE = Path(__file__).parent / "data" / "hcpcs_fixed_width_sample.txt"


@pytest.fixture(scope="module")
def workbook() -> list:
    return read_hcpcs(shared_path("cms/hcpcs") / "HCPC2025_OCT_ANWEB.xlsx")


def test_real_workbook_has_every_code(workbook) -> None:
    table = HcpcsTable(workbook)
    assert len(table) == 8846
    assert sum(1 for c in table if c.kind == "modifier") == 383
    dex = table.get("j1100")
    assert dex.long_description == "Injection, dexamethasone sodium phosphate, 1 mg"
    assert dex.short_description == "Dexamethasone sodium phos"
    assert dex.add_date == date(1982, 1, 1) and dex.action_date == date(2001, 1, 1)
    assert dex.termination_date is None
    assert (dex.action_code, dex.coverage, dex.betos) == ("N", "D", "O1E")
    assert table.get("GT").kind == "modifier"


def test_real_workbook_agrees_with_the_csv_copy(workbook) -> None:
    from_csv = {c.code: c for c in read_hcpcs(shared_path("cms/hcpcs") / "hcpcs_2025_oct.csv")}
    assert len(from_csv) == len(workbook)
    for code in workbook:
        other = from_csv[code.code]
        assert (code.long_description, code.add_date, code.termination_date, code.betos) == (
            other.long_description, other.add_date, other.termination_date, other.betos
        )  # fmt: skip


def test_terminated_codes_are_not_valid_after_their_last_date(workbook) -> None:
    table = HcpcsTable(workbook)
    gone = table.get("GD")
    assert gone.termination_date == date(2019, 12, 31)
    assert table.valid_on("GD", date(2019, 12, 31))
    assert not table.valid_on("GD", date(2020, 1, 1))
    assert not table.valid_on("J1100", date(1981, 12, 31))
    assert table.valid_on("J1100", date(2025, 10, 1))
    assert not table.valid_on("ZZZZZ", date(2025, 10, 1))


def test_fixed_width_reader_joins_continuation_records() -> None:
    codes = {c.code: c for c in read_hcpcs_fixed_width(SAMPLE)}
    assert list(codes) == ["GT", "GD", "E0100", "J1100", "G0136", "C9399"]
    assert codes["GD"].long_description == (
        "Units of service exceeds medically unlikely edit value and represents reasonable "
        "and necessary services"
    )
    assert codes["GD"].kind == "modifier"
    assert codes["GD"].termination_date == date(2019, 12, 31)
    assert codes["G0136"].long_description.endswith("health risk assessment tool, 5-15 minutes")
    assert codes["E0100"].betos == "D1E" and codes["E0100"].coverage == "D"
    assert codes["C9399"].action_code == "A"
    assert codes["C9399"].action_date == date(2025, 10, 1)


def test_fixed_width_matches_the_workbook_for_the_same_codes(workbook) -> None:
    table = HcpcsTable(workbook)
    for code in read_hcpcs_fixed_width(SAMPLE):
        if code.code in ("GT", "GD", "E0100", "J1100"):
            real = table.get(code.code)
            assert code.long_description == real.long_description
            assert (code.add_date, code.action_date, code.termination_date) == (
                real.add_date, real.action_date, real.termination_date
            )  # fmt: skip


def test_fixed_width_errors_name_the_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    good = SAMPLE.read_text().splitlines()[0]
    bad.write_text(good + "\n" + good[:10] + "9" + good[11:] + "\n")
    with pytest.raises(HcpcsFormatError, match=r"line 2, field record_id"):
        list(read_hcpcs_fixed_width(bad))
    orphan = tmp_path / "orphan.txt"
    orphan.write_text(SAMPLE.read_text().splitlines()[2] + "\n")
    with pytest.raises(HcpcsFormatError, match=r"line 1: continuation record for GD"):
        list(read_hcpcs_fixed_width(orphan))
    dates = tmp_path / "dates.txt"
    dates.write_text(good[:268] + "19991399" + good[276:] + "\n")
    with pytest.raises(HcpcsFormatError, match=r"line 1, field add_date"):
        list(read_hcpcs_fixed_width(dates))


def test_import_stores_a_prebuilt_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    reset_hcpcs_cache()
    try:
        assert not hcpcs().loaded
        assert import_hcpcs_file(SAMPLE) == "HCPCS 6 codes from hcpcs_fixed_width_sample.txt"
        assert import_hcpcs_file(SAMPLE).endswith("is current")
        assert hcpcs().get("J1100").betos == "O1E"
        assert hcpcs().source == "hcpcs_fixed_width_sample.txt"
    finally:
        reset_hcpcs_cache()


def test_the_loaded_table_follows_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(first))
    import_hcpcs_file(SAMPLE)
    assert hcpcs().get("J1100") is not None
    # No reset: a process that points at another data directory sees that one's table.
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(second))
    assert not hcpcs().loaded
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(first))
    assert hcpcs().get("J1100") is not None
