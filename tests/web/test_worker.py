"""Background work through a real broker: ``medbill worker`` runs a task sent via Redis and
via RabbitMQ, and without a broker tasks run in-process.

The brokers must be running (``.ci/run`` starts both); an unreachable broker fails the
test with the address it tried, it is never skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection
from kombu import Connection, Queue

from medbill.web.worker import app as medbill_app
from medbill.web.worker import ping

BROKERS = {
    "redis": os.environ.get("MEDBILL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
    "rabbitmq": os.environ.get("MEDBILL_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
}


def require_broker(name: str, url: str) -> None:
    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        pytest.fail(
            f"the {name} broker at {url} is not reachable ({type(exc).__name__}: {exc}). "
            "Start it (`.ci/run` does: redis-server / rabbitmq-server -detached) — this test "
            "needs a real broker and does not skip."
        )


@pytest.fixture
def worker_for():
    """Start ``medbill worker`` on a private queue of the given broker; stop it afterwards."""
    started: list[subprocess.Popen] = []

    def start(url: str, queue: str, data_dir: str) -> subprocess.Popen:
        env = dict(os.environ, CELERY_BROKER_URL=url, MEDBILL_DEBUG="1", MEDBILL_DATA_DIR=data_dir)
        env.pop("DATABASE_URL", None)
        if connection.vendor == "postgresql":  # the worker uses this suite's test database
            db = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@"
                f"{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        env.pop("CELERY_RESULT_BACKEND", None)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "medbill.cli.main",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--loglevel",
                "warning",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(url: str) -> Celery:
    backend = "rpc://" if url.startswith("amqp") else url
    return Celery("medbill-test-client", broker=url, backend=backend, set_as_current=False)


@pytest.mark.broker
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BROKERS))
def test_a_worker_runs_a_task_sent_through_the_broker(name, worker_for, tmp_path):
    url = BROKERS[name]
    require_broker(name, url)
    queue = f"medbill-test-{name}-{uuid.uuid4().hex[:8]}"
    proc = worker_for(url, queue, str(tmp_path))
    sender = client(url)
    token = uuid.uuid4().hex
    try:
        result = sender.send_task("medbill.ping", args=[token], queue=queue)
        deadline = time.monotonic() + 90
        while not result.ready():
            if proc.poll() is not None:
                pytest.fail(f"the worker exited with {proc.returncode}:\n{proc.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no result from the {name} worker within 90 s")
            time.sleep(0.2)
        answer = result.get(timeout=5)
    finally:
        if name == "rabbitmq":  # leave no test queue behind on the broker
            with Connection(url) as conn:
                Queue(queue).bind(conn.default_channel).delete()
        sender.close()
    assert answer["token"] == token
    assert answer["pid"] != str(os.getpid())  # it ran in the worker process, not here
    assert answer["pid"] == str(proc.pid)
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert answer["database"] == expected


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process():
    assert medbill_app.conf.task_always_eager is True
    assert medbill_app.conf.broker_url.startswith("memory://")
    answer = ping.delay("here").get(timeout=5)
    assert answer["token"] == "here"
    assert answer["pid"] == str(os.getpid())


def test_shared_tasks_bind_to_the_medbill_app():
    from celery import current_app, shared_task

    @shared_task(name="medbill.tests.add_cents")
    def add_cents(a: int, b: int) -> int:
        return a + b

    assert current_app.main == "medbill"
    assert add_cents.delay(150, 275).get(timeout=5) == 425
