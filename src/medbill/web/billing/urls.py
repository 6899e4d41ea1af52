from django.urls import path

from medbill.web.billing import (
    attachment_views,
    deadlines,
    denial_causes,
    denials,
    scrub_views,
    statement_views,
    views,
)

urlpatterns = [
    path("claims/", views.list_claims, name="list_claims"),
    path("claims/<int:claim_id>/", views.show_claim, name="show_claim"),
    path("claims/scrub-all/", scrub_views.start_scrub_all, name="start_scrub_all"),
    path("claims/scrub-runs/<int:run_id>/", scrub_views.show_scrub_run, name="show_scrub_run"),
    path(
        "claims/scrub-runs/<int:run_id>/status.json",
        scrub_views.scrub_run_status,
        name="scrub_run_status",
    ),
    path("claims/<int:claim_id>/scrub/", scrub_views.scrub_claim, name="scrub_claim"),
    path("claims/<int:claim_id>/waive/", scrub_views.waive_edit, name="waive_edit"),
    path(
        "claims/<int:claim_id>/attachments/",
        attachment_views.add_claim_attachment,
        name="add_claim_attachment",
    ),
    path(
        "claims/<int:claim_id>/attachments/<int:attachment_id>/remove/",
        attachment_views.remove_claim_attachment,
        name="remove_claim_attachment",
    ),
    path("patients/<int:patient_id>/payments/new/", views.post_payment, name="post_payment"),
    path("deadlines/", deadlines.list_deadlines, name="list_deadlines"),
    path("denials/causes/", denial_causes.show_denial_causes, name="show_denial_causes"),
    path("denials/<int:denial_id>/write-off/", denials.write_off, name="write_off_denial"),
    path("denials/<int:denial_id>/transfer/", denials.transfer_to_patient, name="transfer_denial"),
    path("statements/", statement_views.list_statement_runs, name="statement_runs"),
    path("statements/run/", statement_views.start_statements, name="start_statements"),
    path(
        "statements/runs/<int:run_id>/",
        statement_views.show_statement_run,
        name="show_statement_run",
    ),
    path(
        "statements/runs/<int:run_id>/status.json",
        statement_views.statement_run_status,
        name="statement_run_status",
    ),
    path(
        "statements/runs/<int:run_id>/statements.zip",
        statement_views.download_statement_pdfs,
        name="download_statement_pdfs",
    ),
    path(
        "statements/runs/<int:run_id>/statements.csv",
        statement_views.download_statement_csv,
        name="download_statement_csv",
    ),
    path(
        "statements/<int:statement_id>/pdf/",
        statement_views.download_statement,
        name="download_statement",
    ),
    path(
        "accounts/<int:patient_id>/statement/",
        statement_views.send_statement_now,
        name="send_statement_now",
    ),
]
