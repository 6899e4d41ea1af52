"""The recurring jobs: what each does, when it runs, and how its result reads.

One ``Job`` per job, in ``JOBS``; the Celery beat schedule (``beat_schedule``) and the
managers' page are made from this list, so a job is added in one place. A job's function
gets the practice (``None`` for jobs that concern every practice) and the day, does its
work through the same services as the pages, and returns counts (never PHI). Functions
import Django models inside, so the settings module can read the schedule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celery.schedules import crontab

from medbill.web.practice.tenancy import PracticeRef

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

__all__ = ["JOBS", "Job", "beat_schedule", "job_named"]


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    when: str  # the schedule in words, for the page
    schedule: dict[str, str]  # crontab fields, in the server's time zone
    # A practice's job gets its Practice; the one not per practice (codesets) gets None.
    run: Callable[[Any, datetime.date], dict[str, Any]]
    words: Callable[[dict[str, Any]], str]
    per_practice: bool = True
    enabled_by_default: bool = True
    # The work a run covers: a run that finished for a key is not repeated.
    key: Callable[[datetime.datetime], str] = lambda now: now.date().isoformat()
    # Whether the job has work on ``day`` for a practice with these options.
    due: Callable[[datetime.date, dict[str, Any]], bool] = lambda day, options: True
    options: dict[str, Any] = field(default_factory=dict)  # defaults a manager may change

    def covers(self, key: str) -> str:
        """The work a run's key stands for, in words ("visits of Tue 8 Dec 2026")."""
        try:
            if "T" in key:
                moment = datetime.datetime.fromisoformat(key)
                return f"{moment:%a} {moment.day} {moment:%b %Y}, {moment:%H:%M}"
            day = datetime.date.fromisoformat(key)
        except ValueError:
            return key
        words = f"{day:%a} {day.day} {day:%b %Y}"
        return f"visits of {words}" if self.name == "eligibility" else words


# -- nightly eligibility ------------------------------------------------------------------------


def eligibility_for_tomorrow(practice: Practice, day: datetime.date) -> dict[str, Any]:
    """Check the primary coverage of every visit scheduled for the practice's next day."""
    from medbill.web.frontdesk.eligibility import check_visits
    from medbill.web.frontdesk.models import Visit

    tomorrow = day + datetime.timedelta(days=1)
    zone = practice.zone
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=zone)
    visits = (
        Visit.objects.for_practice(practice)
        .filter(
            status=Visit.Status.SCHEDULED,
            scheduled_at__gte=start,
            scheduled_at__lt=start + datetime.timedelta(days=1),
        )
        .select_related("patient", "practice")
    )
    counts = check_visits(list(visits), source="nightly")
    return {"day": tomorrow.isoformat(), "visits": sum(counts.values()), **counts}


def _eligibility_words(summary: dict[str, Any]) -> str:
    if not summary.get("visits"):
        return f"no visits scheduled for {summary.get('day', 'the next day')}"
    rest = ", ".join(
        f"{n} {k.replace('_', ' ')}"
        for k, n in sorted(summary.items())
        if k not in ("day", "visits") and isinstance(n, int)
    )
    return f"{summary['visits']} visits on {summary['day']} checked: {rest}"


# -- statement cycle ----------------------------------------------------------------------------


def statement_cycle(practice: Practice, day: datetime.date) -> dict[str, Any]:
    """The practice's statement cycle on its statement day, with the page's defaults."""
    from medbill.web.billing.remittance_models import StatementRun
    from medbill.web.billing.statement_runs import perform_statement_run
    from medbill.web.jobs.models import JobSetting

    setting = JobSetting.objects.filter(job="statements", practice=practice).first()
    options = {**STATEMENTS.options, **(setting.options if setting else {})}
    from medbill.web.practice import audit

    # A manager's "Run now" runs as the manager; the scheduler's runs as the system.
    run = StatementRun.objects.create(
        practice=practice,
        created_by=audit.current_actor().user,
        statement_date=day,
        threshold=options["threshold"],
        write_off_under=options["write_off_under"],
    )
    run = perform_statement_run(run.pk)
    if run.status == StatementRun.Status.FAILED:
        raise RuntimeError(run.error or "the statement run failed")
    return {
        "run": run.pk,
        "sent": len(run.statements),
        "written_off": len(run.written_off),
        "skipped": len(run.skipped),
    }


def _statement_words(summary: dict[str, Any]) -> str:
    return (
        f"{summary.get('sent', 0)} statements sent, {summary.get('written_off', 0)} small "
        f"balances written off, {summary.get('skipped', 0)} accounts skipped"
    )


