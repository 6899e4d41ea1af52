"""Claim status inquiries over HTTP: a 276 to the payer's CAQH CORE endpoint, its 277 back.

The same real-time connectivity as eligibility (``connect.realtime``): the 276 travels in
a SOAP or MIME envelope to the payer's or clearinghouse's URL and the 277 comes back in
the reply. Nothing here knows claims or the database: bytes out, text back.
"""

from __future__ import annotations

import httpx

from medbill.connect.realtime import EligibilityEndpoint, PayerUnavailable, RealtimeError
from medbill.core.eligibility.core_envelope import (
    REQUEST_276,
    RESPONSE_277,
    CoreEnvelopeError,
    CoreMessage,
    parse_multipart,
    parse_soap,
    to_multipart,
    to_soap,
)

__all__ = ["exchange_claim_status"]


def exchange_claim_status(
    x12_276: str, endpoint: EligibilityEndpoint, client: httpx.Client | None = None
) -> str:
    """Send one 276 interchange; the payer's 277 as received.

    Raises ``PayerUnavailable`` when the endpoint does not answer and ``RealtimeError``
    when it answers with an error or something that is not a 277 reply to this request.
    """
    request = CoreMessage.request(
        x12_276,
        endpoint.sender_id,
        endpoint.receiver_id,
        REQUEST_276,
        endpoint.username,
        endpoint.password,
    )
    if endpoint.envelope == "soap":
        body, content_type = to_soap(request), "application/soap+xml; charset=utf-8"
    elif endpoint.envelope == "mime":
        body, content_type = to_multipart(request)
    else:
        raise RealtimeError(f"unknown envelope {endpoint.envelope!r}: use soap or mime")
    own = client is None
    http = client or httpx.Client()
    try:
        reply = http.post(
            endpoint.url,
            content=body,
            headers={"Content-Type": content_type},
            timeout=endpoint.timeout,
        )
    except httpx.TimeoutException:
        raise PayerUnavailable(
            f"{endpoint.url} did not answer within {endpoint.timeout:g} s"
        ) from None
    except httpx.TransportError as exc:
        raise PayerUnavailable(f"{endpoint.url} could not be reached: {exc}") from None
    finally:
        if own:
            http.close()
    if reply.status_code >= 500 and not reply.content:
        raise PayerUnavailable(f"{endpoint.url} answered HTTP {reply.status_code}")
    try:
        kind = reply.headers.get("content-type", "")
        answer = (
            parse_multipart(reply.content, kind)
            if "multipart" in kind
            else parse_soap(reply.content)
        )
    except CoreEnvelopeError as exc:
        raise RealtimeError(f"{endpoint.url}: {exc} (HTTP {reply.status_code})") from None
    if answer.error_code != "Success":
        raise RealtimeError(
            f"{endpoint.url} refused the request: {answer.error_code}: {answer.error_message}"
        )
    if answer.payload_id != request.payload_id:
        raise RealtimeError(f"{endpoint.url} answered another request (PayloadID differs)")
    if answer.payload_type != RESPONSE_277:
        raise RealtimeError(f"{endpoint.url} answered with {answer.payload_type}, not a 277")
    return answer.payload
