"""Settings come from the environment, with clear errors when something is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter (not under pytest) with ``env``."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "MEDBILL_DEBUG",
            "DEBUG",
            "DATABASE_URL",
            "MEDBILL_TEST_DB_NAME",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    base.update(env)
    code = (
        "import json, medbill.web.settings as s\n"
        "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default']['ENGINE'],"
        " 'name': str(s.DATABASES['default']['NAME']), 'hosts': s.ALLOWED_HOSTS,"
        " 'test_name': s.DATABASES['default'].get('TEST', {}).get('NAME')}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=base, timeout=120
    )


def test_secret_key_is_required_outside_debug(tmp_path):
    result = load_settings({"MEDBILL_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_gives_a_development_key_and_sqlite_in_the_data_dir(tmp_path):
    result = load_settings({"MEDBILL_DEBUG": "1", "MEDBILL_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert '"debug": true' in result.stdout
    assert "sqlite3" in result.stdout
    assert str(tmp_path / "medbill.sqlite3") in result.stdout


def test_database_url_and_hosts(tmp_path):
    result = load_settings(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u@db.example:5432/medbill",
            "ALLOWED_HOSTS": "billing.example, www.billing.example",
            "MEDBILL_DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout and '"name": "medbill"' in result.stdout
    assert '["billing.example", "www.billing.example"]' in result.stdout


def test_test_database_name(tmp_path):
    env = {
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@db.example:5432/medbill",
        "MEDBILL_DATA_DIR": str(tmp_path),
    }
    # Unset, Django names the test database test_medbill after DATABASE_URL's database.
    default = load_settings(env)
    assert default.returncode == 0, default.stderr
    assert '"test_name": null' in default.stdout
    named = load_settings({**env, "MEDBILL_TEST_DB_NAME": " test_medbill_nightly "})
    assert named.returncode == 0, named.stderr
    assert '"name": "medbill"' in named.stdout
    assert '"test_name": "test_medbill_nightly"' in named.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"MEDBILL_DEBUG": "perhaps"}, "MEDBILL_DEBUG must be"),
    ],
)
def test_clear_errors(tmp_path, env, message):
    result = load_settings({"SECRET_KEY": "x" * 50, "MEDBILL_DATA_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert message in result.stderr


def _bootstrap(tmp_path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "MEDBILL_DEBUG", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    base["MEDBILL_DATA_DIR"] = str(tmp_path)
    base.update(env or {})
    code = (
        "from medbill.web import bootstrap\nbootstrap(development=True)\n"
        "from django.conf import settings\nfrom django.apps import apps\n"
        "print(settings.DEBUG, apps.ready, settings.SECRET_KEY, ','.join(settings.ALLOWED_HOSTS))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=base, timeout=120
    )


def test_bootstrap_for_development_keeps_debug_off(tmp_path):
    result = _bootstrap(tmp_path)
    assert result.returncode == 0, result.stderr
    debug, ready, key, hosts = result.stdout.split()
    assert (debug, ready) == ("False", "True")
    assert hosts == "localhost,127.0.0.1,[::1]"
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key and len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = _bootstrap(tmp_path)
    assert again.stdout.split()[2] == key  # kept: sessions survive a restart


def test_only_medbill_debug_turns_debug_on(tmp_path):
    result = _bootstrap(tmp_path, {"MEDBILL_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
    other = _bootstrap(tmp_path, {"DEBUG": "1"})
    assert other.returncode == 0, other.stderr
    assert other.stdout.split()[0] == "False"


def test_a_configured_key_wins_over_the_local_one(tmp_path):
    result = _bootstrap(tmp_path, {"SECRET_KEY": "k" * 20 + "configured" + "x" * 30})
    assert result.stdout.split()[2].startswith("k" * 20 + "configured")
    assert not (tmp_path / "secret_key").exists()


def test_https_settings(tmp_path):
    code = (
        "import json, medbill.web.settings as s\n"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))\n"
    )

    def load(env):
        base = {k: v for k, v in os.environ.items() if not k.startswith("MEDBILL_")}
        base.update({"SECRET_KEY": "x" * 50, "MEDBILL_DATA_DIR": str(tmp_path), **env})
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=base, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert load({}) == [False, False, False, 0, False, None]
    assert load({"MEDBILL_HTTPS": "1", "MEDBILL_PROXY_SSL_HEADER": "X-Forwarded-Proto"}) == [
        True,
        True,
        True,
        31536000,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]
    assert load({"MEDBILL_HTTPS": "1", "MEDBILL_SSL_REDIRECT": "0", "MEDBILL_HSTS_SECONDS": "600"})[
        2:4
    ] == [False, 600]
