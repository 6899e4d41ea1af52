"""Checks a claim must pass before the 837P writer renders it.

Each problem names the claim and the document field (``lines[2].dx_pointers``)
so a biller can fix the claim; none of them echoes patient data. These are the
structural rules of 005010X222A1 (lengths, formats, required loops and COB
balancing), not payer edits: those live in the scrubber.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NoReturn

from medbill.core.attachments import Attachment, attachment_problems
from medbill.core.claim import Address, BillingProvider, Claim, OtherCoverage, Provider
from medbill.core.identifiers import npi_is_valid
from medbill.core.money import Money
from medbill.core.msp import MEDICARE_TYPES
from medbill.core.x12._m837p_fit import fit_claim
from medbill.core.x12._segments import Delimiters, X12WriteError

__all__ = [
    "check_claim",
    "check_structure",
    "StructureChecker",
    "is_medicare_secondary",
    "other_medicare_is_secondary",
    "npi_is_valid",
    "FILING_INDICATORS",
]


# Claim filing indicator (SBR09) for each payer type of the claim document.
FILING_INDICATORS = {
    "medicare": "MB",
    "medicare_a": "MA",
    "medicare_b": "MB",
    "medicaid": "MC",
    "commercial": "CI",
    "bcbs": "BL",
    "tricare": "CH",
    "champus": "CH",
    "champva": "VA",
    "workers_comp": "WC",
    "hmo": "HM",
    "ppo": "12",
    "pos": "13",
    "epo": "14",
    "indemnity": "15",
    "medicare_advantage": "16",
    "auto": "AM",
    "liability": "LM",
    "federal_employees": "FI",
    "other_federal": "OF",
    "title_v": "TV",
    "disability": "DS",
    "other": "11",
}

_DX = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
_PROC = re.compile(r"^[A-Z0-9]{5}$")
_MOD = re.compile(r"^[A-Z0-9]{2}$")
_STATE = re.compile(r"^[A-Z]{2}$")
_ZIP = re.compile(r"^[0-9]{5}([0-9]{4})?$")
_POS = re.compile(r"^[0-9]{2}$")
_NDC = re.compile(r"^[0-9]{11}$")
_PO_BOX = re.compile(r"^(P\.?\s*O\.?\s*BOX|POST OFFICE BOX|LOCK ?BOX)\b")


class _Checker:
    """The field checks, for one claim after another (``claim`` is the current one).

    Immutable parts of a claim that passed (an address, a provider, a diagnosis or
    procedure code) are remembered by identity or value and not checked again: a batch
    repeats its billing provider, payer and rendering provider claim after claim.
    """

    def __init__(self) -> None:
        self.claim: Claim | None = None
        # (id, kind) -> the object that passed; kept so that its id is not reused.
        self._passed: dict[tuple[int, str], object] = {}
        self._good_codes: dict[re.Pattern[str], set[str]] = {}  # codes that matched

    def passed(self, obj: object, kind: str) -> bool:
        return self._passed.get((id(obj), kind)) is obj

    def remember(self, obj: object, kind: str) -> None:
        self._passed[(id(obj), kind)] = obj

    def code(self, field: str, code: str, pattern: re.Pattern[str], message: str) -> None:
        good = self._good_codes.get(pattern)
        if good is None:
            good = self._good_codes[pattern] = set()
        if code not in good:
            if not pattern.match(code):
                self.fail(field, message)
            good.add(code)

    def fail(
        self, field: str, message: str, segment: str | None = None, element: int | None = None
    ) -> NoReturn:
        assert self.claim is not None
        raise X12WriteError(
            message, claim_id=self.claim.claim_id, field=field, segment=segment, element=element
        )

    def text(self, field: str, value: str | None, required: bool = True) -> None:
        """A required value; lengths and characters are ``fit_claim``'s (one table)."""
        if not value and required:
            self.fail(field, "is required")

    def npi(self, field: str, value: str | None, required: bool = True) -> None:
        if not value:
            if required:
                self.fail(field, "is required (an NPI)")
            return
        if not npi_is_valid(value):
            self.fail(field, "is not a valid NPI (10 digits with a correct check digit)")

    def address(
        self, field: str, addr: Address | None, zip9: bool = False, required: bool = True
    ) -> None:
        if addr is None:
            if required:
                self.fail(field, "is required")
            return
        kind = "zip9" if zip9 else "address"
        if self.passed(addr, kind):
            return
        self.text(f"{field}.line1", addr.line1)
        self.text(f"{field}.city", addr.city)
        if not _STATE.match(addr.state or ""):
            self.fail(f"{field}.state", "must be a two-letter state code")
        if not _ZIP.match(addr.zip or ""):
            self.fail(f"{field}.zip", "must be 5 or 9 digits")
        if zip9 and len(addr.zip) != 9:
            self.fail(f"{field}.zip", "must be the 9-digit ZIP+4 for the billing provider")
        self.remember(addr, kind)

    def person(self, field: str, provider: Provider, required_npi: bool = True) -> None:
        kind = "person" if required_npi else "person, any npi"
        if self.passed(provider, kind):
            return
        self.text(f"{field}.name.last", provider.name.last)
        self.npi(f"{field}.npi", provider.npi, required_npi)
        self.remember(provider, kind)

    def demographics(self, field: str, dob: object, sex: str | None) -> None:
        if dob is None:
            self.fail(f"{field}.dob", "is required")
        if sex not in ("M", "F", "U"):
            self.fail(f"{field}.sex", "must be M, F or U")


