"""Proposal URLs: the drafting pages and the submission pages each keep their own table."""

from projects.tests.matrix_editing import ROWS as EDITING_ROWS
from projects.tests.matrix_editing import build as build_editing
from projects.tests.matrix_submission import ROWS as SUBMISSION_ROWS
from projects.tests.matrix_submission import build as build_submission

ROWS = {**EDITING_ROWS, **SUBMISSION_ROWS}


def build(data):
    build_editing(data)
    build_submission(data)
