"""Claim status inquiries over HTTP: a 276 to the payer's CAQH CORE endpoint, its 277 back.

The same real-time connectivity as eligibility (``connect.realtime``): the 276 travels in
a SOAP or MIME envelope to the payer's or clearinghouse's URL and the 277 comes back in
the reply. Nothing here knows claims or the database: bytes out, text back.
"""

from __future__ import annotations

import httpx

from medbill.connect.realtime import EligibilityEndpoint, exchange_core
from medbill.core.eligibility.core_envelope import REQUEST_276, RESPONSE_277

__all__ = ["exchange_claim_status"]


def exchange_claim_status(
    x12_276: str, endpoint: EligibilityEndpoint, client: httpx.Client | None = None
) -> str:
    """Send one 276 interchange; the payer's 277 as received.

    Raises ``PayerUnavailable`` when the endpoint does not answer and ``RealtimeError``
    when it answers with an error or something that is not a 277 reply to this request.
    """
    return exchange_core(x12_276, endpoint, REQUEST_276, client, expect=RESPONSE_277)
