"""FHIR R4 import speed: Bundles taken through ``medbill.web.interfaces.fhir_in.import_bundle``,
as ``medbill fhir import`` does.

    .venv/bin/python bench/fhir_import.py [--bundles 300] [--notes] [--copies 10] [--sqlite]

Two kinds of bundle, each a new patient:

- **EHR-style transaction bundles** made here (``--bundles N``, 0 leaves them out): a
  Patient, the payer's Organization (matched by its identifier to the practice's payer)
  and a Coverage, the Practitioner (by NPI, the practice's provider), an ambulatory
  Encounter on a past day, a Condition coded in ICD-10-CM and a Procedure in CPT (99213);
  ``--notes`` adds a DocumentReference with the visit's note. Every one must be imported.
- **The public Synthea bundles** in ``../shared/data/fhir/synthea`` (``--copies K`` times
  each, 0 leaves them out): whole patient histories, 150-430 KB, with many encounters.
  Their practitioners are Synthea's made-up ones, so the practice is first given a
  provider of each name the bundles' Practitioner resources carry (their NPIs, 80 or 600,
  are no NPIs: the provider gets one of its own and is matched by name). Copy 0 is the
  file as published; in the others every UUID is rewritten and the patient's name, birth
  date, address and phone changed, so that each copy is a new patient with new
  encounters. A bundle that is still held (what holds it is printed) is timed as a held
  verdict.

The database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/medbill_bench_fhir``) is dropped and re-created;
``--sqlite`` uses a fresh SQLite file in a temporary folder. By default, as ``medbill hl7
import`` does, each bundle is committed on its own and the bundles are made durable
together every 200 (``services.flush``); ``--durable-each`` makes every bundle's commit
wait for the disk, as ``medbill fhir import`` does today. ``--profile FILE`` runs the
imports under cProfile.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import datetime as dt
import json
import os
import pstats
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hl7_intake import FIRST, LAST, database, seed, server_cpu

FLUSH_EVERY = 200  # bundles between flushes to disk (medbill hl7 import's batch)
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NOTE = (
    "Sore throat for three days, no cough. Exudative pharyngitis, tender anterior nodes. "
    "Rapid strep positive. Amoxicillin for ten days."
)


# -- EHR-style bundles --------------------------------------------------------------------


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    kind = resource["resourceType"]
    return {
        "fullUrl": f"urn:uuid:{resource['id']}",
        "resource": resource,
        "request": {"method": "POST", "url": kind},
    }


def ehr_bundle(n: int, note: bool) -> dict[str, Any]:
    """The ``n``-th EHR bundle: a new patient, their coverage and one visit with its codes
    (and its note)."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n * 13 % 25000)
    pat, enc = f"p-{n}", f"e-{n}"
    ref = {"reference": f"urn:uuid:{pat}"}
    on = "2026-03-03"
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": pat,
            "identifier": [{"system": "urn:ehr:mrn", "value": f"B{n:06d}"}],
            "name": [{"use": "official", "family": f"{LAST[n % 7]}{n}", "given": [FIRST[n % 8]]}],
            "gender": "female" if n % 2 else "male",
            "birthDate": born.isoformat(),
            "address": [
                {"line": [f"{n} Oak St"], "city": "Madison", "state": "WI", "postalCode": "53703"}
            ],
        },
        {
            "resourceType": "Organization",
            "id": f"org-{n}",
            "identifier": [{"system": "urn:ehr:payer-id", "value": "LCI220"}],
            "name": "Lakeland Commercial Insurance",
        },
        {
            "resourceType": "Coverage",
            "id": f"cov-{n}",
            "status": "active",
            "beneficiary": ref,
            "payor": [{"reference": f"urn:uuid:org-{n}"}],
            "subscriberId": f"LC{n:07d}",
            "relationship": {"coding": [{"code": "self"}]},
            "class": [
                {
                    "type": {"coding": [{"code": "group"}]},
                    "value": "G-77",
                    "name": "Lakeland Employees",
                }
            ],
            "order": 1,
        },
        {
            "resourceType": "Practitioner",
            "id": f"pr-{n}",
            "identifier": [{"system": NPI_SYSTEM, "value": "1283746505"}],
            "name": [{"family": "Whitaker", "given": ["Joan"]}],
        },
        {
            "resourceType": "Encounter",
            "id": enc,
            "status": "finished",
            "class": {"code": "AMB"},
            "subject": ref,
            "participant": [{"individual": {"reference": f"urn:uuid:pr-{n}"}}],
            "period": {"start": f"{on}T09:30:00-06:00", "end": f"{on}T09:50:00-06:00"},
        },
        {
            "resourceType": "Condition",
            "id": f"c-{n}",
            "subject": ref,
            "encounter": {"reference": f"urn:uuid:{enc}"},
            "code": {
                "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "J02.0"}],
                "text": "Streptococcal pharyngitis",
            },
        },
        {
            "resourceType": "Procedure",
            "id": f"pc-{n}",
            "status": "completed",
            "subject": ref,
            "encounter": {"reference": f"urn:uuid:{enc}"},
            "code": {
                "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "99213"}],
                "text": "Office visit",
            },
            "performedDateTime": f"{on}T09:30:00-06:00",
        },
    ]
    if note:
        resources.append(
            {
                "resourceType": "DocumentReference",
                "id": f"d-{n}",
                "status": "current",
                "subject": ref,
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain",
                            "data": base64.b64encode(NOTE.encode()).decode(),
                        }
                    }
                ],
                "context": {"encounter": [{"reference": f"urn:uuid:{enc}"}]},
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "identifier": {"system": "urn:ehr:bundle", "value": f"bench-{n}"},
        "entry": [_entry(r) for r in resources],
    }