def _statement_day(day: datetime.date, options: dict[str, Any]) -> bool:
    wanted = int(options.get("day_of_month", 1))
    last = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    return day.day == min(wanted, last.day)


# -- partners' answers --------------------------------------------------------------------------


def pick_up_responses(practice: Practice, day: datetime.date) -> dict[str, Any]:
    """Read new 999, 277CA and 835 files from every connection's inbound location."""
    from medbill.web.jobs.pickup import pick_up_for_practice

    return pick_up_for_practice(practice)


def _pickup_words(summary: dict[str, Any]) -> str:
    if not summary.get("connections"):
        return "no connection has an inbound location"
    files = summary.get("files", 0)
    text = (
        f"{files} new file{'s' if files != 1 else ''} from {summary['connections']} "
        f"connection{'s' if summary['connections'] != 1 else ''}"
    )
    kinds = ", ".join(f"{n} × {k}" for k, n in sorted(summary.get("kinds", {}).items()))
    problems = summary.get("problems") or []
    return (
        text
        + (f" ({kinds})" if kinds else "")
        + (f"; {len(problems)} problem(s): " + "; ".join(problems) if problems else "")
    )


# -- claim status ---------------------------------------------------------------------------------


def claim_status_inquiries(practice: PracticeRef, day: datetime.date) -> dict[str, Any]:
    """Ask the payers (276/277) about claims sent more than the practice's days ago and
    still without a decision; answers move the claims as the claim page's button does."""
    from medbill.web.claims_out.claim_status import check_claim_status, claims_without_answer
    from medbill.web.jobs.runner import enabled_for

    _, options = enabled_for(CLAIM_STATUS, practice)
    days = int(options.get("days", 30))
    claims = list(claims_without_answer(practice, days)[:2000])
    outcomes = check_claim_status(None, practice, claims) if claims else []
    failed = [o for o in outcomes if o.error]
    moved = sum(o.moved for o in outcomes)
    summary: dict[str, Any] = {
        "days": days,
        "asked": len(outcomes),
        "moved": moved,
        "unchanged": len(outcomes) - moved - len(failed),
        "not_answered": len(failed),
    }
    if failed and len(failed) == len(outcomes):
        summary["attention"] = [f"no payer answered ({failed[0].error})"]
    return summary


def _claim_status_words(summary: dict[str, Any]) -> str:
    if not summary.get("asked"):
        return f"no claim has waited more than {summary.get('days', 30)} days"
    text = (
        f"asked about {summary['asked']} claims waiting more than {summary['days']} days: "
        f"{summary['moved']} moved, {summary['unchanged']} unchanged, "
        f"{summary['not_answered']} not answered"
    )
    notes = summary.get("attention") or []
    return text + ("; " + "; ".join(notes) if notes else "")


# -- code sets ----------------------------------------------------------------------------------


def code_set_reminders(practice: Practice | None, day: datetime.date) -> dict[str, Any]:
    """Whether the built code sets cover today and the next release dates."""
    from medbill.core.codesets import releases

    notes = []
    built = releases()
    covering = [
        r
        for r in built
        if r.effective_from <= day and (r.effective_to is None or day <= r.effective_to)
    ]
    if not covering:
        notes.append(
            f"no ICD-10-CM release covers {day}: run `medbill codesets build` with "
            "the current CMS release"
        )
    october = datetime.date(day.year if day.month < 10 else day.year + 1, 10, 1)
    if (october - day).days <= 45 and not any(r.effective_from == october for r in built):
        notes.append(
            f"the ICD-10-CM release effective {october} is not built yet; CMS "
            "publishes it in summer — build it before that date"
        )
    quarter = datetime.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)
    return {"releases": [r.name for r in built], "quarter": quarter.isoformat(), "attention": notes}


def _code_set_words(summary: dict[str, Any]) -> str:
    notes = summary.get("attention") or []
    if notes:
        return " ".join(notes)
    return "code sets are current (" + ", ".join(summary.get("releases", [])) + ")"


# -- the list -----------------------------------------------------------------------------------

STATEMENTS = Job(
    name="statements",
    title="Statement cycle",
    when="daily at 06:00, on the statement day",
    schedule={"hour": "6", "minute": "0"},
    run=statement_cycle,
    words=_statement_words,
    enabled_by_default=False,
    due=_statement_day,
    options={"day_of_month": 1, "threshold": "5.00", "write_off_under": "1.00"},
)

