"""Denial prediction, judged on months it never saw.

    .venv/bin/python bench/denials.py [--months 16] [--test-months 4] [--visits 900]
                                      [--threshold 0.30] [--seed 1]

A family medicine and a cardiology practice (the demo's payers, providers and fee schedule)
see patients for ``--months`` months; every claim goes to the payer simulator with each
payer's realistic medical policy (``payersim.realistic_profile``: non-covered codes, prior
authorization, modifiers, diagnosis support, frequency limits against the member's history,
coverage lapses, timely filing, a little noise). The billers make the mistakes billers
make, some more than others: a 25 forgotten on an E/M billed with a procedure, a therapy
line without GP, an authorization not obtained, a lab ordered for a diagnosis that does not
support it, a claim sent months late. The scrubber runs on each claim and its warnings are
features.

The model learns from the remittances of the first months and predicts the claims of the
last ``--test-months`` (split by month of service, never shuffled). Printed: the claim-level
AUC, precision and recall at the hold threshold, the reliability table on the held-out
months, and the feature weights the model leaned on most.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from medbill.core.claim import (
    Address,
    BillingProvider,
    Claim,
    Patient,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
)
from medbill.core.denial_risk import (
    DEFAULT_THRESHOLD,
    ClaimFeatures,
    auc,
    claim_features,
    denied_lines,
    describe,
    fit,
    precision_recall,
    reliability,
    split_by_month,
)
from medbill.core.identifiers import npi_with_check_digit
from medbill.core.money import Money
from medbill.core.payersim import Adjudicator, realistic_profile

PAYERS = [  # (name, id, type, share of patients) — the demo's payers
    ("Medicare Part B", "12502", "medicare", 0.30),
    ("Pennsylvania Medical Assistance", "PAMCD", "medicaid", 0.15),
    ("Aetna", "60054", "commercial", 0.20),
    ("UnitedHealthcare", "87726", "commercial", 0.15),
    ("Highmark Blue Cross Blue Shield", "54771", "bcbs", 0.20),
]
# Providers: (first, last, npi base, practice, how often they slip)
PROVIDERS = [
    ("Eleanor", "Whitfield", "153928467", "fm", 0.04),
    ("Daniel", "Okafor", "174602918", "fm", 0.30),
    ("Miriam", "Brandt", "186230574", "card", 0.05),
    ("Kenji", "Nakamura", "119384756", "card", 0.25),
]
FEES = {
    "99212": "75.00", "99213": "130.00", "99214": "190.00", "99215": "255.00",
    "99395": "190.00", "99396": "205.00", "99397": "220.00", "G0439": "150.00",
    "G0444": "25.00", "96127": "12.00", "99406": "30.00", "36415": "12.00",
    "81002": "10.00", "83036": "28.00", "80061": "40.00", "85610": "14.00",
    "87880": "32.00", "93000": "65.00", "93306": "520.00", "93224": "210.00",
    "93015": "325.00", "93793": "28.00", "96372": "35.00", "J1030": "18.00",
    "20610": "120.00", "17110": "135.00", "69210": "70.00", "97110": "60.00",
    "94760": "10.00", "90686": "32.00", "90471": "25.00",
}  # fmt: skip


def provider_of(practice: str, rng: random.Random) -> tuple[str, str, str, str, float]:
    return rng.choice([p for p in PROVIDERS if p[3] == practice])


def visit(rng: random.Random, patient: dict, slip: float) -> tuple[list[str], list[tuple]]:
    """Diagnoses and lines (code, modifiers, pointers, prior auth) of one visit."""
    age, practice, kind = patient["age"], patient["practice"], patient["payer"][2]
    chronic = patient["chronic"]
    err = rng.random() < slip
    if practice == "card":
        dx = [rng.choice(["I10", "I480", "I2510", "R079", "I509"])]
        if "Z7901" in chronic:
            dx.append("Z7901")
        lines: list[tuple] = [(rng.choice(["99213", "99214", "99215"]), (), (1,), None)]
        roll = rng.random()
        if roll < 0.35:
            lines.append(("93000", (), (1,), None))
        elif roll < 0.55:
            code = rng.choice(["93306", "93015", "93224"])
            auth = None if err or rng.random() < 0.15 else f"PA{rng.randrange(10**6)}"
            lines.append((code, (), (1,), auth))
        elif roll < 0.75 and "Z7901" in chronic:
            lines.append(("85610", (), (2 if not err else 1,), None))
            lines.append(("36415", (), (1,), None))
        return dx, lines
    roll = rng.random()
    if roll < 0.22:  # yearly physical
        code = "G0439" if kind == "medicare" else ("99397" if age >= 65 else "99396")
        code = "99395" if age < 40 and kind != "medicare" else code
        if kind == "medicare" and err:
            code = "99397"  # a routine physical billed to Medicare
        dx = ["Z0000"] + [c for c in chronic if c != "Z7901"][:1]
        lines = [(code, (), (1,), None)]
        if rng.random() < 0.3:
            lines.append(("93000", (), (1,), None))
        if rng.random() < 0.4:
            lines += [("80061", (), (1,), None), ("36415", (), (1,), None)]
        if rng.random() < 0.3:
            lines.append((rng.choice(["G0444", "96127", "99406"]), (), (1,), None))
        return dx, lines
    if roll < 0.45 and "E1165" in chronic:  # diabetes follow-up with an A1c
        return ["E1165", "I10"], [
            ("99214", (), (1, 2), None),
            ("83036", (), (1,), None),
            ("36415", (), (1,), None),
        ]
    if roll < 0.58:  # a minor procedure with the visit
        proc = rng.choice(["20610", "17110", "69210", "96372"])
        dx = {"20610": ["M1711"], "17110": ["B079"], "69210": ["H6121"], "96372": ["M5450"]}[proc]
        mods = () if err else ("25",)
        lines = [(rng.choice(["99213", "99214"]), mods, (1,), None), (proc, (), (1,), None)]
        if proc == "20610" and kind != "medicare" and not err and rng.random() < 0.7:
            lines[1] = (proc, (), (1,), f"PA{rng.randrange(10**6)}")
        if proc == "96372":
            lines.append(("J1030", (), (1,), None))
        return dx, lines
    if roll < 0.63:  # therapeutic exercise
        return ["M5450"], [("97110", () if err else ("GP",), (1,), None)]
    dx = [rng.choice(["J069", "J029", "M5450", "R5383", "N390", "J0190"])]
    lines = [(rng.choice(["99212", "99213", "99214"]), (), (1,), None)]
    if dx[0] == "J029":
        lines.append(("87880", (), (1,), None))
    if dx[0] == "N390":
        lines.append(("81002", (), (1,), None))
    if dx[0] == "R5383" and rng.random() < 0.5:  # an A1c for fatigue
        lines += [("83036", (), (1,), None), ("36415", (), (1,), None)]
    return dx, lines


def patients(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(n):
        practice = "card" if rng.random() < 0.3 else "fm"
        age = rng.randint(19, 90)
        payers = [p for p in PAYERS if (p[2] == "medicare") == (age >= 65)]
        weights = [p[3] for p in payers]
        payer = rng.choices(payers, weights)[0]
        chronic = [
            c
            for c, share in (("E1165", 0.25), ("I10", 0.4), ("Z7901", 0.2))
            if rng.random() < share
        ]
        out.append(
            {"id": f"M{i:06d}{rng.randrange(100):02d}", "practice": practice, "age": age,
             "payer": payer, "chronic": chronic, "name": PersonName(f"Patient{i}", "Pat")}
        )  # fmt: skip
    return out


def make_claim(n: int, patient: dict, day: dt.date, sent: dt.date, rng: random.Random) -> Claim:
    first, last, npi, practice, slip = provider_of(patient["practice"], rng)
    dx, lines = visit(rng, patient, slip)
    name, payer_id, kind, _ = patient["payer"]
    dob = day.replace(year=day.year - patient["age"], day=1)
    return Claim(
        claim_id=f"B{n:07d}",
        date_of_service=day,
        place_of_service="11",
        frequency_code="1",
        billing_provider=BillingProvider(
            "Riverbend Family Medicine" if practice == "fm" else "Keystone Heart and Rhythm",
            npi_with_check_digit("128457390" if practice == "fm" else "164820735"),
            "251846203",
            Address("1200 Riverbend Dr", "Camp Hill", "PA", "170112418"),
        ),
        payer=Payer(name, payer_id, kind),
        subscriber=Subscriber(patient["name"], patient["id"], dob, "F"),
        patient=Patient(patient["name"], dob, "F", "self"),
        diagnoses=tuple(dx),
        lines=tuple(
            ServiceLine(
                i,
                code,
                Money(FEES[code]),
                Decimal(1),
                mods,
                ptr,
                prior_authorization=auth,
            )
            for i, (code, mods, ptr, auth) in enumerate(lines, start=1)
        ),
        submission_date=sent,
        rendering_provider=Provider(PersonName(last, first), npi_with_check_digit(npi)),
    )


def scrubber_warnings():
    """The scrubber's warning codes per claim, or None when the code sets are not built."""
    try:
        from medbill.core.scrubber.engine import References, Scrubber

        scrubber = Scrubber(References.load(), today=dt.date(2026, 6, 1))
    except Exception as exc:  # code sets not built: the bench still runs without them
        print(f"scrubber unavailable ({type(exc).__name__}: {exc}); warnings left out")
        return None

    def run(claim: Claim) -> tuple[str, ...]:
        return tuple(f.code for f in scrubber.findings(claim) if f.severity != "error")

    return run


