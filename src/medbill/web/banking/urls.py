"""Deposits pages."""

from django.urls import path

from medbill.web.banking import eob_views, views

urlpatterns = [
    path("deposits/", views.list_deposits, name="list_deposits"),
    path("deposits/import/", views.import_deposits, name="import_deposits"),
    path("deposits/unmatched/", views.list_unmatched, name="list_unmatched_money"),
    path("deposits/match/", views.match_all, name="match_all_deposits"),
    path("deposits/<int:deposit_id>/", views.show_deposit, name="show_deposit"),
    path("deposits/<int:deposit_id>/match/", views.match_deposit, name="match_deposit"),
    path("deposits/<int:deposit_id>/unmatch/", views.unmatch_deposit, name="unmatch_deposit"),
    path("remittances/paper/", eob_views.enter_paper_eob, name="enter_paper_eob"),
    path(
        "remittances/provider-adjustments/",
        eob_views.list_provider_adjustments,
        name="list_provider_adjustments",
    ),
]
