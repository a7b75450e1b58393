from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    # Staff: the calls, a call
    path("", views.CallEvaluationListView.as_view(), name="calls"),
    path("calls/<slug:code>/proposals/", views.CallProposalListView.as_view(), name="call-proposals"),
    path("calls/<slug:code>/assign/", views.ReviewsAssignBalancedView.as_view(), name="assign-balanced"),
    path("calls/<slug:code>/ranking/", views.CallRankingView.as_view(), name="ranking"),
    path("calls/<slug:code>/ranking/compute/", views.CallRankView.as_view(), name="ranking-compute"),
    # Staff: a proposal
    path("proposals/<int:pk>/", views.ProposalStaffView.as_view(), name="proposal"),
    path("proposals/<int:pk>/admissibility/", views.AdmissibilityView.as_view(), name="admissibility"),
    path("proposals/<int:pk>/admit/", views.ProposalAdmitView.as_view(), name="admit"),
    path("proposals/<int:pk>/inadmissible/", views.ProposalInadmissibleView.as_view(), name="declare-inadmissible"),
    path("proposals/<int:pk>/clarifications/new/", views.ClarificationRequestView.as_view(), name="clarification-new"),
    path("proposals/<int:pk>/assign/", views.ReviewAssignView.as_view(), name="assign"),
    path("proposals/<int:pk>/consensus/", views.ConsensusView.as_view(), name="consensus"),
    # Evaluators
    path("proposals/<int:pk>/review/", views.ReviewDetailView.as_view(), name="review"),
    path("proposals/<int:pk>/review/declare/", views.ReviewDeclareView.as_view(), name="review-declare"),
    path("proposals/<int:pk>/review/score/", views.ReviewScoreView.as_view(), name="review-score"),
    # Staff and the lead's members
    path("proposals/<int:pk>/messages/", views.ProposalMessagesView.as_view(), name="messages"),
    path("clarifications/<int:pk>/", views.ClarificationDetailView.as_view(), name="clarification"),
    path("clarifications/<int:pk>/answer/", views.ClarificationAnswerView.as_view(), name="clarification-answer"),
]
