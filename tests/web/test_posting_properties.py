"""Posting holds its invariants for any sequence of remittances.

Hypothesis draws sequences of 835 files for a small office: first payments and
denials, corrections (a reversal and a new adjudication in one set), and re-sends of
any earlier file in a new envelope with the payer ids a clearinghouse may write or
leave out. After every file:

* each claim line is charged once, and only once a payer answered for the claim;
* per claim, charges = payments + adjustments + balance (transfers net to zero);
* the payer's payments and the patient's share on the claim are exactly what the
  payer's current answers say, and the payer owes nothing on a claim it answered;
* per patient, the balance is the sum of their claims' balances;
* re-sending any earlier file changes nothing at all.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import replace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import ClaimPayment, write_835
from medbill.web.billing import era
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.billing.services import balance_of
from medbill.web.frontdesk.models import Patient
from remittances import bench_era, reversal_of

pytestmark = pytest.mark.django_db

CLAIMS = 4
DAY = datetime.date(2026, 4, 1)


@pytest.fixture
def office(db):
    bench = bench_era()
    claims = bench.synthetic_claims(CLAIMS)
    practice = bench.seed_claims(claims, run=1)
    answers = {seed: simulate(claims, seed=seed).remittances[0] for seed in (1, 2)}
    return practice, claims, answers


def total(rows) -> Money:
    return sum((Money(e.amount) for e in rows), ZERO)


class Model:
    """What the ledger must say: the payer answers posted so far, per claim."""

    def __init__(self) -> None:
        self.posted: dict[str, list[ClaimPayment]] = defaultdict(list)

    def net(self, claim_id: str) -> int:
        return sum(-1 if c.status == "22" else 1 for c in self.posted[claim_id])


def check(practice, claims, model: Model) -> None:
    for doc in claims:
        row = Claim.objects.get(practice=practice, patient_control_number=doc.claim_id)
        entries = list(Entry.objects.filter(claim=row))
        lines = list(ClaimLine.objects.filter(claim=row))
        charge = sum((Money(line.charge) for line in lines), ZERO)
        charges = [e for e in entries if e.kind == "charge"]
        answered = bool(model.posted[doc.claim_id])
        assert len(charges) == (len(lines) if answered else 0), doc.claim_id
        assert len({e.claim_line_id for e in charges}) == len(charges)
        assert total(charges) == (charge if answered else ZERO)
        by_kind = defaultdict(lambda: ZERO)
        for e in entries:
            by_kind[e.kind] += Money(e.amount)
        assert by_kind["transfer"] == ZERO
        balance = total(entries)
        assert by_kind["charge"] == -by_kind["payment"] - by_kind["adjustment"] + balance
        answers = model.posted[doc.claim_id]
        paid = sum((c.paid for c in answers), ZERO)
        share = sum((c.patient_responsibility or ZERO for c in answers), ZERO)
        payer_paid = total(
            e for e in entries if e.kind == "payment" and e.responsibility == "payer"
        )
        assert payer_paid == -paid, doc.claim_id
        patient = total(e for e in entries if e.responsibility == "patient")
        payer = total(e for e in entries if e.responsibility == "payer")
        assert patient == share, doc.claim_id
        net = model.net(doc.claim_id)
        assert net in (0, 1)
        assert payer == (charge if answered and net == 0 else ZERO), doc.claim_id
    for patient in Patient.objects.filter(practice=practice):
        claims_total = total(Entry.objects.filter(patient=patient))
        assert balance_of(patient) == claims_total


def snapshot(practice):
    rows = Entry.objects.filter(practice=practice)
    return (
        rows.count(),
        total(rows),
        sorted(Claim.objects.filter(practice=practice).values_list("pk", "status")),
    )


payer_ids = st.sampled_from(["same", "clearinghouse", "none"])


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_sequence_of_remittances_keeps_the_ledger_whole(office, data):
    practice, claims, answers = office
    with transaction.atomic():
        run_sequence(practice, claims, answers, data)
        transaction.set_rollback(True)


def run_sequence(practice, claims, answers, data) -> None:
    model, files, current = Model(), [], {}
    steps = data.draw(st.integers(min_value=1, max_value=7), label="steps")
    for step in range(steps):
        kind = data.draw(st.sampled_from(["answer", "correct", "resend"]), label="kind")
        i = data.draw(st.integers(0, CLAIMS - 1), label="claim")
        claim_id = claims[i].claim_id
        seed = data.draw(st.sampled_from([1, 2]), label="seed")
        fresh = answers[seed].claims[i]
        if kind == "resend" and files:
            k = data.draw(st.integers(0, len(files) - 1), label="file")
            rem, _ = files[k]
            ids = data.draw(payer_ids, label="payer ids")
            payer = (
                rem.payer
                if ids == "same"
                else replace(rem.payer, id="CLEARHOUSE1", references=(("2U", "CH-77"),))
                if ids == "clearinghouse"
                else replace(rem.payer, id_qualifier="", id="", references=())
            )
            before = snapshot(practice)
            data_bytes = write_835([replace(rem, payer=payer)], control_number=900 + step)
            result = era.import_era(None, practice, data_bytes, f"resend-{step}.835")
            assert [s.status for s in result.sets] == ["duplicate"]
            assert snapshot(practice) == before
            continue
        if kind == "correct" and model.net(claim_id) == 1:
            sent = [
                reversal_of(current[claim_id]),
                replace(fresh, payer_claim_number=fresh.payer_claim_number + f"C{step}"),
            ]
        elif model.net(claim_id) == 0:
            sent = [fresh]
        else:
            continue
        rem = replace(
            answers[seed],
            trace_number=f"TR{step:04d}",
            claims=tuple(sent),
            total_paid=sum((c.paid for c in sent), ZERO),
            provider_adjustments=(),
            payment_date=DAY + datetime.timedelta(days=step),
        )
        result = era.import_era(
            None, practice, write_835([rem], control_number=step + 1), f"file-{step}.835"
        )
        assert [s.status for s in result.sets] == ["posted"], result.sets[0].reasons
        files.append((rem, sent))
        model.posted[claim_id].extend(sent)
        current[claim_id] = sent[-1]
        check(practice, claims, model)
