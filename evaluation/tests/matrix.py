"""The evaluation's URLs × roles.

The built proposal belongs to nobody among the role fixtures and nobody reviews it, so the
evaluators' pages answer 404 to everyone (a guessed id reveals nothing) and the thread and
the request for clarification answer 404 to everyone but staff. The answers of the lead's
members and of the assigned evaluator are in test_views.py, where they are known.
"""

from cosviluppo.tests.matrix_roles import LOGIN, signed_in
from evaluation.tests.factories import ClarificationRequestFactory, closed_call, submitted_proposal


def build(data):
    call = closed_call()
    data["evaluation_call"] = call
    data["evaluation_proposal"] = submitted_proposal(call=call)
    data["evaluation_clarification"] = ClarificationRequestFactory(proposal=data["evaluation_proposal"])


def _call(data):
    return {"code": data["evaluation_call"].code}


def _proposal(data):
    return {"pk": data["evaluation_proposal"].pk}


def _clarification(data):
    return {"pk": data["evaluation_clarification"].pk}


# Programme officers and administrators only; everyone else signed in is refused.
STAFF = {**signed_in(403), "officer": 200, "admin_user": 200}
# Staff POSTs answer with a redirect back to the page (a message says what happened).
STAFF_POST = {**signed_in(403), "officer": 302, "admin_user": 302}
NOBODY_ASSIGNED = signed_in(404)
STAFF_AND_LEAD = {**signed_in(404), "officer": 200, "admin_user": 200}

ROWS = {
    "evaluation:calls": (None, "get", STAFF),
    "evaluation:call-proposals": (_call, "get", STAFF),
    "evaluation:assign-balanced": (_call, "get", STAFF),
    "evaluation:ranking": (_call, "get", STAFF),
    "evaluation:ranking-compute": (_call, "post", STAFF_POST),
    "evaluation:proposal": (_proposal, "get", STAFF),
    "evaluation:admissibility": (_proposal, "get", STAFF),
    "evaluation:admit": (_proposal, "post", STAFF_POST),
    "evaluation:declare-inadmissible": (_proposal, "post", STAFF_POST),
    "evaluation:clarification-new": (_proposal, "get", STAFF),
    "evaluation:assign": (_proposal, "get", STAFF),
    "evaluation:consensus": (_proposal, "get", STAFF),
    "evaluation:review": (_proposal, "get", NOBODY_ASSIGNED),
    "evaluation:review-declare": (_proposal, "post", NOBODY_ASSIGNED),
    "evaluation:review-score": (_proposal, "get", NOBODY_ASSIGNED),
    "evaluation:messages": (_proposal, "get", STAFF_AND_LEAD),
    "evaluation:clarification": (_clarification, "get", STAFF_AND_LEAD),
    # Staff read the request but only the lead's editors answer it.
    "evaluation:clarification-answer": (
        _clarification,
        "post",
        {**signed_in(404), "officer": 403, "admin_user": 403, "anonymous": LOGIN},
    ),
}
