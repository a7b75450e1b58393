from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from calls.models import Call, CallStatusChange
from calls.services import call_copy
from calls.tests.factories import (
    CallDocumentFactory,
    CallFactory,
    CallQuestionFactory,
    EligibleCostCategoryFactory,
    EvaluationCriterionFactory,
    FunderCommitmentFactory,
    RequiredAttachmentFactory,
)
from cosviluppo.lib.exceptions import DomainError

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def source(db):
    call = CallFactory(
        code="COSV-2010",
        year=2011,
        status="results_published",
        title_it="Milano per il co-sviluppo 2010",
        description_it="Testo del bando",
        opens_at=datetime(2011, 3, 15, 9, 0, tzinfo=ROME),
        closes_at=datetime(2011, 6, 30, 12, 0, tzinfo=ROME),
        announced_budget=Decimal("1250000.00"),
        legal_basis="Delibera G.C. n. 3791 del 23/12/2010",
    )
    EvaluationCriterionFactory(call=call, code="A", weight=Decimal("60"), min_threshold=Decimal("8"))
    EvaluationCriterionFactory(call=call, code="B", weight=Decimal("40"))
    FunderCommitmentFactory(call=call, amount=Decimal("200000.00"), note="Comune")
    FunderCommitmentFactory(call=call, amount=Decimal("1050000.00"))
    EligibleCostCategoryFactory(call=call, category="H", cap_pct=Decimal("7"))
    RequiredAttachmentFactory(call=call, name_it="Lettera di partenariato", accepts_office_documents=True)
    CallDocumentFactory(call=call, title_it="Testo del bando")
    CallQuestionFactory(call=call, answer="Sì", is_published=True)
    return call


def test_copy_makes_a_draft_with_everything_but_the_history(source, officer):
    now = datetime(2026, 11, 28, 10, 0, tzinfo=ROME)
    copy = call_copy(source=source, code="COSV-2027", by=officer, now=now)
    assert copy.status == Call.Status.DRAFT and copy.pk != source.pk
    assert (copy.title_it, copy.description_it, copy.legal_basis) == (
        source.title_it,
        source.description_it,
        source.legal_basis,
    )
    assert copy.max_grant == source.max_grant and copy.eligible_countries == source.eligible_countries
    assert copy.announced_budget == Decimal("1250000.00")
    # Dates move by whole years to the first opening after today, same wall-clock time.
    assert copy.opens_at == datetime(2027, 3, 15, 9, 0, tzinfo=ROME)
    assert copy.closes_at == datetime(2027, 6, 30, 12, 0, tzinfo=ROME)
    assert copy.year == 2027 and copy.results_published_at is None
    assert [(c.code, c.weight, c.min_threshold) for c in copy.criteria.all()] == [
        ("A", Decimal("60.00"), Decimal("8.00")),
        ("B", Decimal("40.00"), None),
    ]
    assert sorted((c.funder_id, c.amount, c.note) for c in copy.commitments.all()) == sorted(
        (c.funder_id, c.amount, c.note) for c in source.commitments.all()
    )
    assert [(c.category, c.cap_pct) for c in copy.cost_categories.all()] == [("H", Decimal("7.00"))]
    assert [(a.name_it, a.accepts_office_documents) for a in copy.required_attachments.all()] == [
        ("Lettera di partenariato", True)
    ]
    assert [d.file.name for d in copy.documents.all()] == [d.file.name for d in source.documents.all()]
    assert not copy.questions.exists()
    change = CallStatusChange.objects.get(call=copy)
    assert change.to_status == "draft" and "COSV-2010" in change.reason and change.changed_by == officer
    # The source is untouched.
    assert source.criteria.count() == 2 and source.status == "results_published"


@pytest.mark.parametrize("code", ["COSV-2010", "manage"])
def test_copy_refuses_a_taken_or_reserved_code(source, officer, code):
    with pytest.raises(DomainError):
        call_copy(source=source, code=code, by=officer)
    assert Call.objects.count() == 1


def test_copy_page_creates_the_draft_and_opens_its_edit_page(client, officer, source):
    client.force_login(officer)
    url = reverse("calls:manage-copy", kwargs={"code": source.code})
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "COSV-2027"})
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:manage-edit", kwargs={"code": "COSV-2027"})
    assert Call.objects.get(code="COSV-2027").criteria.count() == 2
    taken = client.post(url, {"code": "COSV-2027"})
    assert taken.status_code == 200 and "A call with this code already exists." in taken.content.decode()
