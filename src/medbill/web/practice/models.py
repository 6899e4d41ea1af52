"""Organizations, practices and their master data; memberships, API tokens and the audit trail."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import zoneinfo
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from medbill.core.deadlines import Limits, limits_for
from medbill.core.roles import ROLE_LABELS, ROLES
from medbill.web.practice.base import (
    AddressFields,
    AppendOnlyModel,
    AppendOnlyQuerySet,
    Audited,
    PracticeOwned,
)
from medbill.web.practice.fields import (
    MoneyField,
    npi_validator,
    state_validator,
    taxonomy_validator,
    tin_validator,
    zip9_validator,
    zip_validator,
)
from medbill.web.practice.tenancy import (
    Actor,
    PracticeRef,
    PracticeScopedQuerySet,
    practice_ids_for,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]


def time_zone_validator(value: str) -> None:
    """An IANA time zone name this system knows (``America/New_York``)."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"time zone: {value!r} is not an IANA name like America/New_York")


# Payer types as the claim document names them, with the 837P claim filing indicator (SBR09).
PAYER_TYPES = [
    ("medicare", "Medicare Part B"),
    ("medicaid", "Medicaid"),
    ("commercial", "Commercial"),
    ("bcbs", "Blue Cross Blue Shield"),
    ("hmo", "HMO"),
    ("ppo", "PPO"),
    ("tricare", "TRICARE"),
    ("champva", "CHAMPVA"),
    ("workers_comp", "Workers' compensation"),
    ("self_pay", "Self-pay"),
]
CLAIM_FILING_INDICATORS = [
    ("MB", "MB Medicare Part B"),
    ("MC", "MC Medicaid"),
    ("CI", "CI Commercial insurance"),
    ("BL", "BL Blue Cross/Blue Shield"),
    ("HM", "HM Health maintenance organization"),
    ("12", "12 Preferred provider organization"),
    ("CH", "CH CHAMPUS / TRICARE"),
    ("VA", "VA Veterans Affairs plan"),
    ("WC", "WC Workers' compensation"),
    ("ZZ", "ZZ Mutually defined"),
]


class Organization(models.Model):
    """Who owns practices: a billing company, or the owner of a single practice."""

    class Kind(models.TextChoices):
        BILLING_COMPANY = "billing_company", "Billing company serving practices"
        PRACTICE_OWNER = "practice_owner", "Owner of its own practice(s)"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PRACTICE_OWNER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def default_opening() -> datetime.time:
    # A function, not a fixed time: Django's checks take a fixed time of day as a mistake
    # (warning fields.W161) when they run within seconds of it.
    return datetime.time(8, 0)


def default_closing() -> datetime.time:
    return datetime.time(17, 0)


class Practice(Audited):
    """A billing provider: the entity whose TIN and group NPI go on the claim."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="practices"
    )
    name = models.CharField("name used in the office", max_length=120)
    short_code = models.CharField(
        max_length=8, unique=True, help_text="Prefix of patient account and claim numbers."
    )
    legal_name = models.CharField(max_length=60)
    tin = models.CharField("TIN", max_length=9, validators=[tin_validator])
    group_npi = models.CharField("group NPI", max_length=10, validators=[npi_validator])
    taxonomy = models.CharField(max_length=10, blank=True, validators=[taxonomy_validator])
    phone = models.CharField(max_length=20, blank=True)
    contact_name = models.CharField("billing contact", max_length=60, blank=True)
    billing_line1 = models.CharField("billing address line 1", max_length=55)
    billing_line2 = models.CharField("billing address line 2", max_length=55, blank=True)
    billing_city = models.CharField(max_length=30)
    billing_state = models.CharField(max_length=2, validators=[state_validator])
    billing_zip = models.CharField("billing ZIP+4", max_length=9, validators=[zip9_validator])
    pay_to_line1 = models.CharField("pay-to address line 1", max_length=55, blank=True)
    pay_to_line2 = models.CharField("pay-to address line 2", max_length=55, blank=True)
    pay_to_city = models.CharField(max_length=30, blank=True)
    pay_to_state = models.CharField(max_length=2, blank=True, validators=[state_validator])
    pay_to_zip = models.CharField(
        "pay-to ZIP+4", max_length=9, blank=True, validators=[zip9_validator]
    )
    time_zone = models.CharField(
        max_length=40,
        blank=True,
        validators=[time_zone_validator],
        help_text="IANA name, e.g. America/New_York; pages show the practice's local times. "
        "Blank: the server's MEDBILL_TIME_ZONE.",
    )
    # Office hours: the appointment book greys out the times outside them.
    opens_at = models.TimeField("office opens", default=default_opening)
    closes_at = models.TimeField("office closes", default=default_closing)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Security settings of the practice (medbill.web.practice.sessions and .mfa).
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        "idle sign-out after (minutes)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(480)],
        help_text="Users are signed out after this long without using the application.",
    )
    mfa_required = models.BooleanField(
        "require two-factor sign-in",
        default=True,
        help_text="Administrators, managers and billers must sign in with an authenticator "
        "app code. Other roles may turn it on for themselves.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "the office must close after it opens"})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The practice's time zone (the server's default when none is set)."""
        if self.time_zone:
            return zoneinfo.ZoneInfo(self.time_zone)
        return timezone.get_default_timezone()

    @property
    def has_pay_to_address(self) -> bool:
        return bool(self.pay_to_line1)


