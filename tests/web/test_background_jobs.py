"""Claim batches, ERA imports and statement runs as Celery tasks (in-process without a broker).

``tests/web/test_worker.py`` proves tasks travel through a real broker to a worker; here
each long job is sent the way the app sends it and its summary is checked.
"""

from __future__ import annotations

import base64
import datetime

import pytest
from test_claims_out import coded_visit, connect
from test_era_import import era_for

from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.remittance_models import RemittanceFile
from medbill.web.billing.tasks import import_era_file, run_statement_cycle
from medbill.web.claims_out.models import Submission
from medbill.web.claims_out.tasks import build_claim_batch, submit_claim_batch

pytestmark = pytest.mark.django_db


def test_claim_batch_is_built_and_sent(world, tmp_path):
    site, biller = world.a, world.users["biller"]
    visit = coded_visit(site)
    built = build_claim_batch.delay(biller.pk, site.practice.pk).get()
    (claim_id,) = built["created"]
    assert Claim.objects.get(pk=claim_id).visit_id == visit.pk

    connect(site, tmp_path / "out")
    site.claim.status = "scrubbed"
    site.claim.save()
    sent = submit_claim_batch.delay(
        biller.pk, site.practice.pk, [site.claim.pk, claim_id], "prairie"
    ).get()
    assert sent["files"] == 1 and sent["sent"] == 1 and sent["held"] == 0
    (sub,) = Submission.objects.all()
    assert list(sub.claims.all()) == [site.claim]  # the draft claim was not sent
    assert (tmp_path / "out" / sub.file_name).exists()


def test_era_import_task_posts_once(world):
    site, biller = world.a, world.users["biller"]
    content = base64.b64encode(era_for(site.claim)).decode()
    first = import_era_file.delay(biller.pk, site.practice.pk, content, "sim.835").get()
    assert first["already_imported"] is False
    assert [s["status"] for s in first["sets"]] == ["posted"]
    entries = Entry.objects.count()
    again = import_era_file.delay(biller.pk, site.practice.pk, content, "sim.835").get()
    assert again["already_imported"] is True
    assert Entry.objects.count() == entries
    assert RemittanceFile.objects.count() == 1


def test_statement_cycle_task(world, tmp_path):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()
    content = base64.b64encode(era_for(site.claim, seed=3)).decode()
    import_era_file.delay(biller.pk, site.practice.pk, content, "s.835").get()
    result = run_statement_cycle.delay(
        biller.pk, site.practice.pk, str(tmp_path), datetime.date(2026, 4, 20).isoformat()
    ).get()
    assert result["sent"] == 1
    assert (tmp_path / "statements.csv").exists()


def test_tasks_keep_the_role_rules(world, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        build_claim_batch.delay(world.users["front_desk"].pk, world.a.practice.pk).get()
