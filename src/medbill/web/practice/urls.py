from django.contrib.auth import views as auth_views
from django.urls import path

from medbill.web.practice import views

urlpatterns = [
    path("", views.show_dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("practice/switch/", views.switch_practice, name="switch_practice"),
    path("audit/", views.list_audit_events, name="list_audit_events"),
]
