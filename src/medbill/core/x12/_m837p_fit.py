"""Fit a claim's text into the 837P's elements: character set, separators, lengths.

``ELEMENTS`` is the one table of the TR3's minimum and maximum lengths for the
elements the writer fills from claim text; the writer, ``check_claim`` and the
scrubber's X12 edits all read it through ``fit_claim``.

Two kinds of value are treated differently, as payers and clearinghouses do:

* **text** (names, addresses, notes, descriptions) is written in the X12 character
  set (``medbill.core.charset``), a separator inside it becomes ``-``, and what is
  longer than the element is cut at the limit. Each change other than dropping an
  accent is reported, so the biller sees it before the payer does.
* **identifiers** (claim, member, group and payer ids, prior authorizations,
  original claim numbers) are never changed: a shortened or rewritten identifier
  names another claim or member. One that does not fit is a problem that holds the
  claim out of the file.

Findings carry the document path of the field and the element, never the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal, overload

from medbill.core.charset import to_x12_text, unwritable
from medbill.core.claim import (
    Address,
    Attachment,
    BillingProvider,
    Claim,
    OtherCoverage,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
)
from medbill.core.x12._segments import Delimiters, X12WriteError

__all__ = ["ELEMENTS", "ClaimFitter", "FieldFit", "Fitted", "fit_claim"]

# 005010X222A1 minimum and maximum lengths of the elements filled from claim text.
ELEMENTS: dict[str, tuple[int, int]] = {
    "CLM01": (1, 38),  # patient control number
    "NM103": (1, 60),  # organization name or person's last name
    "NM104": (1, 35),  # first name
    "NM105": (1, 25),  # middle name
    "NM107": (1, 10),  # name suffix
    "NM109": (2, 80),  # member id, payer id
    "N301": (1, 55),  # address line 1
    "N302": (1, 55),  # address line 2
    "N401": (2, 30),  # city
    "REF02": (1, 50),  # prior authorization, referral, original and payer claim numbers
    "SBR03": (1, 50),  # group number
    "SBR04": (1, 60),  # group name
    "NTE02": (1, 80),  # claim note
    "PER02": (1, 60),  # contact name
    "PRV03": (1, 50),  # taxonomy code
    "SV101-7": (1, 80),  # line description
    "PWK06": (2, 80),  # attachment control number
}

# Kinds of FieldFit. The first two are changes the writer makes; the rest hold the claim.
TRUNCATED = "truncated"
SEPARATOR_REPLACED = "separator_replaced"
TOO_LONG = "too_long"
TOO_SHORT = "too_short"
NO_LATIN_FORM = "no_latin_form"
CONTAINS_SEPARATOR = "contains_separator"
NOTHING_LEFT = "nothing_left"
BLOCKING = frozenset({TOO_LONG, TOO_SHORT, NO_LATIN_FORM, CONTAINS_SEPARATOR, NOTHING_LEFT})

_NAME_ELEMENTS = (("last", "NM103"), ("first", "NM104"), ("middle", "NM105"), ("suffix", "NM107"))


@dataclass(frozen=True, slots=True)
class FieldFit:
    """One field the writer changed (``truncated``, ``separator_replaced``) or cannot write.

    ``field`` is the document path (``patient.name.middle``), ``element`` the X12
    element (``NM105``), ``line`` the service line number for fields of a line.
    """

    field: str
    element: str
    kind: str
    message: str
    line: int | None = None

    @property
    def blocks(self) -> bool:
        """True when the claim cannot be written until the field is corrected."""
        return self.kind in BLOCKING

    def error(self, claim_id: str) -> X12WriteError:
        """The problem as the writer's error, naming the claim and the field."""
        base = self.element.split("-")[0]  # SV101-7 is a component of SV101
        return X12WriteError(
            self.message,
            claim_id=claim_id,
            field=self.field,
            segment=base[:-2],
            element=int(base[-2:]),
        )


@dataclass(frozen=True, slots=True)
class Fitted:
    """A claim as it will be written, and what fitting it changed or found."""

    claim: Claim
    fits: tuple[FieldFit, ...]

    @property
    def problems(self) -> tuple[FieldFit, ...]:
        """The fits that hold the claim out of a file."""
        return tuple(f for f in self.fits if f.blocks)


