"""A billing company at scale on PostgreSQL, measured with the real views and services.

Builds (bulk-loaded with COPY) ``--claims`` claims over ``--practices`` practices and
``--years`` years of dates of service, with their patients, coverages, visits, coding work,
claim lines, ledger entries (charges, payer payments, contractual adjustments, transfers to
the patient, patient payments), 835 remittances, denials and audit events. Then it measures,
signed in as a biller and a manager of one practice:

* pages through Django's request handling (A/R aging, denial report, financial dashboard,
  accounts list, claim page, patient search, coding queue, denial queue): p95 over
  ``--requests`` requests each;
* services: posting a 5,000-claim 835, building 5,000 claims, a statement run over
  10,000 patients' accounts.

The last line is one summary, e.g.
``scale: 1000000 claims, 10400000 entries; A/R aging p95 0.41 s; …``.

    python bench/scale.py                          # 1,000,000 claims (tens of minutes)
    python bench/scale.py --claims 100000          # a quicker look
    python bench/scale.py --reuse                  # measure again without reloading

It uses its own database (``--database``, default ``medbill_scale`` on the local server) and
never touches another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

SERVER = os.environ.get("MEDBILL_SCALE_SERVER", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "scale-bench-password-1"

CODES = [  # (code, charge, allowed share)
    ("99213", Decimal("135.00"), Decimal("0.62")),
    ("99214", Decimal("190.00"), Decimal("0.60")),
    ("99203", Decimal("170.00"), Decimal("0.61")),
    ("36415", Decimal("18.00"), Decimal("0.55")),
    ("81002", Decimal("12.00"), Decimal("0.50")),
    ("90686", Decimal("38.00"), Decimal("0.80")),
    ("93000", Decimal("60.00"), Decimal("0.58")),
]
DIAGNOSES = ["E11.9", "I10", "J06.9", "M54.50", "E78.5", "Z00.00", "R51.9", "K21.9"]
PAYERS = [
    ("Medicare Part B", "MCR01", "MB"),
    ("State Medicaid", "MCD01", "MC"),
    ("Blue Plan", "BLUE1", "BL"),
    ("United Health", "87726", "CI"),
    ("Aetna", "60054", "CI"),
    ("Cigna", "62308", "CI"),
    ("Humana", "61101", "CI"),
    ("Tricare East", "TRI01", "CH"),
]
DENIALS = [("CO", "197"), ("CO", "16"), ("CO", "50"), ("CO", "29"), ("PR", "27"), ("CO", "18")]


def npi(n: int) -> str:
    """A valid NPI for the ``n``-th provider."""
    from medbill.core.identifiers import npi_check_digit

    base = f"1{n:08d}"
    return base + str(npi_check_digit(base))


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--practices", type=int, default=50)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--requests", type=int, default=50, help="requests per page measured")
    ap.add_argument("--database", default="medbill_scale")
    ap.add_argument("--reuse", action="store_true", help="measure the loaded database again")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pages-only", action="store_true", help="skip the service timings")
    ap.add_argument(
        "--no-runs", action="store_true", help="skip the claim build and the statement run"
    )
    return ap.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MEDBILL_DEBUG", "1")
    os.environ.setdefault("MEDBILL_LOG_LEVEL", "WARNING")
    from medbill.web import bootstrap

    bootstrap()


def recreate(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# -- bulk loading ------------------------------------------------------------------------------


class Loader:
    """COPY rows into a model's table; columns not given take the field's default."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.counts: dict[str, int] = {}
        self.next_ids: dict[str, int] = {}

    def ids(self, model: Any, n: int) -> range:
        table = model._meta.db_table
        if table not in self.next_ids:
            with self.connection.cursor() as cur:
                cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self.next_ids[table] = cur.fetchone()[0]
        start = self.next_ids[table]
        self.next_ids[table] = start + n
        return range(start, start + n)

    def copy(self, model: Any, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        fields = [f for f in model._meta.concrete_fields]
        given = set(columns)
        rest = [f for f in fields if f.attname not in given and not f.primary_key]
        defaults = []
        for f in rest:
            value = f.get_default()
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = dt.datetime.now(dt.UTC)
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            defaults.append(value)
        by_attname = {f.attname: f for f in fields}
        names = [by_attname[c].column for c in columns] + [f.column for f in rest]
        json_cols = {
            i for i, c in enumerate(columns) if by_attname[c].get_internal_type() == "JSONField"
        }
        table = model._meta.db_table
        cols = ", ".join(f'"{n}"' for n in names)
        tail = tuple(defaults)
        with self.connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    if json_cols:
                        row = tuple(
                            json.dumps(v) if i in json_cols else v for i, v in enumerate(row)
                        )
                    copy.write_row(row + tail)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def reset_sequences(self) -> None:
        with self.connection.cursor() as cur:
            for table in self.next_ids:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )


