"""Money-in pages: remittances, denials, patient accounts, A/R reports."""

from django.urls import path

from medbill.web.billing import denials, era_run_views, era_views, plans

urlpatterns = [
    path("remittances/", era_views.list_remittances, name="list_remittances"),
    path("remittances/import/", era_run_views.upload_remittance, name="upload_remittance"),
    path("remittances/imports/<int:run_id>/", era_run_views.show_era_run, name="show_era_run"),
    path(
        "remittances/imports/<int:run_id>/status.json",
        era_run_views.era_run_status,
        name="era_run_status",
    ),
    path("remittances/<int:remittance_id>/", era_views.show_remittance, name="show_remittance"),
    path("denials/", era_views.list_denials, name="list_denials"),
    path("denials/<int:denial_id>/work/", era_views.work_denial, name="work_denial"),
    path("denials/<int:denial_id>/", denials.show_denial, name="show_denial"),
    path("denials/<int:denial_id>/correct/", denials.correct_denial, name="correct_denial"),
    path("denials/<int:denial_id>/appeal/", denials.appeal_denial, name="appeal_denial"),
    path("denials/<int:denial_id>/payer-rule/", denials.make_payer_rule, name="make_payer_rule"),
    path("denials/<int:denial_id>/root-cause/", denials.set_root_cause, name="set_root_cause"),
    path(
        "denials/<int:denial_id>/appeals/<int:appeal_id>/letter.pdf",
        denials.reprint_appeal,
        name="reprint_appeal",
    ),
    path(
        "denials/<int:denial_id>/appeals/<int:appeal_id>/answer/",
        denials.record_appeal_answer,
        name="record_appeal_answer",
    ),
    path("accounts/", era_views.list_accounts, name="list_accounts"),
    path("accounts/<int:patient_id>/", era_views.show_account, name="show_account"),
    path("accounts/<int:patient_id>/plans/", plans.create_plan, name="create_plan"),
    path(
        "accounts/<int:patient_id>/plans/<int:plan_id>/cancel/",
        plans.cancel_plan_view,
        name="cancel_plan",
    ),
    path("reports/", era_views.show_reports, name="show_reports"),
]
