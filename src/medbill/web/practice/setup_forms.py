"""Forms of the practice's master data pages (``setup_views``).

Model validation (NPI check digit, taxonomy shape, ZIP) runs in these forms through the
models' own validators, so the page, the Django admin and the API refuse the same values.
Secrets (the eligibility endpoint's password, a clearinghouse connection's secret
settings) are write-only: the form never renders a stored value back, and an empty
field keeps what is stored.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from medbill.core.codesets.cpt import cpt_shape
from medbill.core.identifiers import phone_digits, phone_display
from medbill.core.roles import ROLE_LABELS, ROLES
from medbill.core.submission.profiles import ClearinghouseProfile, ProfileError
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.frontdesk.desk_models import PayerEndpoint
from medbill.web.practice.models import (
    FeeSchedule,
    FeeScheduleEntry,
    Location,
    Payer,
    Practice,
    Provider,
)
from medbill.web.practice.tenancy import PracticeRef

__all__ = [
    "ConnectionForm",
    "FeeEntryForm",
    "FeeImportForm",
    "FeeScheduleForm",
    "PracticeDetailsForm",
    "LocationForm",
    "MembershipForm",
    "PayerEndpointForm",
    "PayerForm",
    "ProviderForm",
]

_HCPCS = re.compile(r"[A-V][0-9]{4}")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The zones of the United States and its territories, as an office names them.
US_TIME_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Mountain, no daylight saving (Arizona)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico, Virgin Islands)"),
    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa (American Samoa)"),
]


class PracticeDetailsForm(forms.ModelForm):
    """What a manager keeps current about the practice: contact, time zone, office hours.

    The billing identity (legal name, TIN, group NPI, addresses) goes on every claim and is
    changed by an administrator in the admin, where the audit trail records it the same way.
    """

    time_zone = forms.ChoiceField(
        required=False,
        help_text="Pages show the practice's local times: appointments, postings, the audit trail.",
    )

    class Meta:
        model = Practice
        fields = ["phone", "contact_name", "time_zone", "opens_at", "closes_at"]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}),
            "closes_at": forms.TimeInput(attrs={"type": "time"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "The server's time zone"), *US_TIME_ZONES]
        current = self.instance.time_zone if self.instance else ""
        if current and current not in dict(US_TIME_ZONES):
            choices.append((current, current))
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = choices
        if self.instance.phone:
            self.initial["phone"] = phone_display(self.instance.phone)

    def clean_phone(self) -> str:
        typed = self.cleaned_data["phone"].strip()
        if not typed:
            return ""
        digits = phone_digits(typed)
        if digits is None:
            raise forms.ValidationError("A phone number has ten digits, e.g. (555) 201-3344.")
        return digits


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "last_name",
            "first_name",
            "middle_name",
            "suffix",
            "credentials",
            "npi",
            "taxonomy",
            "active",
        ]
        help_texts = {"taxonomy": "NUCC code, for example 207Q00000X (family medicine)."}

    def clean_taxonomy(self) -> str:
        return self.cleaned_data["taxonomy"].strip().upper()


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "place_of_service",
            "npi",
            "phone",
            "line1",
            "line2",
            "city",
            "state",
            "zip",
            "active",
        ]

    def clean_place_of_service(self) -> str:
        value = self.cleaned_data["place_of_service"].strip()
        if not (len(value) == 2 and value.isdigit()):
            raise forms.ValidationError("A place of service code is two digits (11 office).")
        return value


class PayerForm(forms.ModelForm):
    class Meta:
        model = Payer
        fields = [
            "name",
            "payer_id",
            "payer_type",
            "claim_filing_indicator",
            "clearinghouse_route",
            "phone",
            "line1",
            "line2",
            "city",
            "state",
            "zip",
            "edits_select",
            "edits_ignore",
            "edits_extend",
            "timely_filing_days",
            "appeal_days",
            "active",
        ]


class PayerEndpointForm(forms.ModelForm):
    """The payer's real-time eligibility endpoint; the password is write-only."""

    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the stored password.",
    )

    class Meta:
        model = PayerEndpoint
        fields = [
            "payer",
            "url",
            "sender_id",
            "receiver_id",
            "username",
            "password",
            "envelope",
            "timeout_seconds",
            "usage",
            "active",
        ]
        labels = {"url": "URL", "sender_id": "Sender id", "receiver_id": "Receiver id"}

    def __init__(self, *args: Any, practice: PracticeRef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ModelChoiceField)
        payer.queryset = Payer.objects.for_practice(practice)
        self._stored_password = self.instance.password if self.instance.pk else ""

    def clean_password(self) -> str:
        return self.cleaned_data.get("password") or self._stored_password

    def clean_usage(self) -> str:
        value = self.cleaned_data["usage"].strip().upper()
        if value not in ("P", "T"):
            raise forms.ValidationError("Usage is P (production) or T (test).")
        return value


class FeeScheduleForm(forms.ModelForm):
    class Meta:
        model = FeeSchedule
        fields = ["name", "payer", "effective_from", "effective_to"]
        widgets = {"effective_from": _DATE, "effective_to": _DATE}

    def __init__(self, *args: Any, practice: PracticeRef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ModelChoiceField)
        payer.queryset = Payer.objects.for_practice(practice)
        payer.empty_label = "The practice's standard charges"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "The last day cannot be before the first day.")
        return data


