"""CAQH CORE connectivity envelopes (rule vC2.2.0) for real-time X12 over HTTP.

Two envelope standards carry the same fields: SOAP 1.2 with a WS-Security
UsernameToken, and HTTP MIME multipart/form-data. This module only builds and
parses bytes (sans-IO); the HTTP exchange lives in ``medbill.connect``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

__all__ = [
    "CoreEnvelopeError",
    "CoreMessage",
    "REQUEST_270",
    "REQUEST_276",
    "RESPONSE_271",
    "RESPONSE_277",
    "parse_multipart",
    "parse_soap",
    "to_multipart",
    "to_soap",
]

RULE_VERSION = "2.2.0"
REQUEST_270 = "X12_270_Request_005010X279A1"
RESPONSE_271 = "X12_271_Response_005010X279A1"
# Claim status travels in the same real-time envelopes (CORE connectivity applies to both).
REQUEST_276 = "X12_276_Request_005010X212"
RESPONSE_277 = "X12_277_Response_005010X212"
SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
CORE_NS = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordText"
)

_FIELDS = (
    "PayloadType",
    "ProcessingMode",
    "PayloadID",
    "TimeStamp",
    "SenderID",
    "ReceiverID",
    "CORERuleVersion",
    "Payload",
)


class CoreEnvelopeError(ValueError):
    """The envelope is not a CORE message we can read; names the missing field."""


@dataclass(frozen=True, slots=True)
class CoreMessage:
    payload_type: str
    payload: str
    sender_id: str
    receiver_id: str
    payload_id: str = ""
    timestamp: str = ""
    processing_mode: str = "RealTime"
    rule_version: str = RULE_VERSION
    username: str | None = None
    password: str | None = None
    error_code: str | None = None  # responses: "Success" or an error name
    error_message: str | None = None

    @classmethod
    def request(
        cls,
        payload: str,
        sender_id: str,
        receiver_id: str,
        payload_type: str = REQUEST_270,
        username: str | None = None,
        password: str | None = None,
    ) -> CoreMessage:
        """A new real-time request with a fresh PayloadID and a UTC timestamp."""
        return cls(
            payload_type,
            payload,
            sender_id,
            receiver_id,
            str(uuid.uuid4()),
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            username=username,
            password=password,
        )

    def reply(
        self,
        payload: str,
        payload_type: str = RESPONSE_271,
        error_code: str = "Success",
        error_message: str = "None",
    ) -> CoreMessage:
        """The response to this request: same PayloadID, sender and receiver swapped."""
        return replace(
            self,
            payload_type=payload_type,
            payload=payload,
            sender_id=self.receiver_id,
            receiver_id=self.sender_id,
            timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            username=None,
            password=None,
            error_code=error_code,
            error_message=error_message,
        )

    @property
    def is_response(self) -> bool:
        return self.error_code is not None

    def _values(self) -> dict[str, str]:
        values = {
            "PayloadType": self.payload_type,
            "ProcessingMode": self.processing_mode,
            "PayloadID": self.payload_id,
            "TimeStamp": self.timestamp,
            "SenderID": self.sender_id,
            "ReceiverID": self.receiver_id,
            "CORERuleVersion": self.rule_version,
            "Payload": self.payload,
        }
        if self.is_response:
            values["ErrorCode"] = self.error_code or ""
            values["ErrorMessage"] = self.error_message or ""
        return values


def to_soap(msg: CoreMessage) -> bytes:
    """The SOAP 1.2 envelope for a request or response."""
    kind = "COREEnvelopeRealTimeResponse" if msg.is_response else "COREEnvelopeRealTimeRequest"
    header = ""
    if msg.username is not None:
        header = (
            f'<soapenv:Header><wsse:Security xmlns:wsse="{WSSE_NS}"><wsse:UsernameToken>'
            f"<wsse:Username>{escape(msg.username)}</wsse:Username>"
            f'<wsse:Password Type="{PASSWORD_TEXT}">{escape(msg.password or "")}</wsse:Password>'
            "</wsse:UsernameToken></wsse:Security></soapenv:Header>"
        )
    body = []
    for name, value in msg._values().items():
        if name == "Payload":
            # CDATA keeps X12 delimiters as they are; "]]>" cannot occur in X12 text.
            body.append(f"<Payload><![CDATA[{value}]]></Payload>")
        else:
            body.append(f"<{name}>{escape(value)}</{name}>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" xmlns:cor="{CORE_NS}">{header}'
        f"<soapenv:Body><cor:{kind}>{''.join(body)}</cor:{kind}></soapenv:Body>"
        "</soapenv:Envelope>"
    ).encode()


def parse_soap(data: bytes) -> CoreMessage:
    """Read a CORE SOAP envelope; a SOAP Fault becomes a CoreEnvelopeError."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise CoreEnvelopeError(f"not XML: {exc}") from None
    body = root.find(f"{{{SOAP_NS}}}Body")
    if body is None:
        raise CoreEnvelopeError("SOAP Body is missing")
    fault = body.find(f"{{{SOAP_NS}}}Fault")
    if fault is not None:
        text = " ".join(t.strip() for t in fault.itertext() if t.strip())
        raise CoreEnvelopeError(f"SOAP fault: {text}")
    if len(body) == 0:
        raise CoreEnvelopeError("SOAP Body is empty")
    envelope = body[0]
    values = {child.tag.split("}")[-1]: (child.text or "") for child in envelope}
    username = password = None
    token = root.find(f"{{{SOAP_NS}}}Header/{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
    if token is not None:
        username = token.findtext(f"{{{WSSE_NS}}}Username")
        password = token.findtext(f"{{{WSSE_NS}}}Password")
    return _message(values, username, password, response=envelope.tag.endswith("RealTimeResponse"))


def to_multipart(msg: CoreMessage, boundary: str | None = None) -> tuple[bytes, str]:
    """The MIME multipart/form-data body and its Content-Type header."""
    boundary = boundary or f"core-{uuid.uuid4().hex}"
    values = msg._values()
    if msg.username is not None:
        values["UserName"] = msg.username
        values["Password"] = msg.password or ""
    parts = []
    for name, value in values.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def parse_multipart(data: bytes, content_type: str) -> CoreMessage:
    """Read a CORE MIME multipart/form-data body."""
    if "multipart/form-data" not in content_type or "boundary=" not in content_type:
        raise CoreEnvelopeError("Content-Type must be multipart/form-data with a boundary")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + data
    )
    values: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True) or b""
            values[str(name)] = payload.decode("utf-8").removesuffix("\r\n")
    return _message(
        values, values.get("UserName"), values.get("Password"), response="ErrorCode" in values
    )


def _message(
    values: dict[str, str], username: str | None, password: str | None, response: bool
) -> CoreMessage:
    required = [
        "PayloadType",
        "ProcessingMode",
        "PayloadID",
        "SenderID",
        "ReceiverID",
        "CORERuleVersion",
    ]
    if not response or values.get("ErrorCode") == "Success":
        required.append("Payload")
    missing = [name for name in required if not values.get(name)]
    if missing:
        raise CoreEnvelopeError(f"CORE envelope field {missing[0]} is missing")
    return CoreMessage(
        payload_type=values["PayloadType"],
        payload=values.get("Payload", ""),
        sender_id=values["SenderID"],
        receiver_id=values["ReceiverID"],
        payload_id=values["PayloadID"],
        timestamp=values.get("TimeStamp", ""),
        processing_mode=values["ProcessingMode"],
        rule_version=values["CORERuleVersion"],
        username=username,
        password=password,
        error_code=values.get("ErrorCode") if response else None,
        error_message=values.get("ErrorMessage") if response else None,
    )
