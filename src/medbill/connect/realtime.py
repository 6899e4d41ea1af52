"""Real-time eligibility over HTTP under the CAQH CORE connectivity rule."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx

from medbill.core.eligibility.core_envelope import (
    REQUEST_270,
    CoreEnvelopeError,
    CoreMessage,
    parse_multipart,
    parse_soap,
    to_multipart,
    to_soap,
)
from medbill.core.x12 import X12ParseError
from medbill.core.x12.m270 import EligibilityInquiry, Envelope, write_270
from medbill.core.x12.m271 import EligibilityResponse, read_271

__all__ = [
    "EligibilityEndpoint",
    "PayerUnavailable",
    "RealtimeError",
    "check_eligibility",
    "exchange_core",
    "exchange_eligibility",
]


class RealtimeError(RuntimeError):
    """The exchange failed; the message says where (endpoint, envelope or X12)."""


class PayerUnavailable(RealtimeError):
    """The payer or clearinghouse did not answer in time or refused the connection."""


@dataclass(frozen=True, slots=True)
class EligibilityEndpoint:
    """Where one payer or clearinghouse takes real-time 270s."""

    url: str
    sender_id: str
    receiver_id: str
    username: str | None = None
    password: str | None = None
    envelope: str = "soap"  # soap or mime
    timeout: float = 10.0
    usage: str = "P"


_control = itertools.count(int(datetime.now().strftime("%H%M%S")) * 1000 % 900_000_000 + 1)


def check_eligibility(
    inquiry: EligibilityInquiry,
    endpoint: EligibilityEndpoint,
    client: httpx.Client | None = None,
    control_number: int | None = None,
) -> EligibilityResponse:
    """Send one 270 and return the payer's answer for it."""
    return exchange_eligibility(inquiry, endpoint, client, control_number)[0]


def exchange_eligibility(
    inquiry: EligibilityInquiry,
    endpoint: EligibilityEndpoint,
    client: httpx.Client | None = None,
    control_number: int | None = None,
) -> tuple[EligibilityResponse, str]:
    """Send one 270; the payer's answer for it and the 271 as received (to keep on file)."""
    number = control_number or next(_control)
    x12 = write_270(
        [inquiry],
        Envelope(
            endpoint.sender_id,
            endpoint.receiver_id,
            number,
            number,
            datetime.now(),
            usage=endpoint.usage,
        ),
        line_ending="",
    ).decode()
    payload = exchange_core(x12, endpoint, REQUEST_270, client)
    try:
        responses = read_271(payload)
    except X12ParseError as exc:
        raise RealtimeError(f"{endpoint.url} sent a 271 we cannot read: {exc}") from None
    for resp in responses:
        if resp.trace_number in (None, inquiry.trace_number):
            return resp, payload
    raise RealtimeError(f"{endpoint.url} sent no answer for trace {inquiry.trace_number}")


def exchange_core(
    x12: str,
    endpoint: EligibilityEndpoint,
    payload_type: str,
    client: httpx.Client | None = None,
    expect: str | None = None,
) -> str:
    """Send one X12 interchange in the endpoint's CAQH CORE envelope; the reply's payload.

    Raises ``PayerUnavailable`` when the endpoint does not answer and ``RealtimeError``
    when it answers with an error, for another request, or (with ``expect``) with another
    payload type.
    """
    request = CoreMessage.request(
        x12,
        endpoint.sender_id,
        endpoint.receiver_id,
        payload_type,
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
    if expect is not None and answer.payload_type != expect:
        raise RealtimeError(f"{endpoint.url} answered with {answer.payload_type}, not {expect}")
    return answer.payload


def check_many(
    inquiries: Sequence[EligibilityInquiry], endpoint: EligibilityEndpoint
) -> list[EligibilityResponse | RealtimeError]:
    """One request per inquiry over a kept-alive connection; errors are returned, not raised."""
    out: list[EligibilityResponse | RealtimeError] = []
    with httpx.Client() as http:
        for inq in inquiries:
            try:
                out.append(check_eligibility(inq, endpoint, http))
            except RealtimeError as exc:
                out.append(exc)
    return out
