"""Use cases of the practice's master data pages: providers, locations, payers and their
eligibility endpoints, fee schedules, clearinghouse connections and who works here.

Each checks the role itself (``manage_master_data``; ``manage_users`` for memberships)
and saves through the models, so every change writes its audit event with before and
after values. Bad input raises ``ServiceError`` naming the field.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from medbill.core.codesets.feeschedule import FeeRow, FeeScheduleError, read_fee_schedule
from medbill.core.roles import ROLES
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.practice.base import PracticeOwned
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import (
    FeeSchedule,
    FeeScheduleEntry,
    Membership,
    Payer,
    Practice,
)
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "grant_role",
    "import_fee_rows",
    "read_fee_file",
    "revoke_membership",
    "save_connection",
    "save_fee_entry",
    "save_master_row",
]


def save_master_row(
    user: Actor, practice: Practice, row: PracticeOwned | Payer
) -> PracticeOwned | Payer:
    """Save a provider, location, payer, endpoint or fee schedule of ``practice``."""
    require(user, practice, "manage_master_data")
    if isinstance(row, Payer):
        row.organization_id = practice.organization_id  # payers are the organization's
    else:
        row.practice = practice
    with transaction.atomic():
        try:
            row.save()
        except IntegrityError:
            raise ServiceError("", "another row already has these identifiers") from None
    return row


def save_fee_entry(
    user: Actor, practice: Practice, schedule: FeeSchedule, entry: FeeScheduleEntry
) -> FeeScheduleEntry:
    """Save one priced code of ``schedule``; (code, modifier, first day) is unique in it."""
    require(user, practice, "manage_master_data")
    entry.practice = practice
    entry.fee_schedule = schedule
    entry.code_system = "HCPCS" if entry.code[:1].isalpha() else "CPT"
    clash = FeeScheduleEntry.objects.filter(
        fee_schedule=schedule,
        code=entry.code,
        modifier=entry.modifier,
        effective_from=entry.effective_from,
    ).exclude(pk=entry.pk)
    with transaction.atomic():
        if clash.exists():
            raise ServiceError(
                "effective_from",
                f"{entry.code}{'-' + entry.modifier if entry.modifier else ''} already has a "
                f"price from {entry.effective_from:%m/%d/%Y} in this schedule",
            )
        entry.save()
    _forget_prices(practice)
    return entry


def read_fee_file(data: bytes, default_from: datetime.date | None) -> list[FeeRow]:
    """The rows of an uploaded fee schedule CSV (checked, nothing saved) for the preview."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("file", "the file is not UTF-8 text (save it as CSV UTF-8)") from None
    try:
        return read_fee_schedule(io.StringIO(text, newline=""), default_from=default_from)
    except FeeScheduleError as exc:
        raise ServiceError("file", str(exc)) from None


def import_fee_rows(
    user: Actor, practice: Practice, schedule: FeeSchedule, rows: list[FeeRow]
) -> dict[str, int]:
    """Put previewed rows into ``schedule``: new codes added, changed prices updated.

    All or nothing; one audit event per created or changed entry.
    """
    require(user, practice, "manage_master_data")
    from medbill.web.coding.codesets import import_fee_schedule

    _, counts = import_fee_schedule(practice, rows, name=schedule.name, payer=schedule.payer)
    return {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}


def _forget_prices(practice: Practice) -> None:
    from medbill.web.coding import codesets

    codesets._cache.pop(practice.pk, None)


def save_connection(
    user: Actor,
    practice: Practice,
    connection: ClearinghouseConnection | None,
    name: str,
    active: bool,
    settings: dict[str, Any],
) -> ClearinghouseConnection:
    """Create or change a clearinghouse connection (settings already checked by the form)."""
    require(user, practice, "manage_master_data")
    row = connection or ClearinghouseConnection(practice=practice)
    row.name, row.active, row.settings = name, active, settings
    with transaction.atomic():
        taken = ClearinghouseConnection.objects.for_practice(practice).filter(name=name)
        if taken.exclude(pk=row.pk).exists():
            raise ServiceError("name", "another connection of this practice has that name")
        row.save()
    return row


def grant_role(
    user: User,
    practice: Practice,
    username: str,
    role: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str = "",
) -> Membership:
    """Give ``username`` the role ``role`` at ``practice``, creating the user if new.

    A user keeps one role per practice: granting again changes the role.
    """
    require(user, practice, "manage_users")
    if role not in ROLES:
        raise ServiceError("role", "choose one of the roles")
    people = get_user_model()
    with transaction.atomic():
        person = people.objects.filter(username=username).first()
        if person is None:
            if not password:
                raise ServiceError("password", "a new user needs a first password")
            candidate = people(
                username=username, first_name=first_name, last_name=last_name, email=email
            )
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                raise ServiceError("password", " ".join(exc.messages)) from None
            candidate.set_password(password)
            candidate.save()
            person = candidate
        membership = Membership.objects.filter(user=person, practice=practice).first()
        if membership is None:
            membership = Membership(user=person, practice=practice, role=role)
        elif membership.user_id == user.pk and membership.role != role:
            raise ServiceError("role", "you cannot change your own role")
        membership.role = role
        membership.save()
    return membership


def revoke_membership(user: User, practice: Practice, membership: Membership) -> None:
    """Take away a user's access to ``practice`` (the user's other practices stay)."""
    require(user, practice, "manage_users")
    if membership.practice_id != practice.pk:
        raise ServiceError("", "that user does not work for this practice")
    if membership.user_id == user.pk:
        raise ServiceError("", "you cannot take away your own access")
    with transaction.atomic():
        membership.delete()
