"""``medbill.core`` is framework-free: no module under it may import django."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import medbill.core

CORE = Path(medbill.core.__file__).resolve().parent


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def core_modules() -> list[str]:
    names = []
    for path in core_files():
        parts = path.relative_to(CORE.parent.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def imported_names(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute imports and ``__import__("...")``), by line."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        else:
            continue
        found += [(node.lineno, n) for n in names]
    return found


def django_imports(path: Path) -> list[str]:
    return [
        f"{path.relative_to(CORE)}:{line} {n}"
        for line, n in imported_names(path)
        if n.split(".")[0] in ("django", "ninja")
    ]


def test_the_scan_sees_the_core_package():
    assert "medbill.core.money" in core_modules()
    assert "medbill.core.claim" in core_modules()


def test_no_core_file_imports_django():
    offenders = [hit for path in core_files() for hit in django_imports(path)]
    assert offenders == [], "core must stay framework-free:\n" + "\n".join(offenders)


def test_the_scanner_catches_every_form_of_import(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CORE", tmp_path)
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\nimport django\nfrom django.db import models\n"
        "import django.conf as c\n__import__('django.apps')\nfrom . import sibling\n"
    )
    hits = django_imports(probe)
    assert [h.split(" ", 1)[1] for h in hits] == [
        "django",
        "django.db",
        "django.conf",
        "django.apps",
    ]


def test_importing_every_core_module_loads_no_django():
    script = (
        "import importlib, json, sys\n"
        f"names = {json.dumps(core_modules())}\n"
        "failed = []\n"
        "for name in names:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}')\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(json.dumps({'failed': failed, 'django': loaded[:5]}))\n"
    )
    env_free = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env_without_django_settings(),
    )
    assert env_free.returncode == 0, env_free.stderr[-2000:]
    result = json.loads(env_free.stdout.strip().splitlines()[-1])
    assert result["django"] == [], f"importing core loaded {result['django']}"
    assert result["failed"] == [], f"core modules failed to import: {result['failed']}"


def _env_without_django_settings() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


# Network and process I/O belongs in medbill.connect or the command line, never in core.
IO_MODULES = {
    "subprocess",
    "socket",
    "paramiko",
    "httpx",
    "requests",
    "urllib.request",
    "ftplib",
    "smtplib",
    "http.client",
}


def test_core_does_no_network_or_process_io() -> None:
    found = [
        f"{path.relative_to(CORE)}:{line} {n}"
        for path in core_files()
        for line, n in imported_names(path)
        if n in IO_MODULES or n.split(".")[0] in IO_MODULES
    ]
    assert found == []
