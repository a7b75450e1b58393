from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from associations.tests.factories import FunderFactory, NGOFactory
from calls.forms import CallForm
from calls.models import Call, CallDocument, CallQuestion, CallStatusChange, EvaluationCriterion, FunderCommitment
from calls.services import call_publish, call_save
from calls.tests.conftest import page_data
from calls.tests.factories import CallFactory, EvaluationCriterionFactory
from cosviluppo.lib.exceptions import DomainError

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def new_call_data(funder, **overrides):
    """The POST of the "new call" page with one criterion, one commitment, one cost category, one document."""
    data = {
        "call-code": "COSV-2027",
        "call-year": "2027",
        "call-title_it": "Milano per il co-sviluppo 2027",
        "call-title_en": "Milan for co-development 2027",
        "call-opens_at": "2026-12-01T12:00",
        "call-closes_at": "2027-02-15T12:00",
        "call-announced_budget": "300000.00",
        "call-max_grant": "60000.00",
        "call-min_cofinancing_pct": "30",
        "call-max_duration_months": "18",
        "call-ngo_partner_required": "on",
        "call-eligible_countries": ["SN", "PE"],
        "call-min_origin_share_pct": "0",
        "call-max_origin_share_pct": "100",
        "call-min_residence_share_pct": "0",
        "call-max_residence_share_pct": "100",
        "call-overall_threshold": "60",
        "call-review_request_days": "30",
    }
    parts = {
        "criteria": [{"code": "A", "name_it": "Qualità", "max_score": "20", "weight": "100"}],
        "commitments": [{"funder": str(funder.pk), "amount": "300000.00"}],
        "cost_categories": [{"category": "A", "cap_pct": "40"}],
        "attachments": [],
        "documents": [{"title_it": "Testo del bando", "order": "0"}],
        "faq": [],
    }
    for prefix, rows in parts.items():
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    data["documents-0-file"] = SimpleUploadedFile("bando.pdf", PDF, content_type="application/pdf")
    data.update(overrides)
    return data


def test_a_date_time_is_entered_and_shown_in_rome_time():
    # Even with another zone active, the fields read and show the Italian clock.
    with timezone.override("UTC"):
        form = CallForm(data={"call-opens_at": "2026-12-01 12:00"}, prefix="call")
        form.is_valid()
        assert form.cleaned_data["opens_at"] == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # CET, UTC+1
        summer = CallForm.base_fields["closes_at"].clean("2026-07-01T12:00")
        assert summer == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # CEST, UTC+2
        shown = CallForm(instance=CallFactory(opens_at=datetime(2026, 12, 1, 11, 0, tzinfo=UTC)), prefix="call")
        assert 'value="2026-12-01T12:00"' in str(shown["opens_at"])


def test_officer_creates_a_draft_with_every_part(client, officer):
    funder = FunderFactory()
    client.force_login(officer)
    response = client.post(reverse("calls:manage-new"), new_call_data(funder))
    assert response.status_code == 302, response.context and response.context["form"].errors
    call = Call.objects.get(code="COSV-2027")
    assert call.status == Call.Status.DRAFT
    assert call.opens_at == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    assert [c.code for c in call.criteria.all()] == ["A"]
    assert call.commitments.get().funder == funder
    assert call.cost_categories.get().cap_pct == Decimal("40.00")
    document = call.documents.get()
    assert document.file.name.startswith("private/calls/COSV-2027/")
    assert CallStatusChange.objects.get(call=call).to_status == "draft"


