"""The ACK's ERR segments: each kind of problem answered with its HL7 table 0357 code,
where it is, its severity and its words; every ACK checked by hl7apy against the HL7
version it answers in."""

from __future__ import annotations

import datetime

import hl7 as python_hl7
import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message, parse_segment
from test_hl7_read import OWN_DFT

from medbill.core import hl7

NOW = datetime.datetime(2026, 3, 3, 12, 0)
ICD9 = "J02.0^Streptococcal pharyngitis^I10"


def _mapped(text: str) -> tuple[hl7.Message, tuple[hl7.Problem, ...]]:
    message = hl7.parse(hl7.split_messages(text)[0])
    try:
        hl7.map_message(message, today=datetime.date(2026, 3, 3))
    except hl7.HL7MappingError as exc:
        return message, exc.problems
    return message, ()


# (what is wrong, the message changed so, where, the HL7 error code)
KINDS = [
    ("segment missing", lambda t: t.replace("PID|1||", "ZZZ|1||"), "PID", "100"),
    ("required field empty", lambda t: t.replace("19800214", ""), "PID-7", "101"),
    ("not a date", lambda t: t.replace("19800214", "1980133"), "PID-7", "102"),
    ("not a number", lambda t: t.replace("|CG||||2|", "|CG||||two|"), "FT1 #1 FT1-10", "102"),
    ("too long", lambda t: t.replace("12 Oak St", "1" * 60), "PID-11", "102"),
    ("dated after today", lambda t: t.replace("FT1|1|||20260303", "FT1|1|||20991231"), "", "102"),
    ("not a US state", lambda t: t.replace("^WI^", "^ZZ^"), "PID-11", "103"),
    ("an ICD-9 code", lambda t: t.replace(ICD9, "034.0^Strep^I9"), "DG1 #1 DG1-3", "103"),
    ("not CPT/HCPCS", lambda t: t.replace("87880^Strep^C4", "8788^Strep^C4"), "", "103"),
    ("not a charge", lambda t: t.replace("|CG||||2|", "|PY||||2|"), "FT1 #1 FT1-6", "103"),
]


