"""Attachments of a claim: the biller names the paperwork sent for the claim or a line.

The claim document carries them to the 837P (PWK) and the CMS-1500 (item 19). Adding and
removing them are audited changes of the claim (``ClaimAttachment`` is audited).
"""

from __future__ import annotations

from django.db import transaction

from medbill.core.attachments import Attachment, attachment_problems
from medbill.core.x12 import ELEMENTS
from medbill.web.billing.models import Claim, ClaimAttachment
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, signed_in

__all__ = ["EDITABLE", "add_attachment", "remove_attachment"]

# Statuses in which the claim is still ours to change; a submitted claim is changed by a
# replacement (frequency 7).
EDITABLE = ("draft", "scrubbed", "rejected")


def _editable(user: Actor, claim: Claim) -> Claim:
    require(user, claim.practice_id, "create_claims")
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status not in EDITABLE:
        raise ServiceError(
            "claim", f"a {locked.status} claim is changed by a replacement claim, not by editing it"
        )
    return locked


def add_attachment(
    user: Actor,
    claim: Claim,
    report_type: str,
    transmission: str,
    control_number: str = "",
    line_number: int | None = None,
) -> ClaimAttachment:
    """Name paperwork sent for ``claim`` (or its line ``line_number``).

    The codes are the 837P's (PWK01, PWK02); the control number is required unless the
    paperwork stays at the office (AA) and fits PWK06.
    """
    report_type = (report_type or "").strip().upper()
    transmission = (transmission or "").strip().upper()
    control_number = (control_number or "").strip()
    wanted = Attachment(report_type, transmission, control_number or None)
    for field, problem in attachment_problems((wanted,), "attachment"):
        raise ServiceError(field.removeprefix("attachment[0]."), problem)
    low, high = ELEMENTS["PWK06"]
    if control_number and not (
        low <= len(control_number) <= high
        and control_number.isascii()
        and control_number.isprintable()
    ):
        raise ServiceError(
            "control_number",
            f"must be {low} to {high} letters, digits or punctuation, as written on the paperwork",
        )
    with transaction.atomic(), audit.acting_as(user):
        locked = _editable(user, claim)
        line = None
        if line_number is not None:
            line = locked.lines.filter(line_number=line_number).first()
            if line is None:
                raise ServiceError("line", f"the claim has no line {line_number}")
        if locked.attachments.filter(line=line).count() >= 10:
            raise ServiceError(
                "attachment", "the 837P carries at most 10 attachments per claim and per line"
            )
        return ClaimAttachment.objects.create(
            practice_id=locked.practice_id,
            claim=locked,
            line=line,
            report_type=report_type,
            transmission=transmission,
            control_number=control_number,
            created_by=signed_in(user),
        )


def remove_attachment(user: Actor, attachment: ClaimAttachment) -> None:
    """Take an attachment off its claim (the audit trail keeps what it was)."""
    with transaction.atomic(), audit.acting_as(user):
        _editable(user, attachment.claim)
        ClaimAttachment.objects.get(pk=attachment.pk).delete()
