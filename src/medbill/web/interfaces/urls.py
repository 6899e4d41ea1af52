from django.urls import path

from medbill.web.interfaces import views

urlpatterns = [
    path("interfaces/", views.list_interface_messages, name="list_interface_messages"),
    path(
        "interfaces/settings/",
        views.change_interface_settings,
        name="change_interface_settings",
    ),
    path("interfaces/<int:pk>/", views.show_interface_message, name="show_interface_message"),
    path(
        "interfaces/<int:pk>/replay/",
        views.replay_interface_message,
        name="replay_interface_message",
    ),
    path(
        "interfaces/<int:pk>/discard/",
        views.discard_interface_message,
        name="discard_interface_message",
    ),
]