@pytest.mark.parametrize(("kind", "change", "where", "code"), KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_of_problem_has_its_code(kind, change, where, code):
    message, problems = _mapped(change(OWN_DFT))
    assert problems, kind
    first = problems[0]
    assert first.fault is not None and first.fault.code == code, (kind, first)
    if where:
        assert first.location == where
    text = hl7.ack("AE", control_id="A1", now=NOW, message=message, problems=problems)
    err = python_hl7.parse(text).segment("ERR")
    assert str(err[3][0][0]) == code and str(err[3][0][2]) == "HL70357"
    assert str(err[4]) == "E"
    # ERR-8: the problem in words (read back through the escapes of HL7 text).
    assert hl7.parse(text).first("ERR").get(8) == " ".join(first.text.split())


def test_message_types_events_and_versions_we_do_not_take_are_rejected_with_their_codes():
    cases = [
        (OWN_DFT.replace("DFT^P03", "ORM^O01"), "MSH-9", "200"),
        (OWN_DFT.replace("DFT^P03", "ADT^A03"), "MSH-9", "201"),
        (OWN_DFT.replace("|P|2.5.1", "|P|3.0"), "MSH-12", "203"),
    ]
    for text, where, code in cases:
        with pytest.raises(hl7.HL7MappingError) as caught:
            hl7.map_message(hl7.parse(hl7.split_messages(text)[0]))
        assert caught.value.reject
        assert (caught.value.location, caught.value.fault.code) == (where, code)


def test_a_message_that_cannot_be_read_says_which_kind_of_problem():
    no_id = OWN_DFT.replace("|DFT-1|", "||")
    with pytest.raises(hl7.HL7ParseError) as caught:
        hl7.parse(hl7.split_messages(no_id)[0])
    assert (caught.value.location, caught.value.fault.code) == ("MSH-10", "101")
    with pytest.raises(hl7.HL7ParseError) as caught:
        hl7.split_messages("PID|1||E1\r")
    assert caught.value.fault.code == "100"


def test_every_problem_of_a_message_is_one_err_naming_segment_repetition_and_field():
    text = (
        OWN_DFT.replace("19800214", "1980133")
        .replace("FT1|2|||20260303", "FT1|2|||20991231")
        .replace(ICD9, "034.0^Strep^I9")
    )
    message, problems = _mapped(text)
    ack = hl7.ack("AE", control_id="A1", now=NOW, message=message, problems=problems)
    errs = [s.split("|") for s in ack.strip("\r").split("\r") if s.startswith("ERR")]
    got = [(e[2], e[3], e[4]) for e in errs]
    assert got == [
        ("PID^1^7", "102^Data type error^HL70357", "E"),
        ("DG1^1^3", "103^Table value not found^HL70357", "E"),
        ("FT1^2^4", "102^Data type error^HL70357", "E"),
    ]
    assert "12/31/2099 is after today" in errs[2][8]
    # MSA-3 has the first problem in words (v2.5.1 still has MSA-3).
    assert ack.split("\r")[1] == "MSA|AE|DFT-1|PID-7 birth date '1980133' is not a date"


def test_an_accepted_message_warns_of_what_it_took_as_words():
    text = OWN_DFT.replace(ICD9, "38341003^Hypertension^SCT")
    message = hl7.parse(hl7.split_messages(text)[0])
    got = hl7.map_message(message)
    assert [(w.location, w.fault) for w in got.warnings] == [
        ("DG1 #1 DG1-3", hl7.Fault.TABLE_VALUE)
    ]
    ack = hl7.ack("AA", control_id="A1", now=NOW, message=message, warnings=got.warnings)
    msa, err = ack.strip("\r").split("\r")[1:]
    assert msa == "MSA|AA|DFT-1"
    fields = err.split("|")
    assert fields[2:5] == ["DG1^1^3", "103^Table value not found^HL70357", "W"]
    assert "SNOMED CT, not ICD-10-CM: it goes to the coder as words" in fields[8]


def _problems() -> tuple[tuple[hl7.Problem, ...], tuple[hl7.Problem, ...]]:
    errors = (
        hl7.Problem("PID-7", "PID-7 birth date '1980133' is not a date", hl7.Fault.DATA_TYPE),
        hl7.Problem("IN1 #2 IN1-3", "IN1 #2 IN1-3 payer 'A|B' unknown", hl7.Fault.TABLE_VALUE),
        hl7.Problem("FT1", "FT1 segment is missing", hl7.Fault.SEGMENT),
        hl7.Problem("", "the visit is billed", hl7.Fault.LOCKED),
    )
    warnings = (hl7.Problem("DG1 #1 DG1-3", "taken as words", hl7.Fault.TABLE_VALUE),)
    return errors, warnings


@pytest.mark.parametrize("version", ["2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8"])
@pytest.mark.parametrize("code", ["AA", "AE", "AR"])
def test_hl7apy_reads_our_acks_strictly_in_every_version(version, code):
    message = hl7.parse(OWN_DFT.replace("|P|2.5.1", f"|P|{version}").replace("\n", "\r"))
    errors, warnings = _problems()
    text = hl7.ack(
        code, control_id="A1", now=NOW, message=message, problems=errors, warnings=warnings
    )
    parsed = parse_message(text, validation_level=VALIDATION_LEVEL.STRICT)
    assert parsed.validate()
    assert parsed.msa.msa_1.to_er7() == code
    errs = parsed.children.get("ERR")
    if version in ("2.3.1", "2.4"):
        # One ERR whose repeating ERR-1 holds segment ^ repetition ^ field ^ code.
        eld = [e.to_er7() for e in parsed.err.err_1]
        expected = [
            "PID^1^7^102&Data type error&HL70357",
            "IN1^2^3^103&Table value not found&HL70357",
            "FT1^1^^100&Segment sequence error&HL70357",
            "^^^206&Application record locked&HL70357",
        ]
        warned = ["DG1^1^3^103&Table value not found&HL70357"]
        assert eld == (expected if code != "AA" else []) + warned
        return
    got = [(e.err_2.to_er7(), e.err_3.to_er7(), e.err_4.to_er7()) for e in errs]
    expected = [
        ("PID^1^7", "102^Data type error^HL70357", "E"),
        ("IN1^2^3", "103^Table value not found^HL70357", "E"),
        ("FT1^1", "100^Segment sequence error^HL70357", "E"),
        ("", "206^Application record locked^HL70357", "E"),
    ]
    expected = (expected if code != "AA" else []) + [
        ("DG1^1^3", "103^Table value not found^HL70357", "W")
    ]
    assert got == expected
    words = [e.err_8.to_er7() for e in errs]
    assert words[-1] == "taken as words"
    if code != "AA":
        assert words[1] == "IN1 #2 IN1-3 payer 'A\\F\\B' unknown"


@pytest.mark.parametrize("version", ["2.2", "2.3"])
def test_the_acks_of_old_versions_have_one_err_segment_hl7apy_reads(version):
    # hl7apy knows no ACK structure named from these versions' MSH-9: each segment is
    # checked on its own, strictly. (Its tables type v2.1's ERR-1 as a plain ID, which
    # the v2.1 standard describes with these components: not checked.)
    message = hl7.parse(OWN_DFT.replace("|P|2.5.1", f"|P|{version}").replace("\n", "\r"))
    errors, warnings = _problems()
    text = hl7.ack("AE", control_id="A1", now=NOW, message=message, problems=errors)
    segments = text.strip("\r").split("\r")
    assert [s[:3] for s in segments] == ["MSH", "MSA", "ERR"]
    assert segments[0].split("|")[8] == "ACK^P03"  # no message structure before 2.3.1
    for seg in segments:
        parse_segment(seg, version=version, validation_level=VALIDATION_LEVEL.STRICT)
    assert segments[2].split("|")[1].split("~")[0] == "PID^1^7^102&Data type error&HL70357"
