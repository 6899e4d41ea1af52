"""The Django web application: settings, URLs and the apps that adapt core to a database.

Code outside Django (the command line, workers, scripts) calls :func:`bootstrap` once
before it imports any model.
"""

from __future__ import annotations

import os

__all__ = ["bootstrap", "celery_app"]

SETTINGS_MODULE = "medbill.web.settings"


def bootstrap(settings_module: str | None = None, *, development: bool = False) -> None:
    """Point Django at medbill's settings and set it up; safe to call more than once.

    ``DJANGO_SETTINGS_MODULE`` wins when it is already set (tests, deployments with
    their own settings); otherwise ``settings_module`` or ``medbill.web.settings``.
    ``development=True`` (the demo) turns on ``MEDBILL_DEBUG`` unless a ``SECRET_KEY``
    or ``MEDBILL_DEBUG`` is configured, so a fresh checkout runs without set-up.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module or SETTINGS_MODULE)
    if development and not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("MEDBILL_DEBUG", "1")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


# Loaded with Django so that ``shared_task`` tasks bind to medbill's Celery app (and run
# in-process when no broker is configured) instead of Celery's default app.
from medbill.web.worker import app as celery_app  # noqa: E402
