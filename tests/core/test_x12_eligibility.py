"""270 writer/reader and 271 reader/writer, on the shared fixtures and round trips."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from medbill.core.money import Money
from medbill.core.x12 import Delimiters, SegmentReader, X12WriteError, iter_segments
from medbill.core.x12.m270 import (
    EligibilityInquiry,
    Envelope,
    InquiryPerson,
    InquiryProvider,
    read_270,
    write_270,
)
from medbill.core.x12.m271 import Answer, Benefit, Member, Rejection, read_271, summarize, write_271
from shared_data import shared_path

ENV = Envelope("MEDBILL", "PAYERSIM", 17, 17, datetime(2026, 3, 2, 8, 30))


def inquiry(**kw) -> EligibilityInquiry:
    base = dict(
        trace_number="TRC-0001",
        payer_name="Badger State Health Plan",
        payer_id="BSHP01",
        provider=InquiryProvider(name="Cedar Valley Family Practice", npi="1746502933"),
        subscriber=InquiryPerson(
            last="Halvorsen",
            first="Erik",
            member_id="BSH88120455",
            dob=date(1971, 8, 19),
            sex="M",
            group_number="GRP-4410",
        ),
        date_of_service=date(2026, 3, 2),
        service_types=("30", "98"),
    )
    base.update(kw)
    return EligibilityInquiry(**base)


def test_every_shared_271_reads():
    files = sorted(shared_path("x12/271").iterdir())
    assert len(files) == 6
    statuses = {}
    for f in files:
        responses = read_271(f.read_bytes())
        assert responses, f.name
        statuses[f.name] = responses[0].status
    assert (
        statuses[
            "stupidedi__error-response-from-payer-to-clinic-not-eligible-for-inquiries"
            "-with-payer.edi"
        ]
        == "rejected"
    )
    assert statuses["linuxforhealth__subscriber-health-benefit-check.271"] == "active"


def test_271_subscriber_benefits_and_summary():
    path = shared_path("x12/271") / "linuxforhealth__subscriber-health-benefit-check.271"
    (resp,) = read_271(path.read_bytes())
    assert resp.trace_number == "93175-012547"
    assert resp.subscriber.member_id == "123456789"
    assert resp.subscriber.dob == date(1963, 5, 19)
    assert resp.plan == "GOLD 123 PLAN"
    copays = resp.find("B", "98")
    assert [b.amount for b in copays] == [Money("10.00")]
    assert resp.find("B", "98", in_network=False)[0].amount == Money("30")
    # The primary care provider named inside LS/LE belongs to the EB*L benefit.
    pcp = [b for b in resp.benefits if b.info == "L"]
    assert pcp[0].related_entity == "MARCUS JONES"
    assert summarize(resp) == "Active · copay $10.00"


def test_271_dependent_answer():
    path = (
        shared_path("x12/271")
        / "stupidedi__response-to-generic-request-by-physician-for-patient-(dependent)"
        "-eligibility.edi"
    )
    (resp,) = read_271(path.read_bytes())
    assert resp.subscriber.last == "SMITH" and resp.subscriber.first == "JOHN"
    assert resp.dependent.first == "MARY"
    assert resp.dependent.relationship == "child"
    assert resp.patient is resp.dependent


def test_271_rejection_in_words():
    path = shared_path("x12/271") / "linuxforhealth__subscriber-health-benefit-check-error.271"
    (resp,) = read_271(path.read_bytes())
    assert resp.status == "rejected"
    (rej,) = resp.rejections
    assert rej.level == "receiver" and rej.code == "50" and rej.follow_up == "N"
    assert "not eligible to make inquiries" in rej.reason
    assert summarize(resp).startswith("Not verified")


def test_every_shared_270_reads():
    for f in sorted(shared_path("x12/270").iterdir()):
        (inq,) = read_270(f.read_bytes())
        assert inq.trace_number == "93175-012547"
        assert inq.subscriber.member_id == "11122333301"
        assert inq.date_of_service == date(2006, 5, 1)
        assert inq.service_types == ("30",)


@pytest.mark.parametrize(
    "dependent",
    [None, InquiryPerson(last="Halvorsen", first="Anna", dob=date(2015, 4, 2), sex="F")],
)
def test_270_round_trip(dependent):
    asked = [
        inquiry(dependent=dependent),
        inquiry(
            trace_number="TRC-0002",
            subscriber=InquiryPerson(
                last="Ortega",
                first="Lucia",
                member_id="UHW5512093301",
                dob=date(1988, 2, 11),
                sex="F",
            ),
        ),
    ]
    data = write_270(asked, ENV)
    text = data.decode()
    assert text.startswith("ISA*00*")
    assert len(text.split("~")[0]) + 1 == 106  # the ISA is fixed-width, terminator included
    assert "GS*HS*MEDBILL*PAYERSIM*20260302*0830*17*X*005010X279A1" in text
    back = read_270(data)
    assert back == asked


def test_270_fed_one_segment_at_a_time():
    data = write_270([inquiry()], ENV, line_ending="")
    reader = SegmentReader()
    ids = []
    for chunk in data.decode().split("~"):
        if chunk:
            reader.feed(chunk + "~")
            ids.extend(s.id for s in reader.segments())
    reader.close()
    ids.extend(s.id for s in reader.segments())
    assert ids[:3] == ["ISA", "GS", "ST"] and ids[-3:] == ["SE", "GE", "IEA"]
    assert ids.count("EQ") == 2


def test_270_refuses_incomplete_inquiry():
    bad = inquiry(subscriber=InquiryPerson(last="Halvorsen", first="Erik"))
    with pytest.raises(X12WriteError) as err:
        write_270([bad], ENV)
    assert "member_id" in str(err.value) and "NM1" in str(err.value)


def test_270_other_delimiters():
    data = write_270([inquiry()], ENV, delimiters=Delimiters("|", ">", "^", "\n"))
    assert read_270(data)[0].subscriber.member_id == "BSH88120455"


def test_271_round_trip_and_summary_with_deductible():
    inq = inquiry()
    benefits = (
        Benefit("1", "IND", ("30",), "PR", "Silver PPO"),
        Benefit("B", "IND", ("98",), period="27", amount=Money("25"), in_network="Y"),
        Benefit("C", "IND", ("30",), period="23", amount=Money("1500"), in_network="Y"),
        Benefit("C", "IND", ("30",), period="29", amount=Money("340"), in_network="Y"),
        Benefit("A", "IND", ("30",), period="27", percent=Decimal("0.2"), in_network="Y"),
        Benefit("A", "IND", ("30",), period="27", percent=Decimal("0.4"), in_network="N"),
        Benefit(
            "G",
            "IND",
            ("30",),
            period="29",
            amount=Money("2100.50"),
            in_network="Y",
            messages=("Applies to medical and pharmacy",),
        ),
    )
    data = write_271([Answer(inq, benefits, plan_begin=date(2026, 1, 1))], ENV)
    (resp,) = read_271(data)
    assert resp.trace_number == "TRC-0001"
    assert resp.benefits == benefits
    assert resp.plan_dates == (("346", "20260101"),)
    assert summarize(resp) == (
        "Active · copay $25.00 · deductible $340.00 of $1,500.00 remaining · coinsurance 20% · "
        "out-of-pocket $2,100.50 remaining"
    )
    assert resp.corrections(inq) == []


def test_a_met_deductible_reads_in_dollars_and_cents():
    benefits = (
        Benefit("1", "IND", ("30",), "PR", "Silver PPO"),
        Benefit("C", "IND", ("30",), period="23", amount=Money("257"), in_network="Y"),
        Benefit("C", "IND", ("30",), period="29", amount=Money("0"), in_network="Y"),
    )
    (resp,) = read_271(write_271([Answer(inquiry(), benefits)], ENV))
    assert summarize(resp) == "Active · deductible $0.00 of $257.00 remaining"


def test_271_rejection_round_trip_and_corrections():
    inq = inquiry()
    data = write_271([Answer(inq, rejection=Rejection("subscriber", "72", "C"))], ENV)
    (resp,) = read_271(data)
    assert resp.status == "rejected"
    assert str(resp.rejections[0]) == "Member ID invalid or missing (72) - Correct and resubmit"

    fixed = Member(
        last="Halvorsen", first="Erik", member_id="BSH88120499", dob=date(1971, 8, 19), sex="M"
    )
    data = write_271([Answer(inq, (Benefit("1", "IND", ("30",)),), subscriber=fixed)], ENV)
    (resp,) = read_271(data)
    assert resp.corrections(inq) == ["member ID differs from the payer's record"]


def test_271_provider_level_rejection_round_trip():
    data = write_271([Answer(inquiry(), rejection=Rejection("receiver", "51", "N"))], ENV)
    (resp,) = read_271(data)
    assert resp.subscriber is None
    assert resp.rejections[0].reason == "Provider is not on file with the payer"


def test_a_segment_iterates_over_its_elements():
    isa, gs = list(iter_segments(write_270([inquiry()], ENV)))[:2]
    assert list(gs)[:2] == ["GS", "HS"]
    assert len(list(isa)) == 17


def test_270_sends_the_tax_id_as_ref_tj():
    prov = InquiryProvider(name="Cedar Valley Family Practice", npi="1746502933", tin="391847265")
    data = write_270([inquiry(provider=prov)], ENV)
    refs = [s.elements for s in iter_segments(data) if s.id == "REF"]
    assert ["REF", "TJ", "391847265"] in refs and not any(r[1] == "EI" for r in refs)
    assert read_270(data)[0].provider.tin == "391847265"


def test_271_benefit_with_several_service_types():
    benefits = (Benefit("1", "IND", ("30", "98", "UC"), "PR", "Silver PPO"),)
    data = write_271([Answer(inquiry(), benefits)], ENV)
    (eb,) = [s for s in iter_segments(data) if s.id == "EB"]
    assert eb[3] == "30^98^UC"
    assert read_271(data)[0].benefits == benefits


def _ids(data: bytes) -> list[str]:
    return [s.id for s in iter_segments(data)]


def test_271_aaa_comes_before_dmg_in_the_subscriber_loop():
    data = write_271([Answer(inquiry(), rejection=Rejection("subscriber", "72", "C"))], ENV)
    ids = _ids(data)
    assert ids.index("NM1", ids.index("TRN")) < ids.index("AAA") < ids.index("DMG")
    assert read_271(data)[0].rejections[0].code == "72"


@pytest.mark.parametrize(
    ("relationship", "code"),
    [("spouse", "01"), ("child", "19"), ("life partner", "53"), (None, "21")],
)
def test_271_dependent_relationship_and_aaa_order(relationship, code):
    asked = inquiry(
        dependent=InquiryPerson(last="Halvorsen", first="Anna", dob=date(1975, 4, 2), sex="F")
    )
    dep = Member(
        last="Halvorsen", first="Anna", dob=date(1975, 4, 2), sex="F", relationship=relationship
    )
    data = write_271(
        [Answer(asked, rejection=Rejection("dependent", "73", "C"), dependent=dep)], ENV
    )
    segs = list(iter_segments(data))
    ins = next(s for s in segs if s.id == "INS")
    assert ins[2] == code
    ids = [s.id for s in segs]
    nm1_03 = next(i for i, s in enumerate(segs) if s.id == "NM1" and s[1] == "03")
    assert nm1_03 < ids.index("AAA") < ids.index("DMG", nm1_03) < ids.index("INS")
    (resp,) = read_271(data)
    assert resp.dependent.relationship == (relationship or "unknown")
    assert resp.rejections[0].level == "dependent"


def test_271_reader_reports_a_segment_count_that_is_off():
    data = write_271([Answer(inquiry(), (Benefit("1", "IND", ("30",)),))], ENV).decode()
    good = read_271(data)
    assert good[0].problems == ()
    se = next(s for s in iter_segments(data) if s.id == "SE")
    bad = data.replace(f"SE*{se[1]}*{se[2]}~", f"SE*{int(se[1]) + 3}*9999~")
    (resp,) = read_271(bad)
    assert resp.status == "active"
    assert any("SE01" in p for p in resp.problems) and any("SE02" in p for p in resp.problems)


def test_270_writes_accented_names_in_the_x12_character_set_as_the_837p_does():
    asked = inquiry(
        payer_name="Seguros Médicos del Norte",
        subscriber=InquiryPerson(
            last="Muñoz",
            first="José",
            member_id="BSH88120455",
            dob=date(1971, 8, 19),
            sex="M",
        ),
        dependent=InquiryPerson(last="Muñoz-Peña", first="Zoë", dob=date(2015, 4, 2), sex="F"),
    )
    data = write_270([asked], ENV)
    text = data.decode("ascii")
    assert "NM1*IL*1*Munoz*Jose****MI*BSH88120455~" in text
    assert "NM1*03*1*Munoz-Pena*Zoe~" in text
    assert "NM1*PR*2*Seguros Medicos del Norte*****PI*BSHP01~" in text
    # Our own reader (pyx12 has no 005010X279 map) takes it back whole.
    (back,) = read_270(data)
    assert (back.subscriber.last, back.subscriber.first) == ("Munoz", "Jose")
    assert (back.dependent.last, back.dependent.first) == ("Munoz-Pena", "Zoe")
    assert back.subscriber.member_id == "BSH88120455"
    assert len(text.split("~")[0]) + 1 == 106


@pytest.mark.parametrize(
    "person, field, element",
    [
        (InquiryPerson(last="李", first="Wei", member_id="BSH1"), "subscriber.last", "NM103"),
        (InquiryPerson(last="Li", member_id="Ü😀李123"), "subscriber.member_id", "NM109"),
    ],
)
def test_270_refuses_what_it_cannot_write_naming_the_field(person, field, element):
    with pytest.raises(X12WriteError) as err:
        write_270([inquiry(subscriber=person)], ENV)
    assert err.value.field == field and element in str(err.value)
