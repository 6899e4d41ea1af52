"""Demo stage ``history``: the months the demo practices billed before the demo's two weeks.

For ``FORTNIGHTS`` fortnights before the start the panel was seen as in the demo's own
weeks (``schedule.visits``, with a random generator of its own so the demo's data does
not change), and every visit of a patient with coverage in effect was coded as its
answer key says. Then, in date order, as a billing office lives it:

* the Monday after each fortnight the practice builds the claims of its visits, scrubs
  every draft (the secondary claims earlier 835s started too) and sends what is clean,
  through the same services as the pages (the 837P files go to ``history/<practice>/``);
* each payer adjudicates by its realistic medical policy (``payersim.realistic_profile``),
  remembering the practice's patients from one file to the next
  (``ctx.shared["payers"][practice code]``, which the ``era`` stage goes on with), and
  pays 15 days later;
* on the day it pays, the EFT reaches the bank and the bank file is imported before the
  835 (the usual order): the 835's import pairs its payments with those deposits
  (``banking.services.match_new_payments``). Not every EFT says which 835 it pays
  (``_eft``), and the desk's cash goes to the bank too.

This is the remittance history the denial-risk model learns from (stage ``risk``) and
the bank history the reassociation rate is measured on (stage ``bank``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from medbill.connect.delivery import Delivery, deliver
from medbill.core.bank import Deposit as BankDeposit
from medbill.core.bank import write_bai2
from medbill.core.denial_risk import denied_lines
from medbill.core.money import ZERO, Money
from medbill.core.payersim import Adjudicator, simulate
from medbill.core.payersim.rules import unit_hash
from medbill.core.submission import ClearinghouseProfile, OutgoingFile
from medbill.core.x12.m835 import Remittance as RemittanceDoc
from medbill.core.x12.m835 import write_835
from medbill.core.x12.m837p import read_837p
from medbill.web.banking.demo import EFT
from medbill.web.banking.services import import_bank_file
from medbill.web.billing.era import import_era
from medbill.web.billing.models import Claim
from medbill.web.billing.scrubbing import mark_scrubbed_many
from medbill.web.claims_out.demo import connection_settings
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.claims_out.services import build_claims, submit_claims
from medbill.web.demo import schedule
from medbill.web.demo.generate import DemoData, build
from medbill.web.demo.seed import demo_refs, write_visits
from medbill.web.demo.specs import VisitSpec
from medbill.web.demo.tables import SHORT_CODES
from medbill.web.practice.models import Practice

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["FORTNIGHTS", "history_stage", "history_visits"]

# Twelve weeks: enough answered lines (and denials) in the smaller practice for the
# denial-risk model (web.risk.services.MIN_LINES, MIN_DENIED), and a month to test it on.
FORTNIGHTS = 6
PAY_DAYS = 15  # the simulated payers pay 14 days after the day they receive a file


def history_visits(data: DemoData, fortnights: int = FORTNIGHTS) -> list[list[VisitSpec]]:
    """The visits of each fortnight before ``data.start``, oldest first: patients with
    coverage in effect that day, seen and coded (or not seen: no-shows). Each fortnight
    knows what the patients were seen for before it (no second yearly physical)."""
    out = []
    seen: dict[str, set[str]] = {}
    for back in range(fortnights, 0, -1):
        start = data.start - dt.timedelta(days=14 * back)
        rng = random.Random(f"{data.seed}:history:{back}")
        specs = []
        for v in schedule.visits(rng, start, list(data.patients), seen):
            if v.status in ("coded", "checked_out"):
                seen.setdefault(v.patient, set()).add(v.scenario)
            patient = data.patient(v.patient)
            day = v.start.date()
            covered = bool(patient.coverages) and patient.coverages[0].effective <= day
            if v.status == "scheduled" or not covered:
                continue
            status = "no_show" if v.status == "no_show" else "coded"
            specs.append(replace(v, key=f"H{back:02d}{v.key[1:]}", status=status))
        out.append(specs)
    return out


def _eft(rem: RemittanceDoc, seed: int, number: int) -> BankDeposit:
    """How the payer's EFT for ``rem`` shows in the bank file. Most carry the 835's TRN
    in their addenda (CCD+); a few do not, or carry a trace of the payer's own, and a
    few are for another amount than the 835 says (a fee netted out, a payment split) —
    the mishaps a billing office works from the unmatched list."""
    roll = unit_hash(seed, "eft", rem.trace_number)
    day = rem.effective_date or dt.date(2026, 1, 1)
    amount = rem.total_paid
    ref = f"B{seed % 100:02d}{number:06d}"
    text = f"HCCLAIMPMT TRN*1*{rem.trace_number}*{rem.trace_originator or '1'}\\"
    if roll < 0.05:
        text = "HCCLAIMPMT"  # the bank dropped the addenda
    elif roll < 0.08:
        text = f"HCCLAIMPMT TRN*1*EFT{rem.trace_number[-6:]}*{rem.trace_originator or '1'}\\"
    elif roll < 0.10 and amount > Money("10.00"):
        amount = amount - Money("2.50")  # a fee netted from the transfer
    return BankDeposit(
        day, amount, type_code=EFT, bank_reference=ref, text=text, customer_reference=""
    )


def _cash(seed: int, day: dt.date, number: int) -> BankDeposit:
    """The front desk's deposit of a fortnight's copays: money no 835 pays."""
    cents = 4000 + int(unit_hash(seed, "cash", day.isoformat(), number) * 30000)
    return BankDeposit(
        day,
        Money(Decimal(cents) / 100),
        type_code="301",
        bank_reference=f"BRANCH{number:04d}",
        text="BRANCH DEPOSIT CASH AND CHECKS",
    )


@dataclass
class _Tally:
    claims: int = 0
    lines: int = 0
    denied: int = 0
    held: int = 0
    paid: Money = ZERO
    eras: int = 0
    deposits: int = 0
    paired: int = 0
    findings: Counter[str] = field(default_factory=Counter)


def _send(folder: Path) -> Callable[[OutgoingFile, ClearinghouseProfile], Delivery]:
    """Deliver into ``folder``: the history's files are kept apart from the demo's own."""

    def send(f: OutgoingFile, profile: ClearinghouseProfile) -> Delivery:
        return deliver(f, replace(profile, folder=str(folder)))

    return send


def _bill(
    ctx: StageContext, practice: Practice, visit_ids: list[int], when: dt.datetime, tally: _Tally
) -> list[bytes]:
    """Build, scrub and send: the 837P files sent that day."""
    made = build_claims(None, practice, visit_ids).created
    Claim.objects.filter(pk__in=[c.pk for c in made]).update(created_at=when)
    drafts = Claim.objects.filter(practice=practice, status="draft").values_list("pk", flat=True)
    for result in mark_scrubbed_many(None, practice, list(drafts)):
        tally.findings.update(f.code for f in result.errors)
    ready = Claim.objects.filter(practice=practice, status="scrubbed").select_related("payer")
    routes: dict[str, list[Claim]] = {}
    for claim in ready.order_by("id"):
        routes.setdefault(claim.payer.clearinghouse_route or "clearinghouse", []).append(claim)
    folder = ctx.dir("history") / practice.short_code.lower()
    sent = []
    for route, claims in sorted(routes.items()):
        ClearinghouseConnection.objects.get_or_create(
            practice=practice,
            name=route,
            defaults={
                "settings": connection_settings(
                    practice, route, str((ctx.out / "837p" / practice.short_code.lower()).resolve())
                )
            },
        )
        subs = submit_claims(None, practice, claims, route, now=when, send=_send(folder))
        tally.claims += sum(s.claim_count for s in subs)
        sent += [s.content.encode("ascii") for s in subs]
    return sent


def _timeline(starts: list[dt.date]) -> Iterator[tuple[dt.date, str, int]]:
    """(day, what, fortnight): each fortnight billed the Monday after it, paid 15 days
    later; in date order, so a secondary claim an 835 starts goes with the next batch."""
    events = []
    for n, start in enumerate(starts):
        billed = start + dt.timedelta(days=14)
        events += [(billed, "bill", n), (billed + dt.timedelta(days=PAY_DAYS), "pay", n)]
    yield from sorted(events)


def history_stage(ctx: StageContext) -> list[SummaryRow]:
    """Write the months before the demo and run their billing cycle; report per practice."""
    # One transaction: the services inside commit nothing of their own then, and the
    # months are written in a fraction of the time (SQLite syncs the disk at each commit).
    with transaction.atomic():
        return _history(ctx)


def _history(ctx: StageContext) -> list[SummaryRow]:
    from medbill.web.demo.stages import SummaryRow

    data = build(ctx.seed, ctx.start)
    fortnights = history_visits(data)
    refs, patients = demo_refs()
    ids = [[v.pk for v in write_visits(specs, refs, patients)] for specs in fortnights]
    by_practice: dict[str, list[list[int]]] = {key: [] for key in SHORT_CODES}
    for specs, rows in zip(fortnights, ids, strict=True):
        for key in SHORT_CODES:
            by_practice[key].append(
                [pk for pk, spec in zip(rows, specs, strict=True) if spec.practice == key]
            )
    payers = ctx.shared.setdefault("payers", {})
    starts = [ctx.start - dt.timedelta(days=14 * back) for back in range(len(fortnights), 0, -1)]
    pending: dict[tuple[str, int], list[bytes]] = {}
    tallies = {key: _Tally() for key in SHORT_CODES}
    out = ctx.dir("history")
    for day, what, n in ctx.track(list(_timeline(starts)), "history", 2 * len(starts)):
        for key, code in SHORT_CODES.items():
            practice = refs["practices"][key]
            tally = tallies[key]
            folder = out / code.lower()
            if what == "bill":
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
                pending[key, n] = _bill(ctx, practice, by_practice[key][n], when, tally)
                continue
            files = pending.pop((key, n), [])
            _pay(ctx, practice, files, payers.setdefault(code, {}), folder, n, tally)
    rows = []
    for key, code in SHORT_CODES.items():
        t = tallies[key]
        span = f"{starts[0]:%Y-%m-%d} to {ctx.start - dt.timedelta(days=3):%Y-%m-%d}"
        rows += [
            SummaryRow(
                "history",
                f"{code} claims sent before the demo",
                t.claims,
                f"visits {span}, sent the Monday after each fortnight"
                + (f"; held by edits: {dict(t.findings)}" if t.findings else ""),
                ctx.relative(out / code.lower()),
            ),
            SummaryRow(
                "history",
                f"{code} lines answered by 835",
                t.lines,
                f"{t.denied} denied ({100 * t.denied / max(t.lines, 1):.1f}%) by the payers' "
                f"medical policies; paid {t.paid.format()} in {t.eras} payments",
            ),
            SummaryRow(
                "history",
                f"{code} EFTs paired on the 835's import",
                f"{t.paired}/{t.deposits}",
                "the deposit reached the bank first; the rest wait on the unmatched list",
            ),
        ]
    return rows


def _pay(
    ctx: StageContext,
    practice: Practice,
    files: list[bytes],
    payers: dict[str, Adjudicator],
    folder: Path,
    n: int,
    tally: _Tally,
) -> None:
    """The payers answer the files: the EFTs reach the bank, then the 835s are posted."""
    for number, data in enumerate(files, start=1):
        read = read_837p(data)
        lines_of = {r.claim.claim_id: len(r.claim.lines) for r in read}
        result = simulate(
            [r.claim for r in read],
            seed=ctx.seed * 100 + 50 + n,
            icd9=[r.code_set != "ICD-10-CM" for r in read],
            realistic=True,
            payers=payers,
        )
        tally.held += len(result.rejections)
        if not result.remittances:
            continue
        stem = f"history-{practice.short_code.lower()}-{n + 1:02d}-{number}"
        paid = [r for r in result.remittances if r.total_paid > ZERO]
        deposits = [_eft(r, ctx.seed, 100 * (n + 1) + i) for i, r in enumerate(paid, start=1)]
        if paid:
            day = max(d.deposit_date for d in deposits)
            deposits.append(_cash(ctx.seed, day, n + 1))
            bank = write_bai2(deposits, receiver=practice.short_code.upper())
            (folder / f"{stem}.bai").write_bytes(bank)
            import_bank_file(None, practice, bank, f"{stem}.bai")
            tally.deposits += len(paid)
        era = write_835(result.remittances, control_number=100 * (n + 1) + number)
        (folder / f"{stem}.835").write_bytes(era)
        imported = import_era(None, practice, era, f"{stem}.835", post=True)
        tally.paired += sum(1 for s in imported.sets if s.deposit)
        tally.eras += len(paid)
        for rem in result.remittances:
            tally.paid += rem.total_paid
            for payment in rem.claims:
                lines = lines_of.get(payment.claim_id, len(payment.services) or 1)
                tally.lines += lines
                tally.denied += sum(denied_lines(payment, lines))
