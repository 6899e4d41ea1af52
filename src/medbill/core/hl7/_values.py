"""HL7 v2 data types read from a segment: dates and times, names, addresses, phones,
providers, codes. Each reader names the field it reads in its errors (``PID-7``)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from medbill.core.hl7._errors import Fault, HL7MappingError
from medbill.core.hl7._read import Segment
from medbill.core.hl7._records import Address, Name, ProviderRef
from medbill.core.identifiers import STATE_CODES

__all__ = [
    "address",
    "amount",
    "date_of",
    "datetime_of",
    "fit",
    "name",
    "phones",
    "provider",
    "relationship",
]

_DTM = re.compile(
    r"^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(?:\.\d{1,4})?)?([+-]\d{4})?$"
)


def _where(seg: Segment, n: int) -> str:
    return f"{seg.name}-{n}"


def _parse_dtm(text: str, where: str, label: str, need_day: bool) -> datetime.datetime | None:
    match = _DTM.match(text)
    if match is None:
        raise HL7MappingError(where, f"{label} '{text}' is not a date", fault=Fault.DATA_TYPE)
    year, month, day, hour, minute, second, zone = match.groups()
    if need_day and (month is None or day is None):
        raise HL7MappingError(
            where, f"{label} '{text}' is not a date (no month or day)", fault=Fault.DATA_TYPE
        )
    try:
        tz = None
        if zone:
            sign = 1 if zone[0] == "+" else -1
            offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
            tz = datetime.timezone(sign * offset)
        return datetime.datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        raise HL7MappingError(
            where, f"{label} '{text}' is not a date", fault=Fault.DATA_TYPE
        ) from None


def date_of(
    seg: Segment, n: int, label: str, *, comp: int = 1, required: bool = False
) -> datetime.date | None:
    """The date in field ``n`` (a DT, DTM or TS, whose time is ignored)."""
    text = seg.get(n, comp)
    if not text:
        if required:
            raise HL7MappingError(_where(seg, n), f"{label} is missing", fault=Fault.REQUIRED)
        return None
    found = _parse_dtm(text, _where(seg, n), label, need_day=True)
    return found.date() if found else None


def datetime_of(
    seg: Segment, n: int, label: str, *, comp: int = 1, required: bool = False
) -> datetime.datetime | None:
    """The date and time in field ``n``; aware when the sender gave an offset."""
    text = seg.get(n, comp)
    if not text:
        if required:
            raise HL7MappingError(_where(seg, n), f"{label} is missing", fault=Fault.REQUIRED)
        return None
    return _parse_dtm(text, _where(seg, n), label, need_day=True)


def fit(value: str, limit: int, where: str, label: str) -> str:
    """``value`` when it fits the column it goes to; a clear error when it does not."""
    if len(value) > limit:
        raise HL7MappingError(
            where, f"{label} is longer than {limit} characters", fault=Fault.DATA_TYPE
        )
    return value


def name(seg: Segment, n: int, label: str, *, required: bool = False) -> Name | None:
    """An XPN: family (its surname subcomponent), given, middle, suffix."""
    where = _where(seg, n)
    last, first = seg.get(n, 1), seg.get(n, 2)
    if not last and not first:
        if required:
            raise HL7MappingError(where, f"{label} is missing", fault=Fault.REQUIRED)
        return None
    if required and not (last and first):
        raise HL7MappingError(
            where, f"{label} needs a family and a given name", fault=Fault.REQUIRED
        )
    return Name(
        last=fit(last, 60, where, f"{label} family name"),
        first=fit(first, 35, where, f"{label} given name"),
        middle=fit(seg.get(n, 3), 25, where, f"{label} middle name"),
        suffix=fit(seg.get(n, 4), 10, where, f"{label} suffix"),
    )


def address(seg: Segment, n: int, label: str) -> Address:
    """An XAD: street (its subcomponents joined), other line, city, state, ZIP."""
    where = _where(seg, n)
    reps = seg.reps(n)
    if not reps:
        return Address()
    first = reps[0]
    street = " ".join(
        p for p in (seg.part(first, 1, i) for i in range(1, 4)) if p
    )  # SAD: street, street name, dwelling number
    state = seg.get(n, 4).upper()
    zip_code = seg.get(n, 5).replace("-", "").replace(" ", "")
    # Both parts are checked before either is refused: the biller fixes them at once.
    wrong = []
    if state and state not in STATE_CODES:
        wrong.append(
            HL7MappingError(
                where,
                f"{label} state '{state}' is not a US state, territory or APO/FPO code",
                fault=Fault.TABLE_VALUE,
            )
        )
    if zip_code and not (zip_code.isdigit() and len(zip_code) in (5, 9)):
        wrong.append(
            HL7MappingError(
                where, f"{label} ZIP '{zip_code}' is not 5 or 9 digits", fault=Fault.DATA_TYPE
            )
        )
    if wrong:
        raise HL7MappingError(
            wrong[0].location,
            wrong[0].problem,
            fault=wrong[0].fault,
            more=[p for other in wrong[1:] for p in other.problems],
        )
    return Address(
        line1=fit(street, 55, where, f"{label} street"),
        line2=fit(seg.get(n, 2), 55, where, f"{label} second line"),
        city=fit(seg.get(n, 3), 30, where, f"{label} city"),
        state=state,
        zip=zip_code,
    )


def _phone_of(seg: Segment, value: str) -> str:
    comps = seg.components(value)
    number = comps[0] if comps else ""
    if not number and len(comps) >= 7:
        number = f"({comps[5]}){comps[6]}" if comps[5] else comps[6]
    return number[:20]


def phones(seg: Segment, n: int) -> tuple[str, str, str]:
    """(phone, mobile phone, e-mail) from the repetitions of an XTN field."""
    phone = mobile = email = ""
    for value in seg.reps(n):
        comps = seg.components(value)
        use = comps[2].upper() if len(comps) > 2 else ""
        if len(comps) > 3 and "@" in comps[3]:
            email = email or comps[3][:254]
            if use in ("INTERNET", "X.400"):
                continue
        number = _phone_of(seg, value)
        if not number:
            continue
        if use == "CP":
            mobile = mobile or number
        else:
            phone = phone or number
    return phone, mobile, email


def provider(seg: Segment, n: int, rep: int = 1) -> ProviderRef | None:
    """An XCN: id, family, given; an NPI when the id type (XCN-13) or the assigning
    authority says so, or the id is ten digits."""
    reps = seg.reps(n)
    if len(reps) < rep:
        return None
    value = reps[rep - 1]
    ident, last, first = seg.part(value, 1), seg.part(value, 2), seg.part(value, 3)
    if not (ident or last):
        return None
    authority = seg.part(value, 9, 2) + seg.part(value, 9, 1)
    is_npi = (
        seg.part(value, 13).upper() == "NPI"
        or "2.16.840.1.113883.4.6" in authority
        or (ident.isdigit() and len(ident) == 10)
    )
    return ProviderRef(f"{seg.name}-{n}", ident, last, first, is_npi)


# HL7 table 0063 (relationship), with the numeric codes older feeds send.
_SELF = {"SEL", "SELF", "18", "1", "01"}
_SPOUSE = {"SPO", "SPOUSE", "2", "02", "DOM"}
_CHILD = {"CHD", "CHILD", "19", "3", "03", "FCH", "SCH", "DEP"}


def relationship(code: str) -> str:
    """self, spouse, child or other, for an HL7 table 0063 code ("" means self)."""
    code = code.strip().upper()
    if not code or code in _SELF:
        return "self"
    if code in _SPOUSE:
        return "spouse"
    if code in _CHILD:
        return "child"
    return "other"


def amount(seg: Segment, n: int, label: str) -> Decimal | None:
    """A CP or MO amount (``100&USD`` or ``100^USD``) in US dollars, or None."""
    value = seg.get(n, 1, 1)
    if not value:
        return None
    currency = (seg.get(n, 1, 2) or seg.get(n, 2)).upper()
    where = _where(seg, n)
    if currency and currency != "USD":
        raise HL7MappingError(
            where, f"{label} is in {currency}; medbill bills US dollars", fault=Fault.TABLE_VALUE
        )
    try:
        found = Decimal(value)
    except InvalidOperation:
        raise HL7MappingError(
            where, f"{label} '{value}' is not an amount", fault=Fault.DATA_TYPE
        ) from None
    if not found.is_finite() or found < 0 or found >= Decimal("10000000000"):
        raise HL7MappingError(
            where, f"{label} '{value}' is not an amount medbill takes", fault=Fault.DATA_TYPE
        )
    if found != found.quantize(Decimal("0.01")):
        raise HL7MappingError(
            where, f"{label} '{value}' has fractions of a cent", fault=Fault.DATA_TYPE
        )
    return found.quantize(Decimal("0.01"))
