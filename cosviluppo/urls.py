from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Cosviluppo – administration")
admin.site.site_title = _("Cosviluppo")
admin.site.index_title = _("Programme administration")
# The admin signs in through the portal's login, so two-factor authentication applies there too.
admin.site.login = views.admin_login

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accessibilita/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("calls/", include("calls.urls")),
    path("associations/", include("associations.urls")),
    path("proposals/", include("projects.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("funding/", include("funding.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]

# 403 and 404 use Django's handlers, which render 403.html and 404.html (templates/) with the request.
handler400 = "cosviluppo.views.bad_request"
handler500 = "cosviluppo.views.server_error"
