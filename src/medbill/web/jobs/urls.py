from django.urls import path

from medbill.web.jobs import views

urlpatterns = [
    path("jobs/", views.list_jobs, name="list_jobs"),
    path("jobs/<str:name>/settings/", views.change_job, name="change_job"),
    path("jobs/<str:name>/run/", views.run_job_now, name="run_job_now"),
]
