"""Payer rules declared as data (``payer_rules.json`` and a practice's own file).

Rule types:

- ``use_code_instead``: the payer wants ``use`` instead of ``code`` (or
  ``also_codes``) when the claim bills any of ``when_with_any`` (Medicare's
  G0008 for influenza vaccine administration instead of 90471).
- ``prior_auth_required``: a line billing one of ``codes`` (at one of
  ``places_of_service`` when given) needs a prior authorization number on the
  line or the claim.
- ``denied_before``: the payer has denied one of ``codes`` for ``reason``; a warning
  until the biller has done what the reason asks (rules a practice makes from a
  recurring denial).

``payers`` chooses the payers by ``types`` (medicare, medicaid, commercial ...)
and/or ``ids`` (payer ids); an empty selection applies to every payer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, WARNING, Finding, Fix, define, finding

__all__ = ["PayerRule", "PayerRules", "check", "default_rules", "load_rules"]

F = "payer"

define(
    "PAY001",
    "payer-wants-other-code",
    "PAYER_RULE",
    ERROR,
    F,
    "line {line}: {payer} wants {use} instead of {code} for {service}",
    "Payer rule {rule}: {source}",
    what="Codes a payer replaces with its own: for Medicare, vaccine administration of "
    "influenza, pneumococcal and hepatitis B vaccines is G0008, G0009 and G0010, not "
    "90471.",
    why="The payer denies the code it does not recognise for the service (CARC 181/M20) and "
    "the claim must be corrected and resubmitted.",
    example="Medicare claim with 90662 and 90471.",
    fix="Replace the code with the one the payer names.",
    reference="The rule's source, e.g. CMS Medicare Claims Processing Manual ch. 18.",
    mechanical_fix="replace_code",
)
define(
    "PAY002",
    "prior-auth-missing",
    "PAYER_RULE",
    ERROR,
    F,
    "line {line}: {payer} requires a prior authorization number for {code}",
    "Payer rule {rule}: {source}; ASC X12N 837P loop 2300/2400 REF*G1",
    what="A service the payer lists as needing prior authorization carries the authorization "
    "number (claim or line).",
    why="Without the number the payer denies the service (CARC 197/15).",
    example="A Medicare outpatient-hospital blepharoplasty line with no authorization number.",
    fix="Enter the authorization number from the payer's approval letter; if none was "
    "obtained, request a retro-authorization or hold the claim.",
    reference="The rule's source; 837P TR3 REF*G1 (prior authorization).",
)

define(
    "PAY005",
    "payer-denied-before",
    "PAYER_RULE",
    WARNING,
    F,
    "line {line}: {payer} has denied {code} before: {reason}",
    "Payer rule {rule}: {source}",
    what="A service this payer has denied before for a reason the practice recorded as a "
    "payer rule when it worked the denial: the claim is checked before it goes out "
    "instead of being denied again.",
    why="A recurring denial is a rule of the payer's that the office has not yet written "
    "down; each repeat costs a rework or the payment.",
    example="A payer that denied 97110 with CARC 4 (modifier missing), billed again without GP.",
    fix="Do what the rule's reason asks (add the modifier, the authorization, the "
    "documentation), or waive the edit for this payer with a reason.",
    reference="The rule's source: the denial it was made from.",
)

RULE_TYPES = ("use_code_instead", "prior_auth_required", "denied_before")


@dataclass(frozen=True, slots=True)
class PayerRule:
    """One rule: which payers it applies to and what it asks."""

    id: str
    type: str
    payer_types: frozenset[str]
    payer_ids: frozenset[str]
    codes: frozenset[str]
    with_any: frozenset[str]
    use: str
    places_of_service: frozenset[str]
    service: str
    source: str
    reason: str = ""  # denied_before: what the payer said, in words

    def applies_to(self, payer_type: str | None, payer_id: str | None) -> bool:
        """True when the rule covers this payer (no payer list means every payer)."""
        if not self.payer_types and not self.payer_ids:
            return True
        return payer_type in self.payer_types or payer_id in self.payer_ids

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> PayerRule:
        """Read one rule; ``where`` names it in errors (``rules[3]``)."""

        def codes(key: str) -> frozenset[str]:
            """The codes under ``key`` (one code or a list)."""
            value = data.get(key) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise ValueError(f"{where}.{key}: expected a list of codes")
            return frozenset(str(c).strip().upper() for c in value)

        kind = data.get("type")
        if kind not in RULE_TYPES:
            raise ValueError(f"{where}.type: expected one of {', '.join(RULE_TYPES)}")
        rid = str(data.get("id") or "").strip()
        if not rid:
            raise ValueError(f"{where}.id is required")
        payers = data.get("payers") or {}
        rule = cls(
            id=rid,
            type=kind,
            payer_types=frozenset(str(t).lower() for t in payers.get("types") or ()),
            payer_ids=frozenset(str(t) for t in payers.get("ids") or ()),
            codes=codes("code") | codes("also_codes") | codes("codes"),
            with_any=codes("when_with_any"),
            use=str(data.get("use") or "").upper(),
            places_of_service=codes("places_of_service"),
            service=str(data.get("service") or "this service"),
            source=str(data.get("source") or "payer policy"),
            reason=str(data.get("reason") or ""),
        )
        if not rule.codes:
            raise ValueError(f"{where}: a rule names at least one code")
        if kind == "use_code_instead" and not rule.use:
            raise ValueError(f"{where}.use: the replacement code is required")
        if kind == "denied_before" and not rule.reason:
            raise ValueError(f"{where}.reason: say why the payer denied it")
        return rule


class PayerRules:
    """Rules indexed by the code they watch, so a claim costs one lookup per line."""

    def __init__(self, rules: Iterable[PayerRule]) -> None:
        self.rules = tuple(rules)
        self.by_code: dict[str, tuple[PayerRule, ...]] = {}
        for rule in self.rules:
            for code in rule.codes:
                self.by_code[code] = self.by_code.get(code, ()) + (rule,)

    def __len__(self) -> int:
        return len(self.rules)

    def __add__(self, other: PayerRules) -> PayerRules:
        return PayerRules(self.rules + other.rules)


def load_rules(path: Path | str) -> PayerRules:
    """Rules from a JSON file (``{"rules": [...]}`` or a list); errors name the rule."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name}: cannot read payer rules ({exc})") from None
    items = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path.name}: expected a list of rules")
    return PayerRules(PayerRule.from_dict(r, f"rules[{i}]") for i, r in enumerate(items))


