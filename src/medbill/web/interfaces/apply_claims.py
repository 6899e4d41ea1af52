"""A FHIR ``Claim`` the EHR made, to a claim of ours for scrubbing: the visit it bills
(the bundle's Encounter, else a visit made for it), coded as the claim says through the
coder's use case, then built by the claim build's own use case, which bills the primary
coverage in effect and holds what is not billable (paperwork, coverage). Once per
claim identifier. ``match_claim`` finds what the claim names in the practice (nothing
written), ``claim`` writes it. Runs inside the caller's transaction (see ``apply.py``)."""

from __future__ import annotations

from medbill.core.hl7 import ClaimRecord, Fault, Intake
from medbill.web.claims_out.services import build_claims
from medbill.web.frontdesk import services as desk
from medbill.web.frontdesk.models import Coverage, Patient, Visit
from medbill.web.interfaces.apply import Context, Held, coverage_for
from medbill.web.interfaces.apply_visits import (
    book_for_ehr,
    code_visit,
    open_to_charges,
    own_visit,
)
from medbill.web.interfaces.models import EhrLink
from medbill.web.practice import audit
from medbill.web.practice.models import Location, Provider

__all__ = ["claim", "match_claim"]

DESK_NOTE = "Claim from the EHR: billed as the EHR coded it."


def _insured(ctx: Context, patient: Patient, rec: ClaimRecord) -> Coverage | None:
    if rec.coverage is not None:
        return coverage_for(ctx, patient, rec.coverage)
    return _coverage_of(ctx, patient, rec)


def _coverage_of(ctx: Context, patient: Patient, rec: ClaimRecord) -> Coverage:
    """The patient's active coverage with the member id the claim names."""
    found = (
        Coverage.objects.for_practice(ctx.practice)
        .filter(patient=patient, member_id__iexact=rec.member_id, active=True)
        .select_related("payer")
        .first()
    )
    if found is None:
        raise Held(
            f"{rec.where}.insurance",
            f"the patient has no active coverage with member id {rec.member_id}: send the "
            "Coverage with the claim",
            fault=Fault.UNKNOWN_KEY,
        )
    return found


def _billing_provider(ctx: Context, rec: ClaimRecord) -> None:
    if not rec.billing_npi:
        return
    ours = {
        ctx.practice.group_npi,
        *Provider.objects.for_practice(ctx.practice).values_list("npi", flat=True),
    }
    if rec.billing_npi not in ours:
        raise Held(
            f"{rec.where}.provider",
            f"billing provider NPI {rec.billing_npi} is neither the practice's group NPI nor "
            "one of its providers': is the claim for another practice?",
            fault=Fault.TABLE_VALUE,
        )


def _linked_visit(ctx: Context, intake: Intake) -> Visit | None:
    number = intake.visit.visit_number if intake.visit else ""
    link = ctx.link(EhrLink.Kind.VISIT, number) if number else None
    return link.visit if link is not None else None


def _location(ctx: Context, rec: ClaimRecord) -> Location:
    return ctx.location("", f"{rec.where}.item.location")


def match_claim(ctx: Context, patient: Patient | None, intake: Intake) -> None:
    """For a claim not taken before: the payer of its coverage (or the patient's coverage
    it names by member id), its rendering provider, its billing provider and, for a visit
    not seen before, the location. ``patient`` is the patient found (None: a new one)."""
    rec = intake.claim
    assert rec is not None and intake.visit is not None
    if ctx.link(EhrLink.Kind.CLAIM, rec.identifier) is not None:
        return  # taken before
    insured = rec.coverage
    if "insurance" not in intake.unread:
        if insured is not None and insured.self_pay:
            ctx.hold(
                f"{rec.where}.insurance",
                "its coverage is self-pay: a claim bills a payer",
                Fault.TABLE_VALUE,
            )
        elif insured is not None:
            payer = ctx.collect(lambda: ctx.payer(insured))
            if payer is not None:
                order, member = insured.order, insured.member_id
                ctx.collect(lambda: _primary(rec, order, payer.name, member))
        elif patient is not None:
            found = ctx.collect(lambda: _coverage_of(ctx, patient, rec))
            if found is not None:
                ctx.collect(lambda: _primary(rec, found.order, found.payer.name, found.member_id))
    attending = intake.visit.attending
    if "provider" not in intake.unread:
        ctx.collect(lambda: ctx.provider(attending, rec.where))
    ctx.collect(lambda: _billing_provider(ctx, rec))
    number = intake.visit.visit_number
    visit = _linked_visit(ctx, intake)
    if visit is not None:
        ctx.collect(lambda: _billable(visit, patient, rec, number))
    elif (EhrLink.Kind.VISIT, number) not in ctx.pending:
        ctx.collect(lambda: _location(ctx, rec))