def test_invalid_formset_input_saves_nothing_and_keeps_what_was_typed(client, officer):
    funder = FunderFactory()
    client.force_login(officer)
    data = new_call_data(funder, **{"criteria-0-min_threshold": "25", "call-title_it": "Titolo scritto a mano"})
    response = client.post(reverse("calls:manage-new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The minimum score cannot be above the maximum score." in html
    assert "Nothing was saved" in html
    assert 'value="Titolo scritto a mano"' in html
    assert 'value="25"' in html
    assert not Call.objects.filter(code="COSV-2027").exists()
    assert not FunderCommitment.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused_by_its_content(client, officer):
    client.force_login(officer)
    data = new_call_data(FunderFactory())
    data["documents-0-file"] = SimpleUploadedFile("bando.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("calls:manage-new"), data)
    assert "is not a PDF document" in response.content.decode()
    assert not Call.objects.exists()


def test_a_file_too_large_is_refused(client, officer, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(officer)
    data = new_call_data(FunderFactory())
    data["documents-0-file"] = SimpleUploadedFile(
        "bando.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf"
    )
    assert "The file is too large" in client.post(reverse("calls:manage-new"), data).content.decode()


def test_bad_dates_and_a_reserved_code_are_explained(client, officer):
    client.force_login(officer)
    data = new_call_data(FunderFactory(), **{"call-closes_at": "2026-11-01T12:00", "call-code": "manage"})
    html = client.post(reverse("calls:manage-new"), data).content.decode()
    assert "The deadline must come after the opening." in html
    assert "cannot be used as a call code" in html


def test_only_funders_can_be_chosen_for_a_commitment(client, officer):
    client.force_login(officer)
    html = client.post(reverse("calls:manage-new"), new_call_data(NGOFactory())).content.decode()
    assert "Select a valid choice" in html
    assert not Call.objects.exists()


def test_editing_a_draft_round_trips_and_deletes_rows(client, officer, publishable_call):
    client.force_login(officer)
    url = reverse("calls:manage-edit", kwargs={"code": publishable_call.code})
    data = page_data(client.get(url).context)
    data["call-title_en"] = "Edited title"
    criterion_b = publishable_call.criteria.get(code="B")
    index = next(
        k.split("-")[1]
        for k, v in data.items()
        if k.startswith("criteria-") and k.endswith("-id") and v == str(criterion_b.pk)
    )
    data[f"criteria-{index}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [f.errors for _t, f in response.context["parts"]]
    publishable_call.refresh_from_db()
    assert publishable_call.title_en == "Edited title"
    assert list(publishable_call.criteria.values_list("code", flat=True)) == ["A"]
    assert publishable_call.documents.count() == 1  # the file was kept without re-uploading it


def test_after_publication_only_documents_and_faq_can_change(client, officer, publishable_call):
    call_publish(call=publishable_call, by=officer)
    client.force_login(officer)
    url = reverse("calls:manage-edit", kwargs={"code": publishable_call.code})
    response = client.get(url)
    assert response.context["form"] is None
    assert [title for title, _f in response.context["parts"]] == ["Call documents", "Questions and answers (FAQ)"]
    data = page_data(response.context)
    data.update(
        {
            "call-title_it": "Tentativo di cambiare il titolo",  # ignored: no main form after publication
            "documents-TOTAL_FORMS": "2",
            "documents-1-title_it": "Errata corrige",
            "documents-1-file": SimpleUploadedFile("errata.pdf", PDF, content_type="application/pdf"),
            "faq-TOTAL_FORMS": "1",
            "faq-0-question": "Si può partecipare con due progetti?",
            "faq-0-answer": "No, uno per associazione.",
            "faq-0-is_published": "on",
        }
    )
    assert client.post(url, data).status_code == 302
    publishable_call.refresh_from_db()
    assert publishable_call.title_it != "Tentativo di cambiare il titolo"
    assert publishable_call.documents.count() == 2
    faq = CallQuestion.objects.get(call=publishable_call)
    assert faq.is_published and faq.asked_by == officer and faq.answered_by == officer
    html = client.get(reverse("calls:detail", kwargs={"code": publishable_call.code})).content.decode()
    assert "Si può partecipare con due progetti?" in html and "Errata corrige" in html


def test_the_service_refuses_frozen_parts_of_a_published_call(officer, publishable_call):
    from calls.forms import call_edition_forms

    call_publish(call=publishable_call, by=officer)
    draft_form, draft_formsets = call_edition_forms(call=CallFactory(status=Call.Status.DRAFT))
    with pytest.raises(DomainError):
        call_save(call=publishable_call, form=None, formsets={"criteria": draft_formsets["criteria"]}, by=officer)
    assert publishable_call.criteria.count() == 2


def test_a_published_documents_file_cannot_be_replaced(client, officer, publishable_call):
    call_publish(call=publishable_call, by=officer)
    client.force_login(officer)
    url = reverse("calls:manage-edit", kwargs={"code": publishable_call.code})
    data = page_data(client.get(url).context)
    original = publishable_call.documents.get().file.name
    data["documents-0-file"] = SimpleUploadedFile("other.pdf", PDF, content_type="application/pdf")
    data["documents-0-title_it"] = "Nuovo titolo"
    assert client.post(url, data).status_code == 302
    document = CallDocument.objects.get(call=publishable_call)
    assert document.file.name == original and document.title_it == "Nuovo titolo"


def test_duplicate_criterion_codes_are_refused(client, officer):
    client.force_login(officer)
    data = new_call_data(FunderFactory())
    data.update(
        {
            "criteria-TOTAL_FORMS": "2",
            "criteria-1-code": "A",
            "criteria-1-name_it": "Doppione",
            "criteria-1-max_score": "10",
            "criteria-1-weight": "0",
        }
    )
    response = client.post(reverse("calls:manage-new"), data)
    assert response.status_code == 200
    assert not EvaluationCriterion.objects.exists()


def test_edit_page_of_an_unknown_code_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get(reverse("calls:manage-edit", kwargs={"code": "NOPE"})).status_code == 404


def test_existing_criteria_show_on_the_edit_page(client, officer):
    call = CallFactory(status=Call.Status.DRAFT)
    EvaluationCriterionFactory(call=call, name_it="Radicamento sul territorio")
    client.force_login(officer)
    assert (
        "Radicamento sul territorio"
        in client.get(reverse("calls:manage-edit", kwargs={"code": call.code})).content.decode()
    )
