"""``medbill migrate`` and ``medbill serve`` as a user runs them: own processes, a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path):
    # A throw-away SQLite database, whatever DATABASE_URL the suite itself runs on.
    env = dict(os.environ, MEDBILL_DATA_DIR=str(tmp_path), MEDBILL_DEBUG="1")
    env.pop("DATABASE_URL", None)
    return env


def medbill(*args: str) -> list[str]:
    return [sys.executable, "-m", "medbill.cli.main", *args]


def test_serve_answers_on_the_port(env, tmp_path):
    migrated = subprocess.run(
        medbill("migrate"), env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "migration(s) applied to sqlite" in migrated.stdout
    assert (tmp_path / "medbill.sqlite3").exists()

    port = free_port()
    server = subprocess.Popen(
        medbill("serve", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    status, body = r.status, r.read().decode()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(
                        f"medbill serve exited with {server.returncode}:\n{server.stdout.read()}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail("medbill serve did not answer within 60 s")
                time.sleep(0.3)
        assert status == 200
        assert "password" in body.lower()
    finally:
        server.terminate()
        server.wait(timeout=20)