def _primary(rec: ClaimRecord, order: str, payer: str, member_id: str) -> None:
    """Held unless the claim bills the patient's primary coverage."""
    if order != "primary":
        raise Held(
            f"{rec.where}.insurance",
            f"it bills the patient's {order} coverage ({payer}, member id {member_id}): "
            f"medbill bills the primary first, and makes the {order} claim from the "
            "primary's payment",
            fault=Fault.DATA_TYPE,
        )


def _billable(visit: Visit, patient: Patient | None, rec: ClaimRecord, number: str) -> None:
    """Held when the visit the claim names is another patient's, or billed already."""
    own_visit(visit, patient, number, f"{rec.where}.item.encounter")
    open_to_charges(
        visit, rec.where, "a change to a billed visit goes through the biller (a corrected claim)"
    )


def _visit(ctx: Context, patient: Patient, intake: Intake, provider: Provider) -> Visit:
    """The bundle's Encounter (imported before the claim), else a new visit for the claim."""
    rec = intake.claim
    assert rec is not None and intake.visit is not None
    number = intake.visit.visit_number
    visit = _linked_visit(ctx, intake)
    if visit is not None:
        _billable(visit, patient, rec, number)
        return visit
    location = _location(ctx, rec)
    served = min(c.service_date for c in intake.charges)
    visit = book_for_ehr(
        ctx,
        patient,
        provider,
        location,
        served,
        None,
        "Claim from the EHR",
        f"{intake.charges[0].where}.servicedDate",
    )
    if number:
        ctx.add_link(
            kind=EhrLink.Kind.VISIT,
            ehr_id=number,
            patient=patient,
            visit=visit,
            codes_from_ehr=True,
        )
    return visit


def claim(ctx: Context, patient: Patient, intake: Intake) -> tuple[Visit | None, int | None]:
    """Our claim for the EHR's (made the first time, found by its identifier after)."""
    rec = intake.claim
    assert rec is not None and intake.visit is not None
    done = ctx.link(EhrLink.Kind.CLAIM, rec.identifier)
    if done is not None:
        return done.visit, done.claim_id  # the EHR's claim was taken before
    practice = ctx.practice
    coverage = _insured(ctx, patient, rec)
    assert coverage is not None  # match_claim holds a self-pay one
    provider = ctx.provider(intake.visit.attending, rec.where)
    _primary(rec, coverage.order, coverage.payer.name, coverage.member_id)
    visit = _visit(ctx, patient, intake, provider)
    if visit.status == Visit.Status.SCHEDULED:
        desk.check_in(None, visit)
    if visit.status == Visit.Status.CHECKED_IN:
        desk.check_out(None, visit, DESK_NOTE)
    code_visit(visit, intake)
    if visit.status != Visit.Status.CODED:
        # The EHR's claim is the coding: the visit goes to billing, not the coding queue.
        audit.update_where(Visit, visit.pk, {"status": visit.status}, status=Visit.Status.CODED)
    built = build_claims(None, practice, [visit.pk])
    if not built.created:
        why = built.skipped.get(visit.pk, "the claim build held it")
        raise Held(rec.where, f"no claim can be built for it: {why}", fault=Fault.DATA_TYPE)
    ours = built.created[0]
    if ours.coverage_id != coverage.pk:
        raise Held(
            f"{rec.where}.insurance",
            f"it bills {coverage.payer.name} (member id {coverage.member_id}, "
            f"{coverage.order}), but medbill bills the primary coverage in effect first "
            f"({ours.payer.name}); a secondary claim follows the primary's payment",
            fault=Fault.DATA_TYPE,
        )
    ctx.add_link(
        kind=EhrLink.Kind.CLAIM,
        ehr_id=rec.identifier,
        patient=patient,
        visit=visit,
        claim=ours,
        codes_from_ehr=True,
    )
    return visit, ours.pk
