from calls.tests.factories import CallDocumentFactory, CallFactory, CallQuestionFactory
from cosviluppo.tests.matrix_roles import everyone, signed_in


def build(data):
    data["call"] = CallFactory()
    data["draft_call"] = CallFactory(status="draft")
    data["draft_document"] = CallDocumentFactory(call=data["draft_call"])
    data["call_question"] = CallQuestionFactory(call=data["call"])


# Programme officers and administrators only; everyone else signed in is refused.
STAFF = {**signed_in(403), "officer": 200, "admin_user": 200}


def _draft(data):
    return {"code": data["draft_call"].code}


ROWS = {
    "calls:list": (None, "get", everyone(200)),
    "calls:detail": (lambda data: {"code": data["call"].code}, "get", everyone(200)),
    # Members of a migrant association or NGO ask questions about a published call.
    "calls:question-ask": (
        lambda data: {"code": data["call"].code},
        "get",
        {**signed_in(403), "applicant": 200, "ngo_member": 200},
    ),
    # The documents of a draft are hidden (404) from everyone but staff.
    "calls:document": (
        lambda data: {"code": data["draft_call"].code, "pk": data["draft_document"].pk},
        "get",
        {**everyone(404), "officer": 200, "admin_user": 200},
    ),
    "calls:manage": (None, "get", STAFF),
    "calls:manage-new": (None, "get", STAFF),
    "calls:manage-questions": (None, "get", STAFF),
    "calls:manage-question-answer": (lambda data: {"pk": data["call_question"].pk}, "get", STAFF),
    "calls:manage-edit": (_draft, "get", STAFF),
    "calls:manage-publish": (_draft, "get", STAFF),
    "calls:manage-copy": (_draft, "get", STAFF),
}