# -- Synthea ------------------------------------------------------------------------------


def synthea_files() -> list[Path]:
    from medbill.core.paths import shared_data_dir

    shared = shared_data_dir()
    folder = shared / "fhir" / "synthea" if shared is not None else None
    if folder is None or not folder.is_dir():
        raise SystemExit("needs ../shared/data/fhir/synthea (public Synthea bundles); see README")
    return sorted(folder.glob("*.json"))


def synthea_providers(practice: Any, docs: list[dict[str, Any]]) -> None:
    """Give ``practice`` a provider of each name the bundles' Practitioners carry, with an
    NPI of its own (theirs are Synthea's serial numbers)."""
    from medbill.core.identifiers import npi_with_check_digit
    from medbill.web.practice.models import Provider

    names = {}
    for doc in docs:
        for entry in doc.get("entry", []):
            res = entry["resource"]
            if res["resourceType"] == "Practitioner" and res.get("name"):
                name = res["name"][0]
                names[(name["family"], name["given"][0])] = None
    for n, (last, first) in enumerate(names, 1):
        Provider.objects.create(
            practice=practice,
            last_name=last,
            first_name=first,
            npi=npi_with_check_digit(f"15{n:07d}"),
            taxonomy="207Q00000X",
        )


UUID = re.compile(r"\b([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")


def synthea_copy(text: str, k: int) -> bytes:
    """Copy ``k`` of a Synthea bundle (0: the file as it is): new UUIDs throughout (the
    patient's, its encounters', its documents' and claims'), and a patient of another
    name, birth date, address and phone, whom the desk's duplicate check does not take
    for the original."""
    if k == 0:
        return text.encode()
    renamed = UUID.sub(lambda m: f"{int(m.group(1), 16) ^ k:08x}{m.group(2)}", text)
    doc = json.loads(renamed)
    for entry in doc["entry"]:
        res = entry["resource"]
        if res["resourceType"] != "Patient":
            continue
        for name in res.get("name", []):
            name["family"] = f"{name['family']}x{k}"
        born = dt.date.fromisoformat(res["birthDate"])
        res["birthDate"] = (born - dt.timedelta(days=k)).isoformat()
        for address in res.get("address", []):
            address["line"] = [f"{k} {line}" for line in address.get("line", [])]
        for telecom in res.get("telecom", []):
            if telecom.get("system") == "phone":
                telecom["value"] = f"555-{k // 10000 % 1000:03d}-{k % 10000:04d}"
    return json.dumps(doc).encode()


