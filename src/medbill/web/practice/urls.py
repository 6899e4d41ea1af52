from django.contrib.auth import views as auth_views
from django.urls import path

from medbill.web.practice import account_views, sessions, token_views, views

urlpatterns = [
    path("", views.show_dashboard, name="dashboard"),
    path("login/", account_views.SignInView.as_view(), name="login"),
    path("login/verify/", account_views.verify_second_factor, name="verify_second_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/status/", sessions.session_status, name="session_status"),
    path("session/keepalive/", sessions.session_keepalive, name="session_keepalive"),
    path("account/security/", account_views.show_security, name="show_security"),
    path("account/password/", account_views.ChangePasswordView.as_view(), name="change_password"),
    path(
        "practice/security/",
        account_views.show_practice_security,
        name="show_practice_security",
    ),
    path("practice/security/unlock/", account_views.unlock_user, name="unlock_user"),
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
