"""``medbill check --deploy``: Django's deployment checks and medbill's own pass with
production settings, and name what is wrong otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

STRONG_KEY = "k8Jq2VwzR7pLx4NcYb9TfHs3MdGa6EuZ0oWiQy1Kv5BnXr-_PjLm8ShDt2CgFe7A"
PRODUCTION = {
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "billing.example.org",
    "MEDBILL_HTTPS": "1",
}


def check(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "MEDBILL_DEBUG",
            "DEBUG",
            "ALLOWED_HOSTS",
            "MEDBILL_HTTPS",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
        }
    }
    base.update({"MEDBILL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "medbill.cli.main", "check", "--deploy"],
        capture_output=True,
        text=True,
        env=base,
        timeout=180,
    )


def test_it_passes_with_production_settings(tmp_path):
    result = check(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"MEDBILL_DEBUG": "1"}, "medbill.E001"),
        ({"SECRET_KEY": "short-and-guessable"}, "medbill.E002"),
        ({"ALLOWED_HOSTS": "*"}, "medbill.E003"),
        ({"MEDBILL_HTTPS": "0"}, "medbill.W004"),
        ({"MEDBILL_LOGIN_LOCKOUT": "0"}, "medbill.W005"),
    ],
)
def test_it_names_what_is_wrong(tmp_path, change, code):
    result = check({**PRODUCTION, **change}, tmp_path)
    assert result.returncode == 1
    assert code in result.stdout


def test_without_https_djangos_own_checks_fail_too(tmp_path):
    result = check({**PRODUCTION, "MEDBILL_HTTPS": "0"}, tmp_path)
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stdout


def example_environment() -> dict[str, str]:
    """deploy/medbill.env.example as a shell would source it."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "deploy" / "medbill.env.example"
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def test_the_example_environment_passes_with_a_real_secret_key(tmp_path):
    env = example_environment()
    assert "CHANGE" in env["SECRET_KEY"], "the example must not ship a usable key"
    env.update(
        SECRET_KEY=STRONG_KEY,
        MEDBILL_DATA_DIR=str(tmp_path),
        MEDBILL_STATIC_ROOT=str(tmp_path / "static"),
    )
    result = check(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_office_hours_pass_the_field_checks_at_any_time_of_day(monkeypatch):
    """Django warns about a fixed time-of-day default (fields.W161) when its checks run
    within seconds of it, as the deployment check did at 08:00."""
    import datetime

    from django.utils import timezone

    from medbill.web.practice.models import Practice

    for hour in (8, 17):
        # The check compares the default with the time of day in UTC.
        moment = datetime.datetime(2026, 12, 7, hour, 0, 3, tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        found = [
            w.id
            for name in ("opens_at", "closes_at")
            for w in Practice._meta.get_field(name).check()
        ]
        assert found == []
