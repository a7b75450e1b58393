from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    # Staff: the calls' decisions
    path("", views.FundingCallListView.as_view(), name="index"),
    path("calls/<slug:code>/", views.CallDecisionView.as_view(), name="decision"),
    path("calls/<slug:code>/start-evaluation/", views.EvaluationStartView.as_view(), name="evaluation-start"),
    path("calls/<slug:code>/propose/", views.ProposeView.as_view(), name="propose"),
    path("calls/<slug:code>/fill-from-reserve/", views.FillFromReserveView.as_view(), name="fill-reserve"),
    path("calls/<slug:code>/publish/", views.PublishView.as_view(), name="publish"),
    path("calls/<slug:code>/ranking-export/", views.RankingExportView.as_view(), name="ranking-export"),
    # Dashboards: the programme's (staff) and a funder's (its members)
    path("programme/", views.ProgrammeDashboardView.as_view(), name="programme-dashboard"),
    path("funder/", views.FunderDashboardView.as_view(), name="funder-dashboard"),
    # Funders
    path("calls/<slug:code>/sign-off/", views.SignOffView.as_view(), name="signoff"),
    # Public
    path("calls/<slug:code>/results/", views.ResultsView.as_view(), name="results"),
    # Staff: one proposal's money
    path("proposals/<int:pk>/", views.ProjectMoneyView.as_view(), name="project"),
    path("proposals/<int:pk>/grant/", views.GrantView.as_view(), name="grant"),
    path("proposals/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("proposals/<int:pk>/agreement/", views.GrantAgreementView.as_view(), name="agreement"),
    path("awards/<int:pk>/amount/", views.AwardAmountView.as_view(), name="award-amount"),
    path("awards/<int:pk>/shares/", views.AwardSharesView.as_view(), name="award-shares"),
    path("installments/<int:pk>/pay/", views.InstallmentPayView.as_view(), name="installment-pay"),
    # Applicants
    path("proposals/<int:pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("proposals/<int:pk>/review-request/", views.ReviewRequestView.as_view(), name="review-request"),
    # Staff: requests for review
    path("review-requests/", views.ReviewRequestListView.as_view(), name="review-requests"),
    path("review-requests/<int:pk>/", views.ReviewAnswerView.as_view(), name="review-answer"),
    path("review-requests/<int:pk>/reopen/", views.ReopenView.as_view(), name="reopen"),
]
