"""A TCP server speaking MLLP: each framed message gets exactly one framed answer, in
order, on the connection it came on. What the answer is (the ACK) is the caller's
``answer(payload) -> bytes``; this module only moves bytes (framing in
``medbill.core.hl7.mllp``).

One thread per connection: an EHR interface keeps one connection open and sends
message after message; a few interfaces may connect at once.
"""

from __future__ import annotations

import logging
import socket
import socketserver
from collections.abc import Callable

from medbill.core.hl7.mllp import Decoder, MLLPError, frame

__all__ = ["MLLPServer"]

log = logging.getLogger("medbill.hl7.listener")


class _Connection(socketserver.BaseRequestHandler):
    server: MLLPServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(self.server.idle_timeout)
        decoder = Decoder()
        try:
            while True:
                try:
                    data = sock.recv(65536)
                except TimeoutError:
                    break
                if not data:
                    break
                try:
                    payloads = decoder.feed(data)
                except MLLPError:
                    log.warning("closing a connection that sent an unterminated frame")
                    break
                for payload in payloads:
                    sock.sendall(frame(self.server.answer(payload)))
        except OSError:
            pass  # the peer went away; nothing to answer
        finally:
            self.server.on_close()


class MLLPServer(socketserver.ThreadingTCPServer):
    """``MLLPServer((host, port), answer)``; port 0 picks a free port (``server_address``
    tells which). ``serve_forever()`` runs it, ``shutdown()`` stops it from another thread;
    ``on_close`` runs in a connection's thread when it ends (to close its database
    connection)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        answer: Callable[[bytes], bytes],
        *,
        on_close: Callable[[], None] = lambda: None,
        idle_timeout: float = 600.0,
    ) -> None:
        self.answer = answer
        self.on_close = on_close
        self.idle_timeout = idle_timeout
        super().__init__(address, _Connection)
