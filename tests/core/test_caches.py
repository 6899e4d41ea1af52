"""Two data directories in one process each give their own answers.

Core keeps what it read from a data directory keyed on that directory (resolved), never on a
name that two directories can share; the suite resets those caches between tests.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_codesets_addenda import tabular

from medbill.core import caches
from medbill.core.claim import loads
from medbill.core.codesets import icd10cm, import_tabular
from medbill.core.codesets.hcpcs import HcpcsCode, hcpcs, store_hcpcs
from medbill.core.scrubber import References, Scrubber
from medbill.core.suggest import SuggestEngine
from x12_claims import BASE

# The same release name in both directories, as two practices (or a test and the suite)
# that each built "FY2026" from different files would have.
NAME = "FY2026"
WINDOW = (date(2025, 10, 1), date(2026, 9, 30))
ONE = [("J12", "Viral pneumonia", False), ("J12.8", "Other viral pneumonia", True)]
TWO = [*ONE[:1], ("J12.8", "Other viral pneumonia", False), ("J12.89", "Other", True)]


def build(root: Path, codes: list[tuple[str, str, bool]]) -> Path:
    root.mkdir()
    xml = root / "tabular.xml"
    xml.write_text(tabular(codes))
    return root / "var"


def use(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(home))
    import_tabular(home.parent / "tabular.xml", NAME, *WINDOW)


def dx_messages(dx: str) -> list[str]:
    data = {
        **BASE,
        "date_of_service": "2026-03-02",
        "submission_date": "2026-03-05",
        "diagnoses": [dx],
        "lines": [{**BASE["lines"][0], "dx_pointers": [1]}],
    }
    (claim,) = loads(json.dumps(data))
    scrubber = Scrubber(References(icd=icd10cm), today=date(2026, 3, 5))
    return [f.code for f in scrubber.findings(claim) if f.code.startswith("DX")]


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    one, two = build(tmp_path / "one", ONE), build(tmp_path / "two", TWO)
    use(monkeypatch, one)
    use(monkeypatch, two)
    return one, two


def test_the_scrubber_judges_a_code_by_the_release_of_its_own_data_directory(
    homes: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = homes
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(one))
    assert dx_messages("J128") == []  # billable in the first directory's FY2026
    assert dx_messages("J1289")[:1] == ["DX001"]  # and J12.89 is unknown there
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(two))
    assert dx_messages("J128")[:1] == ["DX003"]  # a header in the second's FY2026
    assert dx_messages("J1289") == []
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(one))
    assert dx_messages("J128") == []


def test_each_data_directory_has_its_own_hcpcs_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def code(value: str) -> HcpcsCode:
        return HcpcsCode(value, f"Supply {value}", f"Supply {value}", None, None, None, "N", "", "")

    for name, value in (("one", "A0001"), ("two", "A0002")):
        monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / name))
        store_hcpcs([code(value)], f"{name}.txt")
    for name, value in (("one", "A0001"), ("two", "A0002"), ("one", "A0001")):
        monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / name))
        assert [c.code for c in hcpcs()] == [value]


def test_the_shared_suggestion_engine_is_one_per_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medbill.core.paths import data_dir

    loaded: list[Path] = []

    def load(cls: type[SuggestEngine]) -> object:
        loaded.append(data_dir())
        return object()

    monkeypatch.setattr(SuggestEngine, "load", classmethod(load))
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "one"))
    first = SuggestEngine.shared()
    assert SuggestEngine.shared() is first
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "two"))
    second = SuggestEngine.shared()
    assert second is not first
    # The same directory by another spelling is the same directory.
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "two" / ".." / "one"))
    assert SuggestEngine.shared() is first
    assert loaded == [tmp_path / "one", tmp_path / "two"]


def test_reset_forgets_every_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "one"))
    hcpcs()
    assert (tmp_path / "one").resolve() in caches.directories()
    caches.reset()
    assert caches.directories() == set()
