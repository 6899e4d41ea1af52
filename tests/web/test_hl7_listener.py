"""The MLLP listener over real TCP: framed messages in, one framed ACK each, in order."""

from __future__ import annotations

import socket
import threading

import pytest

from medbill.connect.mllp_server import MLLPServer
from medbill.core.hl7.mllp import Decoder, frame
from medbill.web.frontdesk.models import Patient
from medbill.web.interfaces.wire import answer_frame, connection_closed

pytestmark = pytest.mark.django_db(transaction=True)

A04 = (
    "MSH|^~\\&|EHR|CLINIC|MEDBILL|{facility}|20260303113000||ADT^A04|{control}|P|2.5.1\r"
    "PID|1||E2002^^^EHR^MR||Brandt^Olive||{born}|F|||7 Pine Rd^^Madison^WI^53711\r"
)


def ack_fields(ack: bytes) -> dict[str, list[str]]:
    return {s[:3]: s.split("|") for s in ack.decode().strip("\r").split("\r")}


@pytest.fixture
def listener(world):
    server = MLLPServer(
        ("127.0.0.1", 0),
        lambda payload: answer_frame(payload, None),
        on_close=connection_closed,
        idle_timeout=10,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


def exchange(port: int, payloads: list[bytes]) -> list[bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        # All at once, split at odd places: the framing must not care.
        stream = b"".join(frame(p) for p in payloads)
        for i in range(0, len(stream), 7):
            sock.sendall(stream[i : i + 7])
        decoder, acks = Decoder(), []
        while len(acks) < len(payloads):
            data = sock.recv(65536)
            if not data:
                break
            acks += decoder.feed(data)
        return acks


def test_one_ack_per_message_aa_ae_ar(world, listener):
    good = A04.format(facility="CVFP", control="L-1", born="19751105").encode()
    bad_date = A04.format(facility="CVFP", control="L-2", born="1975133").encode()
    unknown = A04.format(facility="NOPE", control="L-3", born="19751105").encode()
    acks = exchange(listener, [good, bad_date, b"\xff\xfe garbage", unknown, good])
    got = [ack_fields(a) for a in acks]
    assert [g["MSA"][1] for g in got] == ["AA", "AE", "AR", "AR", "AA"]
    assert [g["MSA"][2] for g in got] == ["L-1", "L-2", "", "L-3", "L-1"]
    assert got[1]["ERR"][2] == "PID^1^7"
    assert "PID-7 birth date '1975133' is not a date" in got[1]["ERR"][8]
    assert "MSH-6" in got[3]["ERR"][8]
    assert got[0]["MSH"][8] == "ACK^A04^ACK"
    assert Patient.objects.filter(practice=world.a.practice, last_name="Brandt").count() == 1


def test_a_server_failure_is_answered_ar_and_logged_without_the_values(
    world, listener, monkeypatch, caplog
):
    """A failure while taking a message (the database refusing a row, say) gets an AR
    saying to send it again, the connection stays open for the next message, and the log
    names the kind of failure, never what the error quoted."""
    from medbill.web.interfaces import wire

    real = wire.receive
    calls = []

    def failing_once(practice, text, **kwargs):
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("Key (last_name)=(Brandt) already exists 19751105")
        return real(practice, text, **kwargs)

    monkeypatch.setattr(wire, "receive", failing_once)
    first = A04.format(facility="CVFP", control="L-8", born="19751105").encode()
    again = A04.format(facility="CVFP", control="L-8", born="19751105").encode()
    with caplog.at_level("INFO", logger="medbill"):
        acks = exchange(listener, [first, again])
    assert len(acks) == 2
    failed, taken = ack_fields(acks[0]), ack_fields(acks[1])
    assert failed["MSA"][1:3] == ["AR", "L-8"]
    assert "send it again" in acks[0].decode()
    assert taken["MSA"][1:3] == ["AA", "L-8"]
    assert Patient.objects.filter(last_name="Brandt").count() == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "not taken: RuntimeError" in logged
    assert "Brandt" not in logged and "19751105" not in logged
