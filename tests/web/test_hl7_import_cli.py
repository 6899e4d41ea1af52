"""``medbill hl7 import`` as a biller runs it: a file of messages in, one line per message
naming its control id, the exit status telling whether anything was left undone."""

from __future__ import annotations

from test_hl7_intake import adt, dft, ehr_patients
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.frontdesk.models import Visit
from medbill.web.interfaces.models import InboundMessage


def lines(output: str) -> dict[str, str]:
    return {line.split(": ")[1].split()[1]: line for line in output.splitlines() if ": " in line}


def test_it_imports_once_and_says_so(world, tmp_path):
    path = tmp_path / "feed.hl7"
    # LF line ends and a byte-order mark, as EHR exports often are.
    path.write_bytes(("\ufeff" + adt("ADT-C1") + dft("DFT-C1")).replace("\r", "\n").encode())
    runner = CliRunner()
    first = runner.invoke(app, ["hl7", "import", str(path), "--practice", "CVFP"])
    assert first.exit_code == 0, first.output
    said = lines(first.output)
    assert said["ADT-C1"].endswith("ADT^A04 ADT-C1: accepted")
    assert said["DFT-C1"].endswith("DFT^P03 DFT-C1: accepted")
    assert ehr_patients(world.a.practice).count() == 1
    assert Visit.objects.filter(patient__in=ehr_patients(world.a.practice)).count() == 1

    again = runner.invoke(app, ["hl7", "import", str(path), "--practice", "CVFP"])
    assert again.exit_code == 0, again.output
    assert all("already received" in line for line in lines(again.output).values())
    assert InboundMessage.objects.filter(practice=world.a.practice).count() == 2
    assert Visit.objects.filter(patient__in=ehr_patients(world.a.practice)).count() == 1


def test_a_held_message_fails_the_run_with_its_reason(world, tmp_path):
    path = tmp_path / "icd9.hl7"
    path.write_text(adt("ADT-C2") + dft("DFT-C2", dx="487.1^Influenza^I9"))
    result = CliRunner().invoke(app, ["hl7", "import", str(path), "--practice", "CVFP"])
    assert result.exit_code == 1, result.output
    said = lines(result.output)
    assert said["ADT-C2"].endswith("accepted")
    assert "DFT^P03 DFT-C2: held: " in said["DFT-C2"]
    assert "'487.1' is coded in ICD-9-CM" in said["DFT-C2"]
    assert InboundMessage.objects.get(control_id="DFT-C2").status == "held"


def test_another_message_under_a_used_control_id_is_refused(world, tmp_path):
    runner = CliRunner()
    first, second = tmp_path / "a.hl7", tmp_path / "b.hl7"
    first.write_text(adt("SAME-1"))
    second.write_text(dft("SAME-1"))
    assert runner.invoke(app, ["hl7", "import", str(first), "--practice", "CVFP"]).exit_code == 0
    result = runner.invoke(app, ["hl7", "import", str(second), "--practice", "CVFP"])
    assert result.exit_code == 1
    assert "DFT^P03 SAME-1: refused: MSH-10 control id SAME-1 was already used" in result.output
    assert not Visit.objects.filter(patient__in=ehr_patients(world.a.practice)).exists()
    row = InboundMessage.objects.get(control_id="SAME-1")
    assert row.message_type == "ADT^A04" and "DFT" not in row.raw


def test_a_file_that_is_not_hl7_is_refused(world, tmp_path):
    path = tmp_path / "junk.hl7"
    path.write_text("hello")
    result = CliRunner().invoke(app, ["hl7", "import", str(path), "--practice", "CVFP"])
    assert result.exit_code == 1 and "junk.hl7: refused" in result.output
    wrong = CliRunner().invoke(app, ["hl7", "import", str(path), "--practice", "NOPE"])
    assert wrong.exit_code == 2 and "short code" in wrong.output
