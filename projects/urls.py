"""Proposal URLs: drafting (views/editing.py) and submission (views/submission.py)."""

from .views import editing, submission

app_name = "projects"

urlpatterns = editing.urlpatterns + submission.urlpatterns
