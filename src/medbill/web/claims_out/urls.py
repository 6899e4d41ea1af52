from django.urls import path

from medbill.web.claims_out import build_views, status_views, views

urlpatterns = [
    path("claims-out/", views.claim_queue, name="claims_out_queue"),
    path("claims-out/submit/", views.submit_batch, name="claims_out_submit"),
    path("claims-out/submit/runs/<int:run_id>/", views.show_submit_run, name="show_submit_run"),
    path(
        "claims-out/submit/runs/<int:run_id>/status.json",
        views.submit_run_status,
        name="submit_run_status",
    ),
    path(
        "claims-out/rejections/<int:item_id>/resolve/",
        views.resolve_rejection,
        name="claims_out_resolve",
    ),
    path("claims-out/submissions/", views.list_submissions, name="claims_out_submissions"),
    path(
        "claims-out/submissions/<int:submission_id>/file/",
        views.download_submission,
        name="claims_out_download",
    ),
    path("claims-out/build/", build_views.build_claims_page, name="build_claims"),
    path("claims-out/build/start/", build_views.start_build, name="start_claim_build"),
    path(
        "claims-out/build/self-pay/<int:visit_id>/",
        build_views.bill_patient,
        name="bill_self_pay",
    ),
    path("claims-out/build/runs/<int:run_id>/", build_views.show_build_run, name="show_build_run"),
    path(
        "claims-out/build/runs/<int:run_id>/status.json",
        build_views.build_run_status,
        name="build_run_status",
    ),
    path("claims-out/acks/", views.list_acks, name="claims_out_acks"),
    path(
        "claims-out/claims/<int:claim_id>/status/",
        status_views.check_status,
        name="check_claim_status",
    ),
    path("claims-out/status/", status_views.check_status_batch, name="check_claim_status_batch"),
]
