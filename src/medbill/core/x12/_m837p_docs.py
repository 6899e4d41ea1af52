"""Claim documents from what the 837P reader collected (the second half of ``read_837p``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from medbill.core.claim import (
    Address,
    Adjudication,
    Ambulance,
    BillingProvider,
    Claim,
    LineAdjudication,
    OtherCoverage,
    Party,
    Patient,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
)
from medbill.core.money import Money
from medbill.core.x12._records import record_builder

__all__ = ["ReadClaim", "finish_claim"]


@dataclass(slots=True)
class ReadClaim:
    """One claim read from an 837P, with where it came from and what looked wrong."""

    claim: Claim
    interchange_control: str
    group_control: str
    transaction_control: str
    position: int  # segment position of the CLM
    version: str
    code_set: str = "ICD-10-CM"  # ICD-9-CM when the file uses BK/BF
    payer_responsibility: str = "primary"
    notes: list[str] = field(default_factory=list)


# A file has as many claims as it has subscribers, lines and addresses: these records are
# built by setting their slots (``record_builder``), the same values by the same keywords.
_address = record_builder(Address)
_subscriber = record_builder(Subscriber)
_patient = record_builder(Patient)
_service_line = record_builder(ServiceLine)
_claim = record_builder(Claim)


def _addr(parts: dict[str, Any] | None) -> Address | None:
    if not parts:
        return None
    return _address_of(parts)


def _address_of(parts: dict[str, Any]) -> Address:
    return _address(
        line1=parts.get("line1", ""),
        line2=parts.get("line2"),
        city=parts.get("city", ""),
        state=parts.get("state", ""),
        zip=parts.get("zip", ""),
    )


def _provider(p: dict[str, Any] | None) -> Provider | None:
    if p is None:
        return None
    return Provider(name=p["name"], npi=p["npi"], taxonomy=p.get("taxonomy"))


def finish_claim(
    c: Any,
    isa13: str,
    gs06: str,
    st02: str,
    version: str,
    env_notes: list[str],
    cache: dict[Any, Any],
) -> ReadClaim:
    """The claim document; parts shared by many claims of a file are built once (``cache``)."""
    ctx, f, seg = c.ctx, c.fields, c.seg
    clm05 = seg.components(5)
    notes = list(env_notes) + c.notes
    if len(clm05) >= 2 and clm05[1] != "B":
        notes.append(
            f"CLM05 {seg[5]!r}: the facility code qualifier must be B (segment {seg.position})"
        )
    if c.code_set == "ICD-9-CM":
        notes.append("diagnoses use ICD-9-CM qualifiers BK/BF")
    clm11 = seg.components(11)
    causes = tuple([x for x in clm11[:3] if x])
    state = (clm11[3] if len(clm11) > 3 else "") or None
    sub = _subscriber(
        name=ctx.get("sub_name") or PersonName(""),
        member_id=ctx.get("sub_id"),
        dob=ctx.get("sub_dob"),
        sex=ctx.get("sub_sex"),
        group_number=ctx.get("sub_group"),
        group_name=ctx.get("sub_group_name"),
        address=_addr(ctx.get("sub_address")),
        medicare_secondary_type=ctx.get("sub_msp"),
    )
    rel = ctx.get("pat_rel", "self") if ctx.get("pat_name") else "self"
    if rel == "self":
        patient = _patient(
            name=sub.name,
            dob=sub.dob,
            sex=sub.sex,
            relationship_to_subscriber="self",
            address=sub.address,
        )
    else:
        patient = _patient(
            name=ctx["pat_name"],
            dob=ctx.get("pat_dob"),
            sex=ctx.get("pat_sex"),
            relationship_to_subscriber=rel,
            address=_addr(ctx.get("pat_address")),
        )
    billing = cache.get(("bp", id(c.provider))) if c.provider is not None else None
    if billing is None:
        billing = BillingProvider(
            name=ctx.get("bp_name", ""),
            npi=ctx.get("bp_npi"),
            tin=ctx.get("bp_tin"),
            address=_addr(ctx.get("bp_address")),
            taxonomy=ctx.get("bp_taxonomy"),
            pay_to_address=_addr(ctx.get("pay_to")),
            contact_name=ctx.get("bp_contact"),
            contact_phone=ctx.get("bp_phone"),
        )
        if c.provider is not None:
            cache["bp", id(c.provider)] = billing
    payer_address = ctx.get("payer_address")
    payer_key = (
        ctx.get("payer_name", ""),
        ctx.get("payer_id"),
        ctx.get("payer_type"),
        tuple(payer_address.items()) if payer_address else None,
    )
    payer = cache.get(payer_key)
    if payer is None:
        payer = cache[payer_key] = Payer(
            name=payer_key[0],
            payer_id=payer_key[1],
            type=payer_key[2],
            address=_addr(payer_address),
        )
    rendering = f.get("rendering")
    if rendering is not None:
        key = (rendering["name"], rendering["npi"], rendering.get("taxonomy"))
        rendering = cache.get(key) or cache.setdefault(key, _provider(rendering))
    other = tuple([_other(o, c.lines) for o in c.other]) if c.other else ()
    claim_date = min((d["start"] for d in c.lines if d.get("start")), default=None)
    pos = clm05[0] or None
    lines = [_line(line, claim_date, pos) for line in c.lines]
    amb = f.get("ambulance")
    ambulance = None
    if amb and amb.get("pickup") and amb.get("dropoff"):
        ambulance = Ambulance(
            pickup=_address_of(amb["pickup"]),
            dropoff=_address_of(amb["dropoff"]),
            miles=amb.get("miles", Decimal(0)),
            transport_reason=amb.get("reason", "A"),
            weight_lbs=amb.get("weight"),
            dropoff_name=amb.get("dropoff_name"),
            conditions=amb.get("conditions", ()),
        )
    facility = f.get("facility")
    freq = clm05[2] if len(clm05) > 2 and clm05[2] in ("1", "7", "8") else "1"
    claim = _claim(
        claim_id=seg[1],
        date_of_service=claim_date,
        place_of_service=pos,
        frequency_code=freq,
        billing_provider=billing,
        payer=payer,
        subscriber=sub,
        patient=patient,
        diagnoses=tuple(c.diagnoses),
        lines=tuple(lines),
        submission_date=ctx.get("created"),
        original_claim_ref=f.get("original_ref"),
        rendering_provider=rendering,
        referring_provider=_provider(f.get("referring")),
        service_facility=Party(
            name=facility["name"], address=_addr(facility.get("address")), npi=facility.get("npi")
        )
        if facility
        else None,
        other_coverage=other,
        prior_authorization=f.get("prior_auth"),
        referral_number=f.get("referral"),
        onset_date=f.get("onset"),
        initial_treatment_date=f.get("initial"),
        accident_date=f.get("accident"),
        related_causes=causes,
        accident_state=state,
        provider_signature_on_file=seg[6] != "N",
        assignment_accepted=seg[7] in ("A", "B", ""),
        benefits_assigned=seg[8] != "N",
        release_of_information=seg[9] or "Y",
        note=f.get("note"),
        ambulance=ambulance,
        attachments=tuple(f.get("attachments", ())),
    )

    return ReadClaim(
        claim,
        isa13,
        gs06,
        st02,
        seg.position,
        version,
        c.code_set,
        ctx.get("sub_order", "primary"),
        notes,
    )


def _line(d: dict[str, Any], claim_date: date | None, claim_pos: str | None) -> ServiceLine:
    """A service line; a date or place of service equal to the claim's stays on the claim."""
    if "code" not in d:
        raise d["seg"].error("service line without SV1")
    start, pos = d.get("start"), d.get("pos")
    return _service_line(
        line=d["number"],
        code=d["code"],
        charge=d["charge"],
        units=d["units"],
        modifiers=d["modifiers"],
        dx_pointers=d["pointers"],
        unit_basis=d["basis"],
        date_of_service=None if start == claim_date else start,
        date_of_service_end=d.get("end"),
        place_of_service=None if pos == claim_pos else pos,
        ndc=d.get("ndc"),
        ndc_quantity=d.get("ndc_qty"),
        ndc_unit=d.get("ndc_unit"),
        line_control_number=d.get("control"),
        description=d.get("description"),
        rendering_provider=_provider(d.get("rendering")),
        prior_authorization=d.get("prior_auth"),
        attachments=tuple(d.get("attachments", ())),
    )


