"""The statements pages: preview equals the balance, the run, its files, history, send now."""

from __future__ import annotations

import io
import zipfile

import pytest
from test_statements import DAY, owe

from medbill.core.money import Money
from medbill.core.paths import data_dir
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import Statement, StatementRun
from medbill.web.billing.services import balance_of
from medbill.web.billing.statements import preview_statements
from medbill.web.practice.models import AuditEvent

CHOICES = {"statement_date": DAY.isoformat(), "threshold": "5.00", "write_off_under": "1.00"}


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


class TestStatementRuns:
    def test_preview_shows_the_account_balance(self, world, client_for, data):
        site, owed = owe(world)
        balance = balance_of(site.patient, Entry.Responsibility.PATIENT)
        assert balance == owed
        (outcome,) = preview_statements(world.users["biller"], site.practice, statement_date=DAY)
        assert outcome.action == "send" and outcome.doc.amount_due == balance
        client = client_for(world.users["biller"])
        page = client.get("/statements/", {"preview": "1", **CHOICES}).content.decode()
        rows = page.split("statement-preview")[1].split("</table>")[0]
        assert site.patient.account_number in rows and balance.format() in rows
        assert not Statement.objects.exists()  # a preview sends nothing

        higher = client.get(
            "/statements/", {"preview": "1", **CHOICES, "threshold": str(owed.amount + 1)}
        )
        skips = higher.content.decode().split("statement-skips")[1]
        assert site.patient.account_number in skips and "under" in skips

    def test_run_download_and_history(self, world, client_for, data, commits):
        site, owed = owe(world)
        client = client_for(world.users["biller"])
        with commits(execute=True):  # the task is sent once the run row is committed
            resp = client.post("/statements/run/", CHOICES)
        run = StatementRun.objects.get()
        assert resp.status_code == 302 and resp.url == f"/statements/runs/{run.pk}/"
        assert run.status == "done" and run.done == run.total == 1
        row = Statement.objects.get()
        assert row.run_id == f"run-{run.pk}" and row.balance == owed.amount
        assert run.statements == [row.pk] and run.has_csv
        folder = data / "statements" / f"practice-{site.practice.pk}" / f"run-{run.pk}"
        assert (folder / f"statement-{site.patient.account_number}.pdf").is_file()
        assert run.files_dir == str(folder.relative_to(data_dir()))

        page = client.get(resp.url).content.decode()
        assert owed.format() in page and site.patient.account_number in page
        assert str(data) not in page  # never a server path
        zipped = client.get(f"/statements/runs/{run.pk}/statements.zip")
        assert zipped["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
        assert names == [f"statement-{site.patient.account_number}.pdf"]
        vendor = client.get(f"/statements/runs/{run.pk}/statements.csv")
        assert site.patient.account_number in vendor.content.decode()
        pdf = client.get(f"/statements/{row.pk}/pdf/")
        assert pdf.content[:5] == b"%PDF-"
        exports = AuditEvent.objects.filter(action="export", object_type__icontains="statement")
        assert exports.count() == 3
        history = client.get("/statements/").content.decode().split("statement-history")[1]
        assert f"/statements/runs/{run.pk}/" in history and "Finished" in history

    def test_send_statement_now_from_the_account(self, world, client_for, data, commits):
        site, owed = owe(world)
        client = client_for(world.users["biller"])
        account = client.get(f"/accounts/{site.patient.pk}/").content.decode()
        assert f"/accounts/{site.patient.pk}/statement/" in account
        assert f"Send statement now ({owed.format()})" in account
        with commits(execute=True):
            resp = client.post(f"/accounts/{site.patient.pk}/statement/")
        run = StatementRun.objects.get()
        assert resp.url == f"/statements/runs/{run.pk}/"
        assert run.patient_id == site.patient.pk and run.status == "done"
        row = Statement.objects.get()
        assert row.patient_id == site.patient.pk and row.balance == owed.amount
        after = client.get(f"/accounts/{site.patient.pk}/").content.decode()
        assert f"/statements/{row.pk}/pdf/" in after

    @pytest.mark.parametrize("overpaid", ["0.00", "45.01"])
    def test_send_statement_now_with_nothing_due(self, world, client_for, data, commits, overpaid):
        """A patient who owes nothing, or has a credit, may still ask for a statement: the
        page offers it and says so, and the statement shows the credit as a credit."""
        from pypdf import PdfReader

        from medbill.web.billing.services import post_payment

        site, owed = owe(world)
        post_payment(world.users["biller"], site.patient, str(owed.amount + Money(overpaid)))
        balance = balance_of(site.patient, Entry.Responsibility.PATIENT)
        assert balance == -Money(overpaid)
        client = client_for(world.users["biller"])
        account = client.get(f"/accounts/{site.patient.pk}/").content.decode()
        assert f"Send statement now ({balance.as_balance()})" in account
        assert 'id="statement-note">Nothing is due' in account
        # The cycle still sends only to those who owe.
        assert preview_statements(world.users["biller"], site.practice, statement_date=DAY) == []
        with commits(execute=True):
            resp = client.post(f"/accounts/{site.patient.pk}/statement/")
        run = StatementRun.objects.get()
        assert resp.url == f"/statements/runs/{run.pk}/" and run.status == "done"
        row = Statement.objects.get()
        assert Money(row.balance) == balance and not row.collections
        page = client.get(resp.url).content.decode()
        assert f">{balance.as_balance()}</td>" in page
        assert f"for {balance.as_balance()} in all" in page
        pdf = client.get(f"/statements/{row.pk}/pdf/")
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert balance.as_balance() in text
        assert "-$45.01" not in text

    def test_a_run_again_sends_no_second_statement(self, world, data):
        from medbill.web.billing.statement_runs import perform_statement_run

        site, _ = owe(world)
        run = StatementRun.objects.create(
            practice=site.practice,
            statement_date=DAY,
            threshold="5.00",
            write_off_under="1.00",
            created_by=world.users["biller"],
        )
        perform_statement_run(run.pk)
        perform_statement_run(run.pk)  # a redelivered task
        assert Statement.objects.count() == 1
        run.refresh_from_db()
        assert run.status == "done" and len(run.statements) == 1

    def test_bad_choices_are_named(self, world, client_for, data):
        client = client_for(world.users["biller"])
        resp = client.post("/statements/run/", {**CHOICES, "write_off_under": "9.00"}, follow=True)
        assert "write-off limit must not exceed the threshold" in resp.content.decode()
        resp = client.get("/statements/", {"preview": "1", **CHOICES, "threshold": "lots"})
        assert "dollars and cents" in resp.content.decode()
        assert not StatementRun.objects.exists()

    def test_roles_and_tenancy(self, world, client_for, data, commits):
        site, _ = owe(world)
        for role in ("coder", "front_desk", "auditor"):
            client = client_for(world.users[role])
            assert client.get("/statements/").status_code == 403
            assert client.post("/statements/run/", CHOICES).status_code == 403
            assert client.post(f"/accounts/{site.patient.pk}/statement/").status_code == 403
        front_account = (
            client_for(world.users["front_desk"])
            .get(f"/accounts/{site.patient.pk}/")
            .content.decode()
        )
        assert "Send statement now" not in front_account
        assert not StatementRun.objects.exists()
        biller = client_for(world.users["biller"])
        with commits(execute=True):
            biller.post("/statements/run/", CHOICES)
        run, row = StatementRun.objects.get(), Statement.objects.get()
        outsider = client_for(world.outsider)
        for url in (
            f"/statements/runs/{run.pk}/",
            f"/statements/runs/{run.pk}/status.json",
            f"/statements/runs/{run.pk}/statements.zip",
            f"/statements/runs/{run.pk}/statements.csv",
            f"/statements/{row.pk}/pdf/",
        ):
            assert outsider.get(url).status_code == 404, url
        assert outsider.post(f"/accounts/{site.patient.pk}/statement/").status_code == 404


class TestNoSecondStatementOnOneDay:
    def test_a_cycle_skips_an_account_that_got_a_statement_that_day(self, world, client_for, data):
        from medbill.web.billing.statement_runs import perform_statement_run

        site, _ = owe(world)
        now = StatementRun.objects.create(
            practice=site.practice,
            statement_date=DAY,
            threshold="0.01",
            write_off_under="0",
            created_by=world.users["biller"],
            patient=site.patient,
        )
        perform_statement_run(now.pk)  # the biller's "send statement now"
        (preview,) = preview_statements(world.users["manager"], site.practice, statement_date=DAY)
        assert preview.action == "skip" and "already went out" in preview.why
        cycle = StatementRun.objects.create(
            practice=site.practice,
            statement_date=DAY,
            threshold="5.00",
            write_off_under="1.00",
            created_by=world.users["manager"],
        )
        cycle = perform_statement_run(cycle.pk)
        assert Statement.objects.count() == 1
        assert cycle.statements == []
        ((account, why),) = cycle.skipped
        assert account == site.patient.account_number
        assert "statement already went out" in why

    def test_send_now_asks_to_confirm_a_second_statement_today(
        self, world, client_for, data, commits
    ):
        site, _ = owe(world)
        client = client_for(world.users["biller"])
        with commits(execute=True):
            client.post(f"/accounts/{site.patient.pk}/statement/")
        assert Statement.objects.count() == 1
        account = client.get(f"/accounts/{site.patient.pk}/").content.decode()
        assert 'id="statement-sent-today"' in account and 'name="confirm"' in account
        with commits(execute=True):
            refused = client.post(f"/accounts/{site.patient.pk}/statement/", follow=True)
        assert "A statement already went out to this patient today" in refused.content.decode()
        assert Statement.objects.count() == 1
        with commits(execute=True):
            client.post(f"/accounts/{site.patient.pk}/statement/", {"confirm": "1"})
        assert Statement.objects.count() == 2  # asked for on purpose


class TestStatementLimits:
    @pytest.mark.parametrize(
        ("field", "value", "words"),
        [
            ("write_off_under", "5000", "Enter at most $25.00"),
            ("write_off_under", "-5", "must not be negative"),
            ("threshold", "-5", "must not be negative"),
            ("threshold", "50000", "Enter at most $1,000.00"),
            ("threshold", "lots", "dollars and cents"),
        ],
    )
    def test_bad_limits_are_refused_beside_their_field(
        self, world, client_for, data, commits, field, value, words
    ):
        site, _ = owe(world)
        client = client_for(world.users["biller"])
        page = client.get("/statements/", {"preview": "1", **CHOICES, field: value})
        html = page.content.decode()
        error_id = field.replace("_", "-") + "-error"
        error = html.index(f'class="field-error" id="{error_id}"')
        assert words in html[error : error + 200]
        assert html.index(f'name="{field}"') < error  # beside its input
        assert f"{field}:" not in html  # no internal field names
        assert page.context["preview"] is None  # nothing previewed, nothing written off
        with commits(execute=True):
            ran = client.post("/statements/run/", {**CHOICES, field: value}, follow=True)
        assert words in ran.content.decode()
        assert not StatementRun.objects.exists()
        assert not Entry.objects.filter(source="statement").exists()