class _Fit:
    """Walks one claim; returns the same objects when nothing needs changing."""

    def __init__(self, delimiters: Delimiters) -> None:
        d = delimiters
        self.marks = "".join(c for c in (d.element, d.component, d.repetition, d.segment) if c)
        self.stand_in = "-" if "-" not in self.marks else " "
        # Anything outside printable ASCII, a separator, or a space at either end.
        self.odd = re.compile(r"[^ -~]|[" + re.escape(self.marks) + r"]|^ | $")
        self.out: list[FieldFit] = []
        self.line: int | None = None

    def note(self, at: str, leaf: str, element: str, kind: str, message: str) -> None:
        self.out.append(FieldFit(f"{at}.{leaf}" if at else leaf, element, kind, message, self.line))

    # -- values ----------------------------------------------------------------------------

    @overload
    def text(
        self, at: str, leaf: str, value: str, element: str, required: Literal[True]
    ) -> str: ...
    @overload
    def text(
        self, at: str, leaf: str, value: str | None, element: str, required: bool = False
    ) -> str | None: ...
    def text(
        self, at: str, leaf: str, value: str | None, element: str, required: bool = False
    ) -> str | None:
        """Free text: written in the character set, separators replaced, cut at the limit."""
        if not value:
            return value
        low, high = ELEMENTS[element]
        if len(value) <= high and len(value) >= low and self.odd.search(value) is None:
            return value
        bad = unwritable(value)
        if bad is not None:
            self.note(
                at,
                leaf,
                element,
                NO_LATIN_FORM,
                f"has a letter ({unicode_name(bad)}) with no form in the X12 character "
                "set; enter it in Latin letters, as on the insurance card",
            )
            return value
        fitted = to_x12_text(value)
        found = [c for c in self.marks if c in fitted]
        if found:
            for mark in found:
                fitted = fitted.replace(mark, self.stand_in)
            fitted = " ".join(fitted.split())
            self.note(
                at,
                leaf,
                element,
                SEPARATOR_REPLACED,
                f"contains {', '.join(repr(c) for c in found)}, which separates "
                f"this file's segments or elements; it is written as "
                f"{self.stand_in!r}",
            )
        if len(fitted) > high:
            fitted = fitted[:high].rstrip()
            self.note(
                at,
                leaf,
                element,
                TRUNCATED,
                f"is longer than the {high} characters {element} carries; the first "
                f"{high} are sent",
            )
        if not fitted:
            if required:
                self.note(
                    at,
                    leaf,
                    element,
                    NOTHING_LEFT,
                    "has nothing left to send once written in the X12 character set",
                )
                return value
            return None
        if len(fitted) < low:
            self.note(
                at, leaf, element, TOO_SHORT, f"must have at least {low} characters in {element}"
            )
            return value
        return fitted

    def ident(self, at: str, leaf: str, value: str | None, element: str) -> str | None:
        """An identifier: written as it is, or a problem; never shortened or rewritten."""
        if not value:
            return value
        low, high = ELEMENTS[element]
        if low <= len(value) <= high and self.odd.search(value) is None:
            return value
        if len(value) > high:
            self.note(
                at,
                leaf,
                element,
                TOO_LONG,
                f"has {len(value)} characters; {element} carries at most {high}, and a "
                "shortened identifier would name something else",
            )
        elif len(value) < low:
            self.note(
                at, leaf, element, TOO_SHORT, f"must have at least {low} characters in {element}"
            )
        found = [c for c in self.marks if c in value]
        if found:
            self.note(
                at,
                leaf,
                element,
                CONTAINS_SEPARATOR,
                f"contains {', '.join(repr(c) for c in found)}, which separates this "
                "file's segments or elements; an identifier cannot be rewritten",
            )
        elif not value.isascii() or not value.isprintable() or value != value.strip():
            self.note(
                at,
                leaf,
                element,
                NO_LATIN_FORM,
                "has a character outside the X12 character set or a space at an end; "
                "an identifier cannot be rewritten",
            )
        return value

    # -- parts of the document ------------------------------------------------------------

    def name(self, at: str, name: PersonName) -> PersonName:
        values = [
            self.text(f"{at}.name", leaf, getattr(name, leaf), element, required=leaf == "last")
            for leaf, element in _NAME_ELEMENTS
        ]
        if all(
            v is getattr(name, leaf) for v, (leaf, _) in zip(values, _NAME_ELEMENTS, strict=True)
        ):
            return name
        return PersonName(*values)  # type: ignore[arg-type]

    @overload
    def address(self, at: str, addr: Address) -> Address: ...
    @overload
    def address(self, at: str, addr: Address | None) -> Address | None: ...
    def address(self, at: str, addr: Address | None) -> Address | None:
        if addr is None:
            return None
        line1 = self.text(at, "line1", addr.line1, "N301", required=True)
        line2 = self.text(at, "line2", addr.line2, "N302")
        city = self.text(at, "city", addr.city, "N401", required=True)
        if line1 is addr.line1 and line2 is addr.line2 and city is addr.city:
            return addr
        return replace(addr, line1=line1, line2=line2, city=city)

    def provider(self, at: str, p: Provider | None) -> Provider | None:
        if p is None:
            return None
        name = self.name(at, p.name)
        taxonomy = self.ident(at, "taxonomy", p.taxonomy, "PRV03")
        return p if name is p.name else replace(p, name=name, taxonomy=taxonomy)

    def subscriber(self, at: str, sub: Subscriber) -> Subscriber:
        name = self.name(at, sub.name)
        self.ident(at, "member_id", sub.member_id, "NM109")
        self.ident(at, "group_number", sub.group_number, "SBR03")
        group_name = self.text(at, "group_name", sub.group_name, "SBR04")
        address = self.address(f"{at}.address", sub.address)
        if name is sub.name and group_name is sub.group_name and address is sub.address:
            return sub
        return replace(sub, name=name, group_name=group_name, address=address)

    def payer(self, at: str, payer: Payer) -> Payer:
        name = self.text(at, "name", payer.name, "NM103", required=True)
        self.ident(at, "payer_id", payer.payer_id, "NM109")
        address = self.address(f"{at}.address", payer.address)
        if name is payer.name and address is payer.address:
            return payer
        return replace(payer, name=name, address=address)

    def other(self, at: str, oc: OtherCoverage) -> OtherCoverage:
        payer = self.payer(f"{at}.payer", oc.payer)
        sub = self.subscriber(f"{at}.subscriber", oc.subscriber)
        if oc.adjudication is not None:
            self.ident(
                f"{at}.adjudication",
                "payer_claim_number",
                oc.adjudication.payer_claim_number,
                "REF02",
            )
        if payer is oc.payer and sub is oc.subscriber:
            return oc
        return replace(oc, payer=payer, subscriber=sub)

    def attachments(self, at: str, attachments: tuple[Attachment, ...]) -> None:
        for i, a in enumerate(attachments):
            self.ident(
                f"{at}.attachments[{i}]" if at else f"attachments[{i}]",
                "control_number",
                a.control_number,
                "PWK06",
            )

    def service_line(self, at: str, line: ServiceLine) -> ServiceLine:
        self.line = line.line
        description = self.text(at, "description", line.description, "SV101-7")
        self.ident(at, "prior_authorization", line.prior_authorization, "REF02")
        self.ident(at, "line_control_number", line.line_control_number, "REF02")
        rendering = self.provider(f"{at}.rendering_provider", line.rendering_provider)
        self.attachments(at, line.attachments)
        self.line = None
        if description is line.description and rendering is line.rendering_provider:
            return line
        return replace(line, description=description, rendering_provider=rendering)

    def claim(self, c: Claim) -> Claim:
        self.ident("", "claim_id", c.claim_id, "CLM01")
        for leaf in ("original_claim_ref", "referral_number", "prior_authorization"):
            self.ident("", leaf, getattr(c, leaf), "REF02")
        self.attachments("", c.attachments)
        changes: dict[str, object] = {}
        bp = c.billing_provider
        bp_name = self.text("billing_provider", "name", bp.name, "NM103", required=True)
        bp_addr = self.address("billing_provider.address", bp.address)
        pay_to = self.address("billing_provider.pay_to_address", bp.pay_to_address)
        contact = self.text("billing_provider", "contact_name", bp.contact_name, "PER02")
        self.ident("billing_provider", "taxonomy", bp.taxonomy, "PRV03")
        if not (
            bp_name is bp.name
            and bp_addr is bp.address
            and pay_to is bp.pay_to_address
            and contact is bp.contact_name
        ):
            changes["billing_provider"] = replace(
                bp, name=bp_name, address=bp_addr, pay_to_address=pay_to, contact_name=contact
            )
        payer = self.payer("payer", c.payer)
        if payer is not c.payer:
            changes["payer"] = payer
        sub = self.subscriber("subscriber", c.subscriber)
        if sub is not c.subscriber:
            changes["subscriber"] = sub
        pat = c.patient
        if not pat.is_subscriber:
            name = self.name("patient", pat.name)
            address = self.address("patient.address", pat.address)
            if name is not pat.name or address is not pat.address:
                changes["patient"] = replace(pat, name=name, address=address)
        note = self.text("", "note", c.note, "NTE02")
        if note is not c.note:
            changes["note"] = note
        for leaf in ("rendering_provider", "referring_provider"):
            p = self.provider(leaf, getattr(c, leaf))
            if p is not getattr(c, leaf):
                changes[leaf] = p
        f = c.service_facility
        if f is not None:
            f_name = self.text("service_facility", "name", f.name, "NM103", required=True)
            f_addr = self.address("service_facility.address", f.address)
            if f_name is not f.name or f_addr is not f.address:
                changes["service_facility"] = replace(f, name=f_name, address=f_addr)
        amb = c.ambulance
        if amb is not None:
            pickup = self.address("ambulance.pickup", amb.pickup)
            dropoff = self.address("ambulance.dropoff", amb.dropoff)
            dropoff_name = self.text("ambulance", "dropoff_name", amb.dropoff_name, "NM103")
            if not (
                pickup is amb.pickup and dropoff is amb.dropoff and dropoff_name is amb.dropoff_name
            ):
                changes["ambulance"] = replace(
                    amb, pickup=pickup, dropoff=dropoff, dropoff_name=dropoff_name
                )
        others = tuple(
            self.other(f"other_coverage[{i}]", oc) for i, oc in enumerate(c.other_coverage)
        )
        if any(a is not b for a, b in zip(others, c.other_coverage, strict=True)):
            changes["other_coverage"] = others
        lines = tuple(self.service_line(f"lines[{i}]", ln) for i, ln in enumerate(c.lines))
        if any(a is not b for a, b in zip(lines, c.lines, strict=True)):
            changes["lines"] = lines
        return replace(c, **changes) if changes else c  # type: ignore[arg-type]


