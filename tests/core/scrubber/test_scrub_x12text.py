"""The scrubber reports, before submission, what the 837P writer would cut or hold out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from medbill.core.scrubber import References, Scrubber
from medbill.core.x12 import screen_claims
from x12_claims import claim


def scrub(c):
    return Scrubber(References(), today=date(2026, 3, 9)).findings(c)


def renamed(c, **name):
    sub = replace(c.subscriber, name=replace(c.subscriber.name, **name))
    return replace(c, subscriber=sub, patient=replace(c.patient, name=sub.name))


def test_a_long_middle_name_is_a_warning_naming_field_and_element():
    (f,) = [f for f in scrub(renamed(claim(), middle="M" * 30)) if f.code.startswith("FMT02")]
    assert (f.code, f.severity) == ("FMT021", "warning")
    assert "subscriber.name.middle" in f.message and "NM105" in f.citation
    assert f.fix.arg("field") == "subscriber.name.middle"


def test_a_long_line_authorization_is_an_error_on_its_line():
    c = claim()
    c = replace(c, lines=(replace(c.lines[0], prior_authorization="A" * 51),))
    (f,) = [f for f in scrub(c) if f.code.startswith("FMT02")]
    assert (f.code, f.severity, f.line) == ("FMT023", "error", 1)
    assert "lines[0].prior_authorization" in f.message and "REF02" in f.citation


def test_every_claim_the_writer_holds_has_an_error_naming_the_field():
    bad = [
        replace(claim("A"), referral_number="R" * 51),
        renamed(claim("B"), first="Ἀλέξανδρος"),
        replace(claim("C"), subscriber=replace(claim().subscriber, member_id="X")),
    ]
    held = screen_claims(bad).held
    assert len(held) == 3
    for c, h in zip(bad, held, strict=True):
        errors = [f for f in scrub(c) if f.severity == "error"]
        assert any(h.field in f.message for f in errors), (h, errors)


def test_text_with_a_separator_is_a_warning_not_an_error():
    (f,) = [
        f for f in scrub(replace(claim(), note="BP 120/80 ~ recheck")) if f.code.startswith("FMT02")
    ]
    assert (f.code, f.severity) == ("FMT022", "warning") and "note" in f.message