def history(args: argparse.Namespace) -> list[tuple[ClaimFeatures, list[bool]]]:
    rng = random.Random(args.seed)
    people = patients(rng, args.patients)
    start = dt.date(2025, 1, 1)
    visits: list[tuple[dt.date, dt.date, dict]] = []
    for m in range(args.months):
        month = dt.date(start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1, 1)
        for _ in range(args.visits):
            day = month + dt.timedelta(days=rng.randrange(28))
            lag = rng.randint(1, 12) if rng.random() > 0.05 else rng.randint(60, 240)
            visits.append((day, day + dt.timedelta(days=lag), rng.choice(people)))
    visits.sort(key=lambda v: (v[1], v[0]))
    payers = {
        p[1]: Adjudicator(realistic_profile(p[1], p[0].upper(), p[2]), seed=args.seed)
        for p in PAYERS
    }
    scrub = scrubber_warnings() if args.scrub else None
    last: dict[tuple[str, str], dt.date] = {}
    out = []
    for n, (day, sent, patient) in enumerate(visits):
        claim = make_claim(n, patient, day, sent, rng)
        payment = payers[patient["payer"][1]].adjudicate_claim(claim, sent)
        seen = {code: d for (member, code), d in last.items() if member == patient["id"]}
        feats = claim_features(
            claim, sent=sent, warnings=scrub(claim) if scrub else (), last_seen=seen
        )
        out.append((feats, denied_lines(payment, len(claim.lines))))
        for line in claim.lines:
            last[(patient["id"], line.code)] = day
    return out


