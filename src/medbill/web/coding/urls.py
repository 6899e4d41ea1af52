from django.urls import path

from medbill.web.coding import code_search, views

urlpatterns = [
    path("visits/<int:visit_id>/codes/", views.edit_visit_codes, name="edit_visit_codes"),
    path("codes/", code_search.search_codes, name="search_codes"),
]
