"""837P text that does not fit its element: lengths, characters, separators, held claims."""

from __future__ import annotations

from dataclasses import replace

import pytest

from medbill.core.charset import to_x12_text, unwritable
from medbill.core.claim import Address, PersonName
from medbill.core.x12 import (
    ELEMENTS,
    Delimiters,
    X12WriteError,
    fit_claim,
    iter_segments,
    read_837p,
    screen_claims,
    write_837p,
)
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, claim, dependent, secondary
from x12_pyx12 import pyx12_errors


def write(claims, **kw):
    return write_837p(claims, ENVELOPE, CONTROL, SUBMITTER, CREATED, **kw)


def segment(data: bytes, seg_id: str, first: str) -> list[str]:
    return next(s.elements for s in iter_segments(data) if s.id == seg_id and s[1] == first)


def named(c, **name):
    """``c`` with the subscriber (who is the patient) renamed."""
    sub = replace(c.subscriber, name=replace(c.subscriber.name, **name))
    return replace(c, subscriber=sub, patient=replace(c.patient, name=sub.name))


def test_the_table_has_the_tr3_limits_the_issue_names():
    assert ELEMENTS["NM105"] == (1, 25) and ELEMENTS["NM107"] == (1, 10)
    assert ELEMENTS["NM103"] == (1, 60) and ELEMENTS["N301"] == (1, 55)
    assert ELEMENTS["REF02"] == (1, 50) and ELEMENTS["CLM01"] == (1, 38)


@pytest.mark.parametrize(
    ("make", "field", "element", "seg", "index", "limit"),
    [
        (
            lambda: named(claim(), middle="Alexandrina-Konstantinopolis"),
            "subscriber.name.middle",
            "NM105",
            ("NM1", "IL"),
            5,
            25,
        ),
        (
            lambda: named(claim(), suffix="Esquire the Third"),
            "subscriber.name.suffix",
            "NM107",
            ("NM1", "IL"),
            7,
            10,
        ),
        (
            lambda: replace(
                claim(),
                payer=replace(
                    claim().payer,
                    name="Lakeland Commercial Insurance Company of the Upper Midwest Region",
                ),
            ),
            "payer.name",
            "NM103",
            ("NM1", "PR"),
            3,
            60,
        ),
        (
            lambda: _other_street("Apartment 4B, Building Seventeen, Prairie View Terrace Estates"),
            "other_coverage[0].subscriber.address.line1",
            "N301",
            None,
            None,
            55,
        ),
    ],
)
def test_long_names_and_addresses_are_cut_with_a_warning(make, field, element, seg, index, limit):
    c = make()
    fit = fit_claim(c)
    (change,) = fit.fits
    assert (change.field, change.element, change.kind) == (field, element, "truncated")
    assert not change.blocks and str(limit) in change.message
    data = write([c])
    assert pyx12_errors(data) == []
    if seg is not None:
        value = segment(data, *seg)[index]
        assert len(value) == limit or len(value) == limit - 1  # a cut at a space is trimmed
    else:
        assert max(len(s[1]) for s in iter_segments(data) if s.id == "N3") <= limit
    # What is read back is what the 837P carries.
    assert read_837p(data)[0].claim == read_837p(write([fit.claim]))[0].claim


def _other_street(street: str):
    c = secondary()
    oc = c.other_coverage[0]
    sub = replace(oc.subscriber, address=Address(street, "Madison", "WI", "537031418"))
    return replace(c, other_coverage=(replace(oc, subscriber=sub),))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (dict(prior_authorization="PA" + "7" * 49), "prior_authorization"),
        (dict(frequency_code="7", original_claim_ref="X" * 51), "original_claim_ref"),
        (dict(referral_number="R" * 60), "referral_number"),
        (dict(claim_id="C" * 39), "claim_id"),
    ],
)
def test_identifiers_that_do_not_fit_are_refused_naming_claim_and_field(change, field):
    bad = replace(claim("CVFP-BAD"), **change)
    with pytest.raises(X12WriteError) as info:
        write([claim("CVFP-OK"), bad])
    assert info.value.field == field and info.value.claim_id == bad.claim_id
    assert bad.claim_id in str(info.value) and "shortened identifier" in str(info.value)