# -- the runs -----------------------------------------------------------------------------


@dataclass
class Tally:
    """Bundles of one verdict (or one file): how many, their resources, the visits and
    notes made, wall and Python CPU seconds, and what held them."""

    bundles: int = 0
    resources: int = 0
    visits: int = 0
    notes: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    statuses: set[str] = field(default_factory=set)
    problems: str = ""

    def line(self) -> str:
        return (
            f"{self.bundles} bundles, {self.resources:,} resources, {self.visits} visits"
            + (f", {self.notes} notes" if self.notes else "")
            + f": {1000 * self.seconds / self.bundles:.1f} ms wall a bundle "
            f"({self.bundles / self.seconds:,.1f} bundles/s, "
            f"{self.resources / self.seconds:,.0f} resources/s), "
            f"{1000 * self.cpu / self.bundles:.1f} ms Python CPU"
        )


@dataclass
class Run:
    by_status: dict[str, Tally]
    by_file: dict[str, Tally]
    seconds: float
    cpu: float
    server: float | None

    @property
    def bundles(self) -> int:
        return sum(t.bundles for t in self.by_status.values())

    @property
    def resources(self) -> int:
        return sum(t.resources for t in self.by_status.values())


def run(
    practice: Any,
    bundles: list[tuple[str, bytes, int]],
    durable: bool,
    profiler: cProfile.Profile | None,
) -> Run:
    """Import ``bundles`` (name, bytes, resources) one by one, timing each."""
    from medbill.web.interfaces.fhir_in import import_bundle
    from medbill.web.interfaces.services import flush

    done = Run({}, {}, 0.0, 0.0, None)
    s0 = server_cpu()
    t0, c0 = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    for n, (name, data, resources) in enumerate(bundles, 1):
        b0, p0 = time.perf_counter(), time.process_time()
        outcome = import_bundle(practice, data, source="file", durable=durable)
        seconds, cpu = time.perf_counter() - b0, time.process_time() - p0
        for tally in (
            done.by_status.setdefault(outcome.status, Tally()),
            done.by_file.setdefault(name, Tally()),
        ):
            tally.seconds += seconds
            tally.cpu += cpu
            tally.bundles += 1
            tally.resources += resources
            tally.visits += outcome.visits
            tally.notes += outcome.notes
            tally.statuses.add(outcome.status)
            if outcome.problems and not tally.problems:
                tally.problems = "; ".join(p.text[:300] for p in outcome.problems)
        if n % FLUSH_EVERY == 0:
            flush()
    flush()
    if profiler is not None:
        profiler.disable()
    done.seconds, done.cpu = time.perf_counter() - t0, time.process_time() - c0
    s1 = server_cpu()
    done.server = s1 - s0 if s0 is not None and s1 is not None else None
    return done


def report(title: str, done: Run, per_file: bool = False) -> None:
    n = done.bundles
    print(
        f"{title}: {n} bundles ({done.resources:,} resources) in {done.seconds:.2f} s wall = "
        f"{n / done.seconds:,.1f} bundles/s, {done.resources / done.seconds:,.0f} resources/s; "
        f"Python side {done.cpu:.2f} CPU s"
        + (f", database server {done.server:.2f} CPU s" if done.server is not None else "")
        + f" ({1000 * (done.cpu + (done.server or 0)) / n:.1f} ms of CPU a bundle)"
    )
    for status, tally in sorted(done.by_status.items()):
        print(f"  {status}: {tally.line()}")
    if per_file:
        for name, tally in done.by_file.items():
            print(f"    {name[:40]}: {'/'.join(sorted(tally.statuses))}, {tally.line()}")


