"""Background work: medbill's Celery application.

Long jobs — claim batches, eligibility batches, ERA imports, statement runs — are
Celery tasks. Where they run depends on ``CELERY_BROKER_URL`` (read by the settings):

* not set (the embedded SQLite default, tests, ``make demo``): tasks run in-process,
  synchronously, the moment they are sent (``task_always_eager``);
* set, e.g. ``redis://127.0.0.1:6379/0`` or ``amqp://guest:guest@127.0.0.1:5672//``:
  tasks go to the broker and any number of ``medbill worker`` processes, on any number
  of machines sharing the PostgreSQL database, pick them up.

Defining a task: put a ``tasks.py`` module in the Django app and use ``shared_task``::

    from celery import shared_task

    @shared_task(name="billing.build_claim_batch")
    def build_claim_batch(practice_id: int, visit_ids: list[int]) -> dict:
        ...

Workers find ``tasks.py`` of every installed app on their own. Pass row ids, never
records or PHI (arguments travel through the broker as JSON), make tasks safe to run
twice (a worker lost mid-task gets its task redelivered), and return a small summary
of ids and counts: results are kept by the result backend, and never logged.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

from celery import Celery
from celery.app import trace

from medbill.web.observability import connect_task_signals

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from medbill.web.practice.models import Practice

__all__ = ["actor_and_practice", "app", "ping"]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medbill.web.settings")

# Celery logs a task's return value when it succeeds; results may name patients, so the
# log line keeps only the task name, id and run time.
trace.LOG_SUCCESS = "Task %(name)s[%(id)s] succeeded in %(runtime)ss"

app = Celery("medbill")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
connect_task_signals()


@app.task(name="medbill.ping")
def ping(token: str = "") -> dict[str, str]:
    """Answer with the worker's host, process id and database: proves a worker is listening
    and reaches the database the web app uses."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {
        "token": token,
        "host": socket.gethostname(),
        "pid": str(os.getpid()),
        "database": connection.vendor,
    }


def actor_and_practice(user_id: int | None, practice_id: int) -> tuple[User | None, Practice]:
    """The user a task acts for (``None``: the system) and the practice it works in.

    Tasks receive ids, not rows; the services they call check the user's role as the page
    or command that sent them would.
    """
    from django.contrib.auth import get_user_model

    from medbill.web.practice.models import Practice

    user = get_user_model().objects.get(pk=user_id) if user_id is not None else None
    return user, Practice.objects.get(pk=practice_id)
