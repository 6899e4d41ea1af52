"""Template filters that show stored values the way an office writes them."""

from __future__ import annotations

from django import template

from medbill.core.identifiers import phone_display

register = template.Library()


@register.filter(name="phone")
def phone(value: object) -> str:
    """``5552013344`` -> ``(555) 201-3344``; anything else as stored."""
    return phone_display(None if value is None else str(value))


# Where a ledger entry came from (``Entry.source``), as the account page says it.
_SOURCES = {
    "835": "835 remittance",
    "era": "835 remittance",
    "cob": "coordination of benefits",
    "desk": "front desk",
    "manual": "entered by a biller",
    "statement": "statement run",
    "system": "medbill",
    "denial": "denial work",
    "denial transfer": "denial moved to the patient",
    "denial correction": "denial corrected",
}


@register.filter(name="entry_source")
def entry_source(source: object) -> str:
    """``era`` -> ``835 remittance``; a source this list does not know, as stored."""
    text = "" if source is None else str(source)
    return _SOURCES.get(text, text)


@register.filter(name="desk_kind")
def desk_kind(source_ref: object) -> str:
    """What a front-desk payment was for (``copay``, ``deposit``, ``refund``...), in words."""
    text = "" if source_ref is None else str(source_ref)
    return {"copay": "copay", "deposit": "estimate deposit", "refund": "refund"}.get(
        text, text.replace("_", " ")
    )


@register.filter(name="carc")
def carc(reason: object) -> str:
    """A claim adjustment reason code in words, for a title: ``45`` -> ``45 charge exceeds…``."""
    from medbill.core.ledger.codes import carc_words

    return carc_words(str(reason)) if reason else ""


@register.filter(name="appeal_words")
def appeal_words(clock: object) -> str:
    """An appeal's clock in words: ``Appeal by 2027-01-05: 20 days left``."""
    words = getattr(clock, "words", None)
    return str(words("Appeal", "Appealed")) if callable(words) else ""
