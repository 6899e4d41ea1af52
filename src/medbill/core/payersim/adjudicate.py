"""A simulated payer: adjudicate claims into 835 remittances (and 277CA rejections).

The payer prices each line from its fee schedule (allowed = the lesser of the
charge and the rate × units), applies the member's copay, deductible and
coinsurance, and denies what a real payer denies, with real codes:

* a duplicate of a line already adjudicated (same member, date, code, modifiers,
  charge) → CO-18, RARC N522 (the whole claim when every line repeats);
* filed after the payer's timely filing limit → CO-29 (claim denied);
* a code the plan does not cover → CO-96 with RARC N130;
* an E/M service billed with a procedure on the same claim without modifier 25
  → CO-4 with RARC N822.

A profile may also carry a medical policy (``rules.DenialRules``: coverage dates, prior
authorization, therapy modifiers, diagnosis support, frequency limits and a little noise);
``realistic_profile`` makes one per payer type and ``simulate(..., realistic=True)`` uses it.
Without one the payer denies only for the reasons above.

Claims that fail front-end checks (no member id, no lines, a billing NPI that
fails its check digit, ICD-9 codes for a 2015-10-01 or later service) are not
adjudicated at all: they are rejected in a 277CA.

As a secondary payer (the claim carries another payer's adjudication) it pays
the lesser of its own normal benefit and what the patient still owed, and
reports the prior payer's part as OA-23. The same seed always gives the same
payer claim numbers and check numbers, so output is reproducible.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from medbill.core.claim import Adjudication, Claim, ServiceLine
from medbill.core.money import ZERO, Money
from medbill.core.payersim.rules import (
    THERAPY,
    THERAPY_MODIFIERS,
    DenialRules,
    frequency_of,
    line_diagnoses,
    rules_for,
    supported,
    unit_hash,
    unnecessary,
    within,
)
from medbill.core.x12.m835 import (
    Adjustment,
    ClaimPayment,
    Contact,
    EntityName,
    Party,
    Procedure,
    Remittance,
    ServicePayment,
)
from medbill.core.x12.m837p import npi_is_valid

__all__ = [
    "Adjudicator",
    "MemberPlan",
    "PayerProfile",
    "Rejection",
    "SimulationResult",
    "DEFAULT_RATES",
    "realistic_profile",
    "simulate",
]

# Allowed amounts per unit by procedure code (the simulated payer's own schedule).
DEFAULT_RATES: dict[str, Money] = {
    code: Money(rate)
    for code, rate in {
        "99202": "72.00",
        "99203": "111.00",
        "99204": "167.00",
        "99205": "220.00",
        "99211": "24.00",
        "99212": "57.00",
        "99213": "92.00",
        "99214": "130.00",
        "99215": "183.00",
        "99395": "120.00",
        "99396": "128.00",
        "36415": "3.00",
        "81002": "3.50",
        "81003": "3.10",
        "82947": "5.00",
        "83036": "13.00",
        "85025": "10.50",
        "80053": "14.00",
        "80061": "18.00",
        "87880": "16.50",
        "87804": "16.00",
        "93000": "17.00",
        "90471": "25.00",
        "90472": "13.00",
        "90662": "60.00",
        "90686": "22.00",
        "G0008": "33.00",
        "96372": "14.00",
        "20610": "62.00",
        "11102": "100.00",
        "17110": "110.00",
        "69210": "47.00",
        "J1100": "0.60",
        "J3301": "1.80",
    }.items()
}

EM_CODES = frozenset(f"992{n:02d}" for n in range(2, 16)) | frozenset(
    f"993{n:02d}" for n in range(81, 100)
)
_CENT = Decimal("0.01")
# CLP06 claim filing indicator by payer type (the 835 has no "CI": commercial is 12, PPO).
FILING = {
    "medicare": "MB",
    "medicaid": "MC",
    "commercial": "12",
    "bcbs": "12",
    "tricare": "CH",
    "hmo": "HM",
    "workers_comp": "WC",
    "auto": "AM",
}


@dataclass(frozen=True, slots=True)
class MemberPlan:
    """What the member pays: copay per office visit, yearly deductible, coinsurance."""

    copay: Money = Money(25)
    deductible: Money = Money(500)
    coinsurance: Decimal = Decimal("0.20")
    deductible_met: Money = Money(450)


@dataclass(frozen=True, slots=True)
class PayerProfile:
    """The simulated payer: who it is, its fee schedule and its rules."""

    payer_id: str
    name: str
    rates: Mapping[str, Money] = field(default_factory=lambda: DEFAULT_RATES)
    rate_factor: Decimal = Decimal(1)  # e.g. 1.25 for a commercial plan over the schedule
    unknown_code_percent: Decimal = Decimal("0.55")  # allowed share of charge when unpriced
    timely_filing_days: int = 365
    non_covered: frozenset[str] = frozenset({"99395", "99396", "S9088", "97810"})
    plan: MemberPlan = MemberPlan()
    members: Mapping[str, MemberPlan] = field(default_factory=dict)
    days_to_pay: int = 14
    crossover: bool = False  # forwards claims to the member's secondary (CLP02 19)
    contact_phone: str = "8005550199"
    # Used when the claim carries no payer address (1000A needs N3/N4).
    address: tuple[str, str, str, str] = ("PO BOX 1000", "MADISON", "WI", "537010000")
    ein: str | None = None  # the payer's federal tax id; one is made from payer_id if absent
    rules: DenialRules | None = None  # the payer's medical policy (none: price and pay)

    @property
    def trace_originator(self) -> str:
        """835 TRN03: ``1`` and the payer's EIN (the payer originates the trace)."""
        ein = self.ein or f"{zlib.crc32(self.payer_id.encode()) % 10**9:09d}"
        return "1" + ein


