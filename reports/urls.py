from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # Public open data.
    path("opendata/", views.OpenDataIndexView.as_view(), name="opendata"),
    path("opendata/360giving.json", views.Giving360ExportView.as_view(), name="opendata-360giving"),
    path("opendata/iati.xml", views.IatiExportView.as_view(), name="opendata-iati"),
    path("opendata/trasparenza/", views.TransparencyListView.as_view(), name="transparency"),
    path("opendata/trasparenza.csv", views.TransparencyCsvView.as_view(), name="transparency-csv"),
    # Report runs for staff (views.py).
    path("reports/", views.ReportRunListView.as_view(), name="run-list"),
    path("reports/new/", views.ReportRunCreateView.as_view(), name="run-create"),
    path("reports/<int:pk>/", views.ReportRunDetailView.as_view(), name="run-detail"),
    path("reports/<int:pk>/download/", views.ReportRunDownloadView.as_view(), name="run-download"),
    path("reports/<int:pk>/repeat/", views.ReportRunRepeatView.as_view(), name="run-repeat"),
]
