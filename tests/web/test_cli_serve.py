"""``medbill migrate`` and ``medbill serve`` as a user runs them: own processes, a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
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


def test_serve_with_debug_off_serves_static_files_and_plain_error_pages(tmp_path):
    # What the demo serves: DEBUG off, a secret key, the local host names.
    env = dict(
        os.environ,
        MEDBILL_DATA_DIR=str(tmp_path),
        SECRET_KEY="s" * 30 + "e" * 30,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    for name in ("DATABASE_URL", "MEDBILL_DEBUG", "DEBUG"):
        env.pop(name, None)
    migrated = subprocess.run(
        medbill("migrate"), env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    server = subprocess.Popen(
        medbill("serve", "--port", str(port)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/static/medbill/medbill.css", timeout=5) as r:
                    css_status, css_type = r.status, r.headers["Content-Type"]
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"medbill serve did not answer:\n{server.stdout.read()}")
                time.sleep(0.3)
        assert css_status == 200 and css_type.startswith("text/css")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/?q=Ortega", timeout=60)
        body = missing.value.read().decode()
        assert missing.value.code == 404
        assert "Not found" in body and "medbill.css" in body
        assert "Ortega" not in body and "URLconf" not in body and "DEBUG" not in body
    finally:
        server.terminate()
        server.wait(timeout=20)
