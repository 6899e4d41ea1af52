"""The broken inputs issue 17 names, one by one: what each reader says about them.

Each was a crash (IndexError, AssertionError, ValueError, UnicodeDecodeError,
RecursionError) or a hang before; now the reader reads around it with a warning, or
refuses it with its own error naming the segment position or the field.
"""

from __future__ import annotations

import time

import pytest

from medbill.core.claim import ClaimFormatError, loads
from medbill.core.x12 import (
    X12ParseError,
    iter_segments,
    read_277ca,
    read_835,
    read_837p,
    read_999,
    read_interchanges,
    write_835,
    write_837p,
)
from medbill.core.x12.m270 import read_270
from medbill.core.x12.m271 import read_271
from remittances import sample
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, claim

ERA = write_835([sample()], control_number=1).decode()
CLAIMS = write_837p([claim()], ENVELOPE, CONTROL, SUBMITTER, CREATED).decode()
READERS = [
    read_835,
    read_837p,
    read_270,
    read_271,
    read_999,
    read_277ca,
    read_interchanges,
    lambda data: list(iter_segments(data)),
]


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _problems(text: str) -> list[str]:
    (remittance,) = read_835(text)
    return [f"{p.severity}: {p.message} @{p.position}" for p in remittance.problems]


class TestRemittanceSegmentsWithoutElements:
    @pytest.mark.parametrize("bare", ["DTM", "REF", "AMT", "QTY"])
    def test_in_a_claim_payment_is_a_warning(self, bare):
        text = _swap(ERA, "MOA***MA01~\n", f"MOA***MA01~\n{bare}~\n")
        problems = _problems(text)
        assert f"warning: {bare} has no elements; ignored @19" in problems

    @pytest.mark.parametrize("bare", ["DTM", "REF", "AMT", "QTY", "LQ"])
    def test_in_a_service_payment_is_a_warning(self, bare):
        text = _swap(ERA, "CAS*CO*97*25~\n", f"CAS*CO*97*25~\n{bare}~\n")
        assert f"warning: {bare} has no elements; ignored @30" in _problems(text)

    def test_the_rest_of_the_claim_is_still_read(self):
        text = _swap(ERA, "MOA***MA01~\n", "MOA***MA01~\nDTM~\nREF~\n")
        (remittance,) = read_835(text)
        assert [c.claim_id for c in remittance.claims] == ["C-1", "C-2"]
        assert len(remittance.claims[0].services) == 2


class TestUnholdableNumbers:
    @pytest.mark.parametrize("value", ["1e400", "NaN", "Infinity", "-Infinity", "9" * 5000])
    def test_remittance_amount_is_an_error_on_the_remittance(self, value):
        problems = _problems(_swap(ERA, "CLP*C-1*1*175*", f"CLP*C-1*1*{value}*"))
        assert "error: CLP03 is not an amount @15" in problems

    @pytest.mark.parametrize("value", ["1E+999999999", "NaN", "Infinity"])
    def test_remittance_units_are_an_error(self, value):
        problems = _problems(
            _swap(ERA, "SVC*HC:99213:25*150*80**1~", f"SVC*HC:99213:25*150*80**{value}~")
        )
        assert "error: SVC05 is not a number @21" in problems

    @pytest.mark.parametrize("value", ["1e400", "NaN", "Infinity"])
    def test_claim_charge_names_the_element(self, value):
        with pytest.raises(X12ParseError) as caught:
            read_837p(_swap(CLAIMS, "SV1*HC:99214*185*", f"SV1*HC:99214*{value}*"))
        assert (caught.value.segment, caught.value.element, caught.value.position) == ("SV1", 2, 26)
        assert "is not an amount" in str(caught.value)

    @pytest.mark.parametrize("value", ["NaN", "-Infinity", "1E+999999999"])
    def test_claim_units_name_the_element(self, value):
        with pytest.raises(X12ParseError) as caught:
            read_837p(_swap(CLAIMS, "*185*UN*1***", f"*185*UN*{value}***"))
        assert (caught.value.segment, caught.value.element) == ("SV1", 4)

    @pytest.mark.parametrize("digit", ["\u00b2", "\u0663", "9" * 5000])
    def test_line_numbers_in_other_scripts_are_counted_instead(self, digit):
        (read,) = read_837p(_swap(CLAIMS, "LX*1~", f"LX*{digit}~"))
        assert [line.line for line in read.claim.lines] == [1]

    def test_eligibility_amount_that_is_no_money_reads_as_absent(self):
        text = (
            "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *260301*1200*"
            "^*00501*000000001*0*T*:~GS*HB*PAYER*PROVIDER*20260301*1200*1*X*005010X279A1~"
            "ST*271*0001*005010X279A1~BHT*0022*11*T1*20260301*1200~HL*1**20*1~"
            "NM1*PR*2*PAYER*****PI*P1~HL*2*1*21*1~NM1*1P*2*CLINIC*****XX*1234567893~"
            "HL*3*2*22*0~TRN*2*T1*9999999999~NM1*IL*1*DOE*JANE****MI*M1~"
            "EB*B**30**GOLD*27*NaN~EB*B**98**GOLD*27*1E+999999999~SE*12*0001~GE*1*1~"
            "IEA*1*000000001~"
        )
        (answer,) = read_271(text)
        assert [b.amount for b in answer.benefits] == [None, None]


class TestLoops:
    def test_sbr_outside_its_loop_names_the_loop(self):
        text = _swap(CLAIMS, "DMG*D8*19710819*M~\n", "DMG*D8*19710819*M~\nSBR*S*18~\n")
        with pytest.raises(X12ParseError) as caught:
            read_837p(text)
        assert caught.value.segment == "SBR" and caught.value.position == 20
        assert "SBR in loop 2010BA" in str(caught.value)

    def test_sbr_before_any_hierarchy(self):
        text = _swap(CLAIMS, "BHT*0019", "SBR*P~\nBHT*0019")
        with pytest.raises(X12ParseError, match="SBR before the first HL"):
            read_837p(text)


