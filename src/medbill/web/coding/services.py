"""Use cases of coding: the diagnoses and service lines of a visit."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from medbill.core.ledger.entry_checks import EntryProblem, line_charge
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require_unless_system
from medbill.web.practice.services import fee_for
from medbill.web.practice.tenancy import Actor

__all__ = ["CODABLE_STATUSES", "MAX_DIAGNOSES", "set_visit_codes"]

MAX_DIAGNOSES = 12  # an 837P claim carries at most twelve (HI segment)
MAX_POINTERS = 4
MAX_MODIFIERS = 4
CODABLE_STATUSES = {
    Visit.Status.CHECKED_IN,
    Visit.Status.CHECKED_OUT,
    Visit.Status.CODING,
    Visit.Status.REVIEW,
    Visit.Status.CODED,
}
_ICD10CM = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
_PROCEDURE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


def _diagnoses(codes: Sequence[Any]) -> list[str]:
    if len(codes) > MAX_DIAGNOSES:
        raise ServiceError("diagnoses", f"at most {MAX_DIAGNOSES} diagnoses fit on a claim")
    out: list[str] = []
    for i, raw in enumerate(codes):
        if not isinstance(raw, str):
            raise ServiceError(f"diagnoses[{i}]", "expected an ICD-10-CM code as text")
        code = raw.strip().upper().replace(".", "")
        if not _ICD10CM.match(code):
            raise ServiceError(f"diagnoses[{i}]", "not an ICD-10-CM code")
        if code in out:
            raise ServiceError(f"diagnoses[{i}]", "listed twice")
        out.append(code)
    return out


def _line(visit: Visit, raw: Mapping[str, Any], path: str, n_dx: int) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ServiceError(path, "expected an object")
    code = str(raw.get("code") or "").strip().upper()
    if not _PROCEDURE.match(code):
        raise ServiceError(f"{path}.code", "expected a five-character CPT or HCPCS code")
    modifiers = []
    for j, mod in enumerate(raw.get("modifiers") or []):
        text = str(mod).strip().upper()
        if not _MODIFIER.match(text):
            raise ServiceError(f"{path}.modifiers[{j}]", "expected a two-character modifier")
        modifiers.append(text)
    if len(modifiers) > MAX_MODIFIERS:
        raise ServiceError(f"{path}.modifiers", f"at most {MAX_MODIFIERS} modifiers")
    units_raw = raw.get("units", 1)
    if isinstance(units_raw, float | bool):
        raise ServiceError(f"{path}.units", "expected a whole or decimal number as text")
    try:
        units = Decimal(str(units_raw if units_raw not in (None, "") else 1))
    except InvalidOperation:
        raise ServiceError(f"{path}.units", "expected a number") from None
    if not units.is_finite() or units <= 0:
        raise ServiceError(f"{path}.units", "must be more than zero")
    pointers = []
    for j, p in enumerate(raw.get("dx_pointers") or []):
        if isinstance(p, bool) or not str(p).strip().isdigit():
            raise ServiceError(f"{path}.dx_pointers[{j}]", "expected a diagnosis position")
        pointer = int(str(p).strip())
        if not 1 <= pointer <= n_dx:
            raise ServiceError(
                f"{path}.dx_pointers[{j}]", f"points at diagnosis {pointer}; the visit has {n_dx}"
            )
        pointers.append(pointer)
    if len(pointers) > MAX_POINTERS:
        raise ServiceError(f"{path}.dx_pointers", f"at most {MAX_POINTERS} pointers")
    if n_dx and not pointers:
        raise ServiceError(f"{path}.dx_pointers", "point at least one diagnosis")
    charge_raw = raw.get("charge")
    if charge_raw in (None, ""):
        price = fee_for(
            visit.practice_id, code, visit.date_of_service, modifiers[0] if modifiers else ""
        )
        if price is None:
            raise ServiceError(
                f"{path}.charge", "no fee schedule price for this code; enter the charge"
            )
        charge = price * units
    else:
        try:
            charge = line_charge(charge_raw, field=f"{path}.charge")
        except EntryProblem as exc:
            raise ServiceError(exc.field, exc.problem) from None
    code_system = "HCPCS" if code[0].isalpha() else "CPT"
    return {
        "code_system": str(raw.get("code_system") or code_system),
        "code": code,
        "modifiers": modifiers,
        "units": units,
        "charge": charge.amount,
        "dx_pointers": pointers,
        "description": str(raw.get("description") or "")[:120],
        **_drug(raw, path),
    }


_NDC = re.compile(r"^[0-9]{11}$")
_NDC_UNITS = {"F2", "GR", "ME", "ML", "UN"}


def _drug(raw: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The NDC, its quantity and unit, and the unit basis (UN units, MJ anesthesia minutes)."""
    basis = str(raw.get("unit_basis") or "UN").strip().upper()
    if basis not in ("UN", "MJ"):
        raise ServiceError(f"{path}.unit_basis", "must be UN (units) or MJ (anesthesia minutes)")
    ndc = str(raw.get("ndc") or "").strip().replace("-", "")
    if not ndc:
        return {"ndc": "", "ndc_quantity": None, "ndc_unit": "", "unit_basis": basis}
    if not _NDC.match(ndc):
        raise ServiceError(f"{path}.ndc", "expected an 11-digit NDC in 5-4-2 form")
    qty_raw = raw.get("ndc_quantity")
    if isinstance(qty_raw, float | bool):
        raise ServiceError(f"{path}.ndc_quantity", "expected a number as text")
    try:
        quantity = Decimal(str(qty_raw).strip()) if qty_raw not in (None, "") else None
    except InvalidOperation:
        raise ServiceError(f"{path}.ndc_quantity", "expected a number") from None
    if quantity is None or not quantity.is_finite() or quantity <= 0:
        raise ServiceError(f"{path}.ndc_quantity", "a drug line needs the quantity given")
    if quantity != quantity.quantize(Decimal("0.001")) or quantity >= Decimal("10000000"):
        raise ServiceError(f"{path}.ndc_quantity", "at most three decimals and seven digits")
    unit = str(raw.get("ndc_unit") or "").strip().upper()
    if unit not in _NDC_UNITS:
        raise ServiceError(f"{path}.ndc_unit", "must be F2, GR, ME, ML or UN")
    return {"ndc": ndc, "ndc_quantity": quantity, "ndc_unit": unit, "unit_basis": basis}


