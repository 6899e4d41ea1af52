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


class TestDatabaseRefuses:
    """On PostgreSQL a trigger refuses changes even when the ORM is bypassed."""

    @pytest.mark.parametrize("table", ["billing_entry", "practice_auditevent"])
    def test_raw_update_and_delete_fail(self, world, entry, table):
        from django.db import DatabaseError, connection, transaction

        if connection.vendor != "postgresql":
            pytest.skip("database triggers are installed on PostgreSQL only")
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
