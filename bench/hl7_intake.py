"""HL7 v2 intake speed: a file of ADT^A04 + DFT^P03 messages (one pair per new patient)
taken through ``medbill.web.interfaces.services.receive``, as ``medbill hl7 import`` does.

    .venv/bin/python bench/hl7_intake.py [--patients 600] [--existing 0] [--sqlite]

Target (issue 18): >= 200 messages/s into PostgreSQL on this machine. The database
(``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/medbill_bench_hl7``)
is dropped and re-created; ``--sqlite`` uses a fresh SQLite file in a temporary folder.
Every message is a new control id; each DFT books, checks out and codes a new visit.
``--existing N`` first gives the practice N patients of its own (other names, birth
dates over ninety years), as a practice that has been open a while has: the desk's
duplicate check and the account numbering look at them for every new patient.
``--durable-each`` makes every message's commit wait for the disk, as the MLLP listener
does before it answers; by default, as ``medbill hl7 import`` does, the messages are
committed one by one and made durable together every 200 (``services.flush``).

``--listener N`` sends the messages through a real ``medbill hl7 listen`` (started here,
``--processes P`` of it) over N MLLP connections at once, as N EHR interfaces would: each
connection sends its patients' messages one at a time, waiting for each ACK (AA expected).
The CPU printed is the listener's processes' and the database server's during the run.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

MSH = "MSH|^~\\&|EHR|CLINIC|MEDBILL|BNCH|20260303113000||{kind}|{control}|P|2.5.1"
NPI = "1283746505^Whitaker^Joan^^^^^^^^^^NPI"
LAST = ["Lindqvist", "Okonkwo", "Haraldsen", "Baptiste", "Marchetti", "Szabo", "Oyelaran"]
FIRST = ["Anna", "Tomas", "Ines", "Rahul", "Maren", "Kofi", "Lucia", "Pavel"]


def seg(name: str, **fields: str) -> str:
    values = [""] * max(int(k[1:]) for k in fields)
    for key, value in fields.items():
        values[int(key[1:]) - 1] = value
    return "|".join([name, *values])


def messages(patients: int) -> bytes:
    out = []
    for n in range(patients):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=n * 13)
        pid = (
            f"PID|1||B{n:06d}^^^EHR^MR||{LAST[n % 7]}{n}^{FIRST[n % 8]}||{born:%Y%m%d}|"
            f"{'FM'[n % 2]}|||{n} Oak St^^Madison^WI^53703"
        )
        in1 = seg(
            "IN1",
            f1="1",
            f3="LCI220",
            f4="Lakeland Commercial Insurance",
            f8="G-77",
            f17="SEL",
            f36=f"LC{n:07d}",
        )
        out.append("\r".join([MSH.format(kind="ADT^A04", control=f"A{n}"), pid, "PV1|1|O", in1]))
        ft1 = seg(
            "FT1",
            f1="1",
            f4="20260303",
            f6="CG",
            f10="1",
            f19="J02.0^Pharyngitis^I10",
            f20=NPI,
            f25="99213^Office visit^C4",
            f26="25",
        )
        pv1 = seg("PV1", f1="1", f2="O", f3="Main office", f7=NPI, f19=f"V{n}")
        out.append(
            "\r".join(
                [MSH.format(kind="DFT^P03", control=f"D{n}"), pid, pv1, ft1, "DG1|1||J02.0^^I10"]
            )
        )
    return ("\r\n".join(m + "\r" for m in out)).encode()


def database(use_sqlite: bool, name: str = "medbill_bench_hl7") -> str:
    """A fresh database for the benchmark: a SQLite file in a new temporary folder, or
    the PostgreSQL database ``BENCH_DATABASE_URL`` (default ``name`` on this machine),
    dropped and created again."""
    if use_sqlite:
        folder = tempfile.mkdtemp(prefix=f"{name}-")
        os.environ["MEDBILL_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        return "SQLite"
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}")
    import psycopg

    admin, dbname = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    os.environ["DATABASE_URL"] = url
    return "PostgreSQL"


def seed() -> object:
    from medbill.web.practice.models import (
        FeeSchedule,
        FeeScheduleEntry,
        Location,
        Organization,
        Payer,
        Practice,
        Provider,
    )

    org = Organization.objects.create(name="Bench")
    practice = Practice.objects.create(
        organization=org,
        name="Bench Clinic",
        short_code="BNCH",
        legal_name="Bench Clinic LLC",
        tin="391847265",
        group_npi="1746502933",
        taxonomy="207Q00000X",
        billing_line1="2400 University Ave",
        billing_city="Madison",
        billing_state="WI",
        billing_zip="537051212",
    )
    Location.objects.create(
        practice=practice,
        name="Main office",
        place_of_service="11",
        line1="2400 University Ave",
        city="Madison",
        state="WI",
        zip="537051212",
    )
    Provider.objects.create(
        practice=practice,
        last_name="Whitaker",
        first_name="Joan",
        npi="1283746505",
        taxonomy="207Q00000X",
    )
    Payer.objects.create(
        organization=org,
        name="Lakeland Commercial Insurance",
        payer_id="LCI220",
        payer_type="commercial",
        claim_filing_indicator="CI",
    )
    schedule = FeeSchedule.objects.create(
        practice=practice, name="Standard", effective_from=dt.date(2020, 1, 1)
    )
    FeeScheduleEntry.objects.create(
        practice=practice,
        fee_schedule=schedule,
        code="99213",
        description="Office visit",
        price=Decimal("130.00"),
        effective_from=dt.date(2020, 1, 1),
    )
    return practice


def existing_patients(practice: object, count: int) -> None:
    from medbill.web.frontdesk.models import Patient

    syllables = ["ka", "ro", "mi", "te", "sun", "dor", "vel", "ash", "bri", "qu"]
    rows = []
    for n in range(count):
        last = "".join(syllables[(n // 10**i) % 10] for i in range(3)).capitalize() + "ter"
        rows.append(
            Patient(
                practice=practice,
                account_number=f"BNCH-{n + 1:04d}",
                last_name=f"W{last}",
                first_name=["Ada", "Bo", "Cy", "Di", "Ed"][n % 5],
                date_of_birth=dt.date(1930, 1, 1) + dt.timedelta(days=(n * 37) % 32850),
                sex="FM"[n % 2],
            )
        )
    Patient.objects.bulk_create(rows, batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":  # as autovacuum would have, long before
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def server_cpu() -> float | None:
    """CPU seconds the database server's process for this connection has used (PostgreSQL
    on this machine; None when its /proc entry cannot be read)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return process_cpu([pid]).get(pid)