def check_claim(claim: Claim, delimiters: Delimiters | None = None) -> None:
    """Raise X12WriteError naming the claim and field for the first problem found.

    The structure comes first, then the fields whose text does not fit their
    elements (``fit_claim``) with the file's ``delimiters``.
    """
    check_structure(claim)
    problems = fit_claim(claim, delimiters).problems
    if problems:
        raise problems[0].error(claim.claim_id)


def check_structure(claim: Claim) -> None:
    """Required fields, codes and COB balancing; X12WriteError for the first problem."""
    StructureChecker().check(claim)


class StructureChecker:
    """``check_structure`` for the claims of one batch, which share providers and payers."""

    def __init__(self) -> None:
        self._checker = _Checker()

    def check(self, claim: Claim) -> None:
        """X12WriteError naming the claim and field for the first problem found."""
        c = self._checker
        c.claim = claim
        try:
            _check(c, claim)
        finally:
            c.claim = None


def _check(c: _Checker, claim: Claim) -> None:
    if not claim.claim_id:
        c.fail("claim_id", "is required")
    c.text("claim_id", claim.claim_id)
    if claim.frequency_code not in ("1", "7", "8"):
        c.fail("frequency_code", "must be 1, 7 or 8")
    if claim.frequency_code in ("7", "8") and not claim.original_claim_ref:
        c.fail("original_claim_ref", "is required for a replacement (7) or void (8) claim")
    if not _POS.match(claim.place_of_service or ""):
        c.fail("place_of_service", "must be a two-digit place of service code")

    bp = claim.billing_provider
    if not c.passed(bp, "billing_provider"):
        _check_billing_provider(c, bp)
        c.remember(bp, "billing_provider")
    payer = claim.payer
    if not c.passed(payer, "payer"):
        if not payer.name:
            c.fail("payer.name", "is required")
        c.text("payer.payer_id", payer.payer_id)
        filing_indicator(claim, payer.type, "payer.type")
        c.address("payer.address", payer.address, required=False)
        c.remember(payer, "payer")
    if not claim.subscriber.medicare_secondary_type and is_medicare_secondary(claim):
        c.fail(
            "subscriber.medicare_secondary_type",
            "is required when Medicare is billed "
            "after another payer (SBR05: why Medicare is secondary)",
            "SBR",
            5,
        )

    sub = claim.subscriber
    c.text("subscriber.name.last", sub.name.last)
    c.text("subscriber.member_id", sub.member_id)
    pat = claim.patient
    if pat.is_subscriber:
        c.demographics("subscriber", sub.dob, sub.sex)
        c.address("subscriber.address", sub.address)
    else:
        c.address("subscriber.address", sub.address, required=False)
        c.text("patient.name.last", pat.name.last)
        c.demographics("patient", pat.dob, pat.sex)
        c.address("patient.address", pat.address)

    _check_dates_and_causes(c, claim)
    _check_diagnoses(c, claim)
    _check_lines(c, claim)
    if claim.attachments:
        _check_attachments(c, claim.attachments, "attachments")
    if claim.rendering_provider is not None:
        c.person("rendering_provider", claim.rendering_provider)
    if claim.referring_provider is not None:
        c.person("referring_provider", claim.referring_provider)
    if claim.service_facility is not None:
        f = claim.service_facility
        c.text("service_facility.name", f.name)
        c.npi("service_facility.npi", f.npi, required=False)
        c.address("service_facility.address", f.address)
    amb = claim.ambulance
    if amb is not None:
        c.address("ambulance.pickup", amb.pickup)
        c.address("ambulance.dropoff", amb.dropoff)
        if amb.miles is None or amb.miles <= 0:
            c.fail("ambulance.miles", "must be a positive number of miles")
    _check_other_coverage(c, claim)


