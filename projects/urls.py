"""Proposal URLs: drafting (views/editing.py) and submission (views/submission.py)."""

from django.urls import path

from .views import editing, submission

app_name = "projects"

urlpatterns = [
    # Drafting.
    path("start/<slug:code>/", editing.ProposalStartView.as_view(), name="proposal-start"),
    path("<int:pk>/", editing.ProposalDetailView.as_view(), name="proposal-detail"),
    path("<int:pk>/edit/<slug:step>/", editing.ProposalStepView.as_view(), name="proposal-edit"),
    path("<int:pk>/edit/<slug:step>/autosave/", editing.ProposalAutosaveView.as_view(), name="proposal-autosave"),
    path("<int:pk>/budget/totals/", editing.BudgetTotalsView.as_view(), name="proposal-budget-totals"),
    path("<int:pk>/partners/invite/", editing.PartnerInviteView.as_view(), name="partner-invite"),
    path("<int:pk>/partners/origin/", editing.OriginPartnerAddView.as_view(), name="partner-add-origin"),
    path("<int:pk>/partners/<int:partner_pk>/remove/", editing.PartnerRemoveView.as_view(), name="partner-remove"),
    path("partnerships/<int:pk>/", editing.PartnerRespondView.as_view(), name="partner-respond"),
    path("<int:pk>/attachments/", editing.AttachmentUploadView.as_view(), name="attachment-upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        editing.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        editing.AttachmentDeleteView.as_view(),
        name="attachment-delete",
    ),
    # Submission.
    path("<int:pk>/submit/", submission.ProposalSubmitView.as_view(), name="proposal-submit"),
    path("<int:pk>/withdraw/", submission.ProposalWithdrawView.as_view(), name="proposal-withdraw"),
    path("<int:pk>/receipt.pdf", submission.ProposalReceiptView.as_view(), name="proposal-receipt"),
]