def _other(o: dict[str, Any], lines: list[dict[str, Any]]) -> OtherCoverage:
    line_adj = []
    for line in lines:
        for svd in line["svd"]:
            if svd["payer_id"] == o.get("payer_id"):
                line_adj.append(
                    LineAdjudication(
                        line=line["number"],
                        code=svd["code"],
                        paid=svd["paid"],
                        paid_date=svd["paid_date"],
                        units=svd["units"],
                        modifiers=svd["mods"],
                        adjustments=tuple(svd["cas"]),
                    )
                )
    adjudication = None
    if o.get("paid") is not None or line_adj or o["cas"]:
        adjudication = Adjudication(
            paid=o.get("paid") or Money(0),
            paid_date=o.get("paid_date"),
            payer_claim_number=o.get("payer_claim_number"),
            adjustments=tuple(o["cas"]),
            lines=tuple(line_adj),
            patient_responsibility=o.get("patient_resp"),
        )
    sub = Subscriber(
        name=o.get("sub_name") or PersonName(""),
        member_id=o.get("sub_id"),
        group_number=o["group"],
        group_name=o["group_name"],
        address=_addr(o.get("sub_address")),
        medicare_secondary_type=o.get("msp"),
    )
    return OtherCoverage(
        payer=Payer(
            name=o.get("payer_name", ""),
            payer_id=o.get("payer_id"),
            type=o["type"],
            address=_addr(o.get("payer_address")),
        ),
        subscriber=sub,
        relationship_to_subscriber=o["rel"],
        order=o["order"],
        adjudication=adjudication,
    )
