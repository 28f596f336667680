"""The promise-kept report for staff, at /staff/delivery/ (see report_views.py)."""

from django.urls import path

from sokoni.logistics import report_views

app_name = "delivery_report"
urlpatterns = [
    path("", report_views.report, name="report"),
    path("report.csv", report_views.report_csv, name="csv"),
]
