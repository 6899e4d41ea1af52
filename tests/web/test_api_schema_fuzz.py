"""Every API operation, fed what its OpenAPI schema allows and what it does not.

Schemathesis generates requests from the schema at ``/api/openapi.json`` (valid ones and
ones that break it: wrong types, missing fields, out-of-range numbers, odd strings) and
sends them through Django's WSGI application with the bearer token of practice A's
administrator, who may do everything there. No answer may be a server error, every 4xx
answer is ``{"error": "..."}``, and none is a 403: ids are small numbers, so they hit
practice B's rows as often as A's, and those must be 404. The examples per operation are
bounded (``MEDBILL_API_FUZZ_EXAMPLES``, default 15) so each takes a few seconds.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from medbill.web.api.api import api
from medbill.web.practice.models import ApiToken

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("MEDBILL_API_FUZZ_EXAMPLES", "15"))
APP = get_wsgi_application()
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
RUN = {"operations": set(), "cases": 0, "statuses": {}}


@schemathesis.check
def errors_are_json(ctx, response, case) -> None:
    """A 4xx answer says what is wrong as ``{"error": "..."}``."""
    if 400 <= response.status_code < 500:
        try:
            body = json.loads(response.content)
        except ValueError:
            raise AssertionError(f"{response.status_code} without a JSON body") from None
        if not (isinstance(body, dict) and isinstance(body.get("error"), str)):
            raise AssertionError(
                f'{response.status_code} body is not {{"error": ...}}: {str(body)[:200]}'
            )


@schemathesis.check
def administrators_are_never_forbidden(ctx, response, case) -> None:
    """The administrator may do everything in practice A, and any other practice's row is
    a 404: a 403 here means a row of another practice was told apart from a missing one."""
    if response.status_code == 403:
        raise AssertionError(f"403 for an administrator: {response.content[:200]!r}")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None and RUN["cases"]:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(RUN["statuses"].items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {len(RUN['operations'])} operations, "
                f"{RUN['cases']} cases ({statuses})"
            )


@pytest.fixture(autouse=True)
def _keep_connection():
    """Django closes the database connection after each request; in a test it must stay
    open (its transaction holds the fixtures), as Django's own test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(world) -> str:
    _, key = ApiToken.issue(world.users["admin"], "schemathesis")
    return key


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, admin_token):
    response = case.call(
        base_url="http://testserver", app=APP, headers={"Authorization": f"Bearer {admin_token}"}
    )
    RUN["operations"].add(f"{case.operation.method.upper()} {case.operation.path}")
    RUN["cases"] += 1
    bucket = f"{response.status_code // 100}xx"
    RUN["statuses"][bucket] = RUN["statuses"].get(bucket, 0) + 1
    case.validate_response(
        response, checks=[not_a_server_error, errors_are_json, administrators_are_never_forbidden]
    )
