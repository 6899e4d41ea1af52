"""What every FHIR mapping needs: the error that names the resource and element, a
collector of many of them, the bundle's index of references, and readers of the common
data types (names, dates, addresses, codes)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from medbill.core.hl7._records import Address, Name
from medbill.core.identifiers import STATE_CODES, US_STATES

if TYPE_CHECKING:
    from medbill.core.fhir._map import BundleIntake

__all__ = [
    "CPT",
    "HCPCS",
    "ICD10CM",
    "NPI",
    "FHIRError",
    "Index",
    "Problems",
    "address",
    "codes",
    "date_of",
    "display",
    "fit",
    "name_of",
    "resource_name",
    "telecom",
    "when",
]

T = TypeVar("T")

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = (
    "https://www.cms.gov/medicare/coding/hcpcsreleasecodesets",
    "urn:oid:2.16.840.1.113883.6.285",
)
NPI = ("http://hl7.org/fhir/sid/us-npi", "urn:oid:2.16.840.1.113883.4.6")


class FHIRError(ValueError):
    """The bundle is not one we take; ``location`` names the resource and element
    (``Patient/123.birthDate``). ``problems`` lists every problem found, each as
    (location, words), the first being this error's own. ``partial`` is the bundle's
    intakes as far as they could be read (``map_bundle``), for matching what they name
    against the practice."""

    def __init__(
        self,
        location: str,
        problem: str,
        *,
        more: Sequence[tuple[str, str]] = (),
        partial: BundleIntake | None = None,
    ) -> None:
        super().__init__(f"{location}: {problem}" if location else problem)
        self.location = location
        self.problem = problem
        self.problems: tuple[tuple[str, str], ...] = ((location, str(self)), *more)
        self.partial = partial


class Problems:
    """Collects the errors of the resources of a bundle that do not depend on each other,
    so that one import reports all of them."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def add(self, location: str, problem: str) -> None:
        self.found.extend(FHIRError(location, problem).problems)

    def take(self, read: Callable[[], T], default: T) -> T:
        """``read()``, or ``default`` with its problems kept."""
        try:
            return read()
        except FHIRError as exc:
            self.found.extend(exc.problems)
            return default

    def check(self, partial: BundleIntake | None = None) -> None:
        """Raise one error carrying every problem found (and ``partial``)."""
        if not self.found:
            return
        unique = list(dict.fromkeys(self.found))
        location, text = unique[0]
        problem = text.removeprefix(f"{location}: ") if location else text
        raise FHIRError(location, problem, more=unique[1:], partial=partial)


def resource_name(resource: Any) -> str:
    """``Patient/123`` (``?`` for what is missing)."""
    if isinstance(resource, dict):
        return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"
    return "?"


class Index:
    """The resources of a bundle by every name a reference may use: the entry's
    ``fullUrl`` (``urn:uuid:…``), ``Type/id`` (also at the end of an absolute URL) and,
    inside the resource that contains them, ``#id``."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.resources: list[dict[str, Any]] = []
        self.by_ref: dict[str, dict[str, Any]] = {}
        self.contained: dict[int, dict[str, dict[str, Any]]] = {}
        for entry in bundle.get("entry", []):
            res = entry.get("resource")
            if not isinstance(res, dict):
                continue
            self.resources.append(res)
            if entry.get("fullUrl"):
                self.by_ref[entry["fullUrl"]] = res
            if res.get("id"):
                self.by_ref[f"{res['resourceType']}/{res['id']}"] = res
            inner = {f"#{c.get('id')}": c for c in res.get("contained", []) if isinstance(c, dict)}
            self.contained[id(res)] = inner
            for key, contained in inner.items():
                self.by_ref.setdefault(key, contained)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["resourceType"] == kind]

    def get(self, ref: Any, within: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The resource ``ref`` (a Reference) points to, looking first among the
        resources ``within`` contains."""
        if not isinstance(ref, dict) or not ref.get("reference"):
            return None
        key = str(ref["reference"])
        if within is not None and key.startswith("#"):
            found = self.contained.get(id(within), {}).get(key)
            if found is not None:
                return found
        found = self.by_ref.get(key)
        if found is None and "/" in key and not key.startswith(("urn:", "#")):
            found = self.by_ref.get("/".join(key.rsplit("/", 2)[-2:]))
        return found

    def points_to(self, ref: Any, target: dict[str, Any]) -> bool:
        return self.get(ref) is target