def warm_up(practice: Any, n: int, durable: bool, synthea: list[bytes]) -> float:
    """Import EHR bundle ``n`` (not counted) and read the ``synthea`` bundles: the first
    bundle loads the ICD-10-CM tables and the modules of the use cases, and each resource
    type read for the first time its FHIR model, once per process. Their seconds."""
    from medbill.core.fhir import read_bundle
    from medbill.web.interfaces.fhir_in import import_bundle

    t0 = time.perf_counter()
    outcome = import_bundle(practice, json.dumps(ehr_bundle(n, True)).encode(), durable=durable)
    if outcome.status != "imported":
        raise SystemExit(f"the first bundle was not imported: {outcome.problems}")
    for data in synthea:
        read_bundle(data)
    return time.perf_counter() - t0


def ehr_part(practice: Any, count: int, notes: bool, durable: bool, profiler: Any) -> Run:
    bundles = []
    for n in range(count):
        doc = ehr_bundle(n, notes)
        bundles.append((f"bench-{n}", json.dumps(doc).encode(), len(doc["entry"])))
    done = run(practice, bundles, durable, profiler)
    imported = done.by_status.get("imported", Tally())
    if imported.bundles != count or imported.visits != count:
        held = next((t.problems for t in done.by_file.values() if t.problems), "")
        raise SystemExit(
            f"only {imported.bundles} of {count} EHR bundles were imported "
            f"({imported.visits} visits); the first held: {held}"
        )
    if notes and imported.notes != count:
        raise SystemExit(f"only {imported.notes} of {count} notes were imported")
    return done


def synthea_part(practice: Any, copies: int, durable: bool, profiler: Any) -> Run:
    """Every Synthea bundle ``copies`` times; all copies of a file must fare alike."""
    files = synthea_files()
    texts = [path.read_text(encoding="utf-8") for path in files]
    docs = [json.loads(text) for text in texts]
    synthea_providers(practice, docs)
    bundles = [
        (path.name, synthea_copy(text, k), len(doc["entry"]))
        for k in range(copies)
        for path, text, doc in zip(files, texts, docs, strict=True)
    ]
    done = run(practice, bundles, durable, profiler)
    mixed = [name for name, tally in done.by_file.items() if len(tally.statuses) > 1]
    if mixed:
        raise SystemExit(f"the copies of {', '.join(mixed)} did not all fare alike")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bundles", type=int, default=300, help="EHR-style bundles (default 300; 0: none)"
    )
    parser.add_argument(
        "--notes", action="store_true", help="each EHR bundle carries its visit's note"
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=10,
        help="times each Synthea bundle is imported, as a new patient (default 10; 0: none)",
    )
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument(
        "--durable-each",
        action="store_true",
        help="every bundle's commit waits for the disk (medbill fhir import's way)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the imports under cProfile, write the stats to FILE and print the top 30",
    )
    args = parser.parse_args()
    where = database(args.sqlite, "medbill_bench_fhir")
    from medbill.web import bootstrap

    bootstrap(development=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    practice = seed()
    durable = args.durable_each
    how = f"{where}, {'durable each' if durable else f'durable every {FLUSH_EVERY}'}"
    profiler = cProfile.Profile() if args.profile else None
    synthea = [path.read_bytes() for path in synthea_files()] if args.copies else []
    first = warm_up(practice, args.bundles, durable, synthea)
    print(f"first bundle (loads the code sets, modules and FHIR models): {first:.2f} s")
    if args.bundles:
        done = ehr_part(practice, args.bundles, args.notes, durable, profiler)
        kinds = "Patient, Organization, Coverage, Practitioner, Encounter, Condition, Procedure"
        report(f"EHR bundles ({how}; {kinds}{', DocumentReference' if args.notes else ''})", done)
    if args.copies:
        done = synthea_part(practice, args.copies, durable, profiler)
        title = f"Synthea bundles ({how}; {len(synthea)} files x {args.copies} copies)"
        report(title, done, per_file=True)
        for name, tally in done.by_file.items():
            if tally.problems:
                print(f"  {name[:40]} held: {tally.problems}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    if profiler is not None and args.profile:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
