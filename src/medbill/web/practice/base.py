"""Abstract models every app builds on: practice ownership, audit, append-only rows, addresses."""

from __future__ import annotations

from typing import Any

from django.db import models

from medbill.web.practice.fields import state_validator, zip_validator
from medbill.web.practice.tenancy import PracticeScopedQuerySet

__all__ = [
    "AddressFields",
    "AppendOnlyError",
    "AppendOnlyModel",
    "AppendOnlyQuerySet",
    "Audited",
    "PracticeOwned",
]


class Audited(models.Model):
    """Rows whose create, update and delete write an ``AuditEvent`` (PHI and money).

    Changes go through ``save()``/``delete()`` (the audit signals); ``QuerySet.update()``,
    ``bulk_create`` and ``bulk_update`` bypass them, so services must not use them on
    audited models (bulk loads such as the demo generator record one event themselves).
    """

    # Field names whose values are never copied into audit events (secrets).
    audit_exclude: tuple[str, ...] = ()
    # Keys of a JSON field whose values are secrets: the trail says "(secret)" instead.
    audit_secret_keys: tuple[str, ...] = ()
    # The field values as last loaded or saved, set by the audit signals (before values).
    _audit_before: dict[str, Any]

    class Meta:
        abstract = True


class PracticeOwned(Audited):
    """A row that belongs to exactly one practice; reach it only through ``for_user``."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="+")

    objects = PracticeScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """An attempt to change or remove a row of an append-only table (ledger, audit trail)."""


class AppendOnlyQuerySet(PracticeScopedQuerySet):
    """Refuses bulk updates and deletes; rows are only ever added."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; they cannot change")

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; they cannot change")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; they cannot be deleted")

    _raw_delete = delete  # type: ignore[assignment]


class AppendOnlyModel(models.Model):
    """A row that is written once: ``save()`` of an existing row and ``delete()`` raise.

    Corrections are new rows (a reversing ledger entry), never edits.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{type(self).__name__} {self.pk} is append-only; post a correcting row instead"
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(
            f"{type(self).__name__} {self.pk} is append-only; it cannot be deleted"
        )


class AddressFields(models.Model):
    """A US postal address; ``zip`` is 5 or 9 digits without the dash."""

    line1 = models.CharField("address line 1", max_length=55, blank=True)
    line2 = models.CharField("address line 2", max_length=55, blank=True)
    city = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=2, blank=True, validators=[state_validator])
    zip = models.CharField("ZIP", max_length=9, blank=True, validators=[zip_validator])

    class Meta:
        abstract = True

    def address_lines(self) -> list[str]:
        city = ", ".join(p for p in (self.city, f"{self.state} {self.zip_display}".strip()) if p)
        return [line for line in (self.line1, self.line2, city) if line]

    @property
    def zip_display(self) -> str:
        return f"{self.zip[:5]}-{self.zip[5:]}" if len(self.zip) == 9 else self.zip
