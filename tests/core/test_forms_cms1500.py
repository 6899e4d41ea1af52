"""CMS-1500 (02/12): every item, read back from the PDF at its place on the print grid."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.core.claim import (
    Address,
    Adjudication,
    Claim,
    OtherCoverage,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
    loads,
)
from medbill.core.forms import Cms1500Error, PrintAlignment, cms1500_pages, render_cms1500
from medbill.core.forms.readback import grid_text, page_count, text_runs
from medbill.core.money import Money

# Where each item prints, as (line, column) on the 10-cpi / 6-lpi grid. Kept here, apart
# from the module's own table, so a change of position is a visible, deliberate change.
AT = {
    "payer": (2, 41),
    "payer.street": (3, 41),
    "payer.city": (5, 41),
    "page": (1, 66),
    "1.medicare": (8, 1),
    "1.medicaid": (8, 8),
    "1.group": (8, 31),
    "1.other": (8, 45),
    "1a": (8, 50),
    "2": (10, 1),
    "3": (10, 31),
    "3.M": (10, 42),
    "3.F": (10, 47),
    "4": (10, 50),
    "5": (12, 1),
    "5.city": (14, 1),
    "5.state": (14, 26),
    "5.zip": (16, 1),
    "6.self": (12, 33),
    "6.spouse": (12, 38),
    "6.child": (12, 42),
    "7": (12, 50),
    "7.city": (14, 50),
    "7.state": (14, 74),
    "7.zip": (16, 50),
    "9": (18, 1),
    "9a": (20, 1),
    "9d": (26, 1),
    "10a.yes": (20, 35),
    "10a.no": (20, 41),
    "10b.yes": (22, 35),
    "10b.no": (22, 41),
    "10b.state": (22, 45),
    "10c.no": (24, 41),
    "11": (18, 50),
    "11a": (20, 53),
    "11a.M": (20, 68),
    "11a.F": (20, 75),
    "11c": (24, 50),
    "11d.yes": (26, 52),
    "11d.no": (26, 57),
    "12": (29, 7),
    "13": (29, 55),
    "14": (32, 2),
    "14.qual": (32, 16),
    "15.qual": (32, 31),
    "15": (32, 37),
    "17.qual": (34, 1),
    "17": (34, 4),
    "17b": (34, 34),
    "19": (36, 1),
    "20.no": (36, 57),
    "21.ind": (37, 42),
    "21.A": (38, 3),
    "21.B": (38, 16),
    "21.C": (38, 29),
    "21.D": (38, 42),
    "21.E": (39, 3),
    "22.code": (38, 50),
    "22.ref": (38, 62),
    "23": (40, 50),
    "25": (56, 1),
    "25.ein": (56, 19),
    "26": (56, 23),
    "27.yes": (56, 38),
    "28": (56, 52),
    "29": (56, 62),
    "31.name": (59, 1),
    "31": (60, 1),
    "31.date": (61, 13),
    "32": (58, 23),
    "32.street": (59, 23),
    "32.city": (60, 23),
    "32a": (61, 24),
    "33": (58, 50),
    "33.street": (59, 50),
    "33.city": (60, 50),
    "33a": (61, 51),
    "33b": (61, 63),
}
LINE_COLS = {
    "from": 1,
    "to": 10,
    "pos": 19,
    "code": 25,
    "mod1": 33,
    "mod2": 36,
    "pointer": 45,
    "charge": 50,
    "units": 59,
    "npi": 68,
}
SHADED_COLS = {"supplemental": 1, "qual": 65, "other": 68}


def read(pdf: bytes, page: int = 1) -> dict[str, str]:
    grid = grid_text(pdf)
    items = {name: grid.get((page, line, col)) for name, (line, col) in AT.items()}
    for n in range(6):
        shaded, service = 43 + 2 * n, 44 + 2 * n
        for key, col in LINE_COLS.items():
            items[f"24.{n + 1}.{key}"] = grid.get((page, service, col))
        for key, col in SHADED_COLS.items():
            items[f"24.{n + 1}.{key}"] = grid.get((page, shaded, col))
    return items


def example(shared_examples: Path, name: str) -> Claim:
    return loads((shared_examples / f"{name}.json").read_text())[0]


COMMON = {
    "25": "391847265",
    "25.ein": "X",
    "27.yes": "X",
    "12": "SIGNATURE ON FILE",
    "13": "SIGNATURE ON FILE",
    "10a.no": "X",
    "10b.no": "X",
    "10c.no": "X",
    "20.no": "X",
    "21.ind": "0",
    "31.name": "JOAN WHITAKER MD",
    "31": "SIGNATURE ON FILE",
    "32": "CEDAR VALLEY FAMILY PRACTI",
    "32.street": "2400 UNIVERSITY AVE",
    "32.city": "MADISON WI 537051212",
    "32a": "1746502933",
    "33": "CEDAR VALLEY FAMILY PRACTICE",
    "33.street": "2400 UNIVERSITY AVE SUITE 110",
    "33.city": "MADISON WI 537051212",
    "33a": "1746502933",
    "33b": "ZZ207Q00000X",
}


@pytest.mark.parametrize("mode", ["print", "replica"])
def test_office_visit_fills_every_item(shared_examples, mode):
    pdf = render_cms1500(example(shared_examples, "office_visit"), mode=mode)
    got = read(pdf)
    expected = {
        **COMMON,
        "payer": "BADGER STATE HEALTH PLAN",
        "payer.street": "PO BOX 7700",
        "payer.city": "MILWAUKEE WI 532017700",
        "1.group": "X",
        "1a": "BSH88120455",
        "2": "HALVORSEN, ERIK",
        "3": "08 19 1971",
        "3.M": "X",
        "4": "HALVORSEN, ERIK",
        "5": "18 SPRING HARBOR DR",
        "5.city": "MADISON",
        "5.state": "WI",
        "5.zip": "537052233",
        "6.self": "X",
        "7": "18 SPRING HARBOR DR",
        "7.city": "MADISON",
        "7.state": "WI",
        "7.zip": "537052233",
        "11": "GRP-4410",
        "11a": "08 19 1971",
        "11a.M": "X",
        "11c": "BADGER STATE HEALTH PLAN",
        "11d.no": "X",
        "21.A": "E1165",
        "21.B": "I10",
        "21.C": "E785",
        "26": "CVFP-000101",
        "28": "  238 00",
        "31.date": "03 04 26",
        "24.1.from": "03 02 26",
        "24.1.to": "03 02 26",
        "24.1.pos": "11",
        "24.1.code": "99214",
        "24.1.pointer": "ABC",
        "24.1.charge": "  185 00",
        "24.1.units": "1",
        "24.1.npi": "1283746505",
        "24.1.qual": "ZZ",
        "24.1.other": "207Q00000X",
        "24.2.code": "83036",
        "24.2.mod1": "QW",
        "24.2.pointer": "A",
        "24.2.charge": "   38 00",
        "24.3.code": "36415",
        "24.3.pointer": "C",
        "24.3.charge": "   15 00",
    }
    for item, value in expected.items():
        assert got[item] == value, item
    # Nothing where nothing belongs.
    for item in (
        "9",
        "9a",
        "9d",
        "17",
        "22.code",
        "23",
        "29",
        "1.medicare",
        "3.F",
        "24.4.code",
        "page",
    ):
        assert got[item] is None, item


def test_dependent_with_secondary_coverage(shared_examples):
    got = read(render_cms1500(example(shared_examples, "dependent_with_secondary")))
    expected = {
        **COMMON,
        "payer": "LAKELAND COMMERCIAL INSURANCE",
        "1.group": "X",
        "1a": "UHW5512093301",
        "2": "ORTEGA, MATEO",
        "3": "06 30 2019",
        "3.M": "X",
        "4": "ORTEGA, LUCIA",
        "6.child": "X",
        "7": "905 WILLIAMSON ST",
        "11": "7741023",
        "11a": "02 11 1988",
        "11a.F": "X",
        "9": "ORTEGA, MATEO",
        "9a": "WI00918273",
        "9d": "WISCONSIN MEDICAID",
        "11d.yes": "X",
        "21.A": "J020",
        "26": "CVFP-000102",
        "28": "  162 00",
        "24.1.code": "99213",
        "24.1.charge": "  130 00",
        "24.2.code": "87880",
        "24.2.mod1": "QW",
        "24.2.pointer": "A",
        "31.date": "03 05 26",
    }
    got_items = {k: got[k] for k in expected}
    assert got_items == expected
    assert got["6.self"] is None and got["11d.no"] is None


def test_medicare_replacement_claim(shared_examples):
    got = read(render_cms1500(example(shared_examples, "medicare_replacement")))
    expected = {
        **COMMON,
        "payer": "MEDICARE PART B",
        "1.medicare": "X",
        "1a": "5EG4TE5MK72",
        "2": "BRANDT, HAROLD",
        "3": "11 02 1947",
        "6.self": "X",
        "11": "NONE",
        "11d.no": "X",
        "21.A": "J449",
        "21.B": "Z23",
        "22.code": "7",
        "22.ref": "MCR2026041900127",
        "26": "CVFP-000087",
        "28": "  247 00",
        "24.1.from": "02 10 26",
        "24.1.code": "99213",
        "24.1.mod1": "25",
        "24.1.pointer": "A",
        "24.2.code": "90662",
        "24.2.pointer": "B",
        "24.3.code": "G0008",
        "24.3.pointer": "B",
        "24.3.charge": "   35 00",
    }
    assert {k: got[k] for k in expected} == expected
    assert got["1.group"] is None


def secondary_claim(base: Claim) -> Claim:
    """Eight lines to Medicaid after a commercial primary paid: two pages, COB, every extra."""
    lines = []
    for i in range(8):
        lines.append(
            ServiceLine(
                line=i + 1,
                code=("99214", "83036", "36415", "J1885", "96372", "81002", "93000", "94760")[i],
                charge=Money(Decimal(20 + i * 5)),
                units=Decimal(2 if i == 3 else 1),
                modifiers=("QW",) if i == 1 else (("25", "59") if i == 0 else ()),
                dx_pointers=(1, 2) if i % 2 == 0 else (3,),
                ndc="00409-3795-01" if i == 3 else None,
                ndc_quantity=Decimal("1.5") if i == 3 else None,
                ndc_unit="ML" if i == 3 else None,
            )
        )
    primary = OtherCoverage(
        payer=Payer(name="Badger State Health Plan", payer_id="BSHP01", type="commercial"),
        subscriber=Subscriber(
            name=PersonName(last="Halvorsen", first="Ingrid", middle="Marie"),
            member_id="BSH77001234",
            group_number="GRP-9000",
        ),
        relationship_to_subscriber="spouse",
        order="primary",
        adjudication=Adjudication(paid=Money("96.40"), paid_date=date(2026, 3, 20)),
    )
    return dataclasses.replace(
        base,
        claim_id="CVFP-000150",
        payer=Payer(
            name="Wisconsin Medicaid",
            payer_id="WIMCD",
            type="medicaid",
            address=Address(line1="PO Box 6678", city="Madison", state="WI", zip="537166678"),
        ),
        lines=tuple(lines),
        other_coverage=(primary,),
        referring_provider=Provider(
            name=PersonName(last="Nakamura", first="Ken"), npi="1386742509", credential="DO"
        ),
        prior_authorization="PA-2026-0042",
        onset_date=date(2026, 2, 27),
        initial_treatment_date=date(2026, 2, 28),
        related_causes=("AA",),
        accident_state="IL",
        note="CORRECTED DOB ON FILE",
    )


def test_secondary_claim_runs_onto_a_second_page(shared_examples):
    claim = secondary_claim(example(shared_examples, "office_visit"))
    pdf = render_cms1500(claim)
    assert page_count(pdf) == 2
    first, second = read(pdf, 1), read(pdf, 2)
    header = {
        "1.medicaid": "X",
        "payer": "WISCONSIN MEDICAID",
        "payer.street": "PO BOX 6678",
        "9": "HALVORSEN, INGRID, M",
        "9a": "GRP-9000",
        "9d": "BADGER STATE HEALTH PLAN",
        "11d.yes": "X",
        "10b.yes": "X",
        "10b.state": "IL",
        "10a.no": "X",
        "14": "02 27 2026",
        "14.qual": "431",
        "15.qual": "454",
        "15": "02 28 2026",
        "17.qual": "DN",
        "17": "KEN NAKAMURA DO",
        "17b": "1386742509",
        "19": "CORRECTED DOB ON FILE",
        "23": "PA-2026-0042",
        "26": "CVFP-000150",
        "2": "HALVORSEN, ERIK",
        "21.A": "E1165",
        "21.C": "E785",
    }
    for page in (first, second):
        assert {k: page[k] for k in header} == header
    assert first["page"] == "PAGE 1 OF 2" and second["page"] == "PAGE 2 OF 2"
    assert first["28"] == "CONTINUED" and first["29"] is None
    total = sum((line.charge for line in claim.lines), Money(0))
    assert second["28"] == f"{total.amount:8.2f}".replace(".", " ")
    assert second["29"] == "   96 40"
    assert [first[f"24.{n}.code"] for n in range(1, 7)] == [
        "99214",
        "83036",
        "36415",
        "J1885",
        "96372",
        "81002",
    ]
    assert [second[f"24.{n}.code"] for n in range(1, 7)] == [
        "93000",
        "94760",
        None,
        None,
        None,
        None,
    ]
    assert first["24.1.mod1"] == "25" and first["24.1.mod2"] == "59"
    assert first["24.1.pointer"] == "AB" and first["24.2.pointer"] == "C"
    assert first["24.4.supplemental"] == "N400409379501 ML1.5"
    assert first["24.4.units"] == "2"
    assert second["24.1.charge"] == "   50 00"


def test_pages_api_matches_what_is_printed(shared_examples):
    claim = secondary_claim(example(shared_examples, "office_visit"))
    pages = cms1500_pages(claim)
    assert [p.number for p in pages] == [1, 2]
    assert pages[1].value("24D.8") == "94760"
    assert pages[0].value("1a") == "BSH88120455"


def test_print_mode_carries_only_data_and_replica_draws_the_form(shared_examples):
    claim = example(shared_examples, "office_visit")
    printed = {r.font for r in text_runs(render_cms1500(claim, mode="print"))}
    assert printed == {"Courier"}
    replica = text_runs(render_cms1500(claim, mode="replica"))
    captions = " ".join(r.text for r in replica if not r.font.startswith("Courier"))
    for caption in (
        "HEALTH INSURANCE CLAIM FORM",
        "1a. INSURED'S I.D. NUMBER",
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY",
        "33. BILLING PROVIDER INFO",
        "24. A.",
        "30. Rsvd for NUCC Use",
    ):
        assert caption in captions


def test_printer_alignment_shifts_every_field(shared_examples):
    claim = example(shared_examples, "office_visit")
    shifted = PrintAlignment(left=30.0, top=26.0)
    pdf = render_cms1500(claim, alignment=shifted)
    assert grid_text(pdf, shifted)[(1, 8, 50)] == "BSH88120455"
    assert (1, 8, 50) not in grid_text(pdf)


def test_claims_that_do_not_fit_are_refused_by_field(shared_examples):
    claim = example(shared_examples, "office_visit")
    with pytest.raises(Cms1500Error) as err:
        render_cms1500(dataclasses.replace(claim, diagnoses=tuple(f"Z{i:02d}" for i in range(13))))
    assert err.value.field == "diagnoses"
    bad_line = dataclasses.replace(claim.lines[0], dx_pointers=(7,))
    with pytest.raises(Cms1500Error) as err:
        render_cms1500(dataclasses.replace(claim, lines=(bad_line,)))
    assert err.value.field == "lines[0].dx_pointers"
    with pytest.raises(Cms1500Error):
        render_cms1500(claim, mode="fax")


def test_item_31_names_the_clinician_without_punctuation_and_is_dated(shared_examples):
    claim = example(shared_examples, "office_visit")
    doctor = Provider(
        name=PersonName(last="Brandt", first="Miriam"), npi="1862305749", credential="MD, FACC"
    )
    pages = cms1500_pages(
        dataclasses.replace(claim, rendering_provider=doctor, submission_date=None)
    )
    assert pages[0].value("31.name") == "MIRIAM BRANDT MD FACC"
    assert pages[0].value("31.date") == date.today().strftime("%m %d %y")


def test_twelve_diagnoses_fill_item_21_a_to_l(shared_examples):
    claim = example(shared_examples, "office_visit")
    codes = (
        "E1165",
        "I10",
        "E785",
        "Z7984",
        "E669",
        "Z6830",
        "K219",
        "M545",
        "G4700",
        "F419",
        "J309",
        "R5383",
    )
    grid = grid_text(render_cms1500(dataclasses.replace(claim, diagnoses=codes)))
    spots = [(38 + i // 4, 3 + 13 * (i % 4)) for i in range(12)]
    assert [grid[(1, line, col)] for line, col in spots] == list(codes)
    assert grid[(1, 37, 42)] == "0"


def test_item_19_names_each_attachment_as_the_nucc_instructs(shared_examples):
    from medbill.core.attachments import Attachment

    claim = example(shared_examples, "office_visit")
    line = dataclasses.replace(claim.lines[0], attachments=(Attachment("RR", "EL", "ATT0002"),))
    claim = dataclasses.replace(
        claim,
        note="Seen twice",
        lines=(line, *claim.lines[1:]),
        attachments=(Attachment("OB", "FX", "ATT0001"), Attachment("LA", "AA")),
    )
    (page,) = cms1500_pages(claim)
    # Item 19 holds 48 characters: the note is cut after the attachments.
    assert page.value("19") == "PWKOBFXATT0001   PWKLAAA   PWKRRELATT0002   SEEN"
    assert "PWKOBFXATT0001   PWKLAAA" in " ".join(grid_text(render_cms1500(claim)).values())
    plain = dataclasses.replace(claim, attachments=(), lines=claim.lines[1:] or claim.lines[:1])
    plain = dataclasses.replace(
        plain, lines=tuple(dataclasses.replace(ln, attachments=()) for ln in plain.lines)
    )
    (page,) = cms1500_pages(plain)
    assert page.value("19") == "SEEN TWICE"
