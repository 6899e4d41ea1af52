from django.urls import path

from medbill.web.frontdesk import (
    search,
    views,
    views_desk,
    views_eligibility,
    views_paperwork,
    views_schedule,
)

urlpatterns = [
    path("patients/", views.list_patients, name="list_patients"),
    path("search/patients/", search.search_patients, name="search_patients"),
    path("patients/new/", views_desk.register_patient, name="register_patient"),
    path("patients/<int:patient_id>/", views.show_patient, name="show_patient"),
    path("patients/<int:patient_id>/edit/", views_desk.edit_patient, name="edit_patient"),
    path("patients/<int:patient_id>/coverages/new/", views_desk.add_coverage, name="add_coverage"),
    path(
        "patients/<int:patient_id>/eligibility/",
        views_desk.check_eligibility,
        name="check_eligibility",
    ),
    path(
        "patients/<int:patient_id>/estimates/new/",
        views_paperwork.new_estimate,
        name="new_estimate",
    ),
    path("patients/<int:patient_id>/visits/new/", views_desk.book_visit, name="book_visit"),
    path("coverages/<int:coverage_id>/edit/", views_desk.edit_coverage, name="edit_coverage"),
    path(
        "coverages/<int:coverage_id>/card/<str:side>/",
        views_desk.show_card_image,
        name="show_card_image",
    ),
    path("eligibility/<int:check_id>/", views_desk.show_eligibility, name="show_eligibility"),
    path("visits/", views.list_visits, name="list_visits"),
    path("visits/<int:visit_id>/", views.show_visit, name="show_visit"),
    path("visits/<int:visit_id>/check-in/", views_desk.check_in_visit, name="check_in_visit"),
    path("visits/<int:visit_id>/payments/", views_desk.collect_payment, name="collect_payment"),
    path("visits/<int:visit_id>/check-out/", views_desk.check_out_visit, name="check_out_visit"),
    path(
        "visits/<int:visit_id>/kiosk-code/",
        views_paperwork.issue_kiosk_code,
        name="issue_kiosk_code",
    ),
    path(
        "visits/<int:visit_id>/paperwork/",
        views_paperwork.complete_paperwork,
        name="complete_paperwork",
    ),
    path(
        "paperwork/<int:signature_id>/pdf/",
        views_paperwork.signed_document_pdf,
        name="signed_document_pdf",
    ),
    path("desk/", views_desk.desk_queue, name="desk_queue"),
    path("schedule/", views_schedule.show_schedule, name="show_schedule"),
    path("schedule/book/", views_schedule.find_patient_to_book, name="find_patient_to_book"),
    path(
        "schedule/visits/<int:visit_id>/move/",
        views_schedule.move_appointment,
        name="move_appointment",
    ),
    path(
        "schedule/visits/<int:visit_id>/cancel/",
        views_schedule.cancel_appointment,
        name="cancel_appointment",
    ),
    path(
        "schedule/visits/<int:visit_id>/no-show/",
        views_schedule.no_show_appointment,
        name="no_show_appointment",
    ),
    path(
        "desk/eligibility/",
        views_eligibility.start_eligibility_checks,
        name="start_eligibility_checks",
    ),
    path(
        "desk/eligibility/runs/<int:run_id>/",
        views_eligibility.show_eligibility_run,
        name="show_eligibility_run",
    ),
    path(
        "desk/eligibility/runs/<int:run_id>/status.json",
        views_eligibility.eligibility_run_status,
        name="eligibility_run_status",
    ),
    path("desk/report/", views_desk.desk_report, name="desk_report"),
    path("desk/settings/", views_paperwork.desk_settings_page, name="desk_settings"),
    path("desk/receipts/<int:entry_id>/", views_desk.show_receipt, name="show_receipt"),
    path("desk/payments/<int:entry_id>/refund/", views_desk.refund_payment, name="refund_payment"),
    path("estimates/<int:estimate_id>/", views_paperwork.show_estimate, name="show_estimate"),
    path("estimates/<int:estimate_id>/pdf/", views_paperwork.estimate_pdf, name="estimate_pdf"),
    path("kiosk/", views_paperwork.kiosk_start, name="kiosk_start"),
    path("kiosk/packet/", views_paperwork.kiosk_packet, name="kiosk_packet"),
    path("kiosk/<str:code>/", views_paperwork.kiosk_link, name="kiosk_link"),
]
