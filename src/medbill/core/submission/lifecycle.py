"""The claim lifecycle: which status may follow which.

draft -> scrubbed -> submitted -> accepted | rejected -> paid | denied -> closed.
A rejected claim goes back to draft once fixed (or is closed); a claim that was
paid or denied is corrected by a new claim with frequency 7 (replacement) or 8
(void), never by editing the old one. A payer that reverses its own payment or
denial (835 CLP02 = 22) puts the claim back to accepted until its corrected
adjudication arrives. A payer's answer to a claim status inquiry (277) moves a
submitted claim on as far as the answer goes (``status_after_claim_status``).
"""

from __future__ import annotations

__all__ = [
    "NOT_SENT",
    "STATUSES",
    "TRANSITIONS",
    "LifecycleError",
    "check_move",
    "status_after_claim_status",
    "status_after_remittance",
]

STATUSES = ("draft", "scrubbed", "submitted", "accepted", "rejected", "paid", "denied", "closed")

# A claim in these has never reached a payer: no payer can have paid or denied it.
NOT_SENT = frozenset({"draft", "scrubbed"})

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"scrubbed", "closed"}),
    "scrubbed": frozenset({"draft", "submitted"}),
    # A failed delivery puts the claim back to scrubbed; a 999 or 277CA decides the rest.
    "submitted": frozenset({"scrubbed", "accepted", "rejected", "paid", "denied"}),
    # A payer may still reject after its clearinghouse accepted (a later 277CA).
    "accepted": frozenset({"rejected", "paid", "denied"}),
    "rejected": frozenset({"draft", "closed"}),
    # A payer's reversal (835 CLP02 = 22) reopens its adjudication until the corrected one.
    "paid": frozenset({"accepted", "closed"}),
    "denied": frozenset({"accepted", "closed"}),
    "closed": frozenset(),
}


class LifecycleError(ValueError):
    """A status change the lifecycle does not allow; names both statuses."""


def check_move(current: str, new: str) -> None:
    """Raise LifecycleError unless a claim in ``current`` may move to ``new``."""
    if current not in TRANSITIONS:
        raise LifecycleError(f"unknown claim status {current!r}")
    if new not in TRANSITIONS[current]:
        raise LifecycleError(f"a {current} claim cannot become {new}")


def status_after_remittance(current: str, decision: str) -> str:
    """The status a claim in ``current`` takes from a payer's 835 ``decision``.

    ``decision`` is ``"reversed"`` (CLP02 = 22), ``"denied"`` (nothing paid, lines
    denied) or ``"paid"`` (paid in full or in part). A closed claim stays closed (a late
    835 for a claim a replacement closed still posts its money), and a claim already in
    the decided status stays there. Raises ``LifecycleError`` when the lifecycle does not
    let the claim move: the money still posts, but the status is for a person to decide.
    """
    new = {"reversed": "accepted", "denied": "denied", "paid": "paid"}.get(decision)
    if new is None:
        raise LifecycleError(f"unknown remittance decision {decision!r}")
    if current in ("closed", new):
        return current
    check_move(current, new)
    return new


# What a 277 status category group (``core.x12._claim_status_codes.category_group``) makes
# of a claim that is waiting for its payer. The payer has the claim when it acknowledges,
# pends, asks for more or finalizes it: the claim is accepted. Paid and denied are not set
# from a 277: the money and the denial reasons come with the 835, which moves it on.
_AFTER_STATUS_GROUP = {
    "received": "accepted",
    "pending": "accepted",
    "request": "accepted",
    "finalized": "accepted",
    "paid": "accepted",
    "denied": "accepted",
    "rejected": "rejected",
}
_WAITING = ("submitted", "accepted")


def status_after_claim_status(current: str, group: str) -> str:
    """The status a claim in ``current`` takes from a claim status answer of ``group``.

    Only a claim still waiting for its payer (submitted or accepted) moves: submitted
    becomes accepted when the payer has the claim, and either becomes rejected when the
    payer returned or rejected it (A3, A6-A8). Not found (A4), errors in the inquiry
    (E0-E4) and anything unknown leave the claim where it is, as does every answer for a
    claim already paid, denied, rejected or closed.
    """
    new = _AFTER_STATUS_GROUP.get(group)
    if new is None or current not in _WAITING or current == new:
        return current
    check_move(current, new)
    return new
