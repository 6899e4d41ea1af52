"""The clocks a billing office works against: timely filing and appeal deadlines.

A payer refuses a claim that reaches it after its filing limit (CARC 29, "the time limit
for filing has expired"), and an appeal filed after its deadline is dismissed unheard. The
limits are set per payer; where a practice has not set one, the defaults below apply:

* Medicare: a claim is filed no later than one calendar year after the date of service
  (42 CFR 424.44; Medicare Claims Processing Manual ch. 1 sec. 70). A redetermination is
  requested within 120 days of receiving the initial determination, and the notice is
  presumed received five days after its date (42 CFR 405.942); a reconsideration by the
  QIC within 180 days of receiving the redetermination (42 CFR 405.962); a hearing before
  an ALJ and a review by the Council within 60 days each (42 CFR 405.1014, 405.1102).
* Medicaid: one year from the date of service is the federal outer limit for most claims
  (42 CFR 447.45(d)); states set shorter ones and their own appeal terms, so a practice
  sets its state's.
* Everyone else (commercial plans, HMOs, PPOs, Blue plans): the contract decides; 90 days
  from the date of service and 180 days to appeal (the internal-appeal period of 45 CFR
  147.136(b)) are the defaults until the practice enters its contracts' terms.

Everything here is arithmetic on dates: no clock is read, ``today`` is passed in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

__all__ = [
    "AppealLevel",
    "Clock",
    "Limits",
    "appeal_clock",
    "filing_clock",
    "limits_for",
]


@dataclass(frozen=True)
class AppealLevel:
    """One level of appeal: its name, the days allowed from the decision it appeals, and
    the days after a notice's date on which it is presumed received."""

    name: str
    days: int
    presumed_receipt_days: int = 0


@dataclass(frozen=True)
class Limits:
    """A payer's filing limit and appeal levels, and where the filing limit comes from."""

    filing_days: int | None  # None: one calendar year after the date of service
    appeals: tuple[AppealLevel, ...]
    basis: str

    def filing_deadline(self, service: datetime.date) -> datetime.date:
        if self.filing_days is None:
            return _one_year_after(service)
        return service + datetime.timedelta(days=self.filing_days)

    def filing_words(self) -> str:
        if self.filing_days is None:
            return "one calendar year from the date of service"
        return f"{self.filing_days} days from the date of service"


_MEDICARE_APPEALS = (
    AppealLevel("Redetermination", 120, 5),
    AppealLevel("Reconsideration (QIC)", 180, 5),
    AppealLevel("ALJ hearing", 60, 5),
    AppealLevel("Medicare Appeals Council review", 60, 5),
)
DEFAULTS: dict[str, Limits] = {
    "medicare": Limits(None, _MEDICARE_APPEALS, "Medicare"),
    "medicaid": Limits(None, (AppealLevel("Reconsideration", 90),), "Medicaid default"),
    "tricare": Limits(None, (AppealLevel("Reconsideration", 90),), "TRICARE"),
    "champva": Limits(None, (AppealLevel("Reconsideration", 365),), "CHAMPVA"),
}
_CONTRACT = Limits(90, (AppealLevel("First-level appeal", 180),), "default for a contract")


def limits_for(
    payer_type: str, filing_days: int | None = None, appeal_days: int | None = None
) -> Limits:
    """The limits of a payer of ``payer_type``; ``filing_days`` and ``appeal_days`` are the
    practice's own terms for this payer and replace the defaults (the first appeal level)."""
    base = DEFAULTS.get(payer_type, _CONTRACT)
    appeals = base.appeals
    if appeal_days:
        first = appeals[0]
        appeals = (AppealLevel(first.name, appeal_days, first.presumed_receipt_days), *appeals[1:])
    if filing_days:
        return Limits(filing_days, appeals, "set by the practice for this payer")
    return Limits(base.filing_days, appeals, base.basis)


@dataclass(frozen=True)
class Clock:
    """Where a claim or an appeal stands against its deadline.

    ``state`` is ``open`` (not done, ``days_left`` to go), ``overdue`` (not done, the
    deadline has passed), ``in time`` or ``late`` (done on ``done_on``, ``days`` before or
    after the deadline).
    """

    deadline: datetime.date
    state: str
    days: int
    done_on: datetime.date | None = None

    @property
    def urgent(self) -> bool:
        return self.state in ("open", "overdue")

    def words(self, what: str, did: str) -> str:
        """``words("File", "Filed")``: ``File by 2027-03-01: 84 days left``, ``Filed
        2026-04-02, 3 days after the limit of 2026-03-30`` ..."""
        day = self.deadline.isoformat()
        if self.state == "open":
            left = "today is the last day" if self.days == 0 else f"{_days(self.days)} left"
            return f"{what} by {day}: {left}"
        if self.state == "overdue":
            return f"{what} by {day}: {_days(self.days)} past the limit"
        done = self.done_on.isoformat() if self.done_on else ""
        if self.state == "late":
            return f"{did} {done}, {_days(self.days)} after the limit of {day}"
        return f"{did} {done}, {_days(self.days)} before the limit of {day}"


def filing_clock(
    service: datetime.date,
    limits: Limits,
    today: datetime.date,
    filed_on: datetime.date | None = None,
) -> Clock:
    """The timely-filing clock of a claim for ``service``, filed on ``filed_on`` (if it was)."""
    return _clock(limits.filing_deadline(service), today, filed_on)


def appeal_clock(
    decided: datetime.date,
    level: AppealLevel,
    today: datetime.date,
    appealed_on: datetime.date | None = None,
) -> Clock:
    """The clock of an appeal at ``level`` of a decision dated ``decided``."""
    deadline = decided + datetime.timedelta(days=level.presumed_receipt_days + level.days)
    return _clock(deadline, today, appealed_on)


def _clock(deadline: datetime.date, today: datetime.date, done: datetime.date | None) -> Clock:
    if done is not None:
        late = (done - deadline).days
        return Clock(deadline, "late" if late > 0 else "in time", abs(late), done)
    left = (deadline - today).days
    return Clock(deadline, "open" if left >= 0 else "overdue", abs(left))


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the year after has no such day
        return day.replace(year=day.year + 1, day=28)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
