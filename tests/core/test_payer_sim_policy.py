"""The simulated payer's medical policy: each rule denies with its own CARC, deterministically."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from medbill.core.payersim import (
    Adjudicator,
    DenialRules,
    PayerProfile,
    realistic_profile,
    rules_for,
    simulate,
)
from medbill.core.payersim.rules import FREQUENCY_LIMITS
from medbill.core.x12.m835 import write_835
from remittances import pyx12_835_problems
from x12_claims import claim

RECEIVED = date(2026, 3, 10)


def policy(**changes) -> Adjudicator:
    rules = replace(
        rules_for("commercial", "LCI220")[0], **{"noise": 0.0, "lapse_share": 0.0, **changes}
    )
    return Adjudicator(PayerProfile("LCI220", "LAKELAND", rules=rules, non_covered=frozenset()))


def carcs(payment) -> list[str]:
    adjs = [*payment.adjustments, *(a for s in payment.services for a in s.adjustments)]
    return [a.reason for a in adjs if a.group == "CO" and a.reason != "45"]


def one_line(claim_id: str, code: str, *, dx=("E1165", "I10"), **line) -> object:
    return claim(
        claim_id,
        diagnoses=list(dx),
        lines=[{"line": 1, "code": code, "charge": "100.00", "dx_pointers": [1], **line}],
    )


def test_no_policy_no_new_denials():
    plain = Adjudicator(PayerProfile("LCI220", "LAKELAND", non_covered=frozenset()))
    assert carcs(plain.adjudicate_claim(one_line("P-1", "97110"), RECEIVED)) == []


def test_coverage_ended_before_the_visit_is_co27_and_not_yet_begun_is_co26():
    sim = policy()
    ended = one_line("E-1", "99213")
    ended = replace(ended, subscriber=replace(ended.subscriber, coverage_end=date(2026, 2, 1)))
    assert carcs(sim.adjudicate_claim(ended, RECEIVED)) == ["27"]
    early = one_line("E-2", "99212")
    early = replace(early, subscriber=replace(early.subscriber, coverage_start=date(2026, 3, 5)))
    assert carcs(sim.adjudicate_claim(early, RECEIVED)) == ["26"]


def test_roster_lapses_a_share_of_members_from_the_seed():
    rules = DenialRules(lapse_share=0.5, lapse_from=date(2025, 1, 1), lapse_days=10)
    ends = [rules.coverage_end(f"M{i}", seed=3) for i in range(400)]
    lapsed = [e for e in ends if e is not None]
    assert 150 < len(lapsed) < 250
    assert all(date(2025, 1, 1) <= e < date(2025, 1, 11) for e in lapsed)
    assert ends == [rules.coverage_end(f"M{i}", seed=3) for i in range(400)]
    assert ends != [rules.coverage_end(f"M{i}", seed=4) for i in range(400)]


def test_missing_prior_authorization_is_co197_m62():
    sim = policy()
    echo = one_line("A-1", "93306", dx=("I10",))
    payment = sim.adjudicate_claim(echo, RECEIVED)
    assert carcs(payment) == ["197"] and ("HE", "M62") in payment.services[0].remarks
    authorized = replace(
        one_line("A-2", "93306", dx=("I10",), charge="101.00"), prior_authorization="PA12345"
    )
    assert carcs(sim.adjudicate_claim(authorized, RECEIVED)) == []


def test_therapy_without_gp_is_co4_and_with_gp_is_paid():
    sim = policy()
    assert carcs(sim.adjudicate_claim(one_line("T-1", "97110"), RECEIVED)) == ["4"]
    with_gp = one_line("T-2", "97110", modifiers=["GP"])
    assert carcs(sim.adjudicate_claim(with_gp, RECEIVED)) == []


def test_diagnosis_that_does_not_support_the_code_is_co11_and_unnecessary_is_co50():
    sim = policy(not_necessary={"93000": ("Z00",)})
    assert carcs(sim.adjudicate_claim(one_line("D-1", "83036", dx=("J069",)), RECEIVED)) == ["11"]
    assert carcs(sim.adjudicate_claim(one_line("D-2", "83036", charge="99.00"), RECEIVED)) == []
    ecg = one_line("D-3", "93000", dx=("Z0000", "I10"))
    assert carcs(sim.adjudicate_claim(ecg, RECEIVED)) == ["50"]


def test_frequency_limit_from_history_is_co119_and_on_one_claim_co151():
    sim = policy()
    first = one_line("F-1", "83036", date_of_service="2026-01-05")
    assert carcs(sim.adjudicate_claim(first, RECEIVED)) == []
    again = one_line("F-2", "83036", date_of_service="2026-02-20", charge="101.00")
    assert carcs(sim.adjudicate_claim(again, RECEIVED)) == ["119"]
    later = one_line("F-3", "83036", date_of_service="2026-04-20", charge="102.00")
    assert carcs(sim.adjudicate_claim(later, date(2026, 5, 1))) == []
    # A fresh payer (no history): two yearly physicals on one claim.
    two = claim(
        "F-4",
        diagnoses=["Z0000"],
        lines=[
            {"line": 1, "code": "99396", "charge": "200.00", "dx_pointers": [1]},
            {"line": 2, "code": "99396", "charge": "201.00", "dx_pointers": [1]},
        ],
    )
    assert carcs(policy().adjudicate_claim(two, RECEIVED)) == ["151"]
    assert {f.name for f in FREQUENCY_LIMITS} >= {"preventive visit", "hemoglobin A1c"}


def test_noise_denies_a_small_share_with_co16_the_same_every_time():
    sim = policy(noise=0.2)
    claims = [one_line(f"N-{i}", "99213", charge=f"{100 + i}.00") for i in range(200)]
    denied = [c.claim_id for c in claims if carcs(sim.adjudicate_claim(c, RECEIVED)) == ["16"]]
    assert 20 < len(denied) < 60
    again = policy(noise=0.2)
    assert denied == [
        c.claim_id for c in claims if carcs(again.adjudicate_claim(c, RECEIVED)) == ["16"]
    ]


def test_realistic_profiles_deny_non_covered_and_late_by_payer_type():
    medicare = Adjudicator(realistic_profile("12502", "MEDICARE", "medicare"))
    physical = one_line("R-1", "99396", dx=("Z0000",))
    assert carcs(medicare.adjudicate_claim(physical, RECEIVED)) == ["96"]
    commercial = realistic_profile("60054", "AETNA", "commercial")
    assert commercial.timely_filing_days <= 180
    late = one_line("R-2", "99213", date_of_service="2025-06-02")
    assert carcs(Adjudicator(commercial).adjudicate_claim(late, RECEIVED)) == ["29"]


def test_realistic_simulation_still_writes_a_valid_835():
    claims = [
        one_line("V-1", "93306", dx=("I10",)),
        one_line("V-2", "83036", dx=("J069",)),
        one_line("V-3", "99213"),
    ]
    result = simulate(claims, seed=2, realistic=True)
    assert pyx12_835_problems(write_835(result.remittances)) == []
    assert write_835(result.remittances) == write_835(
        simulate(claims, seed=2, realistic=True).remittances
    )


def test_payers_kept_between_simulations_remember_their_members():
    first = one_line("K-1", "83036", date_of_service="2026-01-05")
    again = one_line("K-2", "83036", date_of_service="2026-02-20", charge="101.00")
    payers: dict = {}
    simulate([first], seed=2, realistic=True, payers=payers)
    (payer,) = payers.values()
    (rem,) = simulate([again], seed=2, realistic=True, payers=payers).remittances
    assert payers == {"LCI220": payer}
    assert carcs(rem.claims[0]) == ["119"]
    # Without them each call is a payer that has seen nothing.
    (fresh,) = simulate([again], seed=2, realistic=True).remittances
    assert "119" not in carcs(fresh.claims[0])


def test_the_same_service_billed_by_another_practice_is_not_a_duplicate():
    payer = policy()
    first = one_line("D-1", "99213")
    assert carcs(payer.adjudicate_claim(first, RECEIVED)) == []
    assert carcs(payer.adjudicate_claim(replace(first, claim_id="D-2"), RECEIVED)) == ["18"]
    other = replace(
        first,
        claim_id="D-3",
        billing_provider=replace(first.billing_provider, npi="1234567893"),
    )
    assert carcs(payer.adjudicate_claim(other, RECEIVED)) == []
