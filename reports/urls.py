from django.urls import path

from . import views_opendata
from .urls_runs import runs_urlpatterns

app_name = "reports"

# Public open data (views_opendata.py).
opendata_urlpatterns = [
    path("opendata/", views_opendata.OpenDataIndexView.as_view(), name="opendata"),
    path("opendata/360giving.json", views_opendata.Giving360ExportView.as_view(), name="opendata_360giving"),
    path("opendata/iati.xml", views_opendata.IatiExportView.as_view(), name="opendata_iati"),
    path("opendata/trasparenza/", views_opendata.TransparencyListView.as_view(), name="transparency"),
    path("opendata/trasparenza.csv", views_opendata.TransparencyCsvView.as_view(), name="transparency_csv"),
]

urlpatterns = opendata_urlpatterns + runs_urlpatterns