def _sync(
    model: type[Diagnosis] | type[ServiceLine],
    existing: dict[int, Diagnosis] | dict[int, ServiceLine],
    wanted: list[dict[str, Any]],
    visit: Visit,
) -> None:
    """Make the rows at positions 1..n equal ``wanted``: update in place, add, remove extras."""
    for position, values in enumerate(wanted, start=1):
        row = existing.pop(position, None)
        if row is None:
            model.objects.create(
                practice_id=visit.practice_id, visit=visit, position=position, **values
            )
            continue
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if changed:
            for key in changed:
                setattr(row, key, values[key])
            row.save(update_fields=changed)
    for row in existing.values():
        row.delete()


def _keep_drug_details(
    raw_lines: Sequence[Mapping[str, Any]], wanted: list[dict[str, Any]], old: dict[int, Any]
) -> None:
    """A screen that does not show drug details (it sends no ``ndc`` key) keeps the stored
    ones of a line whose code did not change, rather than erasing them."""
    for position, (raw, values) in enumerate(zip(raw_lines, wanted, strict=True), start=1):
        row = old.get(position)
        if row is None or row.code != values["code"] or "ndc" in raw:
            continue
        values.update(ndc=row.ndc, ndc_quantity=row.ndc_quantity, ndc_unit=row.ndc_unit)
        if "unit_basis" not in raw:
            values["unit_basis"] = row.unit_basis


def set_visit_codes(
    user: Actor,
    visit: Visit,
    diagnoses: Sequence[Any],
    lines: Sequence[Mapping[str, Any]],
    *,
    new: bool = False,
) -> Visit:
    """Replace the diagnoses and service lines of ``visit``; returns the visit.

    ``diagnoses`` are ICD-10-CM codes in pointer order; ``lines`` are mappings with
    ``code``, optional ``modifiers``, ``units`` (default 1), ``charge`` (default: the fee
    schedule price times units), ``dx_pointers`` (1-based), ``description``, and for a drug
    ``ndc`` (5-4-2), ``ndc_quantity`` and ``ndc_unit`` (F2, GR, ME, ML, UN); ``unit_basis``
    is UN, or MJ for anesthesia minutes. Rows that
    did not change are left alone, so the audit trail shows only real changes.
    Raises ``PermissionDenied`` unless the user's role may change codes, and
    ``ServiceError`` naming the field (``lines[1].dx_pointers[0]``) for bad input.

    ``new``: the caller made ``visit`` in the transaction it is in, so the visit has no
    codes yet and no one else can bill it meanwhile: nothing is read back to compare.
    """
    require_unless_system(user, visit.practice_id, "change_codes")
    if visit.status not in CODABLE_STATUSES:
        raise ServiceError("visit", f"a {visit.get_status_display().lower()} visit cannot be coded")
    codes = _diagnoses(list(diagnoses))
    wanted_lines = [_line(visit, raw, f"lines[{i}]", len(codes)) for i, raw in enumerate(lines)]
    with transaction.atomic(), audit.acting_as(user):
        old_dx: dict[int, Diagnosis] = {}
        old_lines: dict[int, ServiceLine] = {}
        if not new:
            status = (
                Visit.objects.select_for_update().values_list("status", flat=True).get(pk=visit.pk)
            )
            if status not in CODABLE_STATUSES:
                raise ServiceError("visit", "the visit was billed or closed meanwhile")
            old_dx = {d.position: d for d in Diagnosis.objects.filter(visit=visit)}
            old_lines = {s.position: s for s in ServiceLine.objects.filter(visit=visit)}
        _keep_drug_details(lines, wanted_lines, old_lines)
        _sync(Diagnosis, old_dx, [{"code": c, "code_system": "ICD10CM"} for c in codes], visit)
        _sync(ServiceLine, old_lines, wanted_lines, visit)
    return visit
