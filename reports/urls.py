from django.urls import path

from . import views_opendata, views_runs

app_name = "reports"

urlpatterns = [
    # Public open data (views_opendata.py).
    path("opendata/", views_opendata.OpenDataIndexView.as_view(), name="opendata"),
    path("opendata/360giving.json", views_opendata.Giving360ExportView.as_view(), name="opendata_360giving"),
    path("opendata/iati.xml", views_opendata.IatiExportView.as_view(), name="opendata_iati"),
    path("opendata/trasparenza/", views_opendata.TransparencyListView.as_view(), name="transparency"),
    path("opendata/trasparenza.csv", views_opendata.TransparencyCsvView.as_view(), name="transparency_csv"),
    # Report runs for staff (views_runs.py).
    path("reports/", views_runs.ReportRunListView.as_view(), name="run_list"),
    path("reports/new/", views_runs.ReportRunCreateView.as_view(), name="run_create"),
    path("reports/<int:pk>/", views_runs.ReportRunDetailView.as_view(), name="run_detail"),
    path("reports/<int:pk>/download/", views_runs.ReportRunDownloadView.as_view(), name="run_download"),
    path("reports/<int:pk>/repeat/", views_runs.ReportRunRepeatView.as_view(), name="run_repeat"),
]