@dataclass(frozen=True, slots=True)
class Rejection:
    """A claim refused at the front door (277CA): category, status code, entity."""

    claim: Claim
    category: str
    status: str
    entity: str
    reason: str


@dataclass(slots=True)
class SimulationResult:
    remittances: list[Remittance]
    rejections: list[Rejection]
    accepted: list[Claim]


def _pct(amount: Money, share: Decimal) -> Money:
    return Money((amount.amount * share).quantize(_CENT, rounding=ROUND_HALF_UP))


class Adjudicator:
    """Adjudicates claims for one payer; remembers deductibles and what it has seen."""

    def __init__(self, profile: PayerProfile, seed: int = 0) -> None:
        self.profile = profile
        self.rng = random.Random(seed)
        self.seed = seed
        self.deductible_met: dict[str, Money] = {}
        # Dates of paid services per (member, frequency limit), for the policy's limits.
        self.history: dict[tuple[str, str], list[date]] = {}
        # Services paid or denied before, per billing provider: the same service billed
        # by another practice for the member is that practice's, not a duplicate.
        self.seen: set[tuple[str, str, date | None, str, tuple[str, ...], Money]] = set()

    # -- front door ------------------------------------------------------------------------

    def front_end_check(self, claim: Claim, icd9: bool = False) -> Rejection | None:
        """Why the payer would refuse to take ``claim`` into adjudication, or None."""
        if not claim.subscriber.member_id:
            return Rejection(claim, "A7", "33", "IL", "subscriber id not found")
        if not claim.lines:
            return Rejection(claim, "A3", "21", "", "no service lines")
        if not npi_is_valid(claim.billing_provider.npi or ""):
            return Rejection(claim, "A7", "562", "85", "billing provider NPI is invalid")
        first = claim.date_of_service or min((d for d in claim.line_dates() if d), default=None)
        if icd9 and first and first >= date(2015, 10, 1):
            return Rejection(claim, "A7", "255", "", "ICD-9-CM diagnosis codes after 2015-10-01")
        return None

    # -- pricing ---------------------------------------------------------------------------

    def allowed(self, line: ServiceLine) -> Money:
        rate = self.profile.rates.get(line.code)
        if rate is None:
            return _pct(line.charge, self.profile.unknown_code_percent)
        priced = Money(
            (rate.amount * line.units * self.profile.rate_factor).quantize(
                _CENT, rounding=ROUND_HALF_UP
            )
        )
        return min(priced, line.charge)

    def _plan(self, member: str) -> MemberPlan:
        return self.profile.members.get(member, self.profile.plan)

    def adjudicate_claim(self, claim: Claim, received: date) -> ClaimPayment:
        """The payer's decision on one claim, as the 835 says it."""
        member = (claim.subscriber.member_id or "").upper()
        plan = self._plan(member)
        met = self.deductible_met.setdefault(member, plan.deductible_met)
        prior = next((c.adjudication for c in claim.other_coverage if c.adjudication), None)
        dates = [d for d in claim.line_dates() if d]
        first = min(dates) if dates else received
        late = (received - first).days > self.profile.timely_filing_days
        # A surgical procedure (10004-69990; not a blood draw) on the same claim as an E/M.
        has_procedure = any(
            line.code.isdigit()
            and "10004" <= line.code <= "69990"
            and line.code not in ("36415", "36416")
            for line in claim.lines
        )
        keys = [
            (
                claim.billing_provider.npi or "",
                member,
                line.date_of_service or claim.date_of_service,
                line.code,
                line.modifiers,
                line.charge,
            )
            for line in claim.lines
        ]
        duplicate = all(k in self.seen for k in keys)
        on_claim: dict[str, Decimal] = {}
        copay_left = plan.copay
        services: list[ServicePayment] = []
        claim_adjustments: list[Adjustment] = []
        for line, key in zip(claim.lines, keys, strict=True):
            adjs: list[Adjustment] = []
            remarks: list[tuple[str, str]] = []
            paid = ZERO
            allowed: Money | None = None
            if late:
                adjs.append(Adjustment("CO", "29", line.charge))
            elif key in self.seen:
                adjs.append(Adjustment("CO", "18", line.charge))
                remarks.append(("HE", "N522"))
            elif line.code in self.profile.non_covered:
                adjs.append(Adjustment("CO", "96", line.charge))
                remarks.append(("HE", "N130"))
            elif line.code in EM_CODES and has_procedure and "25" not in line.modifiers:
                adjs.append(Adjustment("CO", "4", line.charge))
                remarks.append(("HE", "N822"))
            elif denial := self._policy_denial(claim, line, member, on_claim):
                reason, remark = denial
                adjs.append(Adjustment("CO", reason, line.charge))
                if remark:
                    remarks.append(("HE", remark))
            else:
                allowed = self.allowed(line)
                if line.charge > allowed:
                    adjs.append(Adjustment("CO", "45", line.charge - allowed))
                share = allowed
                owed: list[Adjustment] = []
                if line.code in EM_CODES and copay_left:
                    copay = min(copay_left, share)
                    copay_left -= copay
                    share -= copay
                    owed.append(Adjustment("PR", "3", copay))
                room = plan.deductible - met
                if share and room > ZERO:
                    ded = min(room, share)
                    met += ded
                    share -= ded
                    owed.append(Adjustment("PR", "1", ded))
                if share:
                    coins = _pct(share, plan.coinsurance)
                    share -= coins
                    if coins:
                        owed.append(Adjustment("PR", "2", coins))
                paid = share
                if prior is not None:
                    paid, owed, adjs = self._as_secondary(line, prior, paid, owed)
                adjs.extend(a for a in owed if a.amount)
            self.seen.add(key)
            services.append(
                ServicePayment(
                    Procedure("HC", line.code, line.modifiers),
                    line.charge,
                    paid,
                    units_paid=line.units if paid or allowed is not None else Decimal(0),
                    service_date=line.date_of_service or claim.date_of_service,
                    adjustments=tuple(adjs),
                    line_control_number=line.line_control_number or "",
                    amounts=(("B6", allowed),) if allowed is not None else (),
                    remarks=tuple(remarks),
                )
            )
        self.deductible_met[member] = met
        paid = sum((s.paid for s in services), ZERO)
        pr = sum((a.amount for s in services for a in s.adjustments if a.group == "PR"), ZERO)
        denied = not paid and not pr
        if denied and (late or duplicate):
            # A whole-claim denial: the reason goes on the claim, the lines carry none.
            reason = "29" if late else "18"
            claim_adjustments.append(Adjustment("CO", reason, claim.total_charge))
            services = []
        has_next = any(c.adjudication is None for c in claim.other_coverage)
        if denied:
            status = "4"
        elif prior is not None:
            status = "2"
        elif has_next and self.profile.crossover:
            status = "19"
        else:
            status = "1"
        names = [
            EntityName(
                "QC",
                "1",
                claim.patient.name.last,
                claim.patient.name.first or "",
                claim.patient.name.middle or "",
                id_qualifier="MI",
                id=member,
            )
        ]
        if not claim.patient.is_subscriber:
            names.append(
                EntityName(
                    "IL",
                    "1",
                    claim.subscriber.name.last,
                    claim.subscriber.name.first or "",
                    id_qualifier="MI",
                    id=member,
                )
            )
        rendering = claim.rendering_provider
        if rendering and rendering.npi:
            names.append(
                EntityName(
                    "82",
                    "1",
                    rendering.name.last,
                    rendering.name.first or "",
                    id_qualifier="XX",
                    id=rendering.npi,
                )
            )
        if status == "19":
            nxt = next(c for c in claim.other_coverage if c.adjudication is None)
            names.append(
                EntityName(
                    "TT", "2", nxt.payer.name, id_qualifier="PI", id=nxt.payer.payer_id or ""
                )
            )
        return ClaimPayment(
            claim.claim_id,
            status,
            claim.total_charge,
            paid,
            pr if not denied else None,
            FILING.get(claim.payer.type or "", "12"),
            f"{self.rng.randrange(10**13, 10**14)}",
            facility_type=claim.place_of_service or "11",
            frequency=claim.frequency_code,
            adjustments=tuple(claim_adjustments),
            names=tuple(names),
            received=received,
            statement_start=first if dates else None,
            statement_end=max(dates) if dates else None,
            services=tuple(services),
            outpatient=("", "", "MA01") if denied else (),
        )

    def _policy_denial(
        self, claim: Claim, line: ServiceLine, member: str, on_claim: dict[str, Decimal]
    ) -> tuple[str, str] | None:
        """The policy's reason to deny ``line`` (CARC, RARC or ""), or None to pay it."""
        rules = self.profile.rules
        if rules is None:
            return None
        day = line.date_of_service or claim.date_of_service
        sub = claim.subscriber
        end = sub.coverage_end or rules.coverage_end(member, self.seed)
        if day is not None and end is not None and day > end:
            return ("27", "")
        if day is not None and sub.coverage_start is not None and day < sub.coverage_start:
            return ("26", "")
        if line.code in rules.prior_auth and not (
            line.prior_authorization or claim.prior_authorization
        ):
            return ("197", "M62")
        if (
            rules.therapy_modifiers
            and line.code in THERAPY
            and not THERAPY_MODIFIERS & set(line.modifiers)
        ):
            return ("4", "N822")
        dxs = line_diagnoses(line.dx_pointers, claim.diagnoses)
        if not supported(line.code, dxs, rules):
            return ("11", "")
        if unnecessary(line.code, dxs, rules):
            return ("50", "")
        freq = frequency_of(line.code, rules)
        if freq is not None:
            used = on_claim.get(freq.name, Decimal(0))
            on_claim[freq.name] = used + line.units
            history = self.history.setdefault((member, freq.name), [])
            if used + line.units > freq.limit:
                return ("151", "")
            if day is not None and within(history, day, freq) >= freq.limit:
                return ("119", "")
        if unit_hash(self.seed, "noise", claim.claim_id, line.line) < rules.noise:
            return ("16", "MA130")
        if freq is not None and day is not None:
            self.history[(member, freq.name)].append(day)
        return None

    def _as_secondary(
        self, line: ServiceLine, prior: Adjudication, normal: Money, owed: list[Adjustment]
    ) -> tuple[Money, list[Adjustment], list[Adjustment]]:
        """Pay the lesser of our normal benefit and what the patient still owed on the line."""
        prior_line = next((p for p in prior.lines if p.line == line.line), None)
        if prior_line is None:
            still_owed = ZERO
        else:
            still_owed = sum((a.amount for a in prior_line.adjustments if a.group == "PR"), ZERO)
        paid = min(normal + sum((a.amount for a in owed), ZERO), still_owed)
        left = still_owed - paid
        adjs = [Adjustment("OA", "23", line.charge - still_owed)]
        new_owed = [Adjustment("PR", "2", left)] if left else []
        return paid, new_owed, adjs

    # -- whole files -----------------------------------------------------------------------

    def run(
        self,
        claims: Iterable[Claim],
        received: date | None = None,
        icd9: Sequence[bool] | None = None,
    ) -> SimulationResult:
        """Adjudicate a batch: rejections (for a 277CA) and one remittance per billing NPI."""
        claims = list(claims)
        flags = list(icd9) if icd9 is not None else [False] * len(claims)
        rejections, accepted = [], []
        for claim, flag in zip(claims, flags, strict=True):
            problem = self.front_end_check(claim, flag)
            (rejections.append(problem) if problem else accepted.append(claim))
        if received is None:
            known = [c.submission_date or c.date_of_service for c in claims]
            received = max((d for d in known if d), default=date(2026, 1, 1)) + timedelta(days=1)
        groups: dict[str, list[Claim]] = {}
        for claim in accepted:
            groups.setdefault(claim.billing_provider.npi or "", []).append(claim)
        remittances = []
        pay_date = received + timedelta(days=self.profile.days_to_pay)
        for number, (npi, members) in enumerate(groups.items(), start=1):
            payments = tuple(self.adjudicate_claim(c, received) for c in members)
            total = sum((p.paid for p in payments), ZERO)
            provider = members[0].billing_provider
            addr = members[0].payer.address
            line1, city, state, zip_ = (
                (addr.line1, addr.city, addr.state, addr.zip)
                if addr and addr.line1 and addr.city
                else self.profile.address
            )
            remittances.append(
                Remittance(
                    control_number=f"{number:04d}",
                    handling="I" if total else "H",
                    total_paid=total,
                    credit_debit="C",
                    method="CHK" if total else "NON",
                    payment_date=pay_date,
                    trace_number=f"{self.rng.randrange(10**9, 10**10)}",
                    trace_originator=self.profile.trace_originator,
                    trace_type="1",
                    payer=Party(
                        "PR",
                        self.profile.name,
                        "XV",
                        self.profile.payer_id,
                        (line1,),
                        city,
                        state,
                        zip_,
                        references=(("2U", self.profile.payer_id),),
                        contacts=(
                            Contact("BL", "PROVIDER EDI", (("TE", self.profile.contact_phone),)),
                        ),
                    ),
                    payee=Party(
                        "PE",
                        provider.name,
                        "XX",
                        npi,
                        references=(("TJ", provider.tin),) if provider.tin else (),
                    ),
                    claims=payments,
                    production_date=pay_date,
                )
            )
        return SimulationResult(remittances, rejections, accepted)


