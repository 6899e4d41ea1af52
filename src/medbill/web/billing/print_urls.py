from django.urls import path

from medbill.web.billing import print_views

urlpatterns = [
    path(
        "claims/<int:claim_id>/cms1500.pdf", print_views.claim_cms1500_pdf, name="claim_cms1500_pdf"
    ),
    path(
        "visits/<int:visit_id>/superbill.pdf",
        print_views.visit_superbill_pdf,
        name="visit_superbill_pdf",
    ),
    path("forms/encounter-form.pdf", print_views.encounter_form_pdf, name="encounter_form_pdf"),
]
