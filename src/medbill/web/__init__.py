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
    ``development=True`` (the demo) runs without set-up and still with DEBUG off: unless
    ``SECRET_KEY`` is configured it uses a key kept in the data directory
    (:mod:`medbill.web.localkey`), and unless ``ALLOWED_HOSTS`` is configured it serves
    the local host names. Only ``MEDBILL_DEBUG=1`` turns DEBUG on.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module or SETTINGS_MODULE)
    if development:
        from medbill.core.paths import data_dir
        from medbill.web.localkey import LOCAL_HOSTS, local_secret_key

        if not os.environ.get("SECRET_KEY"):
            os.environ["SECRET_KEY"] = local_secret_key(data_dir())
        os.environ.setdefault("ALLOWED_HOSTS", ",".join(LOCAL_HOSTS))
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


# Loaded with Django so that ``shared_task`` tasks bind to medbill's Celery app (and run
# in-process when no broker is configured) instead of Celery's default app.
from medbill.web.worker import app as celery_app  # noqa: E402