def _check_billing_provider(c: _Checker, bp: BillingProvider) -> None:
    c.text("billing_provider.name", bp.name)
    c.npi("billing_provider.npi", bp.npi)
    if not bp.tin or len(bp.tin) != 9 or not bp.tin.isdigit():
        c.fail("billing_provider.tin", "must be 9 digits")
    c.address("billing_provider.address", bp.address, zip9=True)
    assert bp.address is not None
    if _PO_BOX.match(bp.address.line1.upper()):
        c.fail(
            "billing_provider.address.line1",
            "must be a street address; a post office box goes in pay_to_address",
        )
    if bp.pay_to_address is not None:
        c.address("billing_provider.pay_to_address", bp.pay_to_address)


def is_medicare_secondary(claim: Claim) -> bool:
    """True when the claim goes to Medicare after another payer: its 2000B SBR05 must say
    why Medicare is secondary (``Subscriber.medicare_secondary_type``)."""
    return claim.payer.type in MEDICARE_TYPES and any(
        oc.order == "primary" for oc in claim.other_coverage
    )


def other_medicare_is_secondary(oc: OtherCoverage) -> bool:
    """True when an earlier payer of the claim (loop 2320) is Medicare but not the primary
    payer: its 2320 SBR05 must say why Medicare is secondary, as 2000B does when Medicare
    is billed (``Subscriber.medicare_secondary_type`` of that coverage)."""
    return oc.payer.type in MEDICARE_TYPES and oc.order != "primary"


def filing_indicator(claim: Claim, kind: str | None, field: str) -> str:
    """SBR09 for a payer type; X12WriteError when the type cannot be billed on an 837P."""
    if not kind:
        raise X12WriteError(
            "is required (the payer type gives the claim filing indicator)",
            claim_id=claim.claim_id,
            field=field,
        )
    code = FILING_INDICATORS.get(kind)
    if code is None:
        raise X12WriteError(
            f"payer type {kind!r} cannot be billed on an 837P", claim_id=claim.claim_id, field=field
        )
    return code


def _check_dates_and_causes(c: _Checker, claim: Claim) -> None:
    for cause in claim.related_causes:
        if cause not in ("AA", "EM", "OA"):
            c.fail("related_causes", "must be AA (auto accident), EM (employment) or OA")
    if len(claim.related_causes) > 2:
        c.fail("related_causes", "at most two related causes fit in CLM11")
    if "AA" in claim.related_causes and not _STATE.match(claim.accident_state or ""):
        c.fail("accident_state", "is required (two letters) for an auto accident")
    if (
        "AA" in claim.related_causes or "OA" in claim.related_causes
    ) and claim.accident_date is None:
        c.fail("accident_date", "is required when the claim is related to an accident")
    if claim.release_of_information not in ("Y", "I"):
        c.fail("release_of_information", "must be Y (signed) or I (informed consent)")


def _check_diagnoses(c: _Checker, claim: Claim) -> None:
    if not claim.diagnoses:
        c.fail("diagnoses", "at least one diagnosis is required")
    if len(claim.diagnoses) > 12:
        c.fail("diagnoses", "the 837P carries at most 12 diagnoses")
    for i, code in enumerate(claim.diagnoses):
        c.code(f"diagnoses[{i}]", code, _DX, "is not an ICD-10-CM code (letter, digit, no dot)")


def _check_lines(c: _Checker, claim: Claim) -> None:
    if not claim.lines:
        c.fail("lines", "at least one service line is required")
    if len(claim.lines) > 50:
        c.fail("lines", "the 837P carries at most 50 service lines per claim")
    for i, line in enumerate(claim.lines):
        at = f"lines[{i}]"
        c.code(f"{at}.code", line.code, _PROC, "must be a 5-character CPT or HCPCS code")
        if len(line.modifiers) > 4:
            c.fail(f"{at}.modifiers", "at most four modifiers")
        for j, mod in enumerate(line.modifiers):
            c.code(f"{at}.modifiers[{j}]", mod, _MOD, "must be two letters or digits")
        if line.charge < 0:
            c.fail(f"{at}.charge", "cannot be negative")
        if line.units <= 0:
            c.fail(f"{at}.units", "must be more than zero")
        if line.unit_basis not in ("UN", "MJ"):
            c.fail(f"{at}.unit_basis", "must be UN (units) or MJ (anesthesia minutes)")
        if not 1 <= len(line.dx_pointers) <= 4:
            c.fail(f"{at}.dx_pointers", "one to four diagnosis pointers are required")
        for p in line.dx_pointers:
            if not 1 <= p <= min(len(claim.diagnoses), 12):
                c.fail(f"{at}.dx_pointers", f"pointer {p} points past the claim's diagnoses")
        if len(set(line.dx_pointers)) != len(line.dx_pointers):
            c.fail(f"{at}.dx_pointers", "a diagnosis is pointed to twice")
        start = line.date_of_service or claim.date_of_service
        if start is None:
            c.fail(f"{at}.date_of_service", "is required (on the line or the claim)")
        if line.date_of_service_end and line.date_of_service_end < start:
            c.fail(f"{at}.date_of_service_end", "is before the date of service")
        if line.place_of_service and not _POS.match(line.place_of_service):
            c.fail(f"{at}.place_of_service", "must be a two-digit place of service code")
        if line.ndc is not None:
            if not _NDC.match(line.ndc.replace("-", "")):
                c.fail(f"{at}.ndc", "must be an 11-digit NDC (5-4-2)")
            if line.ndc_quantity is None or line.ndc_quantity <= 0:
                c.fail(f"{at}.ndc_quantity", "is required with an NDC")
            if line.ndc_unit not in ("F2", "GR", "ME", "ML", "UN"):
                c.fail(f"{at}.ndc_unit", "must be F2, GR, ME, ML or UN")
        if line.rendering_provider is not None:
            c.person(f"{at}.rendering_provider", line.rendering_provider)
        if line.attachments:
            _check_attachments(c, line.attachments, f"{at}.attachments")


