"""Mid-year ICD-10-CM updates: codes added or deleted between October releases are valid
from their own effective dates, in the validity check and in the scrubber.

Three small releases (the fiscal years 2020 to 2022, with a few codes each, in our own
words) are built in a data directory of their own; the addenda are the real codes and
dates of CMS's April 2020, January 2021 and April 2022 updates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.claim import loads
from medbill.core.codesets import (
    AddendaError,
    icd10cm,
    import_icd10cm_addenda,
    import_tabular,
    read_addenda,
    reset_cache,
    validity,
)
from medbill.core.codesets.build import steps
from medbill.core.scrubber import References, Scrubber
from x12_claims import BASE

SAMPLE = Path(__file__).parent / "data" / "icd10cm_addenda_sample.csv"

# Each October release: its window and codes as (code, title, billable), in our words.
FY2020 = [
    ("Z20", "Contact with communicable diseases", False),
    ("Z20.8", "Contact with other communicable diseases", False),
    ("Z20.828", "Contact with other viral diseases", True),
    ("Z28", "Immunization not carried out", False),
    ("Z28.3", "Underimmunization", True),
    ("J12", "Viral pneumonia", False),
    ("J12.8", "Other viral pneumonia", False),
    ("J12.89", "Other viral pneumonia", True),
]
FY2021 = [*FY2020, ("U07", "Emergency use", False), ("U07.1", "Coronavirus disease 2019", True)]
FY2022 = [
    *FY2021,
    ("Z20.822", "Contact with coronavirus disease 2019", True),
    ("J12.82", "Pneumonia due to coronavirus disease 2019", True),
]
RELEASES = {
    "TEST2020": ((date(2019, 10, 1), date(2020, 9, 30)), FY2020),
    "TEST2021": ((date(2020, 10, 1), date(2021, 9, 30)), FY2021),
    "TEST2022": ((date(2021, 10, 1), date(2022, 9, 30)), FY2022),
}


def tabular(codes: list[tuple[str, str, bool]]) -> str:
    """Tabular XML nesting each code under the longest other code it starts with."""

    def key(code: str) -> str:
        return code.replace(".", "")

    children: dict[str | None, list[tuple[str, str]]] = {}
    for code, title, _ in codes:
        parents = [c for c, _, _ in codes if c != code and key(code).startswith(key(c))]
        parent = max(parents, key=len) if parents else None
        children.setdefault(parent, []).append((code, title))

    def diag(code: str, title: str) -> str:
        inner = "".join(diag(c, t) for c, t in children.get(code, []))
        return f"<diag><name>{code}</name><desc>{title}</desc>{inner}</diag>"

    body = "".join(diag(c, t) for c, t in children[None])
    return (
        "<?xml version='1.0'?><ICD10CM.tabular><version>test</version><chapter>"
        "<name>1</name><desc>Test chapter (A00-Z99)</desc><section id='A00-Z99'>"
        f"<desc>Test section (A00-Z99)</desc>{body}</section></chapter>"
        "</ICD10CM.tabular>"
    )


@pytest.fixture
def releases(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    reset_cache()
    for name, ((start, end), codes) in RELEASES.items():
        xml = tmp_path / f"{name}.xml"
        xml.write_text(tabular(codes))
        import_tabular(xml, name, start, end)
    yield tmp_path
    reset_cache()


def test_the_fixture_releases_hold_their_codes(releases):
    assert icd10cm(date(2020, 1, 1)).is_billable("Z20828")
    assert icd10cm(date(2020, 1, 1)).is_billable("Z283")
    assert "U071" not in icd10cm(date(2020, 1, 1))
    assert icd10cm(date(2022, 1, 1)).is_billable("Z20822")


def test_without_the_addenda_a_mid_year_code_waits_for_the_next_october(releases):
    assert validity("U07.1", date(2020, 5, 1)).status == "not_yet_valid"
    assert validity("Z20.822", date(2021, 1, 5)).status == "not_yet_valid"
    assert validity("Z28.3", date(2022, 4, 2)).ok


def test_codes_added_mid_year_are_valid_from_their_own_date(releases):
    assert "7 mid-year change(s)" in import_icd10cm_addenda(SAMPLE)
    assert validity("U07.1", date(2020, 3, 31)).status == "not_yet_valid"
    assert validity("U07.1", date(2020, 4, 1)).ok
    assert validity("U07.1", date(2020, 4, 1)).release == "TEST2020"
    early = validity("Z20.822", date(2020, 12, 31))
    assert early.status == "not_yet_valid" and "valid from 2021-01-01" in early.note
    assert validity("Z20.822", date(2021, 1, 1)).ok
    assert validity("J12.82", date(2021, 1, 5)).ok
    assert validity("J12.82", date(2020, 12, 5)).status == "not_yet_valid"
    assert validity("Z20.822", date(2022, 1, 5)).ok  # in the next October's release


def test_a_code_deleted_mid_year_is_valid_until_the_day_before(releases):
    import_icd10cm_addenda(SAMPLE)
    assert validity("Z28.3", date(2022, 3, 31)).ok
    after = validity("Z28.3", date(2022, 4, 1))
    assert after.status == "not_billable"
    assert set(after.successors) == {"Z28310", "Z28311", "Z2839"}
    assert "valid until 2022-03-31" in after.note
    assert validity("Z28.310", date(2022, 3, 31)).status == "not_yet_valid"
    assert validity("Z28.310", date(2022, 4, 1)).ok


def test_importing_again_changes_nothing(releases):
    import_icd10cm_addenda(SAMPLE)
    assert "already imported" in import_icd10cm_addenda(SAMPLE)
    assert validity("U07.1", date(2020, 4, 1)).ok


def test_an_addendum_for_a_date_no_release_covers_is_kept_and_said(releases, tmp_path):
    later = tmp_path / "april2023.csv"
    later.write_text("code,action,effective,description\nD13.91,add,2023-04-01,\n")
    assert "no built release in force on 2023-04-01" in import_icd10cm_addenda(later)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("code,action,effective\nU07.1,added,2020-04-01\n", "line 2: action must be add or delete"),
        ("code,action,effective\nU07.1,add,04/01/2020\n", "line 2: effective must be a date"),
        ("code,action,effective\n# a comment\nU0,add,2020-04-01\n", "line 3: 'U0' is not"),
        ("code,action,effective\nU07.1,add,2020-04-01\nU071,add,2020-04-01\n", "listed twice"),
        ("U07.1,add,2020-04-01\n", "line 1: the first line must be"),
    ],
)
def test_a_malformed_addenda_file_names_the_line(text, problem):
    with pytest.raises(AddendaError, match=problem):
        read_addenda(text, "a.csv")


def scrub(dx: str, day: str) -> list[str]:
    data = {
        **BASE,
        "date_of_service": day,
        "submission_date": "2022-06-01",
        "diagnoses": [dx],
        "lines": [{**BASE["lines"][0], "dx_pointers": [1]}],
    }
    (claim,) = loads(__import__("json").dumps(data))
    scrubber = Scrubber(References(icd=icd10cm), today=date(2022, 6, 1))
    return [f.message for f in scrubber.findings(claim) if f.code.startswith("DX")]


def test_the_scrubber_judges_a_mid_year_code_by_the_date_of_service(releases):
    import_icd10cm_addenda(SAMPLE)
    (before,) = scrub("Z20822", "2020-12-15")
    assert before.startswith("DX002") and "not yet valid" in before
    assert scrub("Z20822", "2021-01-04") == []
    assert scrub("U071", "2020-04-02") == []
    (gone,) = scrub("Z283", "2022-04-04")
    assert gone.startswith("DX002") and "deleted" in gone
    assert scrub("Z283", "2022-03-30") == []


def test_the_command_line_imports_addenda(releases, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["codesets", "import", "icd10cm-addenda", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "7 mid-year change(s)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("code,action,effective\nZ20.822,add,2021-13-01\n")
    result = runner.invoke(app, ["codesets", "import", "icd10cm-addenda", str(bad)])
    assert result.exit_code == 1 and "bad.csv line 2" in result.output


def test_the_build_imports_addenda_from_the_shared_data_folder():
    assert steps().index("icd10cm-addenda") == steps().index("icd10cm") + 1
