"""Demo stages ``history`` (the months billed before the demo's weeks: claims, the payers'
realistic answers, the bank) and ``risk`` (the denial model learned from them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from medbill.web.banking.models import Deposit, DepositMatch
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import Remittance, RemittanceClaim
from medbill.web.demo import generate, history
from medbill.web.demo.schedule import PREVENTIVE_SCENARIOS
from medbill.web.demo.seed import demo_users
from medbill.web.demo.stages import STAGES, StageContext, load_stage
from medbill.web.practice.models import Practice
from medbill.web.risk import services as risk


def test_the_visits_before_the_demo():
    data = generate.build(1)
    before = generate.digest(data)
    fortnights = history.history_visits(data, 3)
    assert fortnights == history.history_visits(generate.build(1), 3)
    assert generate.digest(data) == before  # the demo's own weeks do not change
    assert len(fortnights) == 3
    for back, visits in zip((3, 2, 1), fortnights, strict=True):
        first = data.start - dt.timedelta(days=14 * back)
        assert visits and all(
            first <= v.start.date() < first + dt.timedelta(days=12) for v in visits
        )
        assert {v.status for v in visits} <= {"coded", "no_show"}
        for v in visits:
            coverage = data.patient(v.patient).coverages[0]
            assert coverage.effective <= v.start.date()
            assert v.services and v.diagnoses
    # A yearly physical is had once, whatever the fortnight.
    physicals = Counter(
        (v.patient, v.scenario)
        for visits in fortnights
        for v in visits
        if v.scenario in PREVENTIVE_SCENARIOS and v.status == "coded"
    )
    assert physicals and max(physicals.values()) == 1


def test_the_stages_are_listed_in_cycle_order():
    names = [name for name, _ in STAGES]
    assert names[:2] == ["seed", "history"]
    assert names.index("history") < names.index("claims")
    assert names[-1] == "risk" and names.index("coding") < names.index("risk")


@pytest.mark.django_db(transaction=True)
def test_months_of_billing_then_a_model_that_scores_the_queue(tmp_path, client):
    ctx = StageContext(out=tmp_path, seed=generate.DEFAULT_SEED, start=generate.DEFAULT_START)
    load_stage("medbill.web.demo.stages:seed_stage")(ctx)
    rows = {r.item: r for r in load_stage("medbill.web.demo.history:history_stage")(ctx)}

    # Claims of the months before the demo (the last sent on its first day), all answered.
    sent = Claim.objects.filter(submitted_at__isnull=False)
    assert not sent.filter(submitted_at__date__gt=ctx.start).exists()
    assert (
        sent.count()
        == rows["RFM claims sent before the demo"].count
        + rows["KHR claims sent before the demo"].count
    )
    answered = RemittanceClaim.objects.filter(claim__in=sent).values("claim").distinct()
    assert answered.count() == sent.count()
    eras = Remittance.objects.filter(file__name__startswith="history-")
    assert eras.exists() and not eras.exclude(status="posted").exists()
    payers = {"12502", "PAMCD", "60054", "87726", "54771"}
    assert {code: set(p) for code, p in ctx.shared["payers"].items()} == {
        "RFM": payers,
        "KHR": payers,
    }
    for code in ("rfm", "khr"):
        folder = tmp_path / "history" / code
        assert {p.suffix for p in folder.iterdir()} == {".837", ".835", ".bai"}

    # Each EFT was imported before its 835; the 835's import paired those the rule allows.
    paired = DepositMatch.objects.filter(remittance__in=eras)
    assert paired.exists() and set(paired.values_list("how", flat=True)) == {"trace"}
    efts = Deposit.objects.filter(type_code="165")
    assert paired.count() < efts.count()  # some EFTs do not say which 835 they pay
    for match in paired.select_related("deposit", "remittance"):
        assert match.deposit.file.imported_at < match.remittance.file.imported_at
    counted = sum(int(r.count.split("/")[0]) for r in rows.values() if "EFTs" in r.item)
    assert counted == paired.count()

    # Enough history for each practice's model.
    for practice in Practice.objects.all():
        examples = risk.training_examples(practice)
        lines = sum(len(f.lines) for f, _ in examples)
        denied = sum(sum(labels) for _, labels in examples)
        assert lines >= risk.MIN_LINES and denied >= risk.MIN_DENIED, practice.short_code

    out = {r.item: r for r in load_stage("medbill.web.risk.demo:risk_stage")(ctx)}
    for code in ("RFM", "KHR"):
        assert out[f"{code} denial model"].count > 0
        assert "AUC 0." in out[f"{code} judged on later months"].detail
        assert out[f"{code} claims ready to send"].count > 0
    practice = Practice.objects.get(short_code="RFM")
    assert risk.load_model(practice) is not None
    biller = next(u for u in demo_users() if u["role"] == "biller")
    assert client.login(username=biller["username"], password=biller["password"])
    client.post("/practice/switch/", {"practice": practice.pk})
    page = client.get("/claims-out/").content.decode()
    assert "Chance of denial from this practice's own remittances" in page
    ready = Claim.objects.filter(practice=practice, status="scrubbed").first()
    claim_page = client.get(f"/claims/{ready.pk}/").content.decode()
    assert "Chance of denial" in claim_page and "from this practice's own remittances" in claim_page