def realistic_profile(payer_id: str, name: str, payer_type: str | None) -> PayerProfile:
    """A payer of ``payer_type`` with a medical policy to match (see ``rules.rules_for``)."""
    rules, non_covered, filing_days = rules_for(payer_type, payer_id)
    return PayerProfile(
        payer_id,
        name,
        rules=rules,
        non_covered=non_covered,
        timely_filing_days=filing_days,
        rate_factor=Decimal(1) if payer_type in ("medicare", "medicaid") else Decimal("1.2"),
    )


def simulate(
    claims: Sequence[Claim],
    *,
    seed: int = 0,
    profiles: Mapping[str, PayerProfile] | None = None,
    received: date | None = None,
    icd9: Sequence[bool] | None = None,
    realistic: bool = False,
    payers: MutableMapping[str, Adjudicator] | None = None,
) -> SimulationResult:
    """Adjudicate claims addressed to any number of payers (one simulated payer each).

    A payer without a profile gets the default rules under its own name and id, or with
    ``realistic`` a medical policy for its payer type (``realistic_profile``).
    Remittances are numbered in order so they can share one interchange.

    ``payers`` holds the simulated payers by payer id from one call to the next, kept by
    the caller: each remembers its members' deductibles, the services that count toward
    frequency limits and the claims it has seen, as a payer does between files. A payer
    not in it is made (as above) and added.
    """
    profiles = profiles or {}
    flags = list(icd9) if icd9 is not None else [False] * len(claims)
    by_payer: dict[str, list[tuple[Claim, bool]]] = {}
    for claim, flag in zip(claims, flags, strict=True):
        by_payer.setdefault(claim.payer.payer_id or "UNKNOWN", []).append((claim, flag))
    out = SimulationResult([], [], [])
    for number, (payer_id, items) in enumerate(by_payer.items()):
        first = items[0][0].payer
        name = (first.name or payer_id).upper()
        adjudicator = payers.get(payer_id) if payers is not None else None
        if adjudicator is None:
            profile = profiles.get(payer_id) or (
                realistic_profile(payer_id, name, first.type)
                if realistic
                else PayerProfile(payer_id, name)
            )
            adjudicator = Adjudicator(profile, seed * 1000 + number)
            if payers is not None:
                payers[payer_id] = adjudicator
        result = adjudicator.run([c for c, _ in items], received, [f for _, f in items])
        out.remittances += result.remittances
        out.rejections += result.rejections
        out.accepted += result.accepted
    out.remittances = [
        replace(r, control_number=f"{i:04d}") for i, r in enumerate(out.remittances, start=1)
    ]
    return out