def default_rules() -> PayerRules:
    """The rules medbill ships (``payer_rules.json``)."""
    return load_rules(Path(__file__).resolve().parents[1] / "payer_rules.json")


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """Apply the payer rules that watch a code billed on the claim."""
    by_code = ctx.refs.payer_rules.by_code
    if not by_code:
        return
    lines = claim.lines
    for i, ln in enumerate(lines):
        rules = by_code.get(ln.code)
        if rules is None:
            continue
        for rule in rules:
            if not rule.applies_to(ctx.payer_type, ctx.payer_id):
                continue
            no = ln.line or i + 1
            payer = claim.payer.name or ctx.payer_type or "the payer"
            if rule.type == "use_code_instead":
                if rule.with_any and not any(o.code in rule.with_any for o in lines):
                    continue
                out.append(
                    finding(
                        "PAY001",
                        no,
                        payer=payer,
                        use=rule.use,
                        code=ln.code,
                        service=rule.service,
                        rule=rule.id,
                        source=rule.source,
                        fix=Fix(
                            "replace_code",
                            f"Replace {ln.code} with {rule.use} on line {no}.",
                            (("line", no), ("choices", (rule.use,))),
                        ),
                    )
                )
            elif rule.type == "denied_before":
                out.append(
                    finding(
                        "PAY005",
                        no,
                        payer=payer,
                        code=ln.code,
                        reason=rule.reason,
                        rule=rule.id,
                        source=rule.source,
                    )
                )
            elif rule.type == "prior_auth_required":
                pos = ln.place_of_service or claim.place_of_service
                if rule.places_of_service and pos not in rule.places_of_service:
                    continue
                if ln.prior_authorization or claim.prior_authorization:
                    continue
                out.append(
                    finding(
                        "PAY002",
                        no,
                        payer=payer,
                        code=ln.code,
                        rule=rule.id,
                        source=rule.source,
                        fix=Fix(
                            "set_field",
                            "Enter the prior authorization number.",
                            (("field", "prior_authorization"),),
                        ),
                    )
                )
