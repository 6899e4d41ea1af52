"""The appointment book: a day per provider and location, a provider's week, and the moves
the desk makes on it (book, move, cancel, no-show).

Slots are laid out in the practice's own time zone (the request's, see the practice
middleware). Each appointment carries the eligibility answer for its date, so the desk sees
at a glance whose coverage still needs a check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from medbill.web.frontdesk.models import EligibilityCheck, Patient, Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Location, Practice, Provider
from medbill.web.practice.permissions import require_unless_system
from medbill.web.practice.tenancy import Actor, PracticeRef

__all__ = [
    "DAY_END",
    "DAY_START",
    "SLOT_MINUTES",
    "Column",
    "Grid",
    "appointments_on",
    "cancel_visit",
    "check_slot",
    "day_bounds",
    "day_grid",
    "mark_no_show",
    "move_visit",
    "week_grid",
]

SLOT_MINUTES = 15
DAY_START = datetime.time(7, 0)
DAY_END = datetime.time(19, 0)
# Appointments that hold a provider's time (a cancelled or missed one frees it).
_HOLDING = (Visit.Status.SCHEDULED, Visit.Status.CHECKED_IN)


@dataclass
class Column:
    """One column of the book: a provider on a day, with the appointments by slot."""

    title: str
    provider: Provider
    day: datetime.date
    by_slot: dict[datetime.time, list[Visit]] = field(default_factory=dict)
    # The slots after the first that an appointment still holds (a 40-minute visit at 13:40
    # holds 13:45, 14:00 and 14:15 too).
    held: dict[datetime.time, list[Visit]] = field(default_factory=dict)

    def visits_at(self, slot: datetime.time) -> list[Visit]:
        return self.by_slot.get(slot, [])

    def held_at(self, slot: datetime.time) -> list[Visit]:
        return self.held.get(slot, [])

    def place(self, visit: Visit) -> None:
        """Put ``visit`` in the slot it starts in, and mark the later slots it runs into."""
        first = _slot_of(visit)
        self.by_slot.setdefault(first, []).append(visit)
        local = timezone.localtime(visit.scheduled_at).replace(tzinfo=None)
        end = local + datetime.timedelta(minutes=visit.duration_minutes)
        at = datetime.datetime.combine(local.date(), first) + datetime.timedelta(
            minutes=SLOT_MINUTES
        )
        while at < end and at.date() == local.date():
            self.held.setdefault(at.time(), []).append(visit)
            at += datetime.timedelta(minutes=SLOT_MINUTES)


@dataclass
class Grid:
    slots: list[datetime.time]
    columns: list[Column]
    opens: datetime.time = datetime.time(8, 0)
    closes: datetime.time = datetime.time(17, 0)

    def is_open(self, slot: datetime.time) -> bool:
        """Whether the office is open during ``slot`` (the practice's hours)."""
        return self.opens <= slot < self.closes

    @property
    def rows(
        self,
    ) -> list[tuple[datetime.time, bool, list[tuple[Column, list[Visit], list[Visit]]]]]:
        """Slot by slot: the time, whether the office is open then, and each column with
        the appointments that start in the slot and those still running through it."""
        return [
            (
                slot,
                self.is_open(slot),
                [(c, c.visits_at(slot), c.held_at(slot)) for c in self.columns],
            )
            for slot in self.slots
        ]


def _grid(practice: PracticeRef, visits: list[Visit], columns: list[Column]) -> Grid:
    opens = getattr(practice, "opens_at", None) or datetime.time(8, 0)
    closes = getattr(practice, "closes_at", None) or datetime.time(17, 0)
    return Grid(_slots(visits, opens, closes), columns, opens, closes)


def _slots(
    visits: list[Visit], opens: datetime.time = DAY_START, closes: datetime.time = DAY_END
) -> list[datetime.time]:
    """The day's slots: from before the office opens to after it closes (7:00 to 19:00 at
    least), widened to show any appointment outside them."""
    last_open = (
        datetime.datetime.combine(datetime.date.min, max(closes, opens))
        - datetime.timedelta(minutes=SLOT_MINUTES)
    ).time()
    first = min([DAY_START, opens, *(_slot_of(v) for v in visits)])
    last = max([DAY_END, last_open, *(_slot_of(v) for v in visits)])
    slots, at = [], datetime.datetime.combine(datetime.date.min, first)
    while at.time() <= last:
        slots.append(at.time())
        at += datetime.timedelta(minutes=SLOT_MINUTES)
        if at.date() != datetime.date.min:
            break
    return slots


def _slot_of(visit: Visit) -> datetime.time:
    local = timezone.localtime(visit.scheduled_at)
    return local.replace(
        minute=local.minute - local.minute % SLOT_MINUTES, second=0, microsecond=0
    ).time()


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of ``day`` and of the day after, in the practice's time zone."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _with_eligibility(visits: list[Visit], practice: PracticeRef) -> None:
    """Set ``visit.eligibility`` to the latest check of its patient for its date, if any."""
    dates = {v.date_of_service for v in visits}
    latest: dict[tuple[int, datetime.date], EligibilityCheck] = {}
    for check in (
        EligibilityCheck.objects.for_practice(practice)
        .filter(patient_id__in={v.patient_id for v in visits}, service_date__in=dates)
        .order_by("checked_at", "id")
    ):
        latest[(check.patient_id, check.service_date)] = check
    for v in visits:
        v.eligibility = latest.get((v.patient_id, v.date_of_service))


def _appointments(
    user: Actor, practice: PracticeRef, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Visit]:
    return (
        Visit.objects.for_user(user, practice)
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(status=Visit.Status.CANCELLED)
    )


def appointments_on(user: Actor, practice: PracticeRef, day: datetime.date) -> QuerySet[Visit]:
    """The appointments of ``day`` in the practice's time zone, cancelled ones left out:
    the desk's day. The appointment book, the desk's list and the dashboard (its list of
    today and its count of those still to check in) all read it."""
    return _appointments(user, practice, *day_bounds(day))


def _book(
    user: Actor,
    practice: PracticeRef,
    start: datetime.datetime,
    end: datetime.datetime,
    **filters: Any,
) -> list[Visit]:
    visits = list(
        _appointments(user, practice, start, end)
        .filter(**filters)
        .select_related("patient", "provider", "location")
        .order_by("scheduled_at", "id")
    )
    _with_eligibility(visits, practice)
    audit.record_list(visits, user)
    return visits


def day_grid(
    user: Actor, practice: PracticeRef, day: datetime.date, location: Location | None = None
) -> Grid:
    """Every active provider of the practice as a column of ``day`` (at ``location``)."""
    start, end = day_bounds(day)
    filters = {"location": location} if location is not None else {}
    visits = _book(user, practice, start, end, **filters)
    providers = list(
        Provider.objects.for_user(user, practice)
        .filter(active=True)
        .order_by("last_name", "first_name")
    )
    columns = {p.pk: Column(f"{p.first_name} {p.last_name}".strip(), p, day) for p in providers}
    for v in visits:
        column = columns.get(v.provider_id)
        if column is None:  # an inactive provider's appointment still shows
            column = columns[v.provider_id] = Column(
                f"{v.provider.first_name} {v.provider.last_name}".strip(), v.provider, day
            )
        column.place(v)
    return _grid(practice, visits, list(columns.values()))


def week_grid(
    user: Actor, practice: PracticeRef, provider: Provider, week_of: datetime.date
) -> Grid:
    """``provider``'s week (Monday to Saturday) around ``week_of``, a column a day."""
    monday = week_of - datetime.timedelta(days=week_of.weekday())
    days = [monday + datetime.timedelta(days=i) for i in range(6)]
    start, _ = day_bounds(days[0])
    _, end = day_bounds(days[-1])
    visits = _book(user, practice, start, end, provider=provider)
    columns = {d: Column(f"{d:%a %m/%d}", provider, d) for d in days}
    for v in visits:
        columns[v.date_of_service].place(v)
    return _grid(practice, visits, list(columns.values()))


def _scheduled(visit: Visit, what: str) -> None:
    if visit.status != Visit.Status.SCHEDULED:
        raise ServiceError(
            "visit",
            f"only a scheduled appointment can be {what}; this one is "
            f"{visit.get_status_display().lower()}",
        )


# How far ahead the desk books: further is almost always a mistyped year.
BOOKING_HORIZON = datetime.timedelta(days=2 * 366)
ANYWAY = "tick “Book anyway” to book it regardless"


def _overlapping(
    practice_id: int, when: datetime.datetime, minutes: int, skip: int | None, **who: Any
) -> Visit | None:
    end = when + datetime.timedelta(minutes=minutes)
    others = (
        Visit.objects.select_for_update()
        .filter(
            practice_id=practice_id,
            status__in=_HOLDING,
            scheduled_at__lt=end,
            scheduled_at__gte=when - datetime.timedelta(hours=4),
            **who,
        )
        .exclude(pk=skip or 0)
        .select_related("provider")
        .order_by("scheduled_at")
    )
    return next((o for o in others if o.ends_at > when), None)


def check_slot(
    practice: Practice,
    patient: Patient,
    provider: Provider,
    when: datetime.datetime,
    minutes: int,
    *,
    anyway: bool = False,
    skip: int | None = None,
) -> None:
    """Refuse an appointment the desk almost surely did not mean: a date outside the booking
    window (before the patient was born, before 1900, or more than two years ahead) always;
    a time outside office hours, or one that overlaps another appointment of the provider or
    of the patient, unless the desk says to book it ``anyway`` (some double-book on purpose).
    Call inside a transaction: the overlapping rows are locked."""
    local = timezone.localtime(when)
    day = local.date()
    born = getattr(patient, "date_of_birth", None)
    if born and day < born:
        raise ServiceError("on", f"{day:%m/%d/%Y} is before the patient was born ({born:%m/%d/%Y})")
    if day < datetime.date(1900, 1, 1):
        raise ServiceError("on", f"{day:%m/%d/%Y} is too far in the past")
    latest = timezone.localdate() + BOOKING_HORIZON
    if day > latest:
        raise ServiceError(
            "on", f"{day:%m/%d/%Y} is more than two years ahead; the latest is {latest:%m/%d/%Y}"
        )
    if anyway:
        return
    opens = getattr(practice, "opens_at", None) or datetime.time(8, 0)
    closes = getattr(practice, "closes_at", None) or datetime.time(17, 0)
    end = local + datetime.timedelta(minutes=minutes)
    if local.time() < opens or end.date() != day or end.time() > closes:
        raise ServiceError(
            "at",
            f"{local:%H:%M}–{end:%H:%M} is outside office hours "
            f"({opens:%H:%M}–{closes:%H:%M}); {ANYWAY}",
        )
    other = _overlapping(practice.pk, when, minutes, skip, provider=provider)
    if other is not None:
        raise ServiceError(
            "at",
            f"{provider.last_name} already has an appointment at "
            f"{timezone.localtime(other.scheduled_at):%H:%M}–"
            f"{timezone.localtime(other.ends_at):%H:%M}; choose another time or {ANYWAY}",
        )
    other = _overlapping(practice.pk, when, minutes, skip, patient=patient)
    if other is not None:
        raise ServiceError(
            "at",
            f"the patient already has an appointment with {other.provider.last_name} at "
            f"{timezone.localtime(other.scheduled_at):%H:%M}–"
            f"{timezone.localtime(other.ends_at):%H:%M}; choose another time or {ANYWAY}",
        )


def move_visit(
    user: Actor,
    visit: Visit,
    when: datetime.datetime,
    provider: Provider | None = None,
    *,
    anyway: bool = False,
) -> Visit:
    """Move a scheduled appointment to ``when`` (and to ``provider``), within the checks of
    ``check_slot``."""
    require_unless_system(user, visit.practice_id, "check_in")
    _scheduled(visit, "moved")
    provider = provider or visit.provider
    if provider.practice_id != visit.practice_id:
        raise ServiceError("provider", "not one of this practice's")
    with transaction.atomic(), audit.acting_as(user):
        check_slot(
            visit.practice,
            visit.patient,
            provider,
            when,
            visit.duration_minutes,
            anyway=anyway,
            skip=visit.pk,
        )
        visit.scheduled_at, visit.provider = when, provider
        visit.save(update_fields=["scheduled_at", "provider"])
    return visit


def _set_status(user: Actor, visit: Visit, status: str, what: str, note: str = "") -> Visit:
    require_unless_system(user, visit.practice_id, "check_in")
    _scheduled(visit, what)
    with transaction.atomic(), audit.acting_as(user):
        changed = audit.update_where(
            Visit,
            visit.pk,
            {"status": Visit.Status.SCHEDULED},
            status=status,
            desk_note=note or visit.desk_note,
        )
    if not changed:
        raise ServiceError("visit", "the appointment changed meanwhile; reload the page")
    visit.refresh_from_db()
    return visit


def cancel_visit(user: Actor, visit: Visit, reason: str) -> Visit:
    """Cancel a scheduled appointment; the reason is kept on the visit."""
    if not reason.strip():
        raise ServiceError("reason", "say why the appointment is cancelled")
    return _set_status(
        user, visit, Visit.Status.CANCELLED, "cancelled", f"Cancelled: {reason.strip()}"[:500]
    )


def mark_no_show(user: Actor, visit: Visit) -> Visit:
    """The patient did not come: the appointment is a no-show (it can no longer be checked in)."""
    if visit.scheduled_at > timezone.now():
        raise ServiceError("visit", "an appointment that has not started yet cannot be a no-show")
    return _set_status(user, visit, Visit.Status.NO_SHOW, "marked a no-show")
