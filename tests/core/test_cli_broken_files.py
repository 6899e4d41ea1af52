"""Commands that read claim JSON or an 837P: a broken file is an error line, not a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.x12 import write_837p
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, claim

runner = CliRunner()

BROKEN_JSON = {
    "invalid UTF-8": (b'{"claim_id": "caf\xe9"}', "not UTF-8 text"),
    "NaN": (b'{"claim_id": "A", "lines": [{"charge": NaN}]}', "lines[0].charge"),
    "deep": (b"[" * 100_000, "nested more than 32 levels deep"),
    "huge line": (b'{"claim_id": "A", "lines": [{"line": 1E+999999999}]}', "lines[0].line"),
    "huge integer": (
        b'{"claim_id": "A", "lines": [{"line": ' + b"9" * 5000 + b"}]}",
        "lines[0].line",
    ),
    "surrogate": (b'{"claim_id": "\\udc00"}', "claim_id"),
}
COMMANDS = {
    "claims 837p": ["claims", "837p", "{file}", "-o", "{out}"],
    "claims scrub": ["claims", "scrub", "{file}"],
    "forms cms1500": ["forms", "cms1500", "{file}", "-o", "{out}"],
}


def _run(argv, file, out):
    return runner.invoke(app, [a.format(file=file, out=out) for a in argv])


def _refused_in_words(result, words: str) -> None:
    assert result.exit_code in (1, 2), result.output
    # A traceback would leave its exception here; an error line exits with SystemExit.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "error" in result.output and words in result.output.replace("\n", "")


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("case", sorted(BROKEN_JSON))
def test_broken_claim_json(command, case, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    data, words = BROKEN_JSON[case]
    file = tmp_path / "claims.json"
    file.write_bytes(data)
    _refused_in_words(_run(COMMANDS[command], file, tmp_path / "out"), words)


CLAIMS = write_837p([claim()], ENVELOPE, CONTROL, SUBMITTER, CREATED).decode()
BROKEN_837P = {
    "SBR outside its loop": (
        CLAIMS.replace("DMG*D8*19710819*M~\n", "DMG*D8*19710819*M~\nSBR*S*18~\n"),
        "SBR in loop",
    ),
    "NaN units": (CLAIMS.replace("*185*UN*1***", "*185*UN*NaN***"), "SV104"),
    "50 MB segment": (
        CLAIMS.replace("LX*1~", "NTE*" + "A" * 50_000_000 + "~LX*1~"),
        "characters long",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_837P))
def test_payer_sim_adjudicate_broken_837p(case, tmp_path):
    text, words = BROKEN_837P[case]
    source = tmp_path / "in.837"
    source.write_text(text)
    result = runner.invoke(
        app, ["payer-sim", "adjudicate", str(source), "-o", str(tmp_path / "out.835")]
    )
    _refused_in_words(result, words)
