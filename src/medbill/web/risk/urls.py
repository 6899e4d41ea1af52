from django.urls import path

from medbill.web.risk import views

urlpatterns = [
    path("claims-out/claims/<int:claim_id>/hold/", views.hold_claim, name="hold_claim"),
    path("claims-out/holds/<int:hold_id>/release/", views.release_hold, name="release_hold"),
    path("claims-out/risk-threshold/", views.set_threshold, name="set_risk_threshold"),
]
