"""A TCP server speaking MLLP: each framed message gets exactly one framed answer, in
order, on the connection it came on. What the answer is (the ACK) is the caller's
``answer(payload) -> bytes``; this module only moves bytes (framing in
``medbill.core.hl7.mllp``).

One thread per connection: an EHR interface keeps one connection open and sends
message after message; a few interfaces may connect at once. ``serve`` runs the server in
several processes sharing the listening socket, so that connections are answered on
every core (a connection stays with the process that took it, keeping its order).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import socketserver
from collections.abc import Callable

from medbill.core.hl7.mllp import Decoder, MLLPError, frame

__all__ = ["MLLPServer", "serve"]

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

    def handle_error(self, request: object, client_address: object) -> None:
        # socketserver would print the traceback to stderr, past the logging filters
        # that keep health information out (an error may quote a message's fields).
        log.exception("a connection from %s failed", client_address)

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


def serve(
    server: MLLPServer, processes: int = 1, *, before_fork: Callable[[], None] = lambda: None
) -> int:
    """Run ``server`` until SIGINT or SIGTERM: in this process, or in ``processes`` forked
    ones that take connections from the one listening socket. ``before_fork`` runs once
    before the processes start (to close what must not be shared, such as database
    connections). When one process ends on its own, the others are stopped too and the
    exit status says so (a service manager restarts the whole listener). Returns the exit
    status."""
    if processes <= 1:
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        return 0
    # A process woken for a connection another one took goes back to waiting rather
    # than blocking in accept().
    server.socket.setblocking(False)
    before_fork()
    children: list[int] = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                server.serve_forever()
            except BaseException:
                log.exception("listener process failed")
                code = 1
            os._exit(code)
        children.append(pid)

    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: object = None) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    status = 0
    try:
        while children:
            try:
                pid, code = os.wait()
            except ChildProcessError:
                break
            if pid in children:
                children.remove(pid)
            if not stopping:
                log.error("a listener process ended (status %s); stopping the others", code)
                status = 1
                stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