def _check_attachments(c: _Checker, attachments: tuple[Attachment, ...], at: str) -> None:
    for field, problem in attachment_problems(attachments, at):
        c.fail(field, problem, "PWK")


def _check_other_coverage(c: _Checker, claim: Claim) -> None:
    orders = [oc.order for oc in claim.other_coverage]
    if len(set(orders)) != len(orders):
        c.fail("other_coverage", "two other coverages have the same order")
    if len(orders) > 10:
        c.fail("other_coverage", "the 837P carries at most 10 other payers")
    for i, oc in enumerate(claim.other_coverage):
        at = f"other_coverage[{i}]"
        if not oc.payer.name:
            c.fail(f"{at}.payer.name", "is required")
        c.text(f"{at}.payer.payer_id", oc.payer.payer_id)
        filing_indicator(claim, oc.payer.type, f"{at}.payer.type")
        c.text(f"{at}.subscriber.name.last", oc.subscriber.name.last)
        c.text(f"{at}.subscriber.member_id", oc.subscriber.member_id)
        if other_medicare_is_secondary(oc) and not oc.subscriber.medicare_secondary_type:
            c.fail(
                f"{at}.subscriber.medicare_secondary_type",
                "is required when Medicare is an earlier payer but not the primary one "
                "(2320 SBR05: why Medicare is secondary)",
                "SBR",
                5,
            )
        if oc.adjudication is not None:
            _check_balance(c, claim, oc, at)


def _check_balance(c: _Checker, claim: Claim, oc: OtherCoverage, at: str) -> None:
    """The TR3 COB balancing rules for one prior payer's adjudication."""
    adj = oc.adjudication
    assert adj is not None
    by_line = {line.line: line for line in claim.lines}
    line_adjusted = Money(0)
    for j, la in enumerate(adj.lines):
        where = f"{at}.adjudication.lines[{j}]"
        line = by_line.get(la.line)
        if line is None:
            c.fail(f"{where}.line", f"no service line {la.line} on the claim")
            return
        adjusted = sum((a.amount for a in la.adjustments), Money(0))
        if la.paid + adjusted != line.charge:
            c.fail(
                where,
                f"paid {la.paid} plus adjustments {adjusted} does not equal the "
                f"line charge {line.charge}",
            )
        if la.paid_date is None and adj.paid_date is None:
            c.fail(f"{where}.paid_date", "is required (the prior payer's adjudication date)")
        line_adjusted = line_adjusted + adjusted
        for a in la.adjustments:
            _check_cas(c, a.group, a.reason, f"{where}.adjustments")
    claim_adjusted = sum((a.amount for a in adj.adjustments), Money(0))
    for a in adj.adjustments:
        _check_cas(c, a.group, a.reason, f"{at}.adjudication.adjustments")
    if adj.paid + claim_adjusted + line_adjusted != claim.total_charge:
        c.fail(
            f"{at}.adjudication",
            f"paid {adj.paid} plus adjustments "
            f"{claim_adjusted + line_adjusted} does not equal the "
            f"claim charge {claim.total_charge}",
        )
    if adj.paid < Decimal(0):
        c.fail(f"{at}.adjudication.paid", "cannot be negative")


def _check_cas(c: _Checker, group: str, reason: str, field: str) -> None:
    if group not in ("CO", "CR", "OA", "PI", "PR"):
        c.fail(field, f"adjustment group {group!r} must be CO, CR, OA, PI or PR")
    if not reason or len(reason) > 5:
        c.fail(field, "an adjustment reason code is required")
