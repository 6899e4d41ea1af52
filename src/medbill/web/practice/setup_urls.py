"""URLs of the master data pages (``setup_views``)."""

from django.urls import path

from medbill.web.practice import setup_views as v

urlpatterns = [
    path("setup/", v.show_setup, name="show_setup"),
    path("setup/practice/", v.edit_practice, name="edit_practice"),
    path("setup/connections/", v.list_connections, name="list_connections"),
    path("setup/connections/new/", v.edit_connection, name="create_connection"),
    path("setup/connections/<int:connection_id>/", v.edit_connection, name="edit_connection"),
    path("setup/users/", v.list_members, name="list_members"),
    path("setup/users/<int:membership_id>/", v.change_member, name="change_member"),
    path(
        "setup/fee-schedules/<int:schedule_id>/entries/",
        v.show_fee_schedule,
        name="show_fee_schedule",
    ),
    path(
        "setup/fee-schedules/<int:schedule_id>/entries/new/",
        v.edit_fee_entry,
        name="create_fee_entry",
    ),
    path(
        "setup/fee-schedules/<int:schedule_id>/entries/<int:entry_id>/",
        v.edit_fee_entry,
        name="edit_fee_entry",
    ),
    path(
        "setup/fee-schedules/<int:schedule_id>/import/",
        v.import_fee_schedule,
        name="import_fee_schedule",
    ),
    path("setup/<slug:kind>/", v.list_master, name="list_master"),
    path("setup/<slug:kind>/new/", v.edit_master, name="create_master"),
    path("setup/<slug:kind>/<int:row_id>/", v.edit_master, name="edit_master"),
]
