from django.urls import path

from medbill.web.billing import denials, scrub_views, views

urlpatterns = [
    path("claims/", views.list_claims, name="list_claims"),
    path("claims/<int:claim_id>/", views.show_claim, name="show_claim"),
    path("claims/<int:claim_id>/scrub/", scrub_views.scrub_claim, name="scrub_claim"),
    path("claims/<int:claim_id>/waive/", scrub_views.waive_edit, name="waive_edit"),
    path("patients/<int:patient_id>/payments/new/", views.post_payment, name="post_payment"),
    path("denials/<int:denial_id>/write-off/", denials.write_off, name="write_off_denial"),
    path("denials/<int:denial_id>/transfer/", denials.transfer_to_patient,
         name="transfer_denial"),
]
