"""``/fhir/R4/``: the FHIR read API (see ``fhir_api.py``)."""

from __future__ import annotations

from django.urls import path

from medbill.web.interfaces import fhir_api

urlpatterns = [
    path("fhir/R4/metadata", fhir_api.show_metadata, name="fhir_metadata"),
    path("fhir/R4/<str:kind>", fhir_api.search_resources, name="fhir_search"),
    path("fhir/R4/<str:kind>/<str:resource_id>", fhir_api.read_resource, name="fhir_read"),
]
