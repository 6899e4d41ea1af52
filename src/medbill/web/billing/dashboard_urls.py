"""The financial dashboard (``dashboard_views``)."""

from django.urls import path

from medbill.web.billing import dashboard_views

urlpatterns = [
    path("financials/", dashboard_views.show_financials, name="show_financials"),
]
