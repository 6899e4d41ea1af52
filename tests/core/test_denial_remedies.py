"""Denial remedies agree with the suggested next action; the appeal letter refuses gaps."""

from __future__ import annotations

from datetime import date

import pytest

from medbill.core.forms import Practice
from medbill.core.forms.appeal import AppealError, AppealLetter, render_appeal_letter
from medbill.core.forms.readback import plain_text
from medbill.core.ledger.codes import _ACTIONS, CARC, next_action
from medbill.core.ledger.denials import REMEDIES, appeal_grounds, remedies
from medbill.core.money import Money


@pytest.mark.parametrize("carc", sorted(_ACTIONS))
def test_remedies_agree_with_the_next_action(carc):
    action, offered = next_action([carc]), remedies([carc])
    assert set(offered) <= set(REMEDIES)
    if action.startswith("no action"):
        assert offered == ()
        return
    assert offered, f"CARC {carc} suggests {action!r} but offers nothing"
    if "corrected claim" in action or "resubmit" in action:
        assert "correct" in offered
    if "appeal" in action:
        assert "appeal" in offered
    if "write off" in action:
        assert "write_off" in offered


def test_every_denial_carc_we_describe_has_remedies_decided():
    for carc, (kind, _words) in CARC.items():
        if kind == "denial":
            assert isinstance(remedies([carc]), tuple)


def test_the_first_known_code_decides_like_the_next_action():
    assert remedies(["999", "18", "50"]) == ()
    assert remedies(["999"]) == REMEDIES
    assert remedies(["50", "4"])[0] == "appeal"
    assert remedies(["4", "50"])[0] == "correct"


def test_grounds_are_ours_and_fall_back():
    assert "medically necessary" in appeal_grounds(["50"])
    assert "enclosed records support payment" in appeal_grounds(["999"])


def letter(**change):
    values = dict(
        practice=Practice(name="Cedar Valley Family Practice", npi="1234567893"),
        letter_date=date(2026, 4, 2),
        payer_name="Prairie Health Plan",
        patient_name="Mateo Ortega",
        member_id="W123456789",
        claim_number="CVFP0000102",
        date_of_service=date(2026, 3, 4),
        billed=Money("162.00"),
        denied=Money("32.00"),
        reasons=("50 not deemed a medical necessity by the payer",),
        grounds=appeal_grounds(["50"]),
        payer_claim_number="PHP-2026-55501",
        services=("line 2: 87880",),
    )
    values.update(change)
    return AppealLetter(**values)


def test_the_letter_reads_back():
    text = " ".join(plain_text(render_appeal_letter(letter())).split())
    for expected in (
        "Cedar Valley Family Practice",
        "Prairie Health Plan",
        "Mateo Ortega",
        "W123456789",
        "CVFP0000102",
        "PHP-2026-55501",
        "03/04/2026",
        "line 2: 87880",
        "Why the service should be paid",
        "Supporting documents enclosed",
        "$32.00",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"member_id": ""}, "member_id"),
        ({"reasons": ()}, "reasons"),
        ({"grounds": "  "}, "grounds"),
        ({"denied": Money(0)}, "denied"),
    ],
)
def test_the_letter_names_what_is_missing(change, field):
    with pytest.raises(AppealError) as caught:
        render_appeal_letter(letter(**change))
    assert caught.value.field == field


@pytest.mark.parametrize("carc", sorted(_ACTIONS))
def test_denial_advice_never_bills_the_patient_without_their_agreement(carc):
    """Denials are contractual (CO) or other (OA) adjustments: the patient owes them only
    after a signed waiver (ABN, CARC 96) or written agreement (204)."""
    action = next_action([carc])
    if carc in ("96", "204"):
        assert "bill the patient if" in action
    else:
        assert "bill the patient" not in action
