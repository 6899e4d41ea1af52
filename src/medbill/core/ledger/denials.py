"""How a denial is worked, by its reason codes: which remedies fit and why it should be paid.

The remedies are ``correct`` (a replacement claim, frequency 7), ``appeal`` (a letter
asking the payer to reconsider) and ``write_off``. The first known CARC decides, the same
rule ``codes.next_action`` uses, so the buttons a biller sees agree with the suggested
next step. A duplicate or an already-paid service gets no remedy: nothing is owed.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["REMEDIES", "appeal_grounds", "remedies"]

REMEDIES = ("correct", "appeal", "write_off")

_FIX_THE_CLAIM = ("correct", "appeal", "write_off")
_PROVE_IT = ("appeal", "correct", "write_off")
_NOT_COVERED = ("write_off", "appeal")

_BY_CARC: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("4", "5", "6", "7", "11", "16", "22", "31", "97", "236"), _FIX_THE_CLAIM),
    **dict.fromkeys(("29", "39", "50", "151", "167", "197", "251", "252"), _PROVE_IT),
    **dict.fromkeys(
        ("24", "26", "27", "49", "96", "109", "119", "170", "204", "242", "B7"), _NOT_COVERED
    ),
    **dict.fromkeys(("18", "B13"), ()),
}

# Our own words for the body of an appeal letter, by CARC.
_GROUNDS: dict[str, str] = {
    "4": "The modifier reported describes the service as performed; the enclosed notes "
    "document it.",
    "11": "The diagnoses reported are documented in the enclosed notes and support the "
    "service as billed.",
    "16": "The information the payer found missing is supplied with this letter.",
    "29": "The claim was first filed within the payer's filing limit; the enclosed "
    "clearinghouse acceptance report shows the date it was received.",
    "39": "The service was medically necessary at the time it was given; the enclosed notes "
    "explain why it could not wait for the authorization decision.",
    "50": "The service was medically necessary for this patient's condition, as the enclosed "
    "clinical notes and letter of medical necessity show.",
    "97": "The service was separate and distinct from the other services of the day "
    "(a different session, site or problem), as the enclosed notes document.",
    "151": "The number of services billed was needed for this patient's condition; the "
    "enclosed notes record each one.",
    "167": "The diagnosis is documented and is covered for this service under the patient's "
    "plan; the enclosed notes support it.",
    "197": "Authorization was obtained or was not required for this service; the enclosed "
    "record shows the reference or the circumstances.",
    "236": "The services were distinct and the modifier reported shows it; the enclosed "
    "notes document separate sessions or sites.",
    "251": "The documentation requested is enclosed with this letter.",
    "252": "The attachment requested is enclosed with this letter.",
}
_DEFAULT_GROUNDS = (
    "The service was provided as billed and is covered under the patient's "
    "plan; the enclosed records support payment."
)


def _deciding(reasons: Sequence[str]) -> str | None:
    for reason in reasons:
        if reason in _BY_CARC:
            return reason
    return None


def remedies(reasons: Sequence[str]) -> tuple[str, ...]:
    """The remedies that fit a denial with these CARCs, the recommended one first.

    Unknown codes allow every remedy; a duplicate (18) or already-paid (B13) allows none.
    """
    reason = _deciding(reasons)
    return REMEDIES if reason is None else _BY_CARC[reason]


def appeal_grounds(reasons: Sequence[str]) -> str:
    """Why the service should be paid, in our words, for the first CARC we have words for."""
    for reason in reasons:
        if reason in _GROUNDS:
            return _GROUNDS[reason]
    return _DEFAULT_GROUNDS