def build_company(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from medbill.web.practice.models import (
        Location,
        Membership,
        Organization,
        Payer,
        Practice,
        Provider,
    )

    rng = random.Random(args.seed)
    today = dt.date.today()
    first_day = today - dt.timedelta(days=365 * args.years)
    span = (today - first_day).days
    org = Organization.objects.create(name="Keystone Billing Partners")
    payers = [
        Payer.objects.create(organization=org, name=n, payer_id=pid, claim_filing_indicator=cfi)
        for n, pid, cfi in PAYERS
    ]
    biller = User.objects.create_user("scale-biller", password=PASSWORD)
    manager = User.objects.create_user("scale-manager", password=PASSWORD)
    loader = Loader()
    per_practice = args.claims // args.practices
    started = time.perf_counter()
    practices = []
    for p in range(args.practices):
        practice = Practice.objects.create(
            organization=org,
            name=f"Practice {p + 1:02d}",
            short_code=f"P{p + 1:03d}",
            legal_name=f"Practice {p + 1:02d} PC",
            tin=f"{23 + p:02d}1234567"[:9],
            group_npi="1234567893",
            billing_line1="1 Main St",
            billing_city="Harrisburg",
            billing_state="PA",
            billing_zip="171011234",
            time_zone="America/New_York",
            mfa_required=False,
        )
        Membership.objects.create(user=biller, practice=practice, role="biller")
        Membership.objects.create(user=manager, practice=practice, role="manager")
        providers = [
            Provider.objects.create(
                practice=practice,
                last_name=f"Doctor{i}",
                first_name="Pat",
                npi=npi(p * 10 + i),
                taxonomy="207Q00000X",
            )
            for i in range(5)
        ]
        location = Location.objects.create(
            practice=practice,
            name="Main office",
            line1="1 Main St",
            city="Harrisburg",
            state="PA",
            zip="171011234",
            place_of_service="11",
        )
        practices.append(practice)
        with transaction.atomic():
            _load_practice(
                loader,
                rng,
                practice,
                providers,
                location,
                payers,
                per_practice,
                first_day,
                span,
                today,
                biller,
            )
        if (p + 1) % 5 == 0 or p + 1 == args.practices:
            done = (p + 1) * per_practice
            print(
                f"  loaded {p + 1}/{args.practices} practices ({done} claims, "
                f"{loader.counts.get('billing_entry', 0)} entries) in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
    loader.reset_sequences()
    with connection.cursor() as cur:  # as autovacuum would after a load
        cur.execute("VACUUM ANALYZE")
    return {"load_seconds": time.perf_counter() - started, "counts": loader.counts}


def _load_practice(
    loader: Loader,
    rng: random.Random,
    practice: Any,
    providers: list[Any],
    location: Any,
    payers: list[Any],
    n_claims: int,
    first_day: dt.date,
    span: int,
    today: dt.date,
    user: Any,
) -> None:
    from medbill.web.billing.models import Claim, ClaimLine, Entry
    from medbill.web.billing.remittance_models import (
        DenialItem,
        Remittance,
        RemittanceClaim,
        RemittanceFile,
    )
    from medbill.web.coding.work_models import CodingWork
    from medbill.web.frontdesk.models import Coverage, Patient, Visit
    from medbill.web.practice.models import AuditEvent

    pid = practice.pk
    n_patients = max(n_claims // 2, 1)
    patient_ids = loader.ids(Patient, n_patients)
    coverage_ids = loader.ids(Coverage, n_patients)
    patient_payer = {}
    patients, coverages = [], []
    for i, (pat, cov) in enumerate(zip(patient_ids, coverage_ids, strict=True)):
        payer = payers[rng.randrange(len(payers))]
        patient_payer[pat] = (payer, cov)
        dob = dt.date(1940 + rng.randrange(75), 1 + rng.randrange(12), 1 + rng.randrange(28))
        patients.append(
            (
                pat,
                pid,
                f"A{pid:03d}{i:07d}",
                f"Last{i % 9973}",
                f"First{i % 613}",
                dob,
                "F" if i % 2 else "M",
                "1 Elm St",
                "Harrisburg",
                "PA",
                "171011234",
            )
        )
        coverages.append((cov, pid, pat, payer.pk, 1, f"M{pid:03d}{i:08d}", "self"))
    loader.copy(
        Patient,
        [
            "id",
            "practice_id",
            "account_number",
            "last_name",
            "first_name",
            "date_of_birth",
            "sex",
            "line1",
            "city",
            "state",
            "zip",
        ],
        patients,
    )
    loader.copy(
        Coverage,
        [
            "id",
            "practice_id",
            "patient_id",
            "payer_id",
            "order",
            "member_id",
            "relationship_to_subscriber",
        ],
        coverages,
    )

    visit_ids = loader.ids(Visit, n_claims)
    claim_ids = loader.ids(Claim, n_claims)
    visits, works, claims, lines, entries, audit = [], [], [], [], [], []
    rem_claims, denials = [], []
    weekly: dict[tuple[int, int], list[tuple]] = {}
    line_id = loader.ids(ClaimLine, int(n_claims * 3)).start
    entry_counter = 0
    for k, (vid, cid) in enumerate(zip(visit_ids, claim_ids, strict=True)):
        pat = patient_ids[rng.randrange(n_patients)]
        payer, cov = patient_payer[pat]
        dos = first_day + dt.timedelta(days=int(span * k / n_claims))
        when = dt.datetime.combine(dos, dt.time(8 + k % 9, 0), tzinfo=dt.UTC)
        age = (today - dos).days
        recent = age < 10
        visits.append(
            (
                vid,
                pid,
                pat,
                providers[k % 5].pk,
                location.pk,
                when,
                "coding" if recent else "billed",
                when,
            )
        )
        works.append((pid, vid, "coding" if recent else "coded", None if recent else user.pk))
        if recent:
            continue
        n_lines = 3 if rng.random() < 0.3 else 2
        picks = [CODES[0 if rng.random() < 0.5 else 1]] + [
            CODES[3 + rng.randrange(4)] for _ in range(n_lines - 1)
        ]
        fate = rng.random()
        status = (
            "paid"
            if fate < 0.85
            else "denied"
            if fate < 0.93
            else "submitted"
            if age < 60
            else "accepted"
        )
        total = sum(c[1] for c in picks)
        claims.append(
            (
                cid,
                pid,
                vid,
                pat,
                cov,
                payer.pk,
                f"{pid}X{cid}",
                status,
                rng.sample(DIAGNOSES, 2),
                when,
                when,
                when,
            )
        )
        audit.append(
            (
                when,
                user.pk,
                "scale-biller",
                pid,
                "billing.claim",
                str(cid),
                f"claim {cid}",
                "create",
                {},
                "web",
                {},
            )
        )
        audit.append(
            (
                when + dt.timedelta(days=1),
                user.pk,
                "scale-biller",
                pid,
                "billing.claim",
                str(cid),
                f"claim {cid}",
                "view",
                {},
                "web",
                {},
            )
        )
        paid_day = dos + dt.timedelta(days=14 + rng.randrange(20))
        posted = dt.datetime.combine(min(paid_day, today), dt.time(12), tzinfo=dt.UTC)
        claim_lines = []
        for n, (code, charge, share) in enumerate(picks, start=1):
            lid = line_id
            line_id += 1
            claim_lines.append((lid, charge, share))
            lines.append((lid, pid, cid, n, code, [], 1, charge, [1], dos))
            entries.append(
                (
                    "charge",
                    charge,
                    "payer",
                    pat,
                    vid,
                    cid,
                    lid,
                    payer.pk,
                    dos,
                    when,
                    "",
                    "",
                    "",
                    "",
                    "claim",
                    "",
                )
            )
        week = (payer.pk, (paid_day - first_day).days // 7)
        if status in ("paid", "denied") and paid_day <= today:
            paid_total = Decimal(0)
            for lid, charge, share in claim_lines:
                if status == "denied":
                    continue
                allowed = (charge * share).quantize(Decimal("0.01"))
                patient_part = (allowed * Decimal("0.2")).quantize(Decimal("0.01"))
                paid = allowed - patient_part
                paid_total += paid
                entries += [
                    (
                        "payment",
                        -paid,
                        "payer",
                        pat,
                        vid,
                        cid,
                        lid,
                        payer.pk,
                        paid_day,
                        posted,
                        "",
                        "",
                        "eft",
                        "",
                        "era",
                        "",
                    ),
                    (
                        "adjustment",
                        -(charge - allowed),
                        "payer",
                        pat,
                        vid,
                        cid,
                        lid,
                        payer.pk,
                        paid_day,
                        posted,
                        "CO",
                        "45",
                        "",
                        "",
                        "era",
                        "",
                    ),
                    (
                        "transfer",
                        -patient_part,
                        "payer",
                        pat,
                        vid,
                        cid,
                        lid,
                        payer.pk,
                        paid_day,
                        posted,
                        "PR",
                        "2",
                        "",
                        "",
                        "era",
                        "",
                    ),
                    (
                        "transfer",
                        patient_part,
                        "patient",
                        pat,
                        vid,
                        cid,
                        lid,
                        None,
                        paid_day,
                        posted,
                        "PR",
                        "2",
                        "",
                        "",
                        "era",
                        "",
                    ),
                ]
                if age > 90 and rng.random() < 0.8:
                    entries.append(
                        (
                            "payment",
                            -patient_part,
                            "patient",
                            pat,
                            vid,
                            cid,
                            lid,
                            None,
                            paid_day + dt.timedelta(days=30),
                            posted + dt.timedelta(days=30),
                            "",
                            "",
                            "card",
                            "",
                            "desk",
                            "",
                        )
                    )
            weekly.setdefault(week, []).append((cid, status, total, paid_total, pat, posted))
    loader.copy(
        Visit,
        [
            "id",
            "practice_id",
            "patient_id",
            "provider_id",
            "location_id",
            "scheduled_at",
            "status",
            "created_at",
        ],
        visits,
    )
    loader.copy(CodingWork, ["practice_id", "visit_id", "state", "coder_id"], works)
    loader.copy(
        Claim,
        [
            "id",
            "practice_id",
            "visit_id",
            "patient_id",
            "coverage_id",
            "payer_id",
            "patient_control_number",
            "status",
            "diagnoses",
            "created_at",
            "submitted_at",
            "updated_at",
        ],
        claims,
    )
    loader.copy(
        ClaimLine,
        [
            "id",
            "practice_id",
            "claim_id",
            "line_number",
            "code",
            "modifiers",
            "units",
            "charge",
            "dx_pointers",
            "date_of_service",
        ],
        lines,
    )
    entry_cols = [
        "kind",
        "amount",
        "responsibility",
        "patient_id",
        "visit_id",
        "claim_id",
        "claim_line_id",
        "payer_id",
        "effective_date",
        "posted_at",
        "group_code",
        "reason_code",
        "method",
        "reference",
        "source",
        "source_ref",
    ]
    loader.copy(Entry, ["practice_id", *entry_cols], [(pid, *e) for e in entries])
    entry_counter += len(entries)

    # One 835 per payer and week, with its claims.
    files, rems = [], []
    file_ids = loader.ids(RemittanceFile, len(weekly))
    rem_ids = loader.ids(Remittance, len(weekly))
    rc_id = loader.ids(RemittanceClaim, sum(len(v) for v in weekly.values())).start
    for fid, rid, ((payer_pk, week), rows) in zip(
        file_ids, rem_ids, sorted(weekly.items()), strict=True
    ):
        posted = max(r[5] for r in rows)
        files.append((fid, pid, f"era-{payer_pk}-{week}.835", f"{pid:04d}{fid:060d}"[-64:], posted))
        rems.append(
            (
                rid,
                pid,
                fid,
                payer_pk,
                f"1{payer_pk:09d}",
                f"T{pid}{week:05d}{payer_pk}",
                f"1{payer_pk:09d}",
                sum(r[3] for r in rows),
                posted.date(),
                "posted",
                posted,
            )
        )
        for pos, (cid, status, charge, paid, _patient, when) in enumerate(rows):
            rem_claims.append(
                (
                    rc_id,
                    pid,
                    rid,
                    cid,
                    f"{pid}X{cid}",
                    "4" if status == "denied" else "1",
                    charge,
                    paid,
                    "denied" if status == "denied" else "posted",
                    pos,
                )
            )
            if status == "denied":
                group, carc = DENIALS[cid % len(DENIALS)]
                denials.append(
                    (
                        pid,
                        rc_id,
                        cid,
                        payer_pk,
                        charge,
                        [[group, carc]],
                        [f"{group}-{carc}"],
                        "Correct and resubmit",
                        "open" if (today - when.date()).days < 120 else "resolved",
                        when,
                    )
                )
            rc_id += 1
    loader.copy(RemittanceFile, ["id", "practice_id", "name", "sha256", "imported_at"], files)
    loader.copy(
        Remittance,
        [
            "id",
            "practice_id",
            "file_id",
            "payer_id",
            "payer_identifier",
            "trace_number",
            "trace_originator",
            "total_paid",
            "payment_date",
            "status",
            "posted_at",
        ],
        rems,
    )
    loader.copy(
        RemittanceClaim,
        [
            "id",
            "practice_id",
            "remittance_id",
            "claim_id",
            "claim_identifier",
            "status_code",
            "charge",
            "paid",
            "outcome",
            "position",
        ],
        rem_claims,
    )
    loader.copy(
        DenialItem,
        [
            "practice_id",
            "remittance_claim_id",
            "claim_id",
            "payer_id",
            "amount",
            "reasons",
            "reason_words",
            "action",
            "status",
            "created_at",
        ],
        denials,
    )
    loader.copy(
        AuditEvent,
        [
            "at",
            "user_id",
            "username",
            "practice_id",
            "object_type",
            "object_id",
            "object_repr",
            "action",
            "changes",
            "source",
            "detail",
        ],
        audit,
    )


# -- measuring -----------------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure_pages(requests: int) -> dict[str, float]:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from medbill.web.billing.models import Claim
    from medbill.web.frontdesk.models import Patient
    from medbill.web.practice.models import Practice

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    Practice.objects.update(mfa_required=False)  # the bench users have no second factor
    practice = Practice.objects.order_by("id").first()
    claims = list(
        Claim.objects.filter(practice=practice)
        .order_by("?")
        .values_list("id", flat=True)[:requests]
    )
    names = list(
        Patient.objects.filter(practice=practice)
        .order_by("?")
        .values_list("last_name", flat=True)[:requests]
    )
    results = {}
    for role in ("biller", "manager"):
        client = Client()
        client.force_login(User.objects.get(username=f"scale-{role}"))
        client.post(reverse("switch_practice"), {"practice": practice.pk})
        pages = {
            "biller": {
                "claim page": lambda i: reverse("show_claim", args=[claims[i % len(claims)]]),
                "patient search": lambda i: (
                    reverse("search_patients") + f"?q={names[i % len(names)]}"
                ),
                "accounts": lambda i: reverse("list_accounts"),
                "denial queue": lambda i: reverse("list_denials"),
                "deadlines": lambda i: reverse("list_deadlines"),
                "deposits": lambda i: reverse("list_deposits"),
            },
            "manager": {
                "A/R aging": lambda i: reverse("show_reports"),
                "denial report": lambda i: reverse("show_reports") + "?report=denials",
                "dashboard": lambda i: reverse("show_financials"),
                "coding queue": lambda i: reverse("list_coding_queue"),
                "denial causes": lambda i: reverse("show_denial_causes"),
            },
        }[role]
        for name, url in pages.items():
            times = []
            for i in range(requests):
                start = time.perf_counter()
                response = client.get(url(i))
                times.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code} for {url(i)}")
            results[name] = p95(times)
            print(
                f"  {name}: p95 {results[name]:.3f} s, median {statistics.median(times):.3f} s",
                flush=True,
            )
    return results


def measure_services(runs: bool = True) -> dict[str, str]:
    """Posting a 5,000-claim 835, building 5,000 claims and a statement run of 10,000
    accounts, each in a new practice of the loaded company (so every table is full)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import billing_runs  # the web-run benchmark: claim builds and statement runs
    import era  # the ERA benchmark: synthetic claims and their practice

    from medbill.core.payersim import simulate
    from medbill.core.x12.m835 import write_835
    from medbill.web.billing.era import import_era
    from medbill.web.practice.models import Practice

    # Each service gets a practice of its own; a measurement again (--reuse) takes new ones.
    taken = set(Practice.objects.values_list("short_code", flat=True))
    free = (n for n in itertools.count(91) if f"BENCH{n}" not in taken)
    claims = era.synthetic_claims(5000)
    practice = era.seed_claims(claims, run=next(free))
    data = write_835(simulate(claims, seed=1).remittances)
    database = era.database_cpu()
    start, python = time.perf_counter(), time.process_time()
    result = import_era(None, practice, data, "scale.835", post=True)
    seconds, python = time.perf_counter() - start, time.process_time() - python
    database = era.database_cpu() - database
    posted = sum(len(s.posted) for s in result.sets)
    print(
        f"  post a 5,000-claim 835: {posted} claims in {seconds:.2f} s = "
        f"{posted / seconds:,.0f} claims/s (CPU: Python {python:.2f} s, database "
        f"{database:.2f} s; load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    deadlines = measure_deadline_job()
    if runs:
        billing_runs.bench_build(era.synthetic_claims(5000), next(free))
        billing_runs.bench_statements(era.synthetic_claims(10000), next(free))
    return {"posting": f"{posted / seconds:,.0f} claims/s", "deadline job": deadlines}


def measure_deadline_job() -> str:
    """The daily deadline warning (timely filing and appeals) for every practice."""
    from django.utils import timezone

    from medbill.web.billing.deadlines import warn_of_deadlines
    from medbill.web.practice.models import Practice

    today = timezone.localdate()
    practices = list(Practice.objects.order_by("id"))
    totals: dict[str, int] = {}
    start = time.perf_counter()
    for practice in practices:
        for key, value in warn_of_deadlines(practice, today).items():
            if key != "within":
                totals[key] = totals.get(key, 0) + value
    seconds = time.perf_counter() - start
    print(
        f"  deadline job over {len(practices)} practices: {seconds:.1f} s "
        f"({seconds / max(len(practices), 1):.2f} s a practice; "
        + ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
        + ")",
        flush=True,
    )
    return f"{seconds:.1f} s"


def count_rows() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'billing_claim'")
        claims = cur.fetchone()[0]
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'billing_entry'")
        entries = cur.fetchone()[0]
    return int(claims), int(entries)


def main() -> None:
    args = parse_args()
    url = f"{SERVER}/{args.database}"
    if not args.reuse:
        recreate(args.database)
    setup_django(url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # a reused database may predate new migrations
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    if not args.reuse:
        built = build_company(args)
        print(
            f"loaded in {built['load_seconds']:.0f} s: "
            + ", ".join(f"{t} {n}" for t, n in sorted(built["counts"].items())),
            flush=True,
        )
    claims, entries = count_rows()
    print(f"measuring pages ({args.requests} requests each)", flush=True)
    pages = measure_pages(args.requests)
    services = {} if args.pages_only else measure_services(runs=not args.no_runs)
    figures = "; ".join(f"{name} p95 {value:.2f} s" for name, value in pages.items())
    extra = "".join(f"; {k} {v}" for k, v in services.items())
    print(f"scale: {claims} claims, {entries} entries; {figures}{extra}")


if __name__ == "__main__":
    main()
