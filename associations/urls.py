from django.urls import path

from . import views

app_name = "associations"

urlpatterns = [
    # Public
    path("", views.OrganisationDirectoryView.as_view(), name="directory"),
    path("<int:pk>/", views.OrganisationPublicDetailView.as_view(), name="organisation"),
    # Registration and the members' area
    path("register/", views.OrganisationRegisterView.as_view(), name="register"),
    path("<int:pk>/manage/", views.OrganisationDetailView.as_view(), name="mine"),
    path("<int:pk>/manage/edit/", views.OrganisationEditView.as_view(), name="edit"),
    path("<int:pk>/manage/members/", views.OrganisationMembersView.as_view(), name="members"),
    path("<int:pk>/manage/members/invite/", views.InvitationCreateView.as_view(), name="invite"),
    path(
        "<int:pk>/manage/members/<int:membership_pk>/role/",
        views.MembershipRoleView.as_view(),
        name="membership-role",
    ),
    path(
        "<int:pk>/manage/members/<int:membership_pk>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership-remove",
    ),
    path(
        "<int:pk>/manage/invitations/<int:invitation_pk>/cancel/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("<int:pk>/statute/", views.OrganisationStatuteView.as_view(), name="statute"),
    # Invitation links (sent by e-mail)
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation"),
    # Officers
    path("verification/", views.VerificationQueueView.as_view(), name="verification-queue"),
    path("verification/<int:pk>/", views.VerificationReviewView.as_view(), name="verification-review"),
    path("verification/<int:pk>/verify/", views.OrganisationVerifyView.as_view(), name="verify"),
    path("verification/<int:pk>/reject/", views.OrganisationRejectView.as_view(), name="reject"),
]