class FeeEntryForm(forms.ModelForm):
    class Meta:
        model = FeeScheduleEntry
        fields = ["code", "modifier", "description", "price", "effective_from", "effective_to"]
        widgets = {"effective_from": _DATE, "effective_to": _DATE}
        labels = {"price": "Price ($)"}

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not (cpt_shape(code) or _HCPCS.fullmatch(code)):
            raise forms.ValidationError("Not a CPT or HCPCS code (five characters, e.g. 99213).")
        return code

    def clean_modifier(self) -> str:
        value = self.cleaned_data["modifier"].strip().upper()
        if value and not (len(value) == 2 and value.isalnum()):
            raise forms.ValidationError("A modifier is two letters or digits (25, RT).")
        return value

    def clean_price(self) -> Any:
        price = self.cleaned_data["price"]
        if price is not None and price < 0:
            raise forms.ValidationError("A price cannot be negative.")
        return price

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "The last day cannot be before the first day.")
        return data

    def validate_unique(self) -> None:
        # The schedule is set by the service; check the (code, modifier, from) key there.
        pass


class FeeImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns code, description, price, effective_from; "
        "optional effective_to and modifier.",
    )
    effective_from = forms.DateField(
        required=False, widget=_DATE, label="Effective from (for rows without a date)"
    )


# Profile settings offered on the connection page, in the order shown. Secrets are never
# among the shown values: ``key_path`` names a file on the server, not the key itself.
CONNECTION_FIELDS: list[tuple[str, str, bool]] = [
    ("transport", "Transport", True),
    ("folder", "Folder (folder transport)", False),
    ("host", "SFTP host", False),
    ("port", "SFTP port", False),
    ("username", "SFTP user name", False),
    ("key_path", "Private key file on the server", False),
    ("host_key_sha256", "Server key fingerprint (SHA256)", False),
    ("remote_dir", "Remote folder", False),
    ("inbound_folder", "Folder where responses arrive (folder transport)", False),
    ("inbound_remote_dir", "Remote folder where responses arrive (SFTP)", False),
    ("sender_id", "Sender id (ISA06)", True),
    ("receiver_id", "Receiver id (ISA08)", True),
    ("submitter_name", "Submitter name", True),
    ("contact_name", "Contact name", True),
    ("contact_phone", "Contact phone", False),
    ("receiver_name", "Receiver name", True),
    ("usage", "Usage", False),
]
_CHOICES = {
    "transport": [("folder", "Folder on this server"), ("sftp", "SFTP")],
    "usage": [("", "Production (default)"), ("P", "Production"), ("T", "Test")],
}
# Settings that are secrets wherever they appear: stored, never shown.
SECRET_SETTINGS = ClearinghouseConnection.audit_secret_keys


class ConnectionForm(forms.Form):
    """A clearinghouse connection; checked by building its ``ClearinghouseProfile``.

    SFTP signs in with a key file named by its path, so the form asks for no password.
    Settings the form does not show (anything written by other tools, secrets among
    them) are kept as they are and never rendered.
    """

    name = forms.CharField(max_length=60, help_text="Payers route here by this name.")
    active = forms.BooleanField(required=False, initial=True)

    def __init__(
        self, *args: Any, instance: ClearinghouseConnection | None = None, **kwargs: Any
    ) -> None:
        self.instance = instance
        stored = dict(instance.settings) if instance else {}
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "active": instance.active,
                **{k: stored.get(k, "") for k, _, _ in CONNECTION_FIELDS},
            }
        super().__init__(*args, **kwargs)
        for key, label, required in CONNECTION_FIELDS:
            if key in _CHOICES:
                self.fields[key] = forms.ChoiceField(
                    label=label, required=required, choices=_CHOICES[key]
                )
            else:
                self.fields[key] = forms.CharField(label=label, required=required, max_length=200)
        self._stored = stored

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name.replace("-", "").replace("_", "").isalnum():
            raise forms.ValidationError("Letters, digits, '-' and '_' only.")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        settings = {
            k: v
            for k, v in self._stored.items()
            if k not in dict.fromkeys(key for key, _, _ in CONNECTION_FIELDS)
        }
        for key, _, _ in CONNECTION_FIELDS:
            value = (data.get(key) or "").strip()
            if value:
                settings[key] = int(value) if key == "port" and value.isdigit() else value
        try:
            ClearinghouseProfile.from_dict(
                {
                    "name": data["name"],
                    **{k: v for k, v in settings.items() if k not in SECRET_SETTINGS},
                }
            )
        except ProfileError as exc:
            field, _, problem = str(exc).partition(": ")
            target = field if field in self.fields else None
            text = problem or str(exc)
            self.add_error(target, text[:1].upper() + text[1:] + ".")
        except (TypeError, ValueError) as exc:
            self.add_error(None, f"These settings do not make a connection: {exc}.")
        self.settings = settings
        return data


class MembershipForm(forms.Form):
    """Give a user a role at the practice: an existing user by name, or a new one."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        required=False,
        label="Password (new users only)",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