def fit(value: str, limit: int, where: str) -> str:
    """``value`` when it fits the column it goes to; an error naming the element if not."""
    if len(value) > limit:
        raise FHIRError(where, f"'{value[:20]}…' is longer than {limit} characters")
    return value


def name_of(res: dict[str, Any], where: str) -> Name:
    """The official name (else the first) of a Patient, RelatedPerson or Practitioner."""
    names = res.get("name") or []
    chosen = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    if not chosen or not chosen.get("family"):
        raise FHIRError(f"{where}.name", "a family name is needed")
    given = chosen.get("given") or [""]
    return Name(
        last=fit(str(chosen["family"]), 60, f"{where}.name.family"),
        first=fit(str(given[0]), 35, f"{where}.name.given"),
        middle=fit(" ".join(given[1:]), 25, f"{where}.name.given"),
        suffix=fit(" ".join(chosen.get("suffix") or []), 10, f"{where}.name.suffix"),
    )


def date_of(value: Any, where: str) -> datetime.date:
    """The day of a date or dateTime."""
    text = str(value or "")
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise FHIRError(where, f"'{text}' is not a full date (YYYY-MM-DD)") from None


def when(value: Any) -> datetime.datetime | None:
    """A dateTime (None when absent or not one)."""
    if not value:
        return None
    text = str(value)
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


_LIMITS = {"line": 55, "city": 30}  # what the address columns (and an 837P's N3/N4) hold


def address(res: dict[str, Any] | None, where: str = "") -> Address:
    """The home address (else the first) of a resource: a US postal address, its state as
    the two-letter code (a state's name is read as its code), its ZIP 5 or 9 digits."""
    found = (res or {}).get("address") or []
    a = next((x for x in found if x.get("use") in ("home", None)), found[0] if found else {})
    at = f"{where or resource_name(res)}.address"
    lines = [str(x) for x in a.get("line") or []]
    state = str(a.get("state", "")).strip()
    state = US_STATES.get(state.lower(), state.upper())
    if state and state not in STATE_CODES:
        raise FHIRError(f"{at}.state", f"'{a.get('state')}' is not a US state (e.g. WI)")
    zip_code = str(a.get("postalCode", "")).replace("-", "").replace(" ", "")
    if zip_code and not (zip_code.isdigit() and len(zip_code) in (5, 9)):
        raise FHIRError(f"{at}.postalCode", f"'{a.get('postalCode')}' is not a 5 or 9 digit ZIP")
    out = Address(
        line1=lines[0] if lines else "",
        line2=" ".join(lines[1:]),
        city=str(a.get("city", "")),
        state=state,
        zip=zip_code,
    )
    for name, value in (("line", out.line1), ("line", out.line2), ("city", out.city)):
        if len(value) > _LIMITS[name]:
            raise FHIRError(f"{at}.{name}", f"is longer than {_LIMITS[name]} characters")
    return out


def telecom(res: dict[str, Any], system: str, use: str | None = None) -> str:
    """The first telecom value of ``system`` (and ``use``); a phone at most 20 long."""
    for t in res.get("telecom") or []:
        if t.get("system") == system and (use is None or t.get("use") == use):
            value = str(t.get("value", ""))
            if system == "phone":
                return fit(value, 20, f"{resource_name(res)}.telecom")
            return value
    return ""


def codes(concept: Any) -> list[dict[str, Any]]:
    """The codings of a CodeableConcept."""
    return list((concept or {}).get("coding") or []) if isinstance(concept, dict) else []


def display(concept: Any) -> str:
    """A CodeableConcept in words: its text, else a coding's display."""
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in codes(concept):
        if coding.get("display"):
            return str(coding["display"])
    return ""
