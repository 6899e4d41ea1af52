"""Forms of the front desk. Fields a claim cannot go out without are marked ``billing``."""

from __future__ import annotations

from typing import Any

from django import forms

from medbill.web.frontdesk.models import Coverage, DeskSettings, Guarantor, Patient, PayerEndpoint
from medbill.web.practice.models import Payer


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model-choice field ``name`` (its choices are set per practice)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


# Required on the claim (837P loops 2010BA/2010CA), though the desk may save without them.
BILLING_FIELDS = {
    "last_name",
    "first_name",
    "date_of_birth",
    "sex",
    "line1",
    "city",
    "state",
    "zip",
    "member_id",
    "payer",
    "subscriber_last_name",
    "subscriber_first_name",
    "subscriber_date_of_birth",
    "subscriber_sex",
}

DATE = forms.DateInput(attrs={"type": "date"})


class _Marked:
    """Marks billing-required fields so the template can flag them."""

    def mark(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name in BILLING_FIELDS:
                field.widget.attrs["data-billing"] = "1"
                field.billing = True


class PatientForm(_Marked, forms.ModelForm):
    zip = forms.CharField(label="ZIP", max_length=10, required=False)

    class Meta:
        model = Patient
        fields = [
            "last_name",
            "first_name",
            "middle_name",
            "suffix",
            "date_of_birth",
            "sex",
            "line1",
            "line2",
            "city",
            "state",
            "zip",
            "phone",
            "mobile_phone",
            "email",
            "preferred_language",
            "account_number",
        ]
        widgets = {"date_of_birth": DATE}
        help_texts = {"account_number": "Leave empty for the next number."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_number"].required = False
        self.mark()

    def clean_state(self) -> str:
        return self.cleaned_data["state"].strip().upper()

    def clean_zip(self) -> str:
        return self.cleaned_data["zip"].replace("-", "").strip()


class GuarantorForm(forms.ModelForm):
    class Meta:
        model = Guarantor
        fields = [
            "relationship",
            "last_name",
            "first_name",
            "date_of_birth",
            "phone",
            "line1",
            "city",
            "state",
            "zip",
        ]
        widgets = {"date_of_birth": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("last_name", "first_name"):
            self.fields[name].required = False
        self.fields["relationship"].label = "Guarantor is"


class CoverageForm(_Marked, forms.ModelForm):
    card_front = forms.FileField(required=False, label="Card, front")
    card_back = forms.FileField(required=False, label="Card, back")

    class Meta:
        model = Coverage
        fields = [
            "payer",
            "order",
            "member_id",
            "group_number",
            "group_name",
            "relationship_to_subscriber",
            "subscriber_last_name",
            "subscriber_first_name",
            "subscriber_date_of_birth",
            "subscriber_sex",
            "subscriber_line1",
            "subscriber_city",
            "subscriber_state",
            "subscriber_zip",
            "effective_date",
            "termination_date",
            "active",
        ]
        widgets = {
            "subscriber_date_of_birth": DATE,
            "effective_date": DATE,
            "termination_date": DATE,
        }
        labels = {
            "termination_date": "End date",
            "relationship_to_subscriber": "Patient is the subscriber's",
            "member_id": "Member ID",
            "subscriber_last_name": "Last name",
            "subscriber_first_name": "First name",
            "subscriber_date_of_birth": "Date of birth",
            "subscriber_sex": "Sex",
            "subscriber_line1": "Address",
            "subscriber_city": "City",
            "subscriber_state": "State",
            "subscriber_zip": "ZIP",
        }

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "payer").queryset = payers if payers is not None else Payer.objects.none()
        self.mark()
        for name in (
            "subscriber_last_name",
            "subscriber_first_name",
            "subscriber_date_of_birth",
            "subscriber_sex",
        ):
            self.fields[name].widget.attrs["data-subscriber"] = "1"


class DeskSettingsForm(forms.ModelForm):
    class Meta:
        model = DeskSettings
        fields = [
            "self_pay_discount",
            "estimate_valid_days",
            "kiosk_link_hours",
            "default_copay",
            "copay_ceiling",
            "hold_claims_for_paperwork",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the desk keeps the standard limit.
        self.fields["copay_ceiling"].required = False

    def clean_copay_ceiling(self) -> Any:
        value = self.cleaned_data.get("copay_ceiling")
        return DeskSettings._meta.get_field("copay_ceiling").default if value is None else value


class PayerEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=300, assume_scheme="https", label="URL")

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
        widgets = {"password": forms.PasswordInput(render_value=False)}

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "payer").queryset = payers if payers is not None else Payer.objects.none()
        self.fields["password"].required = False
