"""The steps of the proposal form, in order. Their keys appear in URLs
(/proposals/<pk>/edit/<step>/) and in eligibility problems (to link to the step that fixes one)."""

from django.utils.translation import gettext_lazy as _

STEPS = [
    ("summary", _("Summary")),
    ("territories", _("The two territories")),
    ("objectives", _("Objectives and expected results")),
    ("activities", _("Activities")),
    ("beneficiaries", _("Beneficiaries")),
    ("partners", _("Partners")),
    ("budget", _("Budget")),
    ("indicators", _("Indicators")),
    ("sustainability", _("Sustainability")),
    ("attachments", _("Attachments")),
]
STEP_KEYS = [key for key, _label in STEPS]
STEP_LABELS = dict(STEPS)
