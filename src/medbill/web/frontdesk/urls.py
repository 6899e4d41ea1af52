from django.urls import path

from medbill.web.frontdesk import views

urlpatterns = [
    path("patients/", views.list_patients, name="list_patients"),
    path("patients/<int:patient_id>/", views.show_patient, name="show_patient"),
    path("visits/", views.list_visits, name="list_visits"),
    path("visits/<int:visit_id>/", views.show_visit, name="show_visit"),
]
