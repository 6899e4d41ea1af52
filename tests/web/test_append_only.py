"""Ledger entries and audit events are written once: no update, no delete."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medbill.core.money import Money
from medbill.web.billing.models import Entry
from medbill.web.billing.services import post_payment
from medbill.web.practice.base import AppendOnlyError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world):
    return post_payment(world.users["biller"], world.a.patient, "20.00")


class TestLedgerEntry:
    def test_save_of_an_existing_entry_is_refused(self, entry):
        entry.amount = Decimal("-2.00")
        with pytest.raises(AppendOnlyError):
            entry.save()
        assert Entry.objects.get(pk=entry.pk).amount == Decimal("-20.00")

    def test_delete_is_refused(self, entry):
        with pytest.raises(AppendOnlyError):
            entry.delete()
        assert Entry.objects.filter(pk=entry.pk).exists()

    def test_bulk_update_and_delete_are_refused(self, entry):
        with pytest.raises(AppendOnlyError):
            Entry.objects.filter(pk=entry.pk).update(amount=Decimal("0"))
        with pytest.raises(AppendOnlyError):
            Entry.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            Entry.objects.bulk_update([entry], ["amount"])
        assert Entry.objects.get(pk=entry.pk).amount == Decimal("-20.00")

    def test_corrections_are_reversing_entries(self, world, entry):
        reversal = Entry.objects.create(
            practice=world.a.practice,
            patient=world.a.patient,
            kind=Entry.Kind.PAYMENT,
            amount=Money("20.00"),
            reverses=entry,
            memo="returned check",
        )
        assert reversal.reverses == entry
        total = sum(Money(e.amount) for e in Entry.objects.filter(patient=world.a.patient))
        assert total == Money(0)

    def test_float_amounts_are_refused(self, world):
        with pytest.raises(TypeError):
            Entry.objects.create(
                practice=world.a.practice,
                patient=world.a.patient,
                kind=Entry.Kind.CHARGE,
                amount=10.5,
            )


class TestAuditEvent:
    def test_save_of_an_existing_event_is_refused(self, world):
        event = AuditEvent.objects.first()
        event.action = "view"
        with pytest.raises(AppendOnlyError):
            event.save()

    def test_delete_is_refused(self, world):
        event = AuditEvent.objects.first()
        with pytest.raises(AppendOnlyError):
            event.delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.update(changes={})
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_events_survive_the_rows_they_describe(self, world):
        from medbill.web.frontdesk.models import Guarantor

        guarantor = Guarantor.objects.create(
            practice=world.a.practice, patient=world.a.patient, last_name="X", first_name="Y"
        )
        pk = guarantor.pk
        guarantor.delete()
        assert (
            AuditEvent.objects.filter(object_type="frontdesk.Guarantor", object_id=str(pk)).count()
            == 2
        )


@pytest.fixture
def one_of_each(world, entry):
    """A row in every append-only table (a change to no row would prove nothing)."""
    from django.utils import timezone

    from medbill.web.billing.remittance_models import (
        ProviderAdjustment,
        Remittance,
        RemittanceFile,
    )
    from medbill.web.claims_out.models import ClaimEvent
    from medbill.web.frontdesk.desk_models import PaperworkSignature

    site = world.a
    file = RemittanceFile.objects.create(practice=site.practice, name="a.835", sha256="ab" * 32)
    rem = Remittance.objects.create(
        practice=site.practice,
        file=file,
        payer_identifier="X",
        trace_number="T1",
        total_paid=Decimal("1.00"),
        status="posted",
    )
    ProviderAdjustment.objects.create(
        practice=site.practice,
        remittance=rem,
        provider_identifier="1",
        reason="WO",
        amount=Decimal("-1.00"),
    )
    ClaimEvent.objects.create(
        practice=site.practice,
        claim=site.claim,
        from_status="draft",
        to_status="scrubbed",
        source="manual",
    )
    PaperworkSignature.objects.create(
        practice=site.practice,
        patient=site.patient,
        document="consent",
        method="typed",
        channel="desk",
        signed_at=timezone.now(),
        pdf=b"%PDF",
    )
    from medbill.web.banking.models import BankFile, Deposit, DepositMatch, DepositUnmatch

    bank = BankFile.objects.create(
        practice=site.practice, name="d.bai", sha256="cd" * 32, format="bai2"
    )
    deposit = Deposit.objects.create(
        practice=site.practice,
        file=bank,
        deposit_date=timezone.localdate(),
        amount=Decimal("1.00"),
        traces=["T1"],
        fingerprint="ef" * 32,
    )
    match = DepositMatch.objects.create(
        practice=site.practice, deposit=deposit, remittance=rem, how="trace"
    )
    DepositUnmatch.objects.create(practice=site.practice, match=match, reason="wrong payment")


def append_only_tables():
    from medbill.web.practice.append_only import append_only_tables as tables

    return tables()


class TestDatabaseRefuses:
    """The database refuses changes even when the ORM is bypassed, on every database."""

    def test_every_append_only_model_is_covered(self):
        assert {
            "billing_entry",
            "practice_auditevent",
            "claims_out_claimevent",
            "billing_provideradjustment",
            "billing_remittancefile",
            "frontdesk_paperworksignature",
            "banking_bankfile",
            "banking_deposit",
            "banking_depositmatch",
            "banking_depositunmatch",
        } <= set(append_only_tables())

    @pytest.mark.parametrize("table", append_only_tables())
    def test_raw_update_delete_and_replace_fail(self, one_of_each, table):
        from django.db import DatabaseError, connection, transaction

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), MIN(id) FROM {table}")
            count, first = cursor.fetchone()
        assert count >= 1, f"no row in {table} to try"
        attempts = [
            f"UPDATE {table} SET id = id",
            f"DELETE FROM {table}",
            f"DELETE FROM {table} WHERE id = {first}",
        ]
        if connection.vendor == "sqlite":
            attempts.append(
                f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = {first}"
            )
        else:
            attempts.append(
                f"INSERT INTO {table} SELECT * FROM {table} WHERE id = {first} "
                "ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id"
            )
        for sql in attempts:
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            assert cursor.fetchone()[0] == count

    def test_an_upsert_through_the_orm_fails(self, one_of_each):
        from django.db import DatabaseError, transaction

        entry = Entry.objects.order_by("pk").first()
        copy = Entry(**{f.attname: getattr(entry, f.attname) for f in Entry._meta.concrete_fields})
        copy.amount = Decimal("-1.00")
        with pytest.raises((DatabaseError, AppendOnlyError)), transaction.atomic():
            Entry.objects.bulk_create(
                [copy], update_conflicts=True, unique_fields=["id"], update_fields=["amount"]
            )
        assert Entry.objects.get(pk=entry.pk).amount == entry.amount

    def test_a_flush_may_still_start_the_database_over(self, one_of_each):
        from django.core.management import call_command
        from django.db import connection

        call_command("flush", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            for table in append_only_tables():
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                assert cursor.fetchone()[0] == 0, table
