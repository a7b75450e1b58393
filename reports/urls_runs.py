from django.urls import path

from . import views_runs

# Included at the site root by reports.urls (the app's namespace is "reports").
runs_urlpatterns = [
    path("reports/", views_runs.ReportRunListView.as_view(), name="run_list"),
    path("reports/new/", views_runs.ReportRunCreateView.as_view(), name="run_create"),
    path("reports/<int:pk>/", views_runs.ReportRunDetailView.as_view(), name="run_detail"),
    path("reports/<int:pk>/download/", views_runs.ReportRunDownloadView.as_view(), name="run_download"),
    path("reports/<int:pk>/repeat/", views_runs.ReportRunRepeatView.as_view(), name="run_repeat"),
]
