"""The Django web application: settings, URLs and the apps that adapt core to a database.

Code outside Django (the command line, workers, scripts) calls :func:`bootstrap` once
before it imports any model.
"""

from __future__ import annotations

import os

__all__ = ["bootstrap"]

SETTINGS_MODULE = "medbill.web.settings"


def bootstrap(settings_module: str | None = None) -> None:
    """Point Django at medbill's settings and set it up; safe to call more than once.

    ``DJANGO_SETTINGS_MODULE`` wins when it is already set (tests, deployments with
    their own settings); otherwise ``settings_module`` or ``medbill.web.settings``.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module or SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
