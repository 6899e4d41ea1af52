from django.urls import path

from medbill.web.coding import code_search, views
from medbill.web.coding import workspace_views as ws

urlpatterns = [
    path("visits/<int:visit_id>/codes/", views.edit_visit_codes, name="edit_visit_codes"),
    path("codes/", code_search.search_codes, name="search_codes"),
    path("coding/queue/", ws.list_coding_queue, name="list_coding_queue"),
    path("coding/visits/<int:visit_id>/", ws.code_visit, name="code_visit"),
    path(
        "coding/visits/<int:visit_id>/suggestions.json",
        ws.visit_suggestions_json,
        name="visit_suggestions_json",
    ),
    path("coding/visits/<int:visit_id>/scrub.json", ws.scrub_visit_json, name="scrub_visit_json"),
    path("coding/visits/<int:visit_id>/save.json", ws.save_visit_json, name="save_visit_json"),
    path("coding/visits/<int:visit_id>/finish/", ws.finish_visit, name="finish_visit"),
    path("coding/visits/<int:visit_id>/queries/", ws.ask_provider, name="ask_provider"),
    path("coding/queries/", ws.list_provider_queries, name="list_provider_queries"),
    path(
        "coding/queries/<int:query_id>/answer/",
        ws.answer_provider_query,
        name="answer_provider_query",
    ),
    path("coding/reviews/", ws.list_reviews, name="list_reviews"),
    path("coding/reviews/<int:review_id>/", ws.review_visit, name="review_visit"),
    path("coding/em/", ws.show_em_distribution, name="show_em_distribution"),
]
