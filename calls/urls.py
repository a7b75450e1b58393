from django.urls import path

from . import views

app_name = "calls"

# The fixed "manage/" paths come before "<slug:code>/", which would otherwise capture them
# (and calls.services.RESERVED_CALL_CODES keeps "manage" from being a call's code).
urlpatterns = [
    path("", views.CallListView.as_view(), name="list"),
    path("manage/", views.CallManageListView.as_view(), name="manage"),
    path("manage/new/", views.CallCreateView.as_view(), name="manage-new"),
    path("manage/questions/", views.CallQuestionManageListView.as_view(), name="manage-questions"),
    path(
        "manage/questions/<int:pk>/answer/",
        views.CallQuestionAnswerView.as_view(),
        name="manage-question-answer",
    ),
    path("manage/<slug:code>/edit/", views.CallEditView.as_view(), name="manage-edit"),
    path("manage/<slug:code>/publish/", views.CallPublishView.as_view(), name="manage-publish"),
    path("manage/<slug:code>/copy/", views.CallCopyView.as_view(), name="manage-copy"),
    path("<slug:code>/", views.CallDetailView.as_view(), name="detail"),
    path("<slug:code>/ask/", views.CallQuestionAskView.as_view(), name="question-ask"),
    path("<slug:code>/documents/<int:pk>/", views.CallDocumentDownloadView.as_view(), name="document"),
]
