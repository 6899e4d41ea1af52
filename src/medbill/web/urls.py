"""URL configuration: the web app, the admin and the API.

Each app keeps its own ``urls.py``; add an app's or area's URLs here with one line.
"""

from django.contrib import admin
from django.urls import include, path

from medbill.web.api.api import api

admin.site.site_header = "medbill administration"
admin.site.site_title = "medbill"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("medbill.web.practice.urls")),
    path("", include("medbill.web.frontdesk.urls")),
    path("", include("medbill.web.coding.urls")),
    path("", include("medbill.web.billing.urls")),
    path("", include("medbill.web.claims_out.urls")),
    path("", include("medbill.web.risk.urls")),
    path("", include("medbill.web.billing.print_urls")),
    path("", include("medbill.web.billing.era_urls")),
    path("", include("medbill.web.banking.urls")),
    path("", include("medbill.web.practice.setup_urls")),
    path("", include("medbill.web.billing.dashboard_urls")),
    path("", include("medbill.web.jobs.urls")),
    path("", include("medbill.web.interfaces.urls")),
    path("", include("medbill.web.interfaces.fhir_urls")),
]

handler404 = "medbill.web.practice.views.not_found"
