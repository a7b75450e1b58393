from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .dashboard import DashboardView

admin.site.site_header = _("Cosviluppo – administration")
admin.site.site_title = _("Cosviluppo")
admin.site.index_title = _("Programme administration")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accessibilita/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("calls/", include("calls.urls")),
    path("associations/", include("associations.urls")),
    # Plain Django login/logout until the accounts issue brings sign-up and two-factor login.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
