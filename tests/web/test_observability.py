"""Request ids in responses and logs, JSON logs without PHI, and the metrics endpoint."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from medbill.web.billing.services import post_payment
from medbill.web.observability import (
    JsonFormatter,
    RequestIdFilter,
    current_request_id,
    metrics_text,
    using_request_id,
)
from medbill.web.practice.logs import NoPhiFilter
from medbill.web.worker import ping

pytestmark = pytest.mark.django_db
TOKEN = "t" * 40


def test_every_response_has_a_request_id_and_a_good_one_is_kept(world, client_for):
    client = client_for(world.users["biller"])
    fresh = client.get(reverse("dashboard"))
    assert re.fullmatch(r"[0-9a-f]{32}", fresh["X-Request-ID"])
    kept = client.get(reverse("dashboard"), HTTP_X_REQUEST_ID="nginx-7f3a9c01")
    assert kept["X-Request-ID"] == "nginx-7f3a9c01"
    forged = client.get(reverse("dashboard"), HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    assert current_request_id() == "-"  # nothing leaks past the request


def test_log_lines_carry_the_request_id_as_json_without_phi():
    record = logging.LogRecord(
        "medbill.web",
        logging.ERROR,
        __file__,
        1,
        "member %s born %s",
        ("UHW5512093301", "1990-04-02"),
        None,
    )
    with using_request_id("req-12345678"):
        NoPhiFilter().filter(record)
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-12345678" and line["level"] == "ERROR"
    assert "UHW5512093301" not in line["message"] and "1990-04-02" not in line["message"]
    assert line["logger"] == "medbill.web" and line["time"].endswith("+00:00")


def test_metrics_need_the_token_and_name_url_patterns_not_paths(world, client_for):
    client = client_for(world.users["front_desk"])
    client.get(reverse("show_patient", args=[world.a.patient.pk]))
    with override_settings(METRICS_TOKEN=""):
        assert Client().get("/metrics").status_code == 404
    with override_settings(METRICS_TOKEN=TOKEN):
        assert Client().get("/metrics").status_code == 401
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
        page = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/plain")
    text = page.content.decode()
    routes = set(re.findall(r'route="([^"]*)"', text))
    assert any("<int:" in r and "patients" in r for r in routes), routes
    assert not any(str(world.a.patient.pk) in r.split("/") for r in routes)
    assert "medbill_background_runs" in text


def test_postings_and_tasks_are_counted(world):
    def value(name: str, **labels: str) -> float:
        want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        found = re.search(rf"^{name}\{{{want}\}} ([0-9.e+]+)$", metrics_text().decode(), re.M)
        return float(found.group(1)) if found else 0.0

    before = value("medbill_postings_total", source="payment")
    post_payment(world.users["biller"], world.a.patient, "20.00", method="cash")
    assert value("medbill_postings_total", source="payment") == before + 1
    runs = value("medbill_tasks_total", task="medbill.ping", outcome="success")
    ping.delay("x").get()
    assert value("medbill_tasks_total", task="medbill.ping", outcome="success") == runs + 1
