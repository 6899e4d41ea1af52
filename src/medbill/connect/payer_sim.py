"""The payer simulator's HTTP server: CAQH CORE real-time 270 → 271 and 276 → 277.

Answers both envelope standards on one URL (``/core``): SOAP when the request
is ``application/soap+xml``, MIME multipart otherwise. Members and benefits
come from a ``PlanTable``; claim status answers from a ``ClaimBook`` of the
claims the simulated payer adjudicated. Used by the demo and by tests on 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from medbill.core.eligibility.core_envelope import (
    REQUEST_276,
    RESPONSE_271,
    RESPONSE_277,
    CoreEnvelopeError,
    CoreMessage,
    parse_multipart,
    parse_soap,
    to_multipart,
    to_soap,
)
from medbill.core.eligibility.simulator import PlanTable, answer
from medbill.core.payersim.claim_status import ClaimBook
from medbill.core.x12 import X12ParseError, X12WriteError
from medbill.core.x12.m270 import Envelope, read_270
from medbill.core.x12.m271 import write_271

__all__ = ["PayerSimulator"]


class PayerSimulator:
    """A threaded HTTP server answering 270s from a plan table.

    ``delay`` seconds are added to every answer (to exercise time-outs);
    ``credentials`` (username, password), when set, must match the request's.
    ``book`` holds the adjudicated claims that 276s ask about (none: every claim is
    not found); ``today`` fixes the date the answers are given on (tests, the demo).
    """

    def __init__(
        self,
        table: PlanTable,
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        credentials: tuple[str, str] | None = None,
        payer_id: str = "PAYERSIM",
        book: ClaimBook | None = None,
        today: date | None = None,
    ) -> None:
        self.table = table
        self.book = book if book is not None else ClaimBook()
        self.today = today
        self.delay = delay
        self.credentials = credentials
        self.payer_id = payer_id
        self._counter = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/core"

    def start(self) -> PayerSimulator:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> PayerSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_control(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def respond(self, request: CoreMessage) -> CoreMessage:
        """The CORE reply for one request envelope."""
        if self.credentials and (request.username, request.password) != self.credentials:
            return request.reply(
                "", RESPONSE_271, "UnAuthorized", "Username or password is not valid"
            )
        if request.payload_type == REQUEST_276:
            return self._claim_status(request)
        if request.payload_type != "X12_270_Request_005010X279A1":
            return request.reply(
                "",
                RESPONSE_271,
                "PayloadTypeIncorrect",
                f"this endpoint takes 270 requests, not {request.payload_type}",
            )
        try:
            inquiries = read_270(request.payload)
        except X12ParseError as exc:
            return request.reply("", RESPONSE_271, "Payload Error", str(exc))
        number = self._next_control()
        x12 = write_271(
            [answer(inq, self.table) for inq in inquiries],
            Envelope(self.payer_id, request.sender_id, number, number, datetime.now()),
            line_ending="",
        ).decode()
        return request.reply(x12)

    def _claim_status(self, request: CoreMessage) -> CoreMessage:
        number = self._next_control()
        try:
            x12 = self.book.answer_276(
                request.payload,
                payer_id=self.payer_id,
                requester=request.sender_id[:15] or "UNKNOWN",
                control=number,
                today=self.today or date.today(),
                created=datetime.now(),
            )
        except (X12ParseError, X12WriteError) as exc:
            return request.reply("", RESPONSE_277, "Payload Error", str(exc))
        return request.reply(x12.decode(), RESPONSE_277)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # answer in one round trip, not after a delayed ACK

            def log_message(self, format: str, *args: object) -> None:
                # Requests carry member data: keep them out of the log entirely.
                return

            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                kind = self.headers.get("Content-Type", "")
                try:
                    if "multipart/form-data" in kind:
                        request = parse_multipart(body, kind)
                        soap = False
                    else:
                        request = parse_soap(body)
                        soap = True
                except CoreEnvelopeError as exc:
                    self._send(400, f"bad CORE envelope: {exc}".encode(), "text/plain")
                    return
                if sim.delay:
                    time.sleep(sim.delay)
                reply = sim.respond(request)
                if soap:
                    self._send(200, to_soap(reply), "application/soap+xml; charset=utf-8")
                else:
                    data, content_type = to_multipart(reply)
                    self._send(200, data, content_type)

            def _send(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
