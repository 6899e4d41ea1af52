"""Template filters that show stored values the way an office writes them."""

from __future__ import annotations

from django import template

from medbill.core.identifiers import phone_display

register = template.Library()


@register.filter(name="phone")
def phone(value: object) -> str:
    """``5552013344`` -> ``(555) 201-3344``; anything else as stored."""
    return phone_display(None if value is None else str(value))
