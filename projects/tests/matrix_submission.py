"""The submission URLs × roles.

The built proposals belong to associations none of the role fixtures is a member of, so
they answer 404 (a guessed id reveals nothing); drafts are private even to officers, who
see submitted proposals and so their receipts. The members' own answers (lead, partner)
are in test_submission_views.py.
"""

from cosviluppo.tests.matrix_roles import signed_in


def build(data):
    from projects.services import proposal_submit
    from projects.tests.factories import eligible_call, eligible_proposal

    call = eligible_call()  # one call for both: the matrix builds this for each of its hundreds of cases
    data["submission_draft"] = eligible_proposal(call=call)
    data["submission_submitted"] = proposal_submit(proposal=eligible_proposal(call=call), by=None)


def _draft(data):
    return {"pk": data["submission_draft"].pk}


def _submitted(data):
    return {"pk": data["submission_submitted"].pk}


ROWS = {
    "projects:proposal-submit": (_draft, "post", signed_in(404)),
    "projects:proposal-withdraw": (_draft, "get", signed_in(404)),
    "projects:proposal-receipt": (_submitted, "get", {**signed_in(404), "officer": 200, "admin_user": 200}),
}
