from django.contrib.auth import views as auth_views
from django.urls import path

from medbill.web.practice import token_views, views

urlpatterns = [
    path("", views.show_dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("practice/switch/", views.switch_practice, name="switch_practice"),
    path("audit/", views.list_audit_events, name="list_audit_events"),
    path("account/tokens/", token_views.list_api_tokens, name="list_api_tokens"),
    path("account/tokens/new/", token_views.create_api_token, name="create_api_token"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        token_views.revoke_api_token,
        name="revoke_api_token",
    ),
]