class Location(PracticeOwned, AddressFields):
    """Where services are rendered (the 837P service facility and place of service)."""

    name = models.CharField(max_length=80)
    place_of_service = models.CharField("place of service code", max_length=2, default="11")
    npi = models.CharField("facility NPI", max_length=10, blank=True, validators=[npi_validator])
    phone = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(PracticeOwned):
    """A rendering provider of the practice."""

    last_name = models.CharField(max_length=60)
    first_name = models.CharField(max_length=35)
    middle_name = models.CharField(max_length=25, blank=True)
    suffix = models.CharField(max_length=10, blank=True)
    credentials = models.CharField(max_length=20, blank=True, help_text="MD, DO, NP, PA-C ...")
    npi = models.CharField("individual NPI", max_length=10, validators=[npi_validator])
    taxonomy = models.CharField(max_length=10, blank=True, validators=[taxonomy_validator])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "npi"], name="provider_npi_per_practice")
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.credentials}" if self.credentials else name


class PayerQuerySet(PracticeScopedQuerySet):
    """Payers are the organization's: visible to members of any of its practices."""

    def for_user(
        self, user: Actor, practice: PracticeRef | None = None, action: str | None = None
    ) -> Self:
        orgs = Practice.objects.filter(pk__in=practice_ids_for(user, practice, action)).values(
            "organization_id"
        )
        return self.filter(organization_id__in=orgs)

    def for_practice(self, practice: PracticeRef) -> Self:
        if isinstance(practice, Practice):
            return self.filter(organization_id=practice.organization_id)
        # An id, as every other practice-owned queryset takes.
        orgs = Practice.objects.filter(pk=practice).values("organization_id")
        return self.filter(organization_id__in=orgs)