def test_one_bad_claim_is_held_out_and_the_rest_are_written():
    long_ref = replace(claim("CVFP-2"), prior_authorization="P" * 51)
    other = replace(
        dependent("CVFP-3"), subscriber=replace(dependent().subscriber, member_id="M" * 81)
    )
    screened = screen_claims([claim("CVFP-1"), long_ref, other, claim("CVFP-1")])
    assert [c.claim_id for c in screened.ready] == ["CVFP-1"]
    assert [(h.claim_id, h.field) for h in screened.held] == [
        ("CVFP-2", "prior_authorization"),
        ("CVFP-3", "subscriber.member_id"),
        ("CVFP-1", "claim_id"),
    ]
    assert all(h.reason for h in screened.held)
    assert pyx12_errors(write(screened.ready)) == []


@pytest.mark.parametrize(
    ("last", "first", "written"),
    [
        ("Đorđević", "Þórunn", "Dordevic*Thorunn"),
        ("Yıldız", "Ðan", "Yildiz*Dan"),
        ("Groß", "Zoë", "Gross*Zoe"),
        ("O\u2019Brien", "Seán", "O'Brien*Sean"),
    ],
)
def test_letters_of_other_latin_alphabets_are_written(last, first, written):
    data = write([named(claim(), last=last, first=first)])
    assert f"NM1*IL*1*{written}*".encode() in data
    assert pyx12_errors(data) == []


def test_the_form_prints_the_same_letters_as_the_837p():
    from medbill.core.forms.cms1500 import cms1500_pages

    c = named(claim(), last="Đorđević", first="Þórunn")
    page = cms1500_pages(c)[0]
    assert page.value("2") == "DORDEVIC, THORUNN"
    assert page.value("2") == to_x12_text("Đorđević, Þórunn").upper()


def test_a_name_in_another_script_holds_the_claim_naming_the_field():
    c = named(claim("CVFP-CYR"), last="Иванова")
    assert unwritable("Иванова") == "И"
    screened = screen_claims([c, claim("CVFP-OK")])
    (held,) = screened.held
    assert (held.claim_id, held.field) == ("CVFP-CYR", "subscriber.name.last")
    assert "Latin" in held.reason and "Иванова" not in held.reason


def test_separators_inside_text_are_replaced_not_refused():
    c = replace(
        named(claim("CVFP-SEP"), last="O*Brien~Smith", first="Ann:Marie^"),
        note="Seen 10:30 ~ follow up",
    )
    fit = fit_claim(c)
    assert {f.field for f in fit.fits} == {"subscriber.name.last", "subscriber.name.first", "note"}
    assert all(f.kind == "separator_replaced" and not f.blocks for f in fit.fits)
    data = write([c])
    assert (
        b"NM1*IL*1*O-Brien-Smith*Ann-Marie-*" in data
        or b"NM1*IL*1*O-Brien-Smith*Ann-Marie*" in data
    )
    assert b"NTE*ADD*Seen 10-30 - follow up~" in data
    assert pyx12_errors(data) == []


def test_the_files_own_separators_decide_what_is_replaced():
    d = Delimiters(element="|", component=">", repetition="^", segment="\n")
    c = named(claim("CVFP-PIPE"), last="Smith|Jones", first="A*B")
    data = write([c], delimiters=d, line_ending="")
    assert b"NM1|IL|1|Smith-Jones|A*B|" in data
    assert pyx12_errors(data) == []


def test_a_separator_in_an_identifier_is_refused_naming_the_claim():
    bad = replace(claim("CVFP-ID"), prior_authorization="PA*1234")
    with pytest.raises(X12WriteError) as info:
        write([bad])
    assert info.value.claim_id == "CVFP-ID" and info.value.field == "prior_authorization"
    assert "CVFP-ID" in str(info.value) and "separates" in str(info.value)


def test_white_space_and_control_characters_do_not_reach_the_file():
    c = named(claim(), last="  Van\tder\nBerg ", first="Ann\x00e")
    data = write([c])
    assert b"NM1*IL*1*Van der Berg*Anne*" in data
    assert pyx12_errors(data) == []


def test_a_city_too_short_for_n401_holds_the_claim():
    c = claim("CVFP-CITY")
    sub = replace(c.subscriber, address=replace(c.subscriber.address, city="M"))
    c = replace(c, subscriber=sub, patient=replace(c.patient, address=sub.address))
    (held,) = screen_claims([c]).held
    assert held.field == "subscriber.address.city" and "at least 2" in held.reason


def test_a_claim_that_fits_is_returned_as_it_is():
    c = claim()
    fit = fit_claim(c)
    assert fit.claim is c and fit.fits == ()
    d = dependent()
    assert fit_claim(d).claim is d
    assert PersonName("X").last == "X"
