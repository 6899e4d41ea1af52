"""Request ids, structured logs and Prometheus metrics — without PHI.

* Every request gets an id: the ``X-Request-ID`` the proxy sent (when it looks like one) or a
  new one. It is returned in the response's ``X-Request-ID`` and added to every log line
  written while the request is served, so one line of nginx's log leads to medbill's lines.
  A Celery task's lines carry ``task:<task id>``.
* ``MEDBILL_LOG_FORMAT=json`` writes one JSON object per line (time, level, logger,
  message, request id); the PHI filter runs before either format.
* ``GET /metrics`` answers in Prometheus' text format when ``MEDBILL_METRICS_TOKEN`` is set
  and the scraper sends it as a bearer token (404 otherwise): request latency by URL pattern
  (never the path itself, which can hold ids), task runs and failures, postings, the broker's
  queue depth and the background runs waiting or running. Under gunicorn the workers share
  their numbers through ``PROMETHEUS_MULTIPROC_DIR`` (set by ``medbill serve --production``).
"""

from __future__ import annotations

import datetime
import hmac
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = [
    "JsonFormatter",
    "ObservabilityMiddleware",
    "RequestIdFilter",
    "count_postings",
    "current_request_id",
    "metrics_text",
    "using_request_id",
]

METRICS_PATH = "/metrics"
_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_request_id: ContextVar[str] = ContextVar("medbill_request_id", default="-")

REQUEST_SECONDS = Histogram(
    "medbill_http_request_duration_seconds",
    "Time to answer a request, by URL pattern.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter(
    "medbill_tasks_total", "Background tasks finished, by task and outcome.", ["task", "outcome"]
)
POSTINGS = Counter(
    "medbill_postings_total", "Claims and payments posted to the ledger, by source.", ["source"]
)


def current_request_id() -> str:
    return _request_id.get()


class using_request_id:  # noqa: N801 - used as a context manager, like contextlib's
    """Log lines written inside carry ``value`` as their request id."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __enter__(self) -> str:
        self.token = _request_id.set(self.value)
        return self.value

    def __exit__(self, *exc: object) -> None:
        _request_id.reset(self.token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the message is already free of PHI (``NoPhiFilter``)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def count_postings(source: str, count: int = 1) -> None:
    """Count ``count`` postings from ``source`` (``era``, ``payment``)."""
    if count:
        POSTINGS.labels(source).inc(count)


# -- scrape-time numbers ------------------------------------------------------------------------


def _broker_depth() -> int | None:
    """Messages waiting in the default queue; None without a broker or when it is down."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        return None
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    try:
        with Connection(url, connect_timeout=2) as conn:
            if url.startswith("redis"):
                return int(conn.default_channel.client.llen("celery"))
            queue = conn.default_channel.queue_declare("celery", passive=True)
            return int(queue.message_count)
    except Exception:  # a broker that does not answer has no depth to report
        return None


def _background_runs() -> dict[tuple[str, str], int]:
    from django.apps import apps
    from django.db.models import Count

    from medbill.web.practice.runs import BackgroundRun

    counts: dict[tuple[str, str], int] = {}
    for model in apps.get_models():
        if not issubclass(model, BackgroundRun):
            continue
        rows = (
            model.objects.filter(status__in=("queued", "running"))
            .values("status")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[(model._meta.model_name, row["status"])] = row["n"]
    return counts


class _ScrapeCollector:
    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = _broker_depth()
        if depth is not None:
            gauge = GaugeMetricFamily(
                "medbill_queue_depth", "Tasks waiting in the broker's default queue."
            )
            gauge.add_metric([], depth)
            yield gauge
        runs = GaugeMetricFamily(
            "medbill_background_runs",
            "Background runs queued or running, by kind.",
            labels=["kind", "status"],
        )
        for (kind, status), n in sorted(_background_runs().items()):
            runs.add_metric([kind, status], n)
        yield runs


def metrics_text() -> bytes:
    """Every metric in Prometheus' text format (all gunicorn workers' when shared)."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    scrape = CollectorRegistry()
    scrape.register(_ScrapeCollector())
    return generate_latest(registry) + generate_latest(scrape)


def _metrics_response(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token:
        return HttpResponse("Not found\n", status=404, content_type="text/plain")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(sent.encode(), token.encode()):
        response = HttpResponse("A bearer token is needed\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or "").lstrip("^")


class ObservabilityMiddleware:
    """First middleware: the request id, ``/metrics``, and each request's latency."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        rid = sent if _ID.match(sent) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        with using_request_id(rid):
            if request.path_info.rstrip("/") == METRICS_PATH:
                response = _metrics_response(request)
            else:
                start = time.perf_counter()
                response = self.get_response(request)
                REQUEST_SECONDS.labels(
                    _route(request), request.method or "GET", f"{response.status_code // 100}xx"
                ).observe(time.perf_counter() - start)
        response["X-Request-ID"] = rid
        return response


# -- Celery -------------------------------------------------------------------------------------


def connect_task_signals() -> None:
    """Give task log lines the task's id and count task outcomes (called by the worker app)."""
    from celery import signals

    tokens: dict[str, Any] = {}

    @signals.task_prerun.connect(weak=False)
    def _prerun(task_id: str = "", **kwargs: Any) -> None:
        tokens[task_id] = _request_id.set(f"task:{task_id}")

    @signals.task_postrun.connect(weak=False)
    def _postrun(task_id: str = "", task: Any = None, state: str = "", **kwargs: Any) -> None:
        TASKS.labels(getattr(task, "name", "?"), (state or "unknown").lower()).inc()
        token = tokens.pop(task_id, None)
        if token is not None:
            _request_id.reset(token)