class Payer(Audited, AddressFields):
    """An insurance payer as the clearinghouse knows it (organization-level master data)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=60)
    payer_id = models.CharField(
        "payer id", max_length=80, help_text="The clearinghouse's identifier for the payer."
    )
    payer_type = models.CharField(max_length=20, choices=PAYER_TYPES, default="commercial")
    claim_filing_indicator = models.CharField(
        max_length=2, choices=CLAIM_FILING_INDICATORS, default="CI"
    )
    clearinghouse_route = models.CharField(
        max_length=60,
        blank=True,
        help_text="Which clearinghouse connection carries this payer's claims.",
    )
    phone = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)
    # Which claim edits run for this payer, by code prefix as ``ruff --select`` works:
    # comma-separated, e.g. select "" (all), ignore "DX009", extend "DX010".
    edits_select = models.CharField(
        max_length=200, blank=True, help_text="Edit code prefixes to run; empty runs them all."
    )
    edits_ignore = models.CharField(
        max_length=200, blank=True, help_text="Edit code prefixes this payer does not apply."
    )
    edits_extend = models.CharField(
        max_length=200,
        blank=True,
        help_text="Opt-in edit code prefixes this payer asks for (e.g. DX010 unspecified codes).",
    )
    # The contract's terms; blank: the default for the payer's type (medbill.core.deadlines).
    timely_filing_days = models.PositiveSmallIntegerField(
        "filing limit (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="Days from the date of service to file a claim. Blank: Medicare, Medicaid "
        "and TRICARE one year, other payers 90 days.",
    )
    appeal_days = models.PositiveSmallIntegerField(
        "appeal limit (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="Days from the payer's decision to file a first appeal. Blank: Medicare "
        "120 days (after 5 days to receive the notice), Medicaid 90, other payers 180.",
    )

    objects = PayerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "payer_id"], name="payer_id_per_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def deadline_limits(self) -> Limits:
        """The filing limit and appeal levels of this payer."""
        return limits_for(self.payer_type, self.timely_filing_days, self.appeal_days)

    def clean(self) -> None:
        super().clean()
        for name in ("edits_select", "edits_ignore", "edits_extend"):
            for prefix in edit_prefixes(getattr(self, name)):
                if not EDIT_PREFIX.fullmatch(prefix):
                    raise ValidationError({name: f"{prefix!r} is not an edit code prefix"})


EDIT_PREFIX = re.compile(r"[A-Z]{1,4}[0-9]{0,3}")


def edit_prefixes(text: str) -> tuple[str, ...]:
    """The prefixes of a comma-separated edit selection, upper-cased, blanks dropped."""
    return tuple(p.strip().upper() for p in text.split(",") if p.strip())


class FeeSchedule(PracticeOwned):
    """The practice's prices; the schedule in effect on the date of service applies."""

    name = models.CharField(max_length=80)
    payer = models.ForeignKey(
        Payer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty: the practice's standard charges.",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-effective_from"]

    def __str__(self) -> str:
        return self.name


class FeeScheduleEntry(PracticeOwned):
    """One priced code; the description is the practice's own words (never AMA text)."""

    fee_schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="entries")
    code_system = models.CharField(
        max_length=8, default="CPT", choices=[("CPT", "CPT"), ("HCPCS", "HCPCS")]
    )
    code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    description = models.CharField("practice's description", max_length=120)
    price = MoneyField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code", "modifier", "-effective_from"]
        verbose_name_plural = "fee schedule entries"
        constraints = [
            models.UniqueConstraint(
                fields=["fee_schedule", "code", "modifier", "effective_from"],
                name="fee_entry_unique_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}{'-' + self.modifier if self.modifier else ''} {self.price}"


class Membership(PracticeOwned):
    """A user's access to one practice, with one role there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_role_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.practice}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=60, help_text="What the token is for.")
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user``; returns the row and the token text (shown once)."""
        key = "mb_" + secrets.token_urlsafe(30)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash_key(key))
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        """The active user owning ``key``, or ``None``."""
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=cls.hash_key(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user


AUDIT_ACTIONS = [
    ("create", "created"),
    ("update", "changed"),
    ("delete", "deleted"),
    ("view", "viewed"),  # one record looked at (a page, an API read, a PDF of it)
    ("list", "listed or searched"),  # many records returned at once (a list, a search)
    ("export", "exported"),  # a file that carries many records (an 837P batch, a CSV)
    ("denied", "refused"),  # a request the user's role or tenancy refused (403)
    # sign-in events (medbill.web.practice.auth_audit)
    ("login", "sign-in"),
    ("logout", "sign-out"),
    ("login_failed", "failed sign-in"),
    ("lockout", "locked out"),
    ("unlock", "unlocked"),
    ("mfa_on", "two-factor turned on"),
    ("mfa_off", "two-factor turned off"),
    ("password", "password changed"),
    ("run_job", "ran a recurring job"),  # a manager's "Run now" (medbill.web.jobs)
]


class AuditEvent(AppendOnlyModel):
    """One entry of the audit trail: who did what to which row, with before and after.

    ``changes`` maps a field name to ``{"before": ..., "after": ...}`` (text, or null).
    References to the user and practice are not database constraints so that the trail
    outlives the rows it talks about; ``username`` keeps the name as it was.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    practice = models.ForeignKey(
        Practice,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=12, choices=AUDIT_ACTIONS)
    changes = models.JSONField(default=dict, blank=True)
    source = models.CharField(
        max_length=40, blank=True, help_text="web, api, cli, worker ... where the change came from."
    )
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="What a read returned (count, ids) or why a request was refused.",
    )

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["-at", "-id"]
        # The trail is the busiest table to write: every index is paid for on every change.
        # A row's history is asked for by type and id (a type alone uses the same index).
        indexes = [
            models.Index(fields=["practice", "-at"], name="audit_practice_at"),
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'} {self.action} "
            f"{self.object_type} {self.object_id}"
        )


class AuditEventPatient(AppendOnlyModel):
    """A patient whose record an audit event touched: one row per patient and event.

    A list or an 837P batch touches many patients at once; these rows let the auditor
    find every event about one patient. ``patient_id`` is a plain number (no foreign key)
    so that the trail outlives the patient row, as ``AuditEvent`` does.
    """

    # Looked up by event through the unique constraint's index, which starts with it.
    event = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, related_name="patient_links", db_index=False
    )
    patient_id = models.BigIntegerField(db_index=True)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "patient_id"], name="audit_patient_once")
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} patient {self.patient_id}"


__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditEventPatient",
    "FeeSchedule",
    "FeeScheduleEntry",
    "Location",
    "Membership",
    "MoneyField",
    "Organization",
    "Payer",
    "Practice",
    "Provider",
    "zip_validator",
]
