"""Write the demo practice (:mod:`.generate`) into the database.

``seed(seed)`` replaces whatever demo data is there: it refuses to touch a database
that holds any organization other than the demo one, so it can never wipe a real
practice. Rows are written in bulk; one audit event per practice records the load
(the bulk writes bypass the per-row audit signals on purpose).

``database_digest()`` hashes the demo rows independent of primary keys and
timestamps, so two loads of the same seed can be compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from medbill.web.demo import generate
from medbill.web.demo.generate import DemoData, Person, VisitSpec
from medbill.web.demo.tables import (
    DEMO_PASSWORD_PREFIX,
    FEE_SCHEDULE,
    ORGANIZATION,
    PAYERS,
    PRACTICES,
    PROVIDERS,
    SHORT_CODES,
    USERS,
    AddressRow,
)

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

__all__ = [
    "DemoSeedError",
    "SeedResult",
    "database_digest",
    "demo_refs",
    "demo_users",
    "seed",
    "write_visits",
]

DIGEST_APPS = ("practice", "frontdesk", "coding", "billing")
DIGEST_SKIP = {"practice.AuditEvent", "practice.ApiToken"}


class DemoSeedError(RuntimeError):
    """The database holds data that is not the demo's; seeding would destroy it."""


@dataclass(frozen=True)
class SeedResult:
    data: DemoData
    counts: dict[str, int]
    users: list[dict[str, str]]


def demo_users() -> list[dict[str, str]]:
    """Username, password, role and practices of each demo user (printed by the CLI).

    The practices are named in the order the practice switcher lists them, by name: the
    first is the one the user works in after signing in."""
    names = {p["key"]: p["name"] for p in PRACTICES}
    return [
        {
            "username": u["username"],
            "password": DEMO_PASSWORD_PREFIX + u["username"],
            "role": u["role"],
            "practices": ", ".join(sorted(names[k] for k in u.get("practices", tuple(names)))),
        }
        for u in USERS
    ]


def _model(label: str):
    return apps.get_model(label)


def _clear() -> None:
    Organization = _model("practice.Organization")
    others = Organization.objects.exclude(name=ORGANIZATION["name"])
    if others.exists():
        raise DemoSeedError(
            "the database holds organizations other than the demo's "
            f"({others.count()}); point DATABASE_URL at an empty database for the demo"
        )
    # The ledger and audit trail are append-only, in the database too; flushing a demo
    # database is the one sanctioned way to start over (see practice.append_only).
    call_command("flush", interactive=False, verbosity=0)


def _addr(d: AddressRow, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}line1": d["line1"],
        f"{prefix}line2": d["line2"],
        f"{prefix}city": d["city"],
        f"{prefix}state": d["state"],
        f"{prefix}zip": d["zip"],
    }


def _aware(value: dt.datetime, practice: Practice | None = None) -> dt.datetime:
    """A wall-clock time of the schedule, in the practice's own time zone."""
    zone = practice.zone if practice is not None else timezone.get_default_timezone()
    return timezone.make_aware(value, zone)


