"""Code sets in the database: fee schedule import, HCPCS import, the codes API and search page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.codesets.feeschedule import FeeScheduleError, read_fee_schedule
from medbill.core.codesets.hcpcs import read_hcpcs_fixed_width
from medbill.web.coding.codesets import import_fee_schedule, import_hcpcs_rows
from medbill.web.coding.models import HcpcsCode
from medbill.web.practice.models import AuditEvent, FeeSchedule, FeeScheduleEntry
from shared_data import need_built, shared_path

SAMPLE = Path(__file__).parents[1] / "core" / "data" / "hcpcs_fixed_width_sample.txt"

FEES = """code,description,price,effective_from,effective_to,modifier
99214,Office visit for an established patient: moderate,185.00,2026-01-01,,
93000,Heart tracing with reading and report,"$1,045.50",2026-01-01,2026-12-31,
93000,Heart tracing: reading and report only,20.00,2026-01-01,,26
J1100,Dexamethasone by injection (per mg),4.00,2026-01-01,,
"""


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    ensure_icd10cm()


def test_fee_schedule_import_is_atomic_and_idempotent(world, tmp_path) -> None:
    path = tmp_path / "fees.csv"
    path.write_text(FEES)
    rows = read_fee_schedule(path)
    schedule, counts = import_fee_schedule(world.a.practice, rows, name="2026 charges")
    assert (counts.created, counts.updated, counts.unchanged) == (4, 0, 0)
    entries = FeeScheduleEntry.objects.filter(fee_schedule=schedule)
    assert entries.get(code="93000", modifier="").price == Decimal("1045.50")
    assert entries.get(code="93000", modifier="26").description.endswith("report only")
    assert entries.get(code="J1100").code_system == "HCPCS"
    assert schedule.effective_from == datetime.date(2026, 1, 1)
    _, again = import_fee_schedule(world.a.practice, rows, name="2026 charges")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    path.write_text(FEES.replace("185.00", "190.00"))
    _, changed = import_fee_schedule(world.a.practice, read_fee_schedule(path), name="2026 charges")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    assert entries.get(code="99214").price == Decimal("190.00")
    assert AuditEvent.objects.filter(
        object_type="practice.FeeScheduleEntry", action="update"
    ).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,description,price,effective_from\n9921,x,1,2026-01-01\n", "row 2, column 'code'"),
        ("code,description,price,effective_from\n99213,,1,2026-01-01\n", "row 2, column 'desc"),
        ("code,description,price,effective_from\n99213,x,abc,2026-01-01\n", "column 'price'"),
        ("code,description,price,effective_from\n99213,x,-1,2026-01-01\n", "'price': negative"),
        ("code,description,price,effective_from\n99213,x,1,01/02/2026\n", "'effective_from'"),
        ("code,description,effective_from\n99213,x,2026-01-01\n", "column 'price' is missing"),
        (
            "code,description,price,effective_from\n99213,x,1,2026-01-01\n99213,y,2,2026-01-01\n",
            "row 3, column 'code': 99213 from 2026-01-01 is already on row 2",
        ),
    ],
)
def test_fee_schedule_errors_name_row_and_column(text, message) -> None:
    import io

    with pytest.raises(FeeScheduleError, match=message.replace("(", r"\(")):
        read_fee_schedule(io.StringIO(text))


def test_feeschedule_cli_imports_and_rejects_bad_files(world, tmp_path) -> None:
    path = tmp_path / "fees.csv"
    path.write_text(FEES)
    runner = CliRunner()
    done = runner.invoke(app, ["feeschedule", "import", str(path), "--practice", "CVFP"])
    assert done.exit_code == 0, done.output
    assert "4 added, 0 changed, 0 unchanged" in done.output
    again = runner.invoke(app, ["feeschedule", "import", str(path), "--practice", "CVFP"])
    assert "0 added, 0 changed, 4 unchanged" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text(FEES + "99215,Long visit,not-money,2026-01-01,,\n")
    before = FeeScheduleEntry.objects.count()
    failed = runner.invoke(app, ["feeschedule", "import", str(bad), "--practice", "CVFP"])
    assert failed.exit_code == 1
    assert "row 6, column 'price'" in failed.output
    assert FeeScheduleEntry.objects.count() == before
    assert (
        FeeSchedule.objects.filter(practice=world.b.practice, name="Standard charges").count() == 0
    )


def test_hcpcs_rows_load_into_the_database(db) -> None:
    codes = list(read_hcpcs_fixed_width(SAMPLE))
    counts = import_hcpcs_rows(codes, SAMPLE.name)
    assert (counts.created, counts.updated, counts.unchanged) == (6, 0, 0)
    row = HcpcsCode.objects.get(code="GD")
    assert row.kind == "modifier" and row.termination_date == datetime.date(2019, 12, 31)
    assert row.long_description.endswith("and necessary services")
    assert import_hcpcs_rows(codes, SAMPLE.name).unchanged == 6


def test_hcpcs_real_file_into_the_database(db) -> None:
    from medbill.core.codesets.hcpcs import read_hcpcs

    codes = read_hcpcs(shared_path("cms/hcpcs") / "HCPC2025_OCT_ANWEB.xlsx")
    counts = import_hcpcs_rows(codes, "HCPC2025_OCT_ANWEB.xlsx")
    assert counts.created == 8846
    assert HcpcsCode.objects.get(code="J1100").betos == "O1E"


def test_api_search_finds_codes_and_the_practice_fee_schedule(world, api_client_for) -> None:
    client = api_client_for(world.users["coder"])
    found = client.get("/api/codes/search", {"q": "t2dm with ckd", "limit": 3})
    assert found.status_code == 200
    first = found.json()[0]
    assert first["code"] == "E11.22" and first["matched"] == ["t2dm", "with", "ckd"]
    own = client.get("/api/codes/search", {"q": "rapid strep test", "system": "cpt"}).json()
    assert own[0]["code"] == "87880" and own[0]["system"] == "cpt"
    # practice B's fee schedule is not searched for a user of practice A
    other = client.get(
        "/api/codes/search", {"q": "rapid strep", "system": "cpt", "practice": world.b.practice.pk}
    )
    assert other.json() == []
    dated = client.get("/api/codes/search", {"q": "G35", "date": "2025-06-01", "limit": 1})
    assert dated.json()[0]["billable"] is True
    bad = client.get("/api/codes/search", {"q": "x", "system": "snomed"})
    assert bad.status_code == 422 and "snomed" in bad.json()["error"]


def test_api_icd10cm_code_with_notes_and_validity(world, api_client_for) -> None:
    client = api_client_for(world.users["biller"])
    body = client.get("/api/codes/icd10cm/e11.22").json()
    assert body["dotted"] == "E11.22" and body["status"] == "valid"
    assert any(n["text"] == "type 1 diabetes mellitus (E10.-)" and n["source"] == "E11"
               for n in body["excludes1"])  # fmt: skip
    header = client.get("/api/codes/icd10cm/G35", {"date": "2025-11-01"}).json()
    assert header["status"] == "not_billable" and "G35.D".replace(".", "") in header["successors"]
    gone = client.get("/api/codes/icd10cm/S30.1XXA", {"date": "2025-11-01"})
    assert gone.status_code == 404 and "deleted" in gone.json()["error"]
    assert client.get("/api/codes/icd10cm/E11.22", {"date": "2019-01-01"}).status_code == 404
    assert api_client_for(world.nobody).get("/api/codes/search", {"q": "htn"}).status_code == 200


def test_api_needs_a_user(db, client) -> None:
    assert client.get("/api/codes/search", {"q": "htn"}).status_code == 401


def test_search_page_renders_results_without_javascript(world, client_for) -> None:
    page = client_for(world.users["coder"]).get("/codes/", {"q": "left knee pain"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "M25.562" in html and "Pain in left knee" in html
    assert 'data-code-search="/api/codes/search"' in html
    assert "code-search.js" in html
    own = client_for(world.users["coder"]).get("/codes/", {"q": "blood draw", "system": "cpt"})
    assert "36415" in own.content.decode()
    assert client_for(world.nobody).get("/codes/").status_code in (302, 403)


def test_codesets_import_hcpcs_cli_loads_table_index_and_database(db, tmp_path, monkeypatch):
    from medbill.core.codesets import reset_cache
    from medbill.core.codesets.hcpcs import hcpcs, reset_hcpcs_cache
    from medbill.core.codesets.search import reset_search_index, search

    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    for reset in (reset_cache, reset_hcpcs_cache, reset_search_index):
        reset()
    try:
        result = CliRunner().invoke(app, ["codesets", "import", "hcpcs", str(SAMPLE)])
        assert result.exit_code == 0, result.output
        assert "HCPCS 6 codes" in result.output and "database: 6 added" in result.output
        assert hcpcs().get("G0136").long_description.endswith("assessment tool, 5-15 minutes")
        assert (
            search("social determinants of health risk assessment", systems=["hcpcs"])[0].code
            == "G0136"
        )
        assert HcpcsCode.objects.count() == 6
        bad = tmp_path / "bad.txt"
        bad.write_text("J1100 short\n")
        failed = CliRunner().invoke(app, ["codesets", "import", "hcpcs", str(bad)])
        assert failed.exit_code == 1 and "line 1" in failed.output
    finally:
        for reset in (reset_cache, reset_hcpcs_cache, reset_search_index):
            reset()


def test_api_hcpcs_code(world, api_client_for) -> None:
    need_built("hcpcs")
    client = api_client_for(world.users["biller"])
    body = client.get("/api/codes/hcpcs/j1100", {"date": "2025-10-01"}).json()
    assert body["long_description"] == "Injection, dexamethasone sodium phosphate, 1 mg"
    assert body["betos"] == "O1E" and body["valid"] is True
    old = client.get("/api/codes/hcpcs/GD", {"date": "2020-06-01"}).json()
    assert old["kind"] == "modifier" and old["valid"] is False
    assert client.get("/api/codes/hcpcs/ZZZZZ").status_code == 404


def test_codes_search_cli_includes_the_practice_fee_schedule(world) -> None:
    import json

    runner = CliRunner()
    args = ["codes", "search", "rapid strep test", "--system", "cpt", "--json"]
    alone = runner.invoke(app, args)
    assert alone.exit_code == 0 and json.loads(alone.output) == []
    with_practice = runner.invoke(app, [*args, "--practice", "CVFP"])
    assert with_practice.exit_code == 0, with_practice.output
    hits = json.loads(with_practice.output)
    assert hits[0]["code"] == "87880" and hits[0]["description"] == "Rapid strep test"
    assert runner.invoke(app, [*args, "--practice", "NOPE"]).exit_code == 2
