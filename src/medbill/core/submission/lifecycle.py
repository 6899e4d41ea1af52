"""The claim lifecycle: which status may follow which.

draft -> scrubbed -> submitted -> accepted | rejected -> paid | denied -> closed.
A rejected claim goes back to draft once fixed (or is closed); a claim that was
paid or denied is corrected by a new claim with frequency 7 (replacement) or 8
(void), never by editing the old one. A payer that reverses its own payment or
denial (835 CLP02 = 22) puts the claim back to accepted until its corrected
adjudication arrives.
"""

from __future__ import annotations

__all__ = ["STATUSES", "TRANSITIONS", "LifecycleError", "check_move", "status_after_remittance"]

STATUSES = ("draft", "scrubbed", "submitted", "accepted", "rejected", "paid", "denied",
            "closed")

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