def seed(
    seed: int = generate.DEFAULT_SEED,
    start: dt.date = generate.DEFAULT_START,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Replace the demo data with the demo practice for ``seed``; returns what was written."""
    data = generate.build(seed, start)
    step = progress or (lambda _label: None)
    with transaction.atomic():
        step("clearing the demo database")
        _clear()
        step("organization, practices, providers, payers")
        refs = _master_data()
        step("fee schedules")
        _fee_schedules(refs, start)
        step("demo users")
        _users(refs)
        step("patients and coverage")
        patients = _patients(data, refs)
        step("visits and notes")
        write_visits(data.visits, refs, patients)
        _record_load(refs, data)
    counts = {
        label.split(".")[1].lower(): _model(label).objects.count()
        for label in (
            "practice.Practice",
            "practice.Provider",
            "practice.Payer",
            "practice.FeeScheduleEntry",
            "frontdesk.Patient",
            "frontdesk.Coverage",
            "frontdesk.Visit",
            "frontdesk.ClinicalNote",
            "coding.Diagnosis",
            "coding.ServiceLine",
        )
    }
    return SeedResult(data, counts, demo_users())


def _master_data() -> dict:
    Organization = _model("practice.Organization")
    Practice, Location = _model("practice.Practice"), _model("practice.Location")
    Provider, Payer = _model("practice.Provider"), _model("practice.Payer")
    org = Organization.objects.create(name=ORGANIZATION["name"], kind=ORGANIZATION["kind"])
    practices = {}
    for p in PRACTICES:
        practices[p["key"]] = Practice(
            organization=org,
            name=p["name"],
            short_code=SHORT_CODES[p["key"]],
            legal_name=p["legal_name"],
            tin=p["tin"],
            group_npi=p["group_npi"],
            taxonomy=p["taxonomy"],
            phone=p["phone"],
            contact_name="Billing office",
            time_zone=p["time_zone"],
            # The documented demo sign-in is username and password alone (docs, tooling).
            mfa_required=False,
            **_addr(p["billing_address"], "billing_"),
            **_addr(p["pay_to_address"], "pay_to_"),
        )
    Practice.objects.bulk_create(practices.values())
    locations = {}
    for p in PRACTICES:
        for loc in p["locations"]:
            locations[loc["key"]] = Location(
                practice=practices[p["key"]],
                name=loc["name"],
                place_of_service=loc["place_of_service"],
                phone=p["phone"],
                **_addr(loc["address"]),
            )
    Location.objects.bulk_create(locations.values())
    providers = {
        d["key"]: Provider(
            practice=practices[d["practice"]],
            first_name=d["first"],
            last_name=d["last"],
            credentials=d["credentials"],
            npi=d["npi"],
            taxonomy=d["taxonomy"],
        )
        for d in PROVIDERS
    }
    Provider.objects.bulk_create(providers.values())
    payers = {
        d["key"]: Payer(
            organization=org,
            name=d["name"],
            payer_id=d["payer_id"],
            payer_type=d["type"],
            claim_filing_indicator=d["filing_indicator"],
            clearinghouse_route=d["route"],
            **_addr(d["address"]),
        )
        for d in PAYERS
    }
    Payer.objects.bulk_create(payers.values())
    return {
        "org": org,
        "practices": practices,
        "locations": locations,
        "providers": providers,
        "payers": payers,
    }


def _fee_schedules(refs: dict, start: dt.date) -> None:
    FeeSchedule, Entry = _model("practice.FeeSchedule"), _model("practice.FeeScheduleEntry")
    year_start = dt.date(start.year, 1, 1)
    entries = []
    for key, practice in refs["practices"].items():
        schedule = FeeSchedule.objects.create(
            practice=practice, name=f"Standard charges {start.year}", effective_from=year_start
        )
        entries += [
            Entry(
                practice=practice,
                fee_schedule=schedule,
                code_system=item.system,
                code=item.code,
                description=item.description,
                price=Decimal(item.price),
                effective_from=year_start,
            )
            for item in FEE_SCHEDULE
            if key in item.practices
        ]
    Entry.objects.bulk_create(entries)


def _users(refs: dict) -> None:
    User, Membership = get_user_model(), _model("practice.Membership")
    memberships = []
    for u in USERS:
        user = User(
            username=u["username"],
            first_name=u["first"],
            last_name=u["last"],
            email=f"{u['username']}@demo.medbill.example",
            is_staff=u["role"] == "admin",
            is_superuser=u["role"] == "admin",
        )
        user.set_password(DEMO_PASSWORD_PREFIX + u["username"])
        user.save()
        for key in u.get("practices", tuple(refs["practices"])):
            memberships.append(
                Membership(user=user, practice=refs["practices"][key], role=u["role"])
            )
    Membership.objects.bulk_create(memberships)


def _subscriber_fields(person: Person) -> dict:
    return {
        "subscriber_last_name": person.last,
        "subscriber_first_name": person.first,
        "subscriber_date_of_birth": person.dob,
        "subscriber_sex": person.sex,
        **_addr(person.address, "subscriber_"),
    }


def _patients(data: DemoData, refs: dict) -> dict:
    Patient, Guarantor = _model("frontdesk.Patient"), _model("frontdesk.Guarantor")
    Coverage = _model("frontdesk.Coverage")
    rows = {}
    for spec in data.patients:
        p = spec.person
        rows[spec.account] = Patient(
            practice=refs["practices"][spec.practice],
            account_number=spec.account,
            first_name=p.first,
            last_name=p.last,
            date_of_birth=p.dob,
            sex=p.sex,
            phone=spec.phone,
            email=spec.email,
            preferred_language=spec.language,
            **_addr(p.address),
        )
    Patient.objects.bulk_create(rows.values())
    guarantors, coverages = [], []
    for spec in data.patients:
        patient = rows[spec.account]
        g = spec.guarantor or spec.person
        guarantors.append(
            Guarantor(
                practice=patient.practice,
                patient=patient,
                relationship=spec.guarantor_relationship,
                first_name=g.first,
                last_name=g.last,
                date_of_birth=g.dob,
                phone=spec.phone,
                email=spec.email,
                **_addr(g.address),
            )
        )
        for cov in spec.coverages:
            coverages.append(
                Coverage(
                    practice=patient.practice,
                    patient=patient,
                    payer=refs["payers"][cov.payer],
                    order=cov.order,
                    member_id=cov.member_id,
                    group_number=cov.group_number,
                    relationship_to_subscriber=cov.relationship,
                    effective_date=cov.effective,
                    **_subscriber_fields(cov.subscriber),
                )
            )
    Guarantor.objects.bulk_create(guarantors)
    Coverage.objects.bulk_create(coverages)
    return rows


def demo_refs() -> tuple[dict, dict]:
    """The seeded demo's rows by the keys of its tables, and its patients by account:
    what ``write_visits`` needs to add visits to a demo seeded before."""
    Practice, Provider = _model("practice.Practice"), _model("practice.Provider")
    Location, Patient = _model("practice.Location"), _model("frontdesk.Patient")
    practices = {key: Practice.objects.get(short_code=code) for key, code in SHORT_CODES.items()}
    providers = {
        d["key"]: Provider.objects.get(practice=practices[d["practice"]], npi=d["npi"])
        for d in PROVIDERS
    }
    locations = {
        loc["key"]: Location.objects.get(practice=practices[p["key"]], name=loc["name"])
        for p in PRACTICES
        for loc in p["locations"]
    }
    patients = {
        p.account_number: p for p in Patient.objects.filter(practice__in=practices.values())
    }
    return {"practices": practices, "providers": providers, "locations": locations}, patients


def write_visits(visits: Iterable[VisitSpec], refs: dict, patients: dict) -> list[Any]:
    """Write visits with their notes, and the diagnoses and service lines of the coded
    ones (their answer key); returns the visit rows in order."""
    Visit, Note = _model("frontdesk.Visit"), _model("frontdesk.ClinicalNote")
    Diagnosis, ServiceLine = _model("coding.Diagnosis"), _model("coding.ServiceLine")
    visits = list(visits)
    rows = []
    for spec in visits:
        start = _aware(spec.start, refs["practices"][spec.practice])
        seen = spec.status in ("coded", "checked_out")
        rows.append(
            Visit(
                practice=refs["practices"][spec.practice],
                patient=patients[spec.patient],
                provider=refs["providers"][spec.provider],
                location=refs["locations"][spec.location],
                scheduled_at=start,
                duration_minutes=spec.minutes,
                reason=spec.reason,
                status=spec.status,
                checked_in_at=start - dt.timedelta(minutes=10) if seen else None,
                checked_out_at=start + dt.timedelta(minutes=spec.minutes) if seen else None,
            )
        )
    Visit.objects.bulk_create(rows)
    notes, diagnoses, lines = [], [], []
    for spec, visit in zip(visits, rows, strict=True):
        if spec.note:
            notes.append(
                Note(
                    practice=visit.practice,
                    visit=visit,
                    author=visit.provider,
                    text=spec.note,
                    signed_at=visit.checked_out_at,
                )
            )
        if spec.status != "coded":
            continue
        diagnoses += [
            Diagnosis(practice=visit.practice, visit=visit, code=code.replace(".", ""), position=i)
            for i, code in enumerate(spec.diagnoses, start=1)
        ]
        lines += [
            ServiceLine(
                practice=visit.practice,
                visit=visit,
                position=i,
                code_system=s.system,
                code=s.code,
                modifiers=list(s.modifiers),
                units=Decimal(s.units),
                charge=Decimal(s.charge),
                dx_pointers=list(s.pointers),
                description=s.description,
            )
            for i, s in enumerate(spec.services, start=1)
        ]
    Note.objects.bulk_create(notes)
    Diagnosis.objects.bulk_create(diagnoses)
    ServiceLine.objects.bulk_create(lines)
    return rows


def _record_load(refs: dict, data: DemoData) -> None:
    from medbill.web.practice import audit

    for key, practice in refs["practices"].items():
        patients = sum(1 for p in data.patients if p.practice == key)
        visits = sum(1 for v in data.visits if v.practice == key)
        audit.record(
            practice,
            "create",
            {
                "demo_seed": {
                    "before": None,
                    "after": f"seed {data.seed}: {patients} patients, {visits} visits",
                },
            },
            source="cli",
        )


# -- digest ------------------------------------------------------------------------------------


def _digest_fields(model) -> list:
    fields = []
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if callable(f.default) and f.default not in (dict, list):
            continue  # created_at=timezone.now and the like differ on every load
        fields.append(f)
    return fields


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def database_digest() -> str:
    """SHA-256 of every demo row, with keys replaced by row order and timestamps left out."""
    User = get_user_model()
    models = [
        m
        for app in DIGEST_APPS
        for m in apps.get_app_config(app).get_models()
        if m._meta.label not in DIGEST_SKIP
    ]
    ordinal: dict[str, dict[Any, int | str]] = {
        m._meta.label: {
            pk: i
            for i, pk in enumerate(m._default_manager.order_by("pk").values_list("pk", flat=True))
        }
        for m in models
    }
    ordinal[User._meta.label] = dict(User.objects.values_list("pk", "username"))
    out: dict[str, list] = {}
    for m in sorted(models, key=lambda m: m._meta.label):
        fields = _digest_fields(m)
        rows = []
        for obj in m._default_manager.order_by("pk").values("pk", *[f.attname for f in fields]):
            row = []
            for f in fields:
                value = obj[f.attname]
                if f.is_relation and value is not None:
                    value = ordinal.get(f.related_model._meta.label, {}).get(value, value)
                row.append(_plain(value))
            rows.append(row)
        out[m._meta.label] = rows
    users = sorted(User.objects.values_list("username", "first_name", "last_name", "is_staff"))
    out["users"] = [list(u) for u in users]
    text = json.dumps(out, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
