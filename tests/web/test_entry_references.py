"""On PostgreSQL the ledger's references are checked by statement triggers instead of
foreign keys (migration ``billing/0015``): an entry cannot name a row that is not there,
and a row that entries name cannot be deleted — also when the two happen at once in two
transactions. SQLite keeps its foreign keys (checked at commit), so these tests need
PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction

from medbill.web.billing.era_bulk import insert_rows
from medbill.web.billing.models import Claim, ClaimLine, Entry

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the statement triggers replace PostgreSQL's foreign keys; SQLite keeps its own",
)

MISSING = 987_654_321


def entry_row(site, **names) -> dict:
    row = dict(
        practice_id=site.practice.pk,
        kind=Entry.Kind.PAYMENT,
        amount=-10,
        responsibility=Entry.Responsibility.PAYER,
        patient_id=site.patient.pk,
        visit_id=site.visit.pk,
        claim_id=site.claim.pk,
        claim_line_id=site.claim.lines.first().pk,
        payer_id=site.payer.pk,
        source="era",
    )
    row.update(names)
    return row


@pytest.mark.django_db
def test_the_ledger_has_no_row_by_row_foreign_keys_but_its_triggers():
    """Guards against a later migration putting the per-row checks back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint "
            "WHERE conrelid = 'billing_entry'::regclass AND contype = 'f'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
            ["%entr%"],
        )
        names = {name for (name,) in cursor.fetchall()}
    assert {"billing_entry_references", "billing_claim_named_by_entries"} <= names
    assert "frontdesk_patient_named_by_entries" in names


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column", ["practice_id", "patient_id", "visit_id", "claim_id", "claim_line_id", "payer_id"]
)
def test_an_entry_naming_a_missing_row_is_refused_and_nothing_is_written(world, column):
    site = world.a
    before = Entry.objects.count()
    rows = [entry_row(site) for _ in range(50)] + [entry_row(site, **{column: MISSING})]
    with pytest.raises(IntegrityError, match=f"{column} {MISSING}"), transaction.atomic():
        insert_rows(Entry, rows)  # one COPY: the good rows go with the bad one
    assert Entry.objects.count() == before


@pytest.mark.django_db
def test_an_entry_may_reverse_one_written_in_the_same_statement(world):
    site = world.a
    first = Entry.objects.create(**entry_row(site))
    insert_rows(Entry, [entry_row(site, amount=10, kind="refund", reverses_id=first.pk)])
    assert Entry.objects.get(reverses_id=first.pk).amount == 10
    with pytest.raises(IntegrityError, match=f"reverses_id {MISSING}"), transaction.atomic():
        insert_rows(Entry, [entry_row(site, reverses_id=MISSING)])


@pytest.mark.django_db
def test_a_row_that_entries_name_cannot_be_deleted(world):
    site = world.a
    Entry.objects.create(**entry_row(site))
    line = site.claim.lines.first()
    targets = [
        ("billing_claimline", line.pk),
        ("billing_claim", site.claim.pk),
        ("frontdesk_visit", site.visit.pk),
        ("frontdesk_patient", site.patient.pk),
        ("practice_payer", site.payer.pk),
        ("practice_practice", site.practice.pk),
    ]
    for table, pk in targets:
        with (
            pytest.raises(IntegrityError, match=f"{table} row {pk} is named by ledger entries"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # Deleted with SQL, not the ORM: the ORM's PROTECT would stop it first.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    assert ClaimLine.objects.filter(pk=line.pk).exists()
    assert Claim.objects.filter(pk=site.claim.pk).exists()


@pytest.mark.django_db
def test_a_line_no_entry_names_can_still_be_deleted(world):
    site = world.a
    assert not Entry.objects.filter(claim=site.claim).exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM billing_claimline WHERE claim_id = %s", [site.claim.pk])
    # The claim's own lines went without complaint: nothing in the ledger named them.
    assert not ClaimLine.objects.filter(claim=site.claim).exists()


def _waiting_for_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _run_in_thread(work) -> tuple[threading.Thread, dict]:
    out: dict = {}
    ready = threading.Event()

    def target():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                out["pid"] = cursor.fetchone()[0]
            ready.set()
            with transaction.atomic():
                work()
            out["ok"] = True
        except Exception as exc:  # reported to the test below
            out["error"] = exc
        finally:
            ready.set()
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    ready.wait(10)
    return thread, out


def _until(condition, seconds=10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_delete_waits_for_an_uncommitted_entry_and_then_fails(world):
    site = world.a
    line_id = site.claim.lines.first().pk
    with transaction.atomic():
        insert_rows(Entry, [entry_row(site, claim_line_id=line_id)])

        def delete_line():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM billing_claimline WHERE id = %s", [line_id])

        thread, out = _run_in_thread(delete_line)
        _until(lambda: _waiting_for_a_lock(out["pid"]) or not thread.is_alive())
        assert thread.is_alive(), out  # the delete waits for the entry's lock
    thread.join(10)
    assert isinstance(out.get("error"), IntegrityError), out
    assert ClaimLine.objects.filter(pk=line_id).exists()
    assert Entry.objects.filter(claim_line_id=line_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_entry_waits_for_an_uncommitted_delete_and_then_fails(world):
    site = world.a
    line_id = site.claim.lines.first().pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM billing_claimline WHERE id = %s", [line_id])

        def post_entry():
            insert_rows(Entry, [entry_row(site, claim_line_id=line_id)])

        thread, out = _run_in_thread(post_entry)
        _until(lambda: _waiting_for_a_lock(out["pid"]) or not thread.is_alive())
        assert thread.is_alive(), out  # the insert waits for the delete to end
        transaction.set_rollback(False)
    thread.join(10)
    assert isinstance(out.get("error"), IntegrityError), out
    assert "claim_line_id" in str(out["error"])
    assert not Entry.objects.filter(claim_line_id=line_id).exists()