def show(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--months", type=int, default=16)
    ap.add_argument("--test-months", type=int, default=4)
    ap.add_argument("--visits", type=int, default=900, help="visits per month")
    ap.add_argument("--patients", type=int, default=3000)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-scrub", dest="scrub", action="store_false")
    args = ap.parse_args()

    t0 = time.perf_counter()
    data = history(args)
    months = sorted({f.month for f, _ in data})
    test_from = months[-args.test_months]
    train, test = split_by_month(data, lambda e: e[0].month, test_from)
    t1 = time.perf_counter()
    model = fit(train)
    t2 = time.perf_counter()
    scores = [model.predict(f).probability for f, _ in test]
    labels = [any(d) for _, d in test]
    t3 = time.perf_counter()

    denied_train = sum(any(d) for _, d in train) / len(train)
    print(
        f"history: {len(data)} claims over {len(months)} months ({months[0]} .. {months[-1]}); "
        f"{t1 - t0:.1f} s to make and adjudicate"
    )
    print(
        f"train: {len(train)} claims, months before {test_from}, {denied_train:.1%} with a denial; "
        f"fit {t2 - t1:.1f} s, {len(model.weights)} features"
    )
    print(
        f"test:  {len(test)} claims, {test_from} .. {months[-1]}, "
        f"{sum(labels) / len(labels):.1%} with a denial; predict {t3 - t2:.2f} s"
    )
    print(f"AUC on held-out months: {auc(scores, labels):.3f}")
    for th in sorted({args.threshold, 0.2, 0.5}):
        p, r, k = precision_recall(scores, labels, th)
        mark = "  <- hold threshold" if th == args.threshold else ""
        print(f"threshold {th:.2f}: flags {k} claims, precision {p:.3f}, recall {r:.3f}{mark}")
    print("calibration on held-out months (claims):")
    rows = [("bin", "claims", "predicted", "observed")]
    rows += [
        (f"{b.low:.1f}-{b.high:.1f}", str(b.count), f"{b.predicted:.3f}", f"{b.observed:.3f}")
        for b in reliability(scores, labels)
    ]
    show(rows)
    print("features with the largest weights:")
    top = sorted(model.weights.items(), key=lambda kv: -kv[1])[:8]
    for key, w in top:
        denied, seen = model.counts[key]
        print(f"  {w:+.2f}  {describe(key.split(chr(31)), denied, seen)}")


if __name__ == "__main__":
    main()