def unicode_name(ch: str) -> str:
    """``U+0414`` style name of a character, for messages that must not echo values."""
    return f"U+{ord(ch):04X}"


def _limit(element: str) -> int:
    return ELEMENTS[element][1]


# The quick check tests these few limits one by one, and every other value against the
# shortest of the rest (all from the one table above).
_L_FIRST, _L_MIDDLE, _L_SUFFIX = _limit("NM104"), _limit("NM105"), _limit("NM107")
_L_CITY, _L_CLM, _MIN_CITY = _limit("N401"), _limit("CLM01"), ELEMENTS["N401"][0]
_MIN_ID = ELEMENTS["NM109"][0]
_SHORTEST = min(
    high
    for element, (_, high) in ELEMENTS.items()
    if element not in ("NM104", "NM105", "NM107", "N401", "CLM01")
)


class ClaimFitter:
    """``fit_claim`` for many claims written with the same separators.

    Most claims need nothing: one pass gathers every text and identifier the
    writer sends and tests them all at once (lengths against the shortest limit,
    characters and separators on the values joined), and only a claim that may
    need a change is walked field by field.
    """

    def __init__(self, delimiters: Delimiters | None = None) -> None:
        self.delimiters = delimiters or _DEFAULT
        fit = _Fit(self.delimiters)
        self._other_marks = fit.marks.replace(self.delimiters.element, "")
        self._shared: tuple[BillingProvider | None, Payer | None, Provider | None] = (
            None,
            None,
            None,
        )

    def fits_as_it_is(self, claim: Claim) -> bool:
        """True when the claim needs no change and has no problem (most claims)."""
        return self._quick(claim)

    def fit(self, claim: Claim) -> Fitted:
        """The claim with its text fitted, and what fitting changed or found."""
        if self._quick(claim):
            return Fitted(claim, ())
        fit = _Fit(self.delimiters)
        return Fitted(fit.claim(claim), tuple(fit.out))

    def _quick(self, c: Claim) -> bool:
        """True when every value certainly fits: all short, plain, without separators."""
        bp, sub, pat, payer = c.billing_provider, c.subscriber, c.patient, c.payer
        rendering = c.rendering_provider
        # Every limit is at least _SHORTEST but the few checked one by one below.
        values = [
            c.claim_id,
            sub.group_name,
            sub.group_number,
            c.original_claim_ref,
            c.referral_number,
            c.prior_authorization,
            c.note,
        ]
        ids = [sub.member_id]
        if c.attachments:
            ids += (a.control_number for a in c.attachments)
        names = [sub.name]
        addresses = [sub.address]
        # The billing provider, payer and rendering provider of a batch are mostly the same
        # (immutable) objects claim after claim: the last ones that passed are not re-checked.
        shared = (bp, payer, rendering)
        fresh = (
            bp is not self._shared[0]
            or payer is not self._shared[1]
            or rendering is not self._shared[2]
        )
        if fresh:
            values += (bp.name, bp.contact_name, bp.taxonomy, payer.name)
            ids.append(payer.payer_id)
            addresses += (bp.address, bp.pay_to_address, payer.address)
            if rendering is not None:
                names.append(rendering.name)
                values.append(rendering.taxonomy)
        if not pat.is_subscriber:
            names.append(pat.name)
            addresses.append(pat.address)
        p = c.referring_provider
        if p is not None:
            names.append(p.name)
            values.append(p.taxonomy)
        f = c.service_facility
        if f is not None:
            values.append(f.name)
            addresses.append(f.address)
        amb = c.ambulance
        if amb is not None:
            values.append(amb.dropoff_name)
            addresses += (amb.pickup, amb.dropoff)
        for oc in c.other_coverage:
            o = oc.subscriber
            names.append(o.name)
            values += (oc.payer.name, o.group_name, o.group_number)
            ids += (oc.payer.payer_id, o.member_id)
            if oc.adjudication is not None:
                values.append(oc.adjudication.payer_claim_number)
            addresses += (o.address, oc.payer.address)
        for ln in c.lines:
            if (
                ln.description is not None
                or ln.prior_authorization is not None
                or ln.line_control_number is not None
            ):
                values += (ln.description, ln.prior_authorization, ln.line_control_number)
            p = ln.rendering_provider
            if p is not None:
                names.append(p.name)
                values.append(p.taxonomy)
            if ln.attachments:
                ids += (a.control_number for a in ln.attachments)
        for n in names:
            first, middle, suffix = n.first, n.middle, n.suffix
            values.append(n.last)
            if first is not None:
                if len(first) > _L_FIRST:
                    return False
                values.append(first)
            if middle is not None:
                if len(middle) > _L_MIDDLE:
                    return False
                values.append(middle)
            if suffix is not None:
                if len(suffix) > _L_SUFFIX:
                    return False
                values.append(suffix)
        for a in addresses:
            if a is not None:
                city = a.city
                if not _MIN_CITY <= len(city) <= _L_CITY:
                    return False
                values += (a.line1, a.line2, city)
        if len(c.claim_id) > _L_CLM:
            return False
        present_ids = list(filter(None, ids))
        if present_ids and min(map(len, present_ids)) < _MIN_ID:
            return False
        present = list(filter(None, values))
        present += present_ids
        if max(map(len, present)) > _SHORTEST:
            return False
        # Joined with the element separator: any other separator, a separator count
        # that is off, a space at a value's end or a character outside printable ASCII.
        sep = self.delimiters.element
        joined = sep.join(present)
        if (
            joined.count(sep) != len(present) - 1
            or not joined.isascii()
            or not joined.isprintable()
            or joined[0] == " "
            or joined[-1] == " "
            or " " + sep in joined
            or sep + " " in joined
            or any(mark in joined for mark in self._other_marks)
        ):
            return False
        if fresh:
            self._shared = shared
        return True


def fit_claim(claim: Claim, delimiters: Delimiters | None = None) -> Fitted:
    """``claim`` with its text fitted to the 837P, and every change or problem found.

    ``delimiters`` are the separators of the file being written (the default ones
    when the scrubber asks before any file exists).
    """
    return ClaimFitter(delimiters).fit(claim)


_DEFAULT = Delimiters()