CLAIM_STATUS = Job(
    name="claimstatus",
    title="Claim status for claims without an answer",
    when="daily at 05:00",
    schedule={"hour": "5", "minute": "0"},
    run=claim_status_inquiries,
    words=_claim_status_words,
    options={"days": 30},
)

# -- deadlines -----------------------------------------------------------------------------------


def deadlines_ahead(practice: PracticeRef, day: datetime.date) -> dict[str, Any]:
    """Warn of claims to file and denials to appeal before their limits pass."""
    from medbill.web.billing.deadlines import warn_of_deadlines

    return warn_of_deadlines(practice, day)


def _deadline_words(s: dict[str, Any]) -> str:
    parts = []
    if s.get("file_late") or s.get("appeal_late"):
        parts.append(
            f"past the limit: {s.get('file_late', 0)} claim(s) not filed, "
            f"{s.get('appeal_late', 0)} denial(s) not appealed"
        )
    parts.append(
        f"due within {s.get('within', 14)} days: {s.get('file_soon', 0)} claim(s) to file, "
        f"{s.get('appeal_soon', 0)} appeal(s)"
    )
    return "; ".join(parts)


# -- denial risk ------------------------------------------------------------------------------


def train_denial_risk(practice: PracticeRef, day: datetime.date) -> dict[str, Any]:
    """Fit the practice's denial model again from its remittances (``web.risk``)."""
    from medbill.web.risk.services import train_practice

    return train_practice(practice, day)


def _risk_words(summary: dict[str, Any]) -> str:
    if not summary.get("trained"):
        return (
            f"not enough history yet: {summary.get('lines', 0)} answered lines, "
            f"{summary.get('denied_lines', 0)} denied (needs {summary.get('needs', 'more')})"
        )
    return (
        f"learned from {summary['claims']} answered claims "
        f"({summary['denied_lines']} of {summary['lines']} lines denied)"
    )


# -- balances against the ledger -------------------------------------------------------------


def check_balances(practice: PracticeRef, day: datetime.date) -> dict[str, Any]:
    """Compare the balances the database keeps with the ledger's own sums."""
    from medbill.web.billing import balance_check

    return balance_check.check_balances(practice).summary()


def _balance_words(s: dict[str, Any]) -> str:
    if s.get("differ"):
        return (
            f"{s['differ']} of {s.get('keys', 0)} balance(s) differ from the ledger: "
            + "; ".join(s.get("attention", []))
        )
    return f"all {s.get('keys', 0)} balance(s) agree with the ledger's entries"


JOBS: tuple[Job, ...] = (
    Job(
        name="eligibility",
        title="Eligibility for the next day's visits",
        when="every evening at 19:00",
        schedule={"hour": "19", "minute": "0"},
        run=eligibility_for_tomorrow,
        words=_eligibility_words,
        key=lambda now: (now.date() + datetime.timedelta(days=1)).isoformat(),
    ),
    STATEMENTS,
    Job(
        name="pickup",
        title="Pick up 999, 277CA and 835 files",
        when="every 30 minutes",
        schedule={"minute": "*/30"},
        run=pick_up_responses,
        words=_pickup_words,
        key=lambda now: now.strftime("%Y-%m-%dT%H:%M"),
    ),
    CLAIM_STATUS,
    Job(
        name="deadlines",
        title="Filing and appeal deadlines",
        when="every morning at 06:30",
        schedule={"hour": "6", "minute": "30"},
        run=deadlines_ahead,
        words=_deadline_words,
    ),
    Job(
        name="denial-risk",
        title="Denial risk model from the practice's remittances",
        when="every night at 02:15",
        schedule={"hour": "2", "minute": "15"},
        run=train_denial_risk,
        words=_risk_words,
    ),
    Job(
        name="balances",
        title="Balances checked against the ledger",
        when="every night at 03:00",
        schedule={"hour": "3", "minute": "0"},
        run=check_balances,
        words=_balance_words,
    ),
    Job(
        name="codesets",
        title="Code-set update reminders",
        when="Mondays at 07:00",
        schedule={"hour": "7", "minute": "0", "day_of_week": "1"},
        run=code_set_reminders,
        words=_code_set_words,
        per_practice=False,
    ),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(f"no recurring job {name!r}; jobs: {', '.join(j.name for j in JOBS)}")


def beat_schedule() -> dict[str, dict[str, Any]]:
    """``CELERY_BEAT_SCHEDULE``: one entry per job, each sending ``jobs.run``."""
    return {
        job.name: {"task": "jobs.run", "schedule": crontab(**job.schedule), "args": (job.name,)}
        for job in JOBS
    }
