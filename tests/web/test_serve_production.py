"""``medbill serve --production``: gunicorn with DEBUG off, collected static files, and
``/healthz`` for the load balancer; and the refusal to start without what production needs."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.test import Client, override_settings

from medbill.cli.serve import production_problems


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def medbill(*args: str) -> list[str]:
    return [sys.executable, "-m", "medbill.cli.main", *args]


@pytest.fixture
def production_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MEDBILL_DEBUG", "DJANGO_SETTINGS_MODULE", "MEDBILL_TEST_DB_NAME")
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        MEDBILL_DATA_DIR=os.environ.get("MEDBILL_DATA_DIR", ""),
        MEDBILL_STATIC_ROOT=str(tmp_path / "static"),
    )
    if not env["MEDBILL_DATA_DIR"]:
        env.pop("MEDBILL_DATA_DIR")
    return env


def test_production_refuses_to_start_without_its_settings():
    assert (
        production_problems(
            {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "a", "DATABASE_URL": "postgres://db/m"}
        )
        == []
    )
    said = production_problems({"MEDBILL_DEBUG": "1"})
    assert [p.split()[0] for p in said] == [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "MEDBILL_DEBUG",
    ]
    run = subprocess.run(
        medbill("serve", "--production"),
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")},
        timeout=120,
    )
    assert run.returncode == 2 and "SECRET_KEY is not set" in run.stdout


@pytest.mark.django_db
def test_healthz_says_when_the_broker_is_down():
    client = Client()
    ok = client.get("/healthz")
    assert ok.status_code == 200
    assert ok.json() == {"status": "ok", "database": "ok", "broker": "not configured"}
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"
    ):
        down = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a balancer's own Host header
    assert down.status_code == 503 and down.json()["broker"] == "down"


def test_gunicorn_serves_pages_static_files_and_healthz(production_env):
    env = production_env
    migrated = subprocess.run(
        medbill("migrate"), env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "from medbill.web import bootstrap; bootstrap(); "
                "from django.contrib.auth.models import User; "
                "User.objects.create_user('ops', password='a long ops password 1')"
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    port = free_port()
    env["MEDBILL_METRICS_TOKEN"] = metrics_token = secrets.token_urlsafe(32)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        medbill("serve", "--production", "--port", str(port), "--workers", "2"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer")
        assert health.status_code == 200 and health.json()["database"] == "ok"
        with httpx.Client(base_url=base, timeout=10) as web:
            login = web.get("/login/")
            assert login.status_code == 200
            sheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login.text)
            assert sheet, "static files are served under their content hash"
            css = web.get(sheet.group(1), headers={"Accept-Encoding": "gzip"})
            assert css.status_code == 200 and "max-age" in css.headers["cache-control"]
            token = web.cookies["csrftoken"]
            signed = web.post(
                "/login/",
                data={
                    "username": "ops",
                    "password": "a long ops password 1",
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": f"{base}/login/"},
            )
            assert signed.status_code == 302, signed.text[:500]
            own = web.get("/account/password/")
            assert own.status_code == 200 and "password" in own.text.lower()
            assert own.headers["cache-control"] == "no-store"
            missing = web.get("/no-such-page/")
            assert missing.status_code == 404
            assert "URLconf" not in missing.text and "Traceback" not in missing.text
            assert re.fullmatch(r"[0-9a-f]{32}", missing.headers["x-request-id"])
            # Both workers' counts reach /metrics, by URL pattern, for the bearer only.
            assert web.get("/metrics").status_code == 401
            for _ in range(6):
                web.get("/account/password/")
            metrics = web.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
            assert metrics.status_code == 200
            logins = re.search(
                r'medbill_http_request_duration_seconds_count\{method="GET",'
                r'route="/account/password/",status="2xx"\} ([0-9.]+)',
                metrics.text,
            )
            assert logins and float(logins.group(1)) >= 7, metrics.text[:2000]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