class TestOddCharacters:
    @pytest.mark.parametrize("reader", READERS)
    @pytest.mark.parametrize("odd", ["\x00", "\ud800", "\udfff\ud800", "\ufeff"])
    def test_nul_and_lone_surrogates(self, reader, odd):
        for text in (ERA, CLAIMS):
            broken = text.replace("Madison", f"Mad{odd}ison").replace("MILWAUKEE", f"MIL{odd}")
            try:
                reader(broken)
            except X12ParseError as exc:
                assert exc.position is not None

    @pytest.mark.parametrize("reader", READERS)
    def test_invalid_utf8(self, reader):
        broken = ERA.encode().replace(b"MILWAUKEE", b"MIL\xff\xc3WAUKEE\xed\xa0\x80")
        try:
            reader(broken)
        except X12ParseError as exc:
            assert exc.position is not None


class TestHugeSegments:
    @pytest.mark.parametrize("reader", READERS)
    def test_a_50_megabyte_segment_is_refused_quickly(self, reader):
        text = _swap(ERA, "LX*1~", "NTE*" + "A" * 50_000_000 + "~LX*1~")
        started = time.monotonic()
        with pytest.raises(X12ParseError) as caught:
            reader(text)
        assert time.monotonic() - started < 5
        assert "segment is 50,000,00" in str(caught.value)
        assert caught.value.position == 14

    @pytest.mark.parametrize("reader", READERS)
    def test_a_file_that_never_ends_its_segment(self, reader):
        with pytest.raises(X12ParseError, match="segment terminator is missing"):
            reader(ERA[:200] + "9" * 10_000_000)

    def test_the_incremental_reader_stops_buffering(self):
        from medbill.core.x12 import SegmentReader

        reader = SegmentReader()
        reader.feed(ERA[:300])
        list(reader.segments())
        for _ in range(20):
            reader.feed("A" * 10_000)
        with pytest.raises(X12ParseError, match="characters long"):
            list(reader.segments())


class TestDelimiters:
    @pytest.mark.parametrize(
        "position, char, words",
        [
            (3, "Q", "element separator"),
            (104, "~", "component separator"),
            (104, "Q", "component separator"),
            (105, "*", "segment terminator"),
            (105, "Z", "segment terminator"),
        ],
    )
    def test_isa_delimiters_must_be_delimiters(self, position, char, words):
        broken = ERA[:position] + char + ERA[position + 1 :]
        if position == 3:
            broken = broken[:106].replace("*", "Q") + broken[106:]
        for reader in READERS:
            with pytest.raises(X12ParseError, match=words):
                reader(broken)


class TestClaimJson:
    @pytest.mark.parametrize(
        "text, message",
        [
            (
                b'{"claim_id": "A", "lines": [{"charge": NaN}]}',
                "lines[0].charge: NaN is not a number JSON allows",
            ),
            (
                b'{"claim_id": "A", "lines": [{"charge": -Infinity}]}',
                "lines[0].charge: -Infinity is not a number JSON allows",
            ),
            (
                b'{"claim_id": "A", "lines": [{"charge": 1e400}]}',
                "lines[0].charge: expected an amount in dollars",
            ),
            (
                b'{"claim_id": "A", "lines": [{"charge": 12345678901.00}]}',
                "lines[0].charge: amount is larger than 9,999,999,999.99 dollars",
            ),
            (
                b'{"claim_id": "A", "lines": [{"units": 1E+999999999}]}',
                "lines[0].units: number is too large (15 digits at most)",
            ),
            (
                b'{"claim_id": "A", "lines": [{"line": 1E+999999999}]}',
                "lines[0].line: number is too large (15 digits at most)",
            ),
            (
                b'{"claim_id": "A", "lines": [{"line": 2.5}]}',
                "lines[0].line: expected a whole number",
            ),
            (
                b'{"claim_id": "A", "lines": [{"units": 1e-400}]}',
                "lines[0].units: number has more than 6 decimal places",
            ),
            (
                b'{"claim_id": "A", "lines": [{"line": ' + b"9" * 5000 + b"}]}",
                "lines[0].line: a number of 5,000 digits is too large",
            ),
            (
                b'{"claim_id": "A", "lines": [{"dx_pointers": ["\xc2\xb2"]}]}',
                "lines[0].dx_pointers[0]: expected a positive number",
            ),
            (
                b'{"claim_id": "A", "lines": [{"dx_pointers": [123456789]}]}',
                "lines[0].dx_pointers[0]: expected a positive number",
            ),
            (b'{"claim_id": "\\ud800"}', "claim_id: text holds a NUL or a lone surrogate"),
            (b'{"claim_id": "A\\u0000"}', "claim_id: text holds a NUL or a lone surrogate"),
            (
                b'{"claim_id": "A",\n "note": "caf\xe9"}',
                "not UTF-8 text: byte 0xe9 at line 2, column 14",
            ),
            (b"[" * 100_000, "nested more than 32 levels deep (line 1, column 33)"),
            (b'{"claim_id": "A", "extra": ' + b"[" * 40 + b"]" * 40 + b"}", "extra[0][0][0]"),
        ],
    )
    def test_refused_naming_the_field(self, text, message):
        with pytest.raises(ClaimFormatError) as caught:
            loads(text)
        assert message in str(caught.value)

    def test_a_byte_order_mark_is_fine(self, shared_examples):
        data = (shared_examples / "office_visit.json").read_bytes()
        assert loads(b"\xef\xbb\xbf" + data) == loads(data)
