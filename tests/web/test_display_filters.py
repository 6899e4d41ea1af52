"""Stored codes shown in the office's words: entry sources, desk payment kinds, CARCs."""

from __future__ import annotations

from django.template import Context, Template


def render(text: str, **context: object) -> str:
    return Template("{% load display %}" + text).render(Context(context))


def test_entry_sources_and_desk_payments_in_words() -> None:
    assert render("{{ s|entry_source }}", s="era") == "835 remittance"
    assert render("{{ s|entry_source }}", s="denial transfer") == "denial moved to the patient"
    assert render("{{ s|entry_source }}", s="a new tool") == "a new tool"
    assert render("{{ s|desk_kind }}", s="deposit") == "estimate deposit"


def test_adjustment_reasons_and_phones() -> None:
    assert render("{{ r|carc }}", r="45").startswith("45 ")
    assert len(render("{{ r|carc }}", r="45")) > 10
    assert render("{{ r|carc }}", r="") == ""
    assert render("{{ p|phone }}", p="6085550100") == "(608) 555-0100"
