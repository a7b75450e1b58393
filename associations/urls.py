from django.urls import path

from . import views

app_name = "associations"

urlpatterns = [
    path("", views.OrganisationDirectoryView.as_view(), name="directory"),
]
