from django.urls import path

from medbill.web.coding import views

urlpatterns = [
    path("visits/<int:visit_id>/codes/", views.edit_visit_codes, name="edit_visit_codes"),
]
