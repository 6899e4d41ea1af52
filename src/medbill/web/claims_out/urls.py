from django.urls import path

from medbill.web.claims_out import views

urlpatterns = [
    path("claims-out/", views.claim_queue, name="claims_out_queue"),
    path("claims-out/submit/", views.submit_batch, name="claims_out_submit"),
    path("claims-out/rejections/<int:item_id>/resolve/", views.resolve_rejection,
         name="claims_out_resolve"),
    path("claims-out/submissions/", views.list_submissions, name="claims_out_submissions"),
    path("claims-out/submissions/<int:submission_id>/file/", views.download_submission,
         name="claims_out_download"),
    path("claims-out/acks/", views.list_acks, name="claims_out_acks"),
]
