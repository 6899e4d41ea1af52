"""The 837P reader on the public sample files in ../shared/data/x12/837p."""

from __future__ import annotations

import csv

import pytest

from medbill.core.x12 import read_837p
from shared_data import shared_path

# Files the folder's README lists as defective, what is wrong, and the note our reader gives.
DEFECTIVE = {
    "linuxforhealth__demo.ambulance.example5.837": (
        "CLM05 is 41::1: the facility code qualifier B is missing",
        "facility code qualifier",
    ),
    "linuxforhealth__demo.cob.2ndary.example4.837": (
        "composites written with '>' while ISA16 declares ':'",
        "no procedure qualifier",
    ),
    "linuxforhealth__demo.example6.837": (
        "composites written with '>' while ISA16 declares ':'",
        "no procedure qualifier",
    ),
    "linuxforhealth__demo.example9.837": (
        "composites written with '>' while ISA16 declares ':'",
        "no procedure qualifier",
    ),
    "linuxforhealth__demo.example11.837": (
        "composites written with '>' while ISA16 declares ':'",
        "no diagnosis qualifier",
    ),
    "linuxforhealth__demo.example12.837": (
        "composites written with '>' while ISA16 declares ':'",
        "no procedure qualifier",
    ),
    "linuxforhealth__demo.example2.837": (
        "BHT06=RP: an encounter report rather than a claim",
        "BHT06=RP",
    ),
    "stupidedi__encounter.edi": ("BHT06=RP: an encounter report rather than a claim", "BHT06=RP"),
    "stupidedi__oxygen.edi": (
        "PWK02=AD is not a 5010 attachment transmission code (pyx12 fails it)",
        "PWK02=AD",
    ),
    "stupidedi__wheelchair.edi": (
        "PWK02=AD is not a 5010 attachment transmission code (pyx12 fails it)",
        "PWK02=AD",
    ),
}


def index_rows():
    with open(shared_path("x12/INDEX.csv"), newline="") as fh:
        return {
            row["path"]: row for row in csv.DictReader(fh) if row["path"].startswith("x12/837p/")
        }


def test_every_file_parses_with_the_counts_of_the_index():
    rows = index_rows()
    assert len(rows) >= 34
    for path, row in rows.items():
        claims = read_837p(shared_path(path).read_bytes())
        assert len(claims) == int(row["clm"]), path
        assert sum(len(r.claim.lines) for r in claims) == int(row["lx"]), path
        for r in claims:
            assert r.version == row["gs08"]
            assert r.claim.claim_id and r.claim.total_charge > 0
            if "ICD-9" in row["dx_code_set"] and r.claim.diagnoses:
                assert r.code_set == "ICD-9-CM"


@pytest.mark.parametrize("name", sorted(DEFECTIVE))
def test_defective_files_are_read_and_their_defect_reported(name):
    what, note = DEFECTIVE[name]
    assert what
    (r,) = read_837p((shared_path("x12/837p") / name).read_bytes())
    assert any(note in n for n in r.notes), r.notes


def test_defect_table_matches_the_index():
    flagged = {path.rsplit("/", 1)[1] for path, row in index_rows().items() if row["defects"]}
    assert flagged == set(DEFECTIVE)


def test_clean_files_have_no_notes_beyond_icd9():
    for path in index_rows():
        name = path.rsplit("/", 1)[1]
        if name in DEFECTIVE:
            continue
        for r in read_837p(shared_path(path).read_bytes()):
            assert r.notes in ([], ["diagnoses use ICD-9-CM qualifiers BK/BF"]), (name, r.notes)


def test_secondary_claim_reads_prior_payer_adjudication():
    (r,) = read_837p(
        (
            shared_path("x12/837p") / "stupidedi__COB-claim-from-billing-provider-to-payer-b.edi"
        ).read_bytes()
    )
    assert r.payer_responsibility == "secondary"
    (oc,) = r.claim.other_coverage
    assert oc.order == "primary" and oc.adjudication is not None


def test_ambulance_sample():
    (r,) = read_837p((shared_path("x12/837p") / "stupidedi__ambulance.edi").read_bytes())
    c = r.claim
    assert c.ambulance is not None and c.ambulance.miles == 21
    assert c.ambulance.pickup.city == "CARR" and c.ambulance.dropoff.state == "WY"
    assert [ln.code for ln in c.lines] == ["A0427", "A0425", "A0422", "A0382"]
    assert c.diagnoses[:2] == ("8628", "E8888")


def test_broken_files_raise_parse_errors_or_report_notes():
    from medbill.core.x12 import X12ParseError

    outcomes = {}
    for path in sorted(shared_path("x12/invalid").iterdir()):
        try:
            claims = read_837p(path.read_bytes())
        except X12ParseError as exc:
            outcomes[path.name] = str(exc)
        else:
            outcomes[path.name] = [n for r in claims for n in r.notes]
    assert "no ISA segment" in outcomes["imsweb__x12_no_isa_line.txt"]
    assert "bad segment identifier" in outcomes["imsweb__x12_bad_segment_identifier.txt"]
    # The imsweb baseline "valid" file has a wrong SE01 count, as the folder's README says.
    assert any("SE01 says 25" in n for n in outcomes["imsweb__x12_valid.txt"])


def test_institutional_claims_are_refused_by_name():
    from medbill.core.x12 import X12ParseError

    for path in sorted(shared_path("x12/837i").iterdir()):
        with pytest.raises(X12ParseError, match="institutional"):
            read_837p(path.read_bytes())
