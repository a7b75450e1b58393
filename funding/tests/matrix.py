"""The funding URLs × roles.

The built calls' funders and lead associations have no member among the role fixtures, so the
funders' sign-off page answers 404 to the funder role (a call it does not fund) and the
applicants' outcome pages 404 to every signed-in role but staff; the members' own answers
are tested in test_views.py and test_signoff.py, where the member is known.
"""

from datetime import date
from decimal import Decimal

from cosviluppo.tests.matrix_roles import LOGIN, everyone, signed_in
from funding.services import (
    funding_propose,
    grant_agreement_record,
    results_publish,
    review_request_file,
)
from funding.tests.factories import approve_all, lead_member, ranked_call

STAFF = {**signed_in(403), "officer": 200, "admin_user": 200}
# POST buttons: staff are sent back to the decision page, with the service's message.
STAFF_POST = {**signed_in(403), "officer": 302, "admin_user": 302}
NOT_MINE_BUT_STAFF = {**signed_in(404), "officer": 200, "admin_user": 200}


def build(data):
    # Under evaluation, decision proposed: one funded, one on the reserve list.
    deciding = ranked_call(
        [(Decimal("80"), Decimal("30000.00")), (Decimal("70"), Decimal("30000.00"))], [Decimal("50000.00")]
    )
    funding_propose(call=deciding.call, by=None)
    funded, reserve = deciding.proposals
    data["funding_deciding"] = deciding.call
    data["funding_funded"] = funded
    data["funding_reserve"] = reserve

    # Published: one project in progress with installments, one not funded asking for a review.
    published = ranked_call(
        [(Decimal("80"), Decimal("10000.00")), (Decimal("50"), Decimal("5000.00"))], [Decimal("20000.00")]
    )
    funding_propose(call=published.call, by=None)
    approve_all(published)
    results_publish(call=published.call, by=None)
    project, refused = published.proposals
    installments = grant_agreement_record(
        proposal=project,
        signed_on=date.today(),
        cup="C11G06000000001",
        start_date=date.today(),
        plan=[("Anticipo", Decimal("40"), None), ("Saldo", Decimal("60"), None)],
        by=None,
    )
    data["funding_published"] = published.call
    data["funding_project"] = project
    data["funding_installment"] = installments[0]
    data["funding_refused"] = refused
    data["funding_review_request"] = review_request_file(
        proposal=refused, text="Chiediamo il riesame del criterio B.", by=lead_member(refused)
    )


def _deciding(data):
    return {"code": data["funding_deciding"].code}


def _published(data):
    return {"code": data["funding_published"].code}


ROWS = {
    "funding:index": (None, "get", STAFF),
    "funding:decision": (_deciding, "get", STAFF),
    "funding:evaluation-start": (_deciding, "post", STAFF_POST),
    "funding:propose": (_deciding, "post", STAFF_POST),
    "funding:fill-reserve": (_deciding, "post", STAFF_POST),
    "funding:publish": (_deciding, "post", STAFF_POST),
    "funding:ranking-export": (_deciding, "get", STAFF),
    # Members of a funder with a commitment in the call; the funder role's organisation has none here.
    "funding:signoff": (_deciding, "get", {**signed_in(403), "funder_viewer": 404}),
    "funding:results": (_published, "get", everyone(200)),
    "funding:project": (lambda data: {"pk": data["funding_funded"].pk}, "get", STAFF),
    "funding:grant": (lambda data: {"pk": data["funding_reserve"].pk}, "get", STAFF),
    "funding:withdraw": (lambda data: {"pk": data["funding_funded"].pk}, "get", STAFF),
    "funding:agreement": (lambda data: {"pk": data["funding_project"].pk}, "get", STAFF),
    "funding:award-amount": (lambda data: {"pk": data["funding_funded"].award.pk}, "get", STAFF),
    "funding:award-shares": (lambda data: {"pk": data["funding_funded"].award.pk}, "get", STAFF),
    "funding:installment-pay": (lambda data: {"pk": data["funding_installment"].pk}, "get", STAFF),
    # The lead's members (tested in test_views.py) and staff; anyone else gets 404.
    "funding:outcome": (lambda data: {"pk": data["funding_refused"].pk}, "get", NOT_MINE_BUT_STAFF),
    # Only the lead's legal representative, within the window.
    "funding:review-request": (
        lambda data: {"pk": data["funding_refused"].pk},
        "get",
        {**signed_in(404), "anonymous": LOGIN},
    ),
    "funding:review-requests": (None, "get", STAFF),
    "funding:review-answer": (lambda data: {"pk": data["funding_review_request"].pk}, "get", STAFF),
    "funding:reopen": (lambda data: {"pk": data["funding_review_request"].pk}, "post", STAFF_POST),
}

# The dashboards: the programme's for staff; a funder's for its members (the funder role's
# organisation has no commitment here: an empty dashboard), 403 for anyone in no funder.
ROWS["funding:programme-dashboard"] = (None, "get", STAFF)
ROWS["funding:funder-dashboard"] = (None, "get", {**signed_in(403), "funder_viewer": 200})
