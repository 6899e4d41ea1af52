"""Tenancy: every practice-owned row is reached only through the user's memberships.

This module is the ONE place that decides which rows a user may see. Views and API
endpoints never filter by practice themselves; they go through these functions:

``Model.objects.for_user(user, practice=None)``
    Every practice-owned model (``PracticeOwned`` subclasses: Patient, Visit, Claim, Entry,
    ...) has this queryset method. It keeps the rows of the practices ``user`` is a member
    of; with ``practice`` given, only that practice's rows (and none when the user is not a
    member of it).

``scoped(model_or_queryset, user, practice=None, action=None)``
    The same as a function, for any queryset (``scoped(Visit.objects.filter(...), user)``).
    With ``action`` (a name from ``medbill.core.roles.ACTIONS``) it keeps only practices
    where the user's role allows that action: lists in the API use it.

``get_scoped_or_404(model_or_queryset, user, practice=None, **lookup)``
    ``get_object_or_404`` through the scope: a row of another practice is a 404, exactly
    like a row that does not exist, so ids of other tenants leak nothing.

``role_in(user, practice)`` / ``practices_for(user)``
    The user's role in one practice (``None`` without a membership) and the practices a
    user may switch to.

The web app scopes to the practice chosen in the practice switcher (``request.practice``);
the API scopes to all of the user's practices and checks the role in the row's practice.
Payers belong to an organization and are scoped through the organization's practices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeAlias, TypeGuard, TypeVar

from django.apps import apps
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db import models
from django.http import Http404

from medbill.core.roles import roles_with

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from medbill.web.practice.models import Membership, Practice

# Who is acting: a signed-in user, an anonymous visitor, or None for the system.
Actor: TypeAlias = "User | AnonymousUser | None"
# A practice or its id.
PracticeRef: TypeAlias = "Practice | int"

__all__ = [
    "Actor",
    "InAnotherPractice",
    "PracticeRef",
    "PracticeScopedQuerySet",
    "get_scoped_or_404",
    "practice_ids_for",
    "practice_pk",
    "practices_for",
    "role_in",
    "scoped",
    "signed_in",
]

M = TypeVar("M", bound=models.Model)


def _membership_model() -> type[Membership]:
    return apps.get_model("practice", "Membership")


def _is_user(user: Actor) -> TypeGuard[User]:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def practice_pk(practice: PracticeRef) -> int:
    """The id of ``practice`` (a Practice or its id)."""
    return practice.pk if isinstance(practice, models.Model) else practice


def signed_in(user: Actor) -> User | None:
    """``user`` when signed in, else None (an anonymous visitor, or the system acting):
    the user a row or an audit event names as who made it."""
    if user is None or not user.is_authenticated:
        return None
    return user


def practice_ids_for(
    user: Actor, practice: PracticeRef | None = None, action: str | None = None
) -> models.QuerySet:
    """A subquery of the ids of the active practices ``user`` belongs to (optionally one),
    and with ``action`` only those where the user's role allows it."""
    memberships = _membership_model().objects.filter(practice__active=True)
    if not _is_user(user):
        return memberships.none().values("practice_id")
    memberships = memberships.filter(user=user)
    if practice is not None:
        memberships = memberships.filter(practice_id=practice_pk(practice))
    if action is not None:
        memberships = memberships.filter(role__in=roles_with(action))
    return memberships.values("practice_id")


def practices_for(user: Actor) -> models.QuerySet[Practice]:
    """The practices ``user`` may switch to, by name."""
    practice = apps.get_model("practice", "Practice")
    return practice.objects.filter(pk__in=practice_ids_for(user)).order_by("name")


def role_in(user: Actor, practice: PracticeRef | None) -> str | None:
    """The user's role in ``practice`` (a Practice or its id), or ``None``."""
    if not _is_user(user) or practice is None:
        return None
    row = (
        _membership_model()
        .objects.filter(user=user, practice_id=practice_pk(practice), practice__active=True)
        .values_list("role", flat=True)
        .first()
    )
    return row


class PracticeScopedQuerySet(models.QuerySet):
    """The queryset of every practice-owned model (see the module docstring)."""

    # The lookup from this model to its practice id; Payer overrides it.
    practice_lookup = "practice_id__in"

    def for_user(
        self, user: Actor, practice: PracticeRef | None = None, action: str | None = None
    ) -> Self:
        """Rows of the practices ``user`` belongs to (only ``practice``'s when given; with
        ``action``, only practices where the user's role allows it)."""
        lookup = getattr(self.model, "practice_lookup", self.practice_lookup)
        return self.filter(**{lookup: practice_ids_for(user, practice, action)})

    def for_practice(self, practice: PracticeRef) -> Self:
        """Rows of one practice, for code that already holds a checked practice (services)."""
        lookup = getattr(self.model, "practice_lookup", self.practice_lookup)
        pk = practice_pk(practice)
        if lookup.endswith("__in"):  # one practice: the plain comparison is cheaper to build
            return self.filter(**{lookup.removesuffix("__in"): pk})
        return self.filter(**{lookup: [pk]})


def scoped(
    model_or_qs: type[M] | models.QuerySet[M],
    user: Actor,
    practice: PracticeRef | None = None,
    action: str | None = None,
) -> models.QuerySet[M]:
    """``model_or_qs`` restricted to the user's practices (see the module docstring)."""
    qs = (
        model_or_qs
        if isinstance(model_or_qs, models.QuerySet)
        else model_or_qs._default_manager.all()
    )
    if not isinstance(qs, PracticeScopedQuerySet):
        raise TypeError(f"{qs.model.__name__} is not practice-owned; it cannot be scoped")
    return qs.for_user(user, practice, action)


class InAnotherPractice(Http404):
    """The row is not in the practice the user is working in, but in ``practice``, another
    one the user works for: the 404 page offers to switch to it."""

    def __init__(self, message: str, practice: Practice) -> None:
        super().__init__(message)
        self.practice = practice


def get_scoped_or_404(
    model_or_qs: type[M] | models.QuerySet[M],
    user: Actor,
    practice: PracticeRef | None = None,
    **lookup: object,
) -> M:
    """One row through the scope, or ``Http404`` (also for other practices' rows).

    When ``practice`` is given and the row belongs to another practice of the user's,
    the 404 is ``InAnotherPractice`` naming it; rows of practices the user does not work
    for stay a plain 404, exactly like a row that does not exist."""
    qs = scoped(model_or_qs, user, practice)
    missing = f"No {qs.model._meta.verbose_name} matches the given query."
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        pass  # an id beyond 64 bits names no row either
    if practice is not None:
        elsewhere = _practice_of(scoped(model_or_qs, user), lookup)
        if elsewhere is not None:
            raise InAnotherPractice(missing, elsewhere)
    raise Http404(missing)


def _practice_of(qs: models.QuerySet[M], lookup: dict[str, object]) -> Practice | None:
    """The practice of the one row ``lookup`` finds in ``qs`` (if it has one), else None."""
    try:
        row = qs.get(**lookup)
    except (
        ObjectDoesNotExist,
        MultipleObjectsReturned,
        ValueError,
        TypeError,
        OverflowError,
    ):
        return None
    return getattr(row, "practice", None)
