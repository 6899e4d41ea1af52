"""Self-pay: the good-faith estimate, the patient's signature on it, and the deposit."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from medbill.core.forms.estimate import EstimateItem, GoodFaithEstimate, render_estimate
from medbill.core.forms.lookups import icd10cm_describer
from medbill.core.frontdesk.estimate import Estimate, EstimateError, build_estimate
from medbill.core.frontdesk.signing import Signature, render_signed_pdf
from medbill.core.money import Money
from medbill.web.billing.documents import address_of
from medbill.web.billing.models import Entry
from medbill.web.billing.printing import practice_of
from medbill.web.billing.services import PaymentAmount
from medbill.web.frontdesk.models import Patient, SelfPayEstimate, Visit
from medbill.web.frontdesk.services import collect_payment, desk_settings
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import FeeScheduleEntry, Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.services import fee_for
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

__all__ = ["collect_deposit", "create_estimate", "estimate_pdf", "self_pay_prices", "sign_estimate"]


def self_pay_prices(
    practice: PracticeRef, codes: Iterable[str], on: datetime.date
) -> dict[str, tuple[str, Money]]:
    """The practice's own description and self-pay price of each code it has a fee for."""
    prices = {}
    for code in {c.strip().upper() for c in codes if c.strip()}:
        price = fee_for(practice, code, on)
        if price is None:
            continue
        row = (
            FeeScheduleEntry.objects.for_practice(practice)
            .filter(code=code, fee_schedule__payer__isnull=True)
            .order_by("-effective_from")
            .first()
        )
        prices[code] = (row.description if row else code, price)
    return prices


def _number(practice: Practice) -> str:
    count = SelfPayEstimate.objects.for_practice(practice).count()
    while True:
        count += 1
        number = f"GFE-{practice.short_code}-{count:05d}"
        if not SelfPayEstimate.objects.for_practice(practice).filter(number=number).exists():
            return number


def create_estimate(
    user: Actor,
    patient: Patient,
    services: list[tuple[str, int]],
    service_date: datetime.date | None = None,
    diagnoses: Iterable[str] = (),
    visit: Visit | None = None,
    deposit: PaymentAmount | None = None,
) -> SelfPayEstimate:
    """A good-faith estimate for a self-pay patient, priced from the fee schedule."""
    require(user, patient.practice_id, "edit_patients")
    practice = patient.practice
    today = timezone.localdate()
    settings = desk_settings(practice)
    prices = self_pay_prices(practice, [c for c, _ in services], service_date or today)
    try:
        core: Estimate = build_estimate(
            number="",
            services=services,
            prices=prices,
            issued_on=today,
            discount_rate=Decimal(settings.self_pay_discount or 0),
            service_date=service_date,
            diagnoses=[d.strip().upper().replace(".", "") for d in diagnoses if d.strip()],
            valid_days=settings.estimate_valid_days or 365,
        )
    except EstimateError as exc:
        raise ServiceError("services", str(exc)) from None
    deposit_money = Money(str(deposit)) if deposit not in (None, "") else None
    if deposit_money is not None and deposit_money < Money(0):
        raise ServiceError("deposit", "cannot be negative")
    with transaction.atomic(), audit.acting_as(user):
        return SelfPayEstimate.objects.create(
            practice=practice,
            patient=patient,
            visit=visit,
            number=_number(practice),
            issued_on=core.issued_on,
            valid_until=core.valid_until,
            service_date=service_date,
            services=[
                {
                    "code": line.code,
                    "description": line.description,
                    "units": line.units,
                    "unit_price": str(line.unit_price.amount),
                    "discount": str(line.discount.amount),
                }
                for line in core.lines
            ],
            diagnoses=list(core.diagnoses),
            discount_rate=core.discount_rate,
            total=core.total.amount,
            deposit_requested=deposit_money.amount if deposit_money is not None else None,
            created_by=signed_in(user),
        )


def _document(est: SelfPayEstimate) -> GoodFaithEstimate:
    patient, practice = est.patient, est.practice
    describe = icd10cm_describer(est.service_date or est.issued_on)
    visit = est.visit  # None without a query when there is no visit
    provider = visit.provider if visit is not None else None
    return GoodFaithEstimate(
        practice=practice_of(practice),
        estimate_number=est.number,
        issued_on=est.issued_on,
        valid_until=est.valid_until,
        patient_name=patient.full_name,
        patient_dob=patient.date_of_birth,
        items=tuple(
            EstimateItem(s["code"], s["description"], Money(s["unit_price"]), Decimal(s["units"]))
            for s in est.services
        ),
        discount_percent=(Decimal(est.discount_rate) * 100).normalize(),
        patient_address=address_of(patient),
        patient_phone=patient.phone or patient.mobile_phone or None,
        scheduled_on=est.service_date,
        reason=visit.reason if visit is not None else None,
        expected_diagnoses=tuple((d, describe(d) or "") for d in est.diagnoses),
        provider_name=f"{provider.first_name} {provider.last_name}" if provider else None,
        provider_npi=provider.npi if provider else None,
        deposit=Money(est.deposit_requested) if est.deposit_requested is not None else None,
    )


def estimate_pdf(est: SelfPayEstimate) -> bytes:
    """The estimate as signed (with the signature page) or, before signing, as given."""
    if est.signed_pdf:
        return bytes(est.signed_pdf)
    return render_estimate(_document(est))


def sign_estimate(
    est: SelfPayEstimate, signature: Signature, user: Actor = None
) -> SelfPayEstimate:
    """Record the patient's signature; keeps the estimate and a signature page as one PDF."""
    require(user, est.practice_id, "edit_patients")
    if est.signed_at is not None:
        raise ServiceError("estimate", "this estimate is already signed")
    page = render_signed_pdf(
        est.practice.name,
        est.patient.full_name,
        f"Good-faith estimate {est.number}: acknowledgement",
        (
            f"I received good-faith estimate {est.number} of {Money(est.total).format()} "
            "for the services listed, before they are provided.",
            "I understand it is an estimate: the bill may differ, and I may dispute a bill "
            "that is substantially higher than this estimate.",
        ),
        signature,
    )
    writer = PdfWriter()
    for data in (render_estimate(_document(est)), page):
        for pdf_page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(pdf_page)
    out = io.BytesIO()
    writer.write(out)
    est.signer_name = signature.signer
    est.signature_method = signature.method
    est.signature_png = signature.image
    est.signed_at = signature.signed_at
    est.signed_ip = signature.ip_address
    est.signed_pdf = out.getvalue()
    with transaction.atomic(), audit.acting_as(user):
        est.save()
    return est


def collect_deposit(
    user: Actor, est: SelfPayEstimate, amount: PaymentAmount, method: str, reference: str = ""
) -> Entry:
    """Take a deposit against the estimate (a desk payment of kind deposit)."""
    return collect_payment(
        user, est.patient, amount, method, kind="deposit", reference=reference, visit=est.visit
    )
