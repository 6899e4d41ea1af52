"""The demo practice generator: deterministic, realistic, and consistent with its tables."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
import simple_icd_10_cm as icd

from medbill.web.demo import generate
from medbill.web.demo.notes import SCENARIOS
from medbill.web.demo.tables import (
    FEE_SCHEDULE,
    PAYERS,
    PRACTICES,
    PROVIDERS,
    npi_is_valid,
    npi_with_check_digit,
)


def luhn_valid(number: str) -> bool:
    """Plain Luhn check over the whole number (written independently of the generator)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@pytest.fixture(scope="module")
def demo() -> generate.DemoData:
    return generate.build()


class TestDeterminism:
    def test_same_seed_same_data(self):
        assert generate.digest(generate.build(7)) == generate.digest(generate.build(7))

    def test_other_seed_other_data(self):
        assert generate.digest(generate.build(7)) != generate.digest(generate.build(8))

    def test_start_must_be_a_monday(self):
        with pytest.raises(ValueError, match="Monday"):
            generate.build(1, dt.date(2026, 11, 10))


class TestNpis:
    def test_every_npi_passes_the_check_digit_with_prefix_80840(self):
        npis = [p["npi"] for p in PROVIDERS] + [p["group_npi"] for p in PRACTICES]
        assert len(npis) == 6
        for npi in npis:
            assert re.fullmatch(r"\d{10}", npi)
            assert luhn_valid("80840" + npi), npi
            assert npi_is_valid(npi)

    def test_known_npi(self):
        # The CMS NPI standard's worked example: 123456789 gets check digit 3.
        assert npi_with_check_digit("123456789") == "1234567893"
        assert not npi_is_valid("1234567890")


class TestCounts:
    def test_practices_providers_payers(self):
        assert {p["specialty"] for p in PRACTICES} == {"family_medicine", "cardiology"}
        assert len(PROVIDERS) == 4
        assert Counter(p["practice"] for p in PROVIDERS) == {"fm": 2, "card": 2}
        assert len(PAYERS) == 5
        assert Counter(p["type"] for p in PAYERS) == {
            "medicare": 1,
            "medicaid": 1,
            "commercial": 2,
            "bcbs": 1,
        }

    def test_fee_schedule_of_common_office_codes(self):
        codes = {item.code for item in FEE_SCHEDULE}
        assert len(codes) == len(FEE_SCHEDULE) >= 40
        family = [i for i in FEE_SCHEDULE if "fm" in i.practices]
        assert len(family) >= 40
        for must in (
            "99202",
            "99215",
            "99396",
            "90686",
            "90471",
            "G0008",
            "36415",
            "81002",
            "93000",
            "96372",
            "J1885",
            "20610",
            "69210",
        ):
            assert must in codes
        for item in FEE_SCHEDULE:
            assert re.fullmatch(r"\d{5}|[A-Z]\d{4}", item.code)
            assert item.system == ("CPT" if item.code[0].isdigit() else "HCPCS")
            assert 5 <= len(item.description) <= 60  # our own short wording

    def test_sixty_patients_with_the_hard_cases(self, demo):
        assert len(demo.patients) == 60
        self_pay = [p for p in demo.patients if not p.coverages]
        secondary = [p for p in demo.patients if len(p.coverages) > 1]
        dependants = [
            p
            for p in demo.patients
            if any(c.relationship in ("child", "spouse") for c in p.coverages)
        ]
        assert len(self_pay) >= 5
        assert len(secondary) >= 5
        assert len(dependants) >= 5
        for p in dependants:
            cov = next(c for c in p.coverages if c.relationship != "self")
            assert cov.subscriber != p.person
            assert cov.subscriber.last == p.person.last
        # Some children are on a parent who is a patient of the practice too.
        assert any(c.subscriber_patient for p in dependants for c in p.coverages)
        for p in secondary:
            assert [c.order for c in p.coverages] == ["primary", "secondary"]
        medicare = [p for p in demo.patients if p.coverages and p.coverages[0].payer == "medicare"]
        assert all(
            re.fullmatch(r"[1-9][A-Z][A-Z0-9]\d[A-Z][A-Z0-9]\d[A-Z]{2}\d{2}", c.member_id)
            for p in medicare
            for c in p.coverages[:1]
        )
        assert len({p.account for p in demo.patients}) == 60

    def test_two_weeks_of_weekday_visits(self, demo):
        days = {v.start.date() for v in demo.visits}
        assert min(days) == demo.start
        assert max(days) == demo.start + dt.timedelta(days=11)
        assert len(days) == 10 and all(d.weekday() < 5 for d in days)
        assert len(demo.visits) >= 60
        statuses = Counter(v.status for v in demo.visits)
        assert statuses["coded"] and statuses["checked_out"] and statuses["scheduled"]
        seen = {v.patient for v in demo.visits}
        assert seen == {p.account for p in demo.patients}


class TestNotesAndCodes:
    def test_default_seed_shows_every_scenario(self, demo):
        assert {v.scenario for v in demo.visits} == {s.key for s in SCENARIOS}

    def test_notes_are_filled_in_and_varied(self, demo):
        notes = [v.note for v in demo.visits if v.note]
        assert all("{" not in n and "}" not in n for n in notes)
        text = "\n".join(notes)
        for phrase in (
            "denies chest pain",
            "chronic kidney disease",
            "right ankle",
            "left",
            "Father had a heart attack",
            "atrial fibrillation",
            "influenza vaccine",
            "WELL CHILD VISIT",
            "Electronically signed by",
        ):
            assert phrase.lower() in text.lower(), phrase
        assert len(set(notes)) == len(notes)
        unseen = [v for v in demo.visits if v.status in ("scheduled", "no_show")]
        assert unseen and all(v.note == "" for v in unseen)

    def test_answer_key_codes_are_valid_icd10cm(self):
        for s in SCENARIOS:
            for variant in s.variants:
                for code in variant.diagnoses:
                    assert icd.is_valid_item(code) and icd.is_leaf(code), (s.key, code)

    def test_service_lines_are_priced_from_the_practice_fee_schedule(self, demo):
        prices = {(p, i.code): i.price for i in FEE_SCHEDULE for p in i.practices}
        for v in demo.visits:
            assert v.services, v.key
            for s in v.services:
                assert (v.practice, s.code) in prices, (v.key, s.code)
                from decimal import Decimal

                assert Decimal(s.charge) == Decimal(prices[v.practice, s.code]) * s.units
                assert all(1 <= p <= len(v.diagnoses) for p in s.pointers), v.key

    def test_medicare_flu_shot_uses_the_medicare_administration_code(self, demo):
        flu = [v for v in demo.visits if v.scenario == "flu_shot"]
        assert flu
        for v in flu:
            medicare = demo.patient(v.patient).coverages[:1]
            want = "G0008" if medicare and medicare[0].payer == "medicare" else "90471"
            assert [s.code for s in v.services] == ["90686", want]

    def test_laterality_matches_the_note(self, demo):
        for v in demo.visits:
            if v.scenario == "ankle_sprain" and v.note:
                side = "right" if v.diagnoses[0] == "S93.401A" else "left"
                assert f"{side} ankle" in v.note
                assert v.services[1].modifiers == ("RT" if side == "right" else "LT",)