def process_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds used so far by each of ``pids`` (a process gone is left out)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings (a process started between them counts whole)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def family(pid: int) -> list[int]:
    """``pid`` and its child processes."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *(int(c) for c in children)]


def database_pids() -> list[int]:
    """The database server's processes on this machine (PostgreSQL runs here)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def through_listener(
    texts: list[str], connections: int, processes: int
) -> tuple[float, float, dict[int, float]]:
    """Send ``texts`` (ADT, DFT pairs) through a ``medbill hl7 listen`` over ``connections``
    MLLP connections; (wall seconds, listener CPU seconds, the database server's CPU
    reading at the end)."""
    from medbill.core.hl7.mllp import Decoder, frame

    medbill = Path(sys.executable).with_name("medbill")
    log = Path(tempfile.mkdtemp(prefix="hl7listen-")) / "listener.log"
    listener = subprocess.Popen(
        [str(medbill), "hl7", "listen", "--port", "0", "--practice", "BNCH"]
        + ["--processes", str(processes)],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        # As in production: DEBUG off (Django would keep every query in memory).
        env={k: v for k, v in os.environ.items() if k != "MEDBILL_DEBUG"},
    )
    assert listener.stdout is not None
    line = listener.stdout.readline()
    if "listening" not in line:
        listener.kill()
        raise SystemExit(f"the listener did not start: {line!r}")
    port = int(line.split(":")[-1].split()[0])
    time.sleep(1.0)  # the processes are forked
    pairs = [texts[i : i + 2] for i in range(0, len(texts), 2)]
    shares = [[t for pair in pairs[k::connections] for t in pair] for k in range(connections)]
    codes: list[str] = []
    lock = threading.Lock()

    failures: list[str] = []

    def send(share: list[str]) -> None:
        try:
            talk(share)
        except BaseException as exc:  # a thread's exception would otherwise be lost
            failures.append(repr(exc))

    def talk(share: list[str]) -> None:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            decoder = Decoder()
            for text in share:
                sock.sendall(frame(text.encode()))
                answers: list[bytes] = []
                while not answers:
                    data = sock.recv(65536)
                    if not data:
                        raise SystemExit("the listener closed the connection")
                    answers = decoder.feed(data)
                ack = answers[0].decode()
                with lock:
                    codes.append(ack.split("MSA|", 1)[1][:2])

    watched = family(listener.pid)
    c0 = process_cpu(watched)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=send, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - t0
    cpu = cpu_since(c0, process_cpu(watched))
    database = process_cpu(database_pids())
    listener.terminate()
    listener.wait(timeout=30)
    if failures or codes.count("AA") != len(texts):
        raise SystemExit(
            f"only {codes.count('AA')} of {len(texts)} ACKs were AA ({'; '.join(failures)}); "
            "the listener said:\n" + log.read_text()[-3000:]
        )
    return seconds, cpu, database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=600, help="ADT+DFT pairs (default 600)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument(
        "--existing", type=int, default=0, help="patients the practice has already (default 0)"
    )
    parser.add_argument(
        "--durable-each",
        action="store_true",
        help="every commit waits for the disk (the MLLP listener's way)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the intake under cProfile, write the stats to FILE and print the top 30",
    )
    parser.add_argument(
        "--listener",
        type=int,
        metavar="N",
        default=0,
        help="send through a medbill hl7 listen over N MLLP connections",
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="the listener's processes (default 2)"
    )
    args = parser.parse_args()
    data = messages(args.patients)
    where = database(args.sqlite)
    from medbill.web import bootstrap

    bootstrap(development=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from medbill.core.hl7 import split_messages
    from medbill.web.interfaces.models import InboundMessage
    from medbill.web.interfaces.services import flush, receive

    practice = seed()
    existing_patients(practice, args.existing)
    if args.listener:
        texts = split_messages(data)
        d0 = process_cpu(database_pids())
        seconds, cpu, d1 = through_listener(texts, args.listener, args.processes)
        server = cpu_since(d0, d1)
        accepted = InboundMessage.objects.filter(practice=practice, status="accepted").count()
        if accepted != len(texts):
            raise SystemExit(f"{accepted} of {len(texts)} messages are in the log as accepted")
        print(
            f"hl7 intake through the MLLP listener ({where}, {args.processes} processes, "
            f"{args.listener} connections, {args.existing} patients before): {len(texts)} "
            f"messages ({args.patients} ADT^A04 + {args.patients} DFT^P03) in {seconds:.2f} s "
            f"wall = {len(texts) / seconds:,.0f} messages/s (target 200); listener "
            f"{cpu:.2f} CPU s, database server {server:.2f} CPU s "
            f"({1000 * (cpu + server) / len(texts):.1f} ms of CPU a message); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        return
    durable = args.durable_each
    s0 = server_cpu()
    t0, c0 = time.perf_counter(), time.process_time()
    texts = split_messages(data)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    codes = []
    for n, text in enumerate(texts, 1):
        codes.append(receive(practice, text, source="file", durable=durable).code)
        if n % 200 == 0:
            flush()
    flush()
    if profiler is not None:
        profiler.disable()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    s1 = server_cpu()
    server = s1 - s0 if s0 is not None and s1 is not None else None
    accepted = InboundMessage.objects.filter(practice=practice, status="accepted").count()
    if codes.count("AA") != len(texts) or accepted != len(texts):
        raise SystemExit(f"only {codes.count('AA')} of {len(texts)} messages were accepted")
    print(
        f"hl7 intake ({where}, {'durable each' if durable else 'durable every 200'}, "
        f"{args.existing} patients before): {len(texts)} messages ({args.patients} ADT^A04 "
        f"+ {args.patients} DFT^P03) in {seconds:.2f} s wall = {len(texts) / seconds:,.0f} "
        f"messages/s (target 200); Python side {cpu:.2f} CPU s"
        + (f", database server {server:.2f} CPU s" if server is not None else "")
        + f" ({1000 * (cpu + (server or 0)) / len(texts):.1f} ms of CPU a message); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
