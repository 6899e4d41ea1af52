"""Service errors in the words of the page: the field's name as a person reads it, and the
message placed next to the input it is about.

A ``ServiceError`` names its field the way the service sees it (``duration_minutes``,
``lines[0].dx_pointers[1]``); pages never show that. ``field_label`` turns it into words
("line 1, diagnosis pointer 2"), ``in_words`` gives the whole message for a page that has
no better place for it, and ``errors_by_input`` maps the error onto the form's inputs so
the template shows it beside the right one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from medbill.web.practice.errors import ServiceError

__all__ = ["errors_by_input", "field_label", "in_words"]

# The service's field names, as the billing office says them.
NAMES = {
    "charge": "charge",
    "code": "code",
    "diagnoses": "diagnoses",
    "dx_pointers": "diagnosis pointers",
    "duration_minutes": "length of the appointment",
    "follow_up_at": "follow-up appointment",
    "modifiers": "modifiers",
    "ndc": "NDC",
    "ndc_quantity": "NDC quantity",
    "ndc_unit": "NDC unit",
    "unit_basis": "unit basis",
    "units": "units",
    "zip": "ZIP code",
    "date_of_birth": "date of birth",
    "member_id": "member ID",
    "npi": "NPI",
    "tin": "TIN",
}
# An item of a list: ``lines[0]`` is "line 1".
ITEMS = {
    "lines": "line",
    "diagnoses": "diagnosis",
    "dx_pointers": "diagnosis pointer",
    "modifiers": "modifier",
}
_PART = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?$")


def field_label(field: str) -> str:
    """``lines[0].dx_pointers[1]`` -> ``line 1, diagnosis pointer 2``; plain words for
    a name this module does not know (``follow_up_on`` -> ``follow up on``)."""
    words = []
    for part in field.split("."):
        match = _PART.match(part)
        if match is None:
            words.append(part.replace("_", " "))
            continue
        name, index = match["name"], match["index"]
        if index is not None:
            words.append(
                f"{ITEMS.get(name, NAMES.get(name, name.replace('_', ' ')))} {int(index) + 1}"
            )
        else:
            words.append(NAMES.get(name, name.replace("_", " ")))
    return ", ".join(w for w in words if w)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def in_words(exc: BaseException) -> str:
    """The whole message, field in words first: ``Line 1, charge: no fee schedule …``.
    Another kind of error is shown as its own message."""
    if not isinstance(exc, ServiceError):
        return _sentence(str(exc))
    if not exc.field:
        return _sentence(exc.problem)
    return f"{_sentence(field_label(exc.field))}: {exc.problem}"


def errors_by_input(exc: ServiceError, inputs: Mapping[str, str]) -> dict[str, str]:
    """``{input name: message}`` for the template. ``inputs`` maps each service field to
    the form input that holds it (``{"duration_minutes": "minutes", "on": "on"}``); an
    error of a field no input holds goes under ``"form"``, the message of the whole form,
    in words."""
    target = inputs.get(exc.field)
    if target:
        return {target: _sentence(exc.problem)}
    return {"form": in_words(exc)}
