"""Django admin for master data: organizations, practices, providers, payers, fee schedules,
memberships and API tokens. Patient records are kept out of the admin (they are audited
through the web app's own views).

The admin is for superusers only: it writes rows without the role checks of the services,
so managers and administrators of a practice keep their master data in the app's own pages
(``/practice/setup/``). A staff account that is not a superuser is refused here.
"""

from django.contrib import admin
from django.http import HttpRequest

from medbill.web.practice import models


def _superusers_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


class LocationInline(admin.TabularInline):
    model = models.Location
    extra = 0
    fields = ["name", "place_of_service", "line1", "city", "state", "zip", "npi", "active"]


@admin.register(models.Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_code", "organization", "tin", "group_npi", "active"]
    list_filter = ["organization", "active"]
    search_fields = ["name", "legal_name", "short_code", "group_npi"]
    fieldsets = [
        (None, {"fields": ["organization", "name", "short_code", "active"]}),
        ("Office", {"fields": ["time_zone", "opens_at", "closes_at"]}),
        ("Sign-in security", {"fields": ["idle_timeout_minutes", "mfa_required"]}),
        (
            "Billing provider",
            {"fields": ["legal_name", "tin", "group_npi", "taxonomy", "contact_name", "phone"]},
        ),
        (
            "Billing address",
            {
                "fields": [
                    "billing_line1",
                    "billing_line2",
                    "billing_city",
                    "billing_state",
                    "billing_zip",
                ]
            },
        ),
        (
            "Pay-to address (when payments go elsewhere)",
            {
                "fields": [
                    "pay_to_line1",
                    "pay_to_line2",
                    "pay_to_city",
                    "pay_to_state",
                    "pay_to_zip",
                ]
            },
        ),
    ]


@admin.register(models.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "practice", "place_of_service", "city", "active"]
    list_filter = ["practice", "active"]


@admin.register(models.Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "credentials",
        "npi",
        "taxonomy",
        "practice",
        "active",
    ]
    list_filter = ["practice", "active"]
    search_fields = ["last_name", "first_name", "npi"]


@admin.register(models.Payer)
class PayerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "payer_id",
        "payer_type",
        "claim_filing_indicator",
        "clearinghouse_route",
        "organization",
        "active",
    ]
    list_filter = ["organization", "payer_type", "active"]
    search_fields = ["name", "payer_id"]


class FeeScheduleEntryInline(admin.TabularInline):
    model = models.FeeScheduleEntry
    extra = 0
    fields = [
        "code_system",
        "code",
        "modifier",
        "description",
        "price",
        "effective_from",
        "effective_to",
    ]


@admin.register(models.FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "practice", "payer", "effective_from", "effective_to"]
    list_filter = ["practice"]
    inlines = [FeeScheduleEntryInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.practice_id = form.instance.practice_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "role", "created_at"]
    list_filter = ["practice", "role"]
    search_fields = ["user__username"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        # Tokens are issued with ``ApiToken.issue`` so the secret is shown exactly once.
        return False
