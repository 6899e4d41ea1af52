"""``medbill hl7 listen`` and ``medbill hl7 import`` as their own processes against the
embedded SQLite file database: a framed message over real TCP and its ACK, and the same
message imported by two processes at once, taken once.

The guard under test is the database's (BEGIN IMMEDIATE, the unique control id and EHR
links), not anything inside one Python process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_hl7_intake import dft

from medbill.core.hl7.mllp import Decoder, frame

MEDBILL = Path(sys.executable).with_name("medbill")
HERE = Path(__file__).parent

SEED = """
import sys
sys.path.insert(0, sys.argv[1])
from medbill.web import bootstrap
bootstrap(development=True)
from conftest import build_site
build_site("CVFP", "Cedar Valley")
"""


def env_for(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "MEDBILL_DATA_DIR": str(data_dir), "MEDBILL_DEBUG": "1"}
    for name in ("DATABASE_URL", "DATABASE_OWNER_URL", "MEDBILL_TEST_DB_NAME"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A migrated SQLite file with one practice (copied by each test)."""
    where = tmp_path_factory.mktemp("hl7db")
    env = env_for(where)
    done = subprocess.run(
        [str(MEDBILL), "migrate"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seed = subprocess.run(
        [sys.executable, "-c", SEED, str(HERE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seed.returncode == 0, seed.stderr[-2000:]
    return where / "medbill.sqlite3"


@pytest.fixture
def data_dir(seeded, tmp_path) -> Path:
    shutil.copy(seeded, tmp_path / "medbill.sqlite3")
    return tmp_path


def count(data_dir: Path, sql: str) -> int:
    with sqlite3.connect(data_dir / "medbill.sqlite3") as db:
        return int(db.execute(sql).fetchone()[0])


def test_two_imports_at_once_take_the_message_once(data_dir):
    path = data_dir / "dft.hl7"
    path.write_text(dft("DFT-P1"))
    argv = [str(MEDBILL), "hl7", "import", "--practice", "CVFP", str(path)]
    procs = [
        subprocess.Popen(
            argv, env=env_for(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    assert [r[0] for r in results] == [0, 0], [r[2][-2000:] for r in results]
    said = sorted(r[1].strip() for r in results)
    assert said == [
        "dft.hl7: DFT^P03 DFT-P1: accepted",
        "dft.hl7: DFT^P03 DFT-P1: already received, not applied again",
    ]
    patients = "select count(*) from frontdesk_patient where last_name = 'Lindqvist'"
    assert count(data_dir, patients) == 1
    visits = (
        "select count(*) from frontdesk_visit v join frontdesk_patient p on p.id = v.patient_id"
        " where p.last_name = 'Lindqvist'"
    )
    assert count(data_dir, visits) == 1
    assert count(data_dir, "select count(*) from interfaces_inboundmessage") == 1
    assert (
        count(
            data_dir,
            "select count(*) from coding_serviceline sl join frontdesk_visit v"
            " on v.id = sl.visit_id join frontdesk_patient p on p.id = v.patient_id"
            " where p.last_name = 'Lindqvist'",
        )
        == 2
    )


def test_listen_answers_a_framed_message_with_its_ack(data_dir):
    server = subprocess.Popen(
        [str(MEDBILL), "hl7", "listen", "--port", "0", "--practice", "CVFP"],
        env=env_for(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("listening for HL7 (MLLP) on 127.0.0.1:"), first
        port = int(first.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(frame(dft("DFT-L1").encode()))
            decoder, acks = Decoder(), []
            while not acks:
                data = sock.recv(65536)
                assert data, "the listener closed the connection without an ACK"
                acks += decoder.feed(data)
        segments = {s[:3]: s.split("|") for s in acks[0].decode().strip("\r").split("\r")}
        assert segments["MSA"][1:3] == ["AA", "DFT-L1"]
        assert segments["MSH"][8].startswith("ACK")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert count(data_dir, "select count(*) from interfaces_inboundmessage") == 1
    assert (
        count(data_dir, "select count(*) from frontdesk_patient where last_name = 'Lindqvist'") == 1
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _ack(port: int, text: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(frame(text.encode()))
        decoder, acks = Decoder(), []
        while not acks:
            data = sock.recv(65536)
            assert data, "the listener closed the connection without an ACK"
            acks += decoder.feed(data)
    return acks[0].decode()


def _start(data_dir: Path, processes: int) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [str(MEDBILL), "hl7", "listen", "--port", "0", "--practice", "CVFP"]
        + ["--processes", str(processes)],
        env=env_for(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    first = server.stdout.readline()
    assert first.startswith("listening for HL7 (MLLP) on 127.0.0.1:"), first
    assert first.rstrip().endswith(f"in {processes} processes"), first
    port = int(first.split(":")[-1].split()[0])
    for _ in range(100):  # the processes are forked just after the line is printed
        if len(_children(server.pid)) == processes:
            break
        time.sleep(0.05)
    assert len(_children(server.pid)) == processes
    return server, port


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_listen_in_several_processes_answers_each_connection_and_stops_together(data_dir):
    server, port = _start(data_dir, 2)
    workers = _children(server.pid)
    try:
        with ThreadPoolExecutor(4) as pool:
            acks = list(pool.map(lambda n: _ack(port, dft(f"DFT-M{n}", f"V70{n}")), range(4)))
        assert [a.split("MSA|")[1][:2] for a in acks] == ["AA"] * 4
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert count(data_dir, "select count(*) from interfaces_inboundmessage") == 4
    assert count(data_dir, "select count(*) from frontdesk_visit") >= 4

    # One process dying on its own ends the listener (a service manager restarts it).
    server, port = _start(data_dir, 2)
    first, second = _children(server.pid)
    os.kill(first, signal.SIGKILL)
    try:
        assert server.wait(timeout=30) == 1
    finally:
        if server.poll() is None:
            server.kill()
    assert "a listener process ended" in server.stderr.read()
    assert not Path(f"/proc/{second}").exists()  # stopped and waited for
