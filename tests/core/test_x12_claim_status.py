"""276 claim status requests and 277 responses (005010X212): write, read, and the public
examples.

pyx12 4.0.0 cannot judge X212 files (it registers no 276/277 X212 map), so our files are
checked against the layout of the TR3's own examples: every loop we write holds its
segments in an order one of the public examples uses.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from claim_strategies import claims as generated_claims
from medbill.core.money import Money
from medbill.core.submission.lifecycle import LifecycleError, status_after_claim_status
from medbill.core.x12 import X12ParseError, X12WriteError, iter_segments
from medbill.core.x12.m276 import (
    InformationReceiver,
    inquiry_for_claim,
    read_276,
    write_276,
)
from medbill.core.x12.m277 import ClaimStatus, StatusAnswer, read_277, write_277
from shared_data import shared_path
from x12_claims import CONTROL, CREATED, ENVELOPE, claim, dependent

RECEIVER = InformationReceiver("Cedar Valley Family Practice", "CVFP01")


def _layout(data: bytes) -> dict[str, set[tuple[str, ...]]]:
    """Per loop, the segment ids that follow its HL (up to the next HL). A claim (from its
    TRN on) has one shape under a subscriber or a dependent: it counts as loop "claim"."""
    out: dict[str, set[tuple[str, ...]]] = {}
    level, seq = None, []

    def close() -> None:
        if level is None:
            return
        cut = seq.index("TRN") if "TRN" in seq and level in ("22", "23") else len(seq)
        out.setdefault(level, set()).add(tuple(seq[:cut]))
        if cut < len(seq):
            out.setdefault("claim", set()).add(tuple(seq[cut:]))

    for seg in iter_segments(data):
        if seg.id in ("HL", "SE"):
            close()
            level, seq = (seg[3] if seg.id == "HL" else None), []
        elif level is not None and seg.id != "SVC" and not (seq and seq[-1] == seg.id):
            seq.append(seg.id)
    return out


def _is_ordered_subset(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    it = iter(theirs)
    return all(any(s == t for t in it) for s in ours)


def _matches_public_layout(data: bytes, folder: str) -> None:
    public: dict[str, set[tuple[str, ...]]] = {}
    for path in sorted(shared_path(f"x12/{folder}").iterdir()):
        for level, seqs in _layout(path.read_bytes()).items():
            public.setdefault(level, set()).update(seqs)
    for level, seqs in _layout(data).items():
        for seq in seqs:
            assert any(_is_ordered_subset(seq, p) for p in public[level]), (level, seq)


def _inquiries():
    return [
        inquiry_for_claim(claim("CVFP-1"), "TRACE1"),
        inquiry_for_claim(dependent("CVFP-2"), "TRACE2", payer_claim_number="PCN998"),
    ]


class TestWrite276:
    def test_round_trip_subscriber_and_dependent(self) -> None:
        data = write_276(_inquiries(), ENVELOPE, CONTROL, RECEIVER, CREATED)
        back = read_276(data)
        assert [i.trace_number for i in back] == ["TRACE1", "TRACE2"]
        first, second = back
        assert first.patient_control_number == "CVFP-1"
        assert first.dependent is None
        assert first.subscriber.member_id == "BSH88120455"
        assert first.subscriber.dob == date(1971, 8, 19)
        assert first.total_charge == Money("185.00")
        assert first.service_from == date(2026, 3, 2)
        assert second.dependent is not None and second.dependent.first == "Mateo"
        assert second.dependent.dob == date(2019, 6, 30)
        assert second.subscriber.last == "Ortega"
        assert second.payer_claim_number == "PCN998"
        assert second.total_charge == Money("162.00")

    def test_segments_sit_where_the_tr3_examples_put_them(self) -> None:
        data = write_276(_inquiries(), ENVELOPE, CONTROL, RECEIVER, CREATED)
        _matches_public_layout(data, "276")
        text = data.decode()
        assert "GS*HR*" in text and "*005010X212~" in text
        assert "HL*6*5*23~" in text  # the patient under her subscriber

    def test_a_batch_to_two_payers_is_two_transaction_sets(self) -> None:
        other = claim("CVFP-3", payer={"name": "Prairie Health", "payer_id": "PH1"})
        data = write_276(
            [*_inquiries(), inquiry_for_claim(other, "T3")], ENVELOPE, CONTROL, RECEIVER, CREATED
        )
        assert [s[1] for s in iter_segments(data) if s.id == "ST"] == ["276", "276"]
        assert {i.payer_id for i in read_276(data)} == {"LCI220", "PH1"}

    def test_a_service_period_is_written_as_a_range(self) -> None:
        c = claim(
            "CVFP-4",
            lines=[
                {
                    "line": 1,
                    "code": "99214",
                    "charge": "185.00",
                    "dx_pointers": [1],
                    "date_of_service": "2026-03-02",
                },
                {
                    "line": 2,
                    "code": "99213",
                    "charge": "130.00",
                    "dx_pointers": [1],
                    "date_of_service": "2026-03-05",
                },
            ],
        )
        data = write_276([inquiry_for_claim(c, "T4")], ENVELOPE, CONTROL, RECEIVER, CREATED)
        assert "DTP*472*RD8*20260302-20260305~" in data.decode()

    def test_names_are_written_as_the_837p_writes_them(self) -> None:
        c = claim(
            "CVFP-5",
            subscriber={"name": {"last": "Ortega", "first": "Lucia"}, "member_id": "UHW5512093301"},
            patient={
                "name": {"last": "Đorđević*Núñez", "first": "José"},
                "dob": "2019-06-30",
                "sex": "M",
                "relationship_to_subscriber": "child",
            },
        )
        data = write_276([inquiry_for_claim(c, "T5")], ENVELOPE, CONTROL, RECEIVER, CREATED)
        assert "NM1*QC*1*Dordevic-Nunez*Jose~" in data.decode()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(generated_claims(max_lines=2))
    def test_any_claim_is_asked_about_or_refused_by_name(self, c) -> None:
        inquiry = inquiry_for_claim(c, "TGEN")
        try:
            data = write_276(
                [inquiry], ENVELOPE, CONTROL, InformationReceiver("Cédar Valley", "CVFP01"), CREATED
            )
        except X12WriteError as exc:
            assert exc.claim_id == c.claim_id and exc.segment
            return
        (back,) = read_276(data)
        assert (back.patient_control_number, back.total_charge, back.service_from) == (
            inquiry.patient_control_number,
            inquiry.total_charge,
            inquiry.service_from,
        )
        assert back.subscriber.member_id == inquiry.subscriber.member_id
        assert (back.dependent is None) == c.patient.is_subscriber

    def test_a_claim_without_member_id_is_refused_by_name(self) -> None:
        c = claim(
            "CVFP-9", subscriber={"name": {"last": "Doe"}, "member_id": None, "dob": "1970-01-01"}
        )
        with pytest.raises(X12WriteError, match="CVFP-9.*member id") as err:
            write_276([inquiry_for_claim(c, "T9")], ENVELOPE, CONTROL, RECEIVER, CREATED)
        assert err.value.segment == "NM1"

    def test_a_blank_claim_id_is_refused_not_written_as_spaces(self) -> None:
        inquiry = dataclasses.replace(
            inquiry_for_claim(claim("CVFP-9"), "T9"), patient_control_number="  "
        )
        with pytest.raises(X12WriteError, match="claim id is blank") as err:
            write_276([inquiry], ENVELOPE, CONTROL, RECEIVER, CREATED)
        assert err.value.segment == "REF"

    def test_public_276_examples_read(self) -> None:
        seen = 0
        for path in sorted(shared_path("x12/276").iterdir()):
            inquiries = read_276(path.read_bytes())
            assert inquiries, path.name
            assert all(i.trace_number and i.payer_id for i in inquiries)
            seen += len(inquiries)
        assert seen == 14
        by_trace = {
            i.trace_number: i
            for i in read_276(
                (shared_path("x12/276") / "stupidedi__claim-request.edi").read_bytes()
            )
        }
        assert by_trace["ABCXYZ3"].dependent.last == "MANN"
        assert by_trace["ABCXYZ1"].total_charge == Money("8513.88")


class TestRead277:
    def test_every_public_277_reads_with_statuses_in_words(self) -> None:
        files = sorted(shared_path("x12/277").iterdir())
        assert len(files) == 10
        for path in files:
            responses = read_277(path.read_bytes())
            assert responses, path.name
            for resp in responses:
                for c in resp.claims:
                    assert c.statuses, (path.name, c.trace_number)
                    assert c.words()
                for _, _, status in resp.general:
                    assert status.words()

    def test_claim_level_example_in_detail(self) -> None:
        (resp,) = read_277((shared_path("x12/277") / "stupidedi__claim-response.edi").read_bytes())
        pending, final, denied = resp.claims
        assert pending.status.category == "P3" and pending.status.group == "pending"
        assert pending.payer_claim_number == "05347006051"
        assert pending.patient_control_number == "SM123456"
        assert pending.billed == Money("8513.88")
        assert pending.service_from == date(2005, 8, 31)
        assert pending.service_to == date(2005, 9, 6)
        assert "claim status code 317" in pending.words()  # not described: by number
        assert final.words() == (
            "finalized: adjudication is complete: the claim is "
            "adjudicated and waits for the payment cycle"
        )
        assert final.paid == Money("7599.00")
        assert denied.dependent and denied.status.group == "denied"
        assert denied.status.words() == (
            "finalized: denied: the entity is not eligible "
            "for benefits on the dates of service (patient)"
        )
        assert denied.lines[0].procedure == "99203"
        assert denied.lines[0].statuses[0].category == "F2"

    def test_provider_level_error_is_kept_above_the_claims(self) -> None:
        (resp,) = read_277(
            (shared_path("x12/277") / "stupidedi__provider-response.edi").read_bytes()
        )
        ((level, who, status),) = resp.general
        assert (level, who, status.category, status.code) == ("19", "6166666666", "E0", "24")
        assert status.group == "error"

    def test_free_text_and_several_payers_in_one_set(self) -> None:
        (resp,) = read_277((shared_path("x12/277") / "imsweb__x12_277_x212.txt").read_bytes())
        assert len(resp.claims) == 8
        assert resp.claims[0].status.message == "PAYER ACKNOWLEDGED RECEIPT OF THE CLAIM"
        assert resp.claims[0].words() == (
            "received (not yet accepted for adjudication): claim status code 704 "
            '(payer\'s note: "PAYER ACKNOWLEDGED RECEIPT OF THE CLAIM")'
        )
        assert resp.problems  # the example's IEA02 does not match its ISA13

    def test_the_most_decisive_status_of_a_claim_wins(self) -> None:
        data = (shared_path("x12/277") / "stupidedi__claim-response.edi").read_bytes()
        data = data.replace(
            b"STC*P3:317*20050913**8513.88", b"STC*A1:19*20050913**8513.88******A7:562:85"
        )
        (resp,) = read_277(data)
        claim = resp.claims[0]
        assert [s.category for s in claim.statuses] == ["A1", "A7"]
        assert claim.group == "rejected"
        assert resp.claims[1].group == "finalized"

    @pytest.mark.parametrize(
        ("body", "where"),
        [
            ("HL*4*3*22*0~NM1*IL*1*A*B****MI*1~STC*A1:20~", "STC01"),
            ("HL*4*3*22*0~NM1*IL*1*A*B****MI*1~TRN*2*X~STC*:20~", "STC01"),
            ("HL*4*3*22*0~NM1*IL*1*A*B****MI*1~TRN*2*X~STC*F1:65**ABC*12X~", "STC04"),
            ("HL*4*3*22*0~NM1*IL*1*A*B****MI*1~TRN*2*X~STC*F1:65~DTP*472*D8*2026~", "DTP03"),
            ("HL*4*3**0~", "HL03"),
        ],
    )
    def test_malformed_file_names_the_segment(self, body: str, where: str) -> None:
        count = body.count("~") + 3
        data = (
            "ISA*00*          *00*          *ZZ*P              *ZZ*R              *260309"
            "*1405*^*00501*000000001*0*T*:~GS*HN*P*R*20260309*1405*1*X*005010X212~"
            f"ST*277*0001*005010X212~BHT*0010*08*1*20260309*1405*DG~{body}"
            f"SE*{count}*0001~GE*1*1~IEA*1*000000001~"
        )
        with pytest.raises(X12ParseError) as err:
            read_277(data)
        assert where in str(err.value) and "segment" in str(err.value)

    def test_a_277ca_is_not_taken_for_a_status_response(self) -> None:
        path = shared_path("x12/277ca") / "imsweb__x12_277CA_accepted.txt"
        with pytest.raises(X12ParseError, match="277CA"):
            read_277(path.read_bytes())


class TestWrite277:
    def test_round_trip_and_layout(self) -> None:
        first, second = _inquiries()
        paid = ClaimStatus(
            "F1",
            "65",
            None,
            date(2026, 3, 20),
            Money("185.00"),
            Money("120.00"),
            date(2026, 3, 20),
            "CHK",
            date(2026, 3, 21),
            "7001",
        )
        rejected = ClaimStatus("A7", "562", "85", date(2026, 3, 20), Money("162.00"), Money("0.00"))
        data = write_277(
            [StatusAnswer(first, (paid,), "PCN1"), StatusAnswer(second, (rejected,))],
            ENVELOPE,
            CONTROL,
            RECEIVER,
            CREATED,
        )
        _matches_public_layout(data, "277")
        (resp,) = read_277(data)
        a, b = resp.claims
        assert (a.trace_number, a.payer_claim_number, a.patient_control_number) == (
            "TRACE1",
            "PCN1",
            "CVFP-1",
        )
        assert a.statuses == [paid]
        assert b.dependent and b.statuses == [rejected]
        assert b.words() == (
            "rejected: information is invalid: the entity's NPI is missing "
            "or invalid (billing provider)"
        )


class TestCodeTables:
    def test_every_category_has_words_and_a_group_the_lifecycle_knows(self) -> None:
        from medbill.core.x12._claim_status_codes import CATEGORIES, category_group

        for code, words in CATEGORIES.items():
            assert words and category_group(code) != "unknown", code
        assert category_group("ZZ") == "unknown"

    def test_status_codes_are_numbers_and_unknown_ones_are_shown_by_number(self) -> None:
        from medbill.core.x12._claim_status_codes import STATUS_CODES, status_code_words

        assert all(code.isdigit() and text for code, text in STATUS_CODES.items())
        assert len(STATUS_CODES) > 150
        assert status_code_words("799") == "claim status code 799"


class TestLifecycle:
    @pytest.mark.parametrize(
        ("current", "group", "after"),
        [
            ("submitted", "received", "accepted"),
            ("submitted", "pending", "accepted"),
            ("accepted", "pending", "accepted"),
            ("submitted", "paid", "accepted"),  # the 835 makes it paid
            ("accepted", "denied", "accepted"),  # the 835 brings the denial reasons
            ("submitted", "rejected", "rejected"),
            ("accepted", "rejected", "rejected"),
            ("submitted", "not_found", "submitted"),
            ("submitted", "error", "submitted"),
            ("paid", "rejected", "paid"),
            ("closed", "received", "closed"),
            ("rejected", "pending", "rejected"),
        ],
    )
    def test_where_an_answer_moves_a_claim(self, current: str, group: str, after: str) -> None:
        assert status_after_claim_status(current, group) == after

    def test_the_move_is_checked_by_the_lifecycle(self) -> None:
        # Every move it makes is one the lifecycle allows.
        for current in ("submitted", "accepted"):
            for group in ("received", "rejected", "paid"):
                new = status_after_claim_status(current, group)
                assert new == current or new in ("accepted", "rejected")
        with pytest.raises(LifecycleError):
            from medbill.core.submission.lifecycle import check_move

            check_move("draft", "accepted")
