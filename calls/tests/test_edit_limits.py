"""Every part of a call's edit page is bounded: a forged form claiming thousands of entries is
answered quickly with a message and changes nothing; the empty rows stop at the limit."""

import pytest
from django.urls import reverse

from calls.models import CALL_PART_LIMITS, CostCategory, EligibleCostCategory
from calls.services import call_question_answer
from calls.tests.conftest import page_data
from calls.tests.factories import CallQuestionFactory
from cosviluppo.lib.exceptions import DomainError

pytestmark = pytest.mark.django_db

MESSAGES = {
    "criteria": "A call has at most 20 evaluation criteria.",
    "commitments": "A call has at most 20 funder commitments.",
    "cost_categories": "A call has at most 8 eligible cost categories.",
    "attachments": "A call asks for at most 20 documents.",
    "documents": "A call has at most 30 documents.",
    "faq": "A call has at most 200 questions and answers.",
}


@pytest.mark.parametrize("part", list(CALL_PART_LIMITS))
def test_a_forged_entry_count_is_refused_with_a_message_and_nothing_saved(client, officer, publishable_call, part):
    client.force_login(officer)
    url = reverse("calls:manage-edit", kwargs={"code": publishable_call.code})
    data = page_data(client.get(url).context)
    data["call-title_en"] = "Edited title"
    data[f"{part}-TOTAL_FORMS"] = "999999"

    response = client.post(url, data)

    page = response.content.decode()
    # The edit page of a draft shows every part, in the order of CALL_PART_LIMITS.
    formsets = [formset for _title, formset in response.context["parts"]]
    formset = dict(zip(CALL_PART_LIMITS, formsets, strict=True))[part]
    assert response.status_code == 200
    assert MESSAGES[part] in page
    assert formset.total_form_count() == CALL_PART_LIMITS[part]
    assert len(formset.forms) < CALL_PART_LIMITS[part]  # the saved entries shown again, not hundreds of empty ones
    assert f'name="{part}-TOTAL_FORMS" value="{CALL_PART_LIMITS[part]}"' in page
    assert len(response.content) < 200_000
    publishable_call.refresh_from_db()
    assert publishable_call.title_en != "Edited title"


def test_empty_cost_category_rows_stop_at_the_number_of_categories(client, officer, publishable_call):
    EligibleCostCategory.objects.filter(call=publishable_call).delete()
    for category in CostCategory.values:
        EligibleCostCategory.objects.create(call=publishable_call, category=category)
    client.force_login(officer)
    url = reverse("calls:manage-edit", kwargs={"code": publishable_call.code})

    response = client.get(url)

    formsets = {title: formset for title, formset in response.context["parts"]}
    assert len(formsets["Eligible cost categories"].forms) == len(CostCategory.values)  # no empty row left
    assert client.post(url, page_data(response.context)).status_code == 302


def test_no_answer_is_published_past_the_faq_limit(officer, publishable_call, monkeypatch):
    monkeypatch.setitem(CALL_PART_LIMITS, "faq", 1)
    CallQuestionFactory(call=publishable_call, answer="Sì.", is_published=True)
    waiting = CallQuestionFactory(call=publishable_call, answer="")

    with pytest.raises(DomainError):
        call_question_answer(question=waiting, question_text="", answer="No.", publish=True, by=officer)

    waiting.refresh_from_db()
    assert not waiting.is_published
    call_question_answer(question=waiting, question_text="", answer="No.", publish=False, by=officer)
