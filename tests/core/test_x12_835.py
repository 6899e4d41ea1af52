"""835 reader and writer: every shared fixture reads, balances are checked, pyx12 accepts ours."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.core.ledger.balance import check_balance, hold_reasons, hold_report
from medbill.core.money import Money
from medbill.core.x12 import SegmentReader, X12ParseError, X12WriteError
from medbill.core.x12.m835 import (
    Procedure,
    Remittance,
    read_835,
    write_835,
)
from remittances import pyx12_835_problems, sample
from shared_data import shared_path

M = Money


def fixtures() -> list[Path]:
    folder = shared_path("x12/835")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".csv")


EXPECTED = {  # file: (sets, CLP, SVC) as the data README counts them
    "linuxforhealth__cob-contractural-adjustment.835": (1, 1, 1),
    "linuxforhealth__managed-care.835": (1, 2, 2),
    "linuxforhealth__medicare-part-a.835": (1, 2, 0),
    "linuxforhealth__secondary-payment.835": (1, 2, 2),
    "linuxforhealth__tertiary-payment.835": (1, 1, 1),
    "stupidedi__dollars-and-data-sent-separate.edi": (1, 2, 2),
    "stupidedi__dollars-and-data-sent-together.edi": (1, 2, 0),
    "stupidedi__era-sample.edi": (1, 1, 5),
    "stupidedi__multiple-claims-single-check.edi": (1, 9, 33),
    "stupidedi__secondary-payment-with-higher-fee-schedule.edi": (1, 1, 1),
    "stupidedi__secondary-payments.edi": (1, 2, 2),
    "stupidedi__tertiary-payments.edi": (1, 1, 1),
    "edi835parser__blue_cross_nc_sample.txt": (1, 1, 3),
    "edi835parser__emedny_sample.txt": (1, 3, 10),
    "edi835parser__united_healthcare_legacy_sample.txt": (1, 2, 5),
}


def test_every_fixture_reads_with_the_expected_counts_and_balances():
    seen = set()
    for path in fixtures():
        rems = read_835(path.read_bytes())
        counts = (
            len(rems),
            sum(len(r.claims) for r in rems),
            sum(len(c.services) for r in rems for c in r.claims),
        )
        assert counts == EXPECTED[path.name], path.name
        for rem in rems:
            # Every defect is either repaired with a warning or held; these all balance.
            assert hold_reasons(rem) == [], (path.name, hold_report(rem))
            assert rem.trace_number and rem.payer.name and rem.payee.name
        seen.add(path.name)
    assert seen == set(EXPECTED)


def read_one(name):
    folder = shared_path("x12/835")
    path = folder / name if (folder / name).exists() else folder / "835-golden" / name
    (rem,) = read_835(path.read_bytes())
    return rem


def warnings(rem):
    return [p.message for p in rem.problems if p.severity == "warning"]


def test_composites_written_with_the_wrong_separator_are_split_and_reported():
    rem = read_one("linuxforhealth__secondary-payment.835")
    svc = rem.claims[1].services[0]
    assert svc.procedure == Procedure("HC", "12345", ("26",))
    assert any("'>'" in w for w in warnings(rem))
    assert rem.payment_date == date(2005, 4, 12)
    assert any("BPR15" in w for w in warnings(rem))


def test_shifted_svc_is_put_back_like_the_tr3_original():
    ours = read_one("linuxforhealth__tertiary-payment.835")
    tr3 = read_one("stupidedi__tertiary-payments.edi")
    a, b = ours.claims[0].services[0], tr3.claims[0].services[0]
    assert (a.procedure, a.charge, a.paid, a.units_paid) == (
        b.procedure,
        b.charge,
        b.paid,
        b.units_paid,
    )
    assert a.procedure.code == "24599"
    assert any("SVC02" in w for w in warnings(ours))


def test_bad_bpr_date_falls_back_to_production_date():
    rem = read_one("linuxforhealth__managed-care.835")
    assert rem.payment_date is None
    assert rem.effective_date == date(2002, 3, 14)
    assert any("20002316" in w for w in warnings(rem))


def test_bare_body_without_isa_reads_with_guessed_delimiters():
    rem = read_one("edi835parser__blue_cross_nc_sample.txt")
    assert rem.total_paid == M("1922.86")
    claim = rem.claims[0]
    assert claim.received == date(2011, 1, 3)
    third = claim.services[2]
    assert (third.charge, third.paid, third.original_units) == (M(0), M(0), Decimal(742))
    assert third.allowed == M(742)
    assert claim.services[0].original_procedure == Procedure("HC", "59410")
    assert claim.services[0].line_control_number == "0001"
    msgs = warnings(rem)
    assert any("no ISA" in m for m in msgs) and any("SE01" in m for m in msgs)


def test_medicare_part_a_header_plb_mia_moa():
    rem = read_one("stupidedi__dollars-and-data-sent-together.edi")
    assert [h.number for h in rem.headers] == ["110212", "130212"]
    assert rem.headers[0].ts3[0] == "6543210903" and rem.headers[0].ts2[0] == "2178.45"
    (plb,) = rem.provider_adjustments
    assert (plb.reason, plb.reference, plb.amount) == ("CV", "CP", M("-1.27"))
    assert plb.fiscal_period_end == date(2002, 12, 31)
    first, second = rem.claims
    assert first.inpatient[3] == "138018.4" and first.quantities == (("CA", Decimal(8)),)
    assert second.remark_codes == ("MA02",)
    assert first.header_number == "110212" and second.header_number == "130212"
    assert rem.payer_id == "999"
    assert rem.payer.contacts[0].numbers == (("UR", "www.anyhealthplan.com/policies.html"),)


def test_names_lq_and_multi_triplet_cas():
    uhc = read_one("edi835parser__united_healthcare_legacy_sample.txt")
    last = uhc.claims[1].services[2]
    assert [(a.group, a.reason, a.amount, a.quantity) for a in last.adjustments] == [
        ("PR", "2", M("5.13"), None),
        ("PR", "1", M(110), None),
        ("CO", "45", M("184.32"), None),
    ]
    assert uhc.claims[0].corrected_insured.entity == "74"
    emedny = read_one("edi835parser__emedny_sample.txt")
    assert emedny.claims[2].services[2].remarks == (("HE", "N206"),)
    assert emedny.claims[0].corrected_insured.last == "CORRECTED LAST"
    assert emedny.claims[0].services[0].procedure.modifiers == ("RB",)


def test_every_record_keeps_its_segment_position():
    path = shared_path("x12/835") / "stupidedi__era-sample.edi"
    lines = path.read_text().replace("\r", "").replace("\n", "").split("~")
    (rem,) = read_835(path.read_bytes())
    claim = rem.claims[0]
    assert lines[claim.position - 1].startswith("CLP*7722337")
    assert lines[claim.services[4].position - 1].startswith("SVC*AD:D1110")
    assert lines[claim.services[4].adjustments[0].position - 1] == "CAS*CO*131*24"


def test_not_x12_raises_and_bad_content_is_listed():
    with pytest.raises(X12ParseError):
        read_835(b"hello world")
    bad = sample().claims[0]
    data = (
        write_835(sample())
        .replace(b"CLP*C-1*1*", b"CLP*C-1*77*")
        .replace(b"CAS*CO*45*", b"CAS*XX*45*")
    )
    (rem,) = read_835(data)
    errors = [str(p) for p in rem.errors]
    assert any("CLP02" in e for e in errors) and any("CAS01" in e for e in errors)
    assert bad.claim_id == "C-1"


# -- the writer ---------------------------------------------------------------------------------


def test_written_835_balances_and_pyx12_accepts_it():
    rem = sample()
    assert check_balance(rem) == []
    assert pyx12_835_problems(write_835(rem)) == []


def test_pyx12_is_not_a_rubber_stamp():
    data = write_835(sample()).replace(b"BPR*I*75*C*CHK*", b"BPR*I*75*C*XYZ*")
    assert pyx12_835_problems(data)


def test_write_then_read_gives_back_the_same_document():
    rem = sample()
    (back,) = read_835(write_835(rem))
    assert back.problems == ()
    strip = dict(
        version="005010X221A1",
        sender="MEDBILLPAYER",
        receiver="MEDBILLPROV",
        interchange_control="000000001",
        position=back.position,
    )

    def clean(r: Remittance) -> Remittance:
        claims = tuple(
            replace(
                c,
                position=0,
                header_number="1",
                adjustments=tuple(replace(a, position=0) for a in c.adjustments),
                names=tuple(replace(n, position=0) for n in c.names),
                services=tuple(
                    replace(
                        s,
                        position=0,
                        references=(),
                        adjustments=tuple(replace(a, position=0) for a in s.adjustments),
                    )
                    for s in c.services
                ),
            )
            for c in r.claims
        )
        plbs = tuple(replace(p, position=0) for p in r.provider_adjustments)
        return replace(
            r,
            claims=claims,
            provider_adjustments=plbs,
            headers=(),
            payer=replace(
                r.payer,
                position=0,
                contacts=tuple(replace(c, position=0) for c in r.payer.contacts),
            ),
            payee=replace(r.payee, position=0),
        )

    assert clean(back) == clean(replace(rem, **strip))


def test_several_sets_in_one_interchange_and_one_byte_at_a_time():
    second = sample(control_number="0002", trace_number="CHK10002")
    data = write_835([sample(), second])
    rems = read_835(data)
    assert [r.trace_number for r in rems] == ["CHK10001", "CHK10002"]
    assert [r.control_number for r in rems] == ["0001", "0002"]
    reader = SegmentReader()
    got = []
    for byte in data:
        reader.feed(bytes([byte]))
        got.extend(s.id for s in reader.segments())
    reader.close()
    got.extend(s.id for s in reader.segments())
    assert got.count("CLP") == 4 and got[0] == "ISA" and got[-1] == "IEA"


def test_writer_refuses_what_the_guide_does_not_allow():
    with pytest.raises(X12WriteError, match="CLP01"):
        write_835(sample(claims=(replace(sample().claims[0], claim_id=""),)))
    with pytest.raises(X12WriteError, match="BPR"):
        write_835(sample(method="ACH"))
    with pytest.raises(X12WriteError, match="delimiter"):
        write_835(sample(trace_number="A*B"))


def test_names_and_addresses_are_written_in_the_x12_character_set():
    claim = sample().claims[0]
    names = (replace(claim.names[0], last="Muñoz", first="José"), *claim.names[1:])
    payer = replace(sample().payer, name="Seguros Médicos", city="Mayagüez")
    data = write_835(sample(claims=(replace(claim, names=names),), payer=payer))
    text = data.decode("ascii")
    assert "NM1*QC*1*Munoz*Jose****MI*M123~" in text
    assert "N1*PR*Seguros Medicos*XV*BSHP01~" in text and "N4*Mayaguez*WI*" in text
    assert pyx12_835_problems(data) == []
    (back,) = read_835(data)
    assert (back.claims[0].names[0].last, back.claims[0].names[0].first) == ("Munoz", "Jose")


def test_an_identifier_outside_the_character_set_is_refused_naming_its_element():
    claim = replace(sample().claims[0], payer_claim_number="PCN-Ü1")
    with pytest.raises(X12WriteError, match=r"U\+00DC .*CLP07"):
        write_835(sample(claims=(claim,)))


def test_unbalanced_file_is_held_with_a_clear_report():
    rem = sample(total_paid=M("80.00"))
    report = hold_report(rem)
    assert "HELD" in report and "BPR02" in report and "off by -5.00" in report
    claim = replace(sample().claims[0], paid=M("81.00"))
    levels = {i.level for i in check_balance(sample(claims=(claim,)))}
    assert levels == {"claim", "file"}


# -- second opinion: edi-835-parser's CSV snapshots -------------------------------------------

# Differences where the snapshot is wrong or reads a malformed segment differently from us.
KNOWN_CSV_DIFFERENCES = {
    # CAS*PR*2*5.13**1*110: the CSV keeps only the first triplet of the segment and drops
    # PR-1 110.00, so its line does not balance (328.50 - 29.05 != 5.13 + 184.32).
    ("edi835parser__united_healthcare_legacy_sample.csv", 4, "adj_1"): (
        "110.00|1|PR",
        "184.32|45|CO",
    ),
    ("edi835parser__united_healthcare_legacy_sample.csv", 4, "adj_2"): ("184.32|45|CO", ""),
    # SVC*HC:59426******742*742**1 has no charge or payment; we read 0 (the claim totals agree)
    # where the CSV leaves them empty.
    ("edi835parser__blue_cross_nc_sample.csv", 2, "charge_amount"): ("0.00", ""),
    ("edi835parser__blue_cross_nc_sample.csv", 2, "paid_amount"): ("0.00", ""),
}


def _num(text: str) -> str:
    return str(M(text)) if text else ""


def our_rows(rem: Remittance) -> list[dict[str, str]]:
    rows = []
    for claim in rem.claims:
        patient = claim.patient
        for svc in claim.services:
            start, end = svc.dates
            start = start or claim.statement_start
            end = end or claim.statement_end or start
            row = {
                "marker": claim.claim_id,
                "patient": f"{patient.first} {patient.last}".title().strip(),
                "code": svc.procedure.code,
                "modifier": svc.procedure.modifiers[0] if svc.procedure.modifiers else "",
                "qualifier": svc.procedure.qualifier,
                "allowed_units": _units(svc.units_paid),
                "billed_units": _units(svc.units),
                "transaction_date": rem.payment_date.isoformat(),
                "charge_amount": str(svc.charge),
                "allowed_amount": str(svc.allowed) if svc.allowed is not None else "",
                "paid_amount": str(svc.paid),
                "payer": rem.payer.name,
                "start_date": start.isoformat() if start else "",
                "end_date": end.isoformat() if end else "",
            }
            for k, adj in enumerate(svc.adjustments):
                row[f"adj_{k}"] = f"{adj.amount}|{adj.reason}|{adj.group}"
            for k, (qual, value) in enumerate(svc.references):
                row[f"ref_{k}"] = f"{qual}|{value}"
            for k, (qual, code) in enumerate(svc.remarks):
                row[f"rem_{k}"] = f"{code}|{qual}"
            rows.append(row)
    return rows


def _units(value: Decimal | None) -> str:
    return "" if value is None else str(value.normalize())


def csv_rows(path: Path) -> list[dict[str, str]]:
    out = []
    with path.open(newline="") as fh:
        for raw in csv.DictReader(fh):
            row = {
                k: raw[k]
                for k in (
                    "marker",
                    "patient",
                    "code",
                    "modifier",
                    "qualifier",
                    "payer",
                    "start_date",
                    "end_date",
                    "transaction_date",
                )
            }
            for key in ("charge_amount", "allowed_amount", "paid_amount"):
                row[key] = _num(raw[key])
            for key in ("allowed_units", "billed_units"):
                row[key] = _units(Decimal(raw[key])) if raw[key] else ""
            for k in range(6):
                if raw.get(f"adj_{k}_amount"):
                    row[f"adj_{k}"] = (
                        f"{_num(raw[f'adj_{k}_amount'])}|{raw[f'adj_{k}_code']}"
                        f"|{raw[f'adj_{k}_group']}"
                    )
                if raw.get(f"ref_{k}_qual"):
                    row[f"ref_{k}"] = f"{raw[f'ref_{k}_qual']}|{raw[f'ref_{k}_value']}"
                if raw.get(f"rem_{k}_code"):
                    row[f"rem_{k}"] = f"{raw[f'rem_{k}_code']}|{raw[f'rem_{k}_qual']}"
            out.append(row)
    return out


@pytest.mark.parametrize(
    "stem", ["blue_cross_nc_sample", "emedny_sample", "united_healthcare_legacy_sample"]
)
def test_golden_csv_agrees_on_shared_fields_except_documented_errors(stem):
    folder = shared_path("x12/835/835-golden")
    (rem,) = read_835((folder / f"edi835parser__{stem}.txt").read_bytes())
    ours, theirs = our_rows(rem), csv_rows(folder / f"edi835parser__{stem}.csv")
    assert len(ours) == len(theirs)
    found = {}
    for number, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for key in sorted(set(a) | set(b)):
            if a.get(key, "") != b.get(key, ""):
                found[(f"edi835parser__{stem}.csv", number, key)] = (a.get(key, ""), b.get(key, ""))
    expected = {
        k: v for k, v in KNOWN_CSV_DIFFERENCES.items() if k[0] == f"edi835parser__{stem}.csv"
    }
    assert found == expected


def test_all_samples_csv_is_the_three_files_in_order():
    folder = shared_path("x12/835/835-golden")
    stems = ["blue_cross_nc_sample", "emedny_sample", "united_healthcare_legacy_sample"]
    ours, known, offset = [], {}, 0
    for stem in stems:
        (rem,) = read_835((folder / f"edi835parser__{stem}.txt").read_bytes())
        rows = our_rows(rem)
        for (name, number, key), value in KNOWN_CSV_DIFFERENCES.items():
            if name == f"edi835parser__{stem}.csv":
                known[(number + offset, key)] = value
        ours += rows
        offset += len(rows)
    theirs = csv_rows(folder / "edi835parser__all_samples.csv")
    assert len(ours) == len(theirs) == 18
    found = {}
    for number, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for key in sorted(set(a) | set(b)):
            if a.get(key, "") != b.get(key, ""):
                found[(number, key)] = (a.get(key, ""), b.get(key, ""))
    assert found == known


def _without_positions(rem: Remittance):
    """The remittance's money and codes, without segment positions and reader notes."""
    return (
        [
            (
                c.claim_id,
                c.status,
                c.charge,
                c.paid,
                c.patient_responsibility,
                c.payer_claim_number,
                [(a.group, a.reason, a.amount, a.quantity) for a in c.adjustments],
                [(n.entity, n.last, n.first, n.id) for n in c.names],
                [
                    (
                        s.procedure,
                        s.charge,
                        s.paid,
                        s.units_paid,
                        s.original_units,
                        s.dates,
                        [(a.group, a.reason, a.amount, a.quantity) for a in s.adjustments],
                        s.line_control_number,
                        s.amounts,
                        s.remarks,
                    )
                    for s in c.services
                ],
            )
            for c in rem.claims
        ]
        + [(p.reason, p.reference, p.amount) for p in rem.provider_adjustments]
        + [rem.total_paid, rem.trace_number, rem.payer_id]
    )


def test_every_fixture_survives_our_writer_and_pyx12_accepts_the_result():
    written = 0
    for path in fixtures():
        for rem in read_835(path.read_bytes()):
            if rem.payment_date is None:
                with pytest.raises(X12WriteError, match="BPR"):
                    write_835(rem)
                continue
            if not any(c.function == "BL" for c in rem.payer.contacts):
                # The guide requires the payer's technical contact; we refuse to write
                # an 835 without one rather than invent it.
                with pytest.raises(X12WriteError, match="PER"):
                    write_835(rem)
                continue
            data = write_835(rem)
            (back,) = read_835(data)
            assert _without_positions(back) == _without_positions(rem), path.name
            # pyx12 finds nothing in ours that it does not find in the partner's file
            # (the UnitedHealthcare sample's payee state "NP" stays what it was).
            ours = {m.split(" - ", 1)[-1] for m in pyx12_835_problems(data)}
            theirs = {m.split(" - ", 1)[-1] for m in pyx12_835_problems(path.read_bytes())}
            assert ours <= theirs, (path.name, ours - theirs)
            written += 1
    assert written >= 8
