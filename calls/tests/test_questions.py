import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calls.models import CallQuestion
from calls.services import call_question_ask
from calls.tests.factories import CallFactory, CallQuestionFactory
from cosviluppo.lib.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_call(db):
    return CallFactory(code="COSV-QA")


def detail(client, call):
    return client.get(reverse("calls:detail", kwargs={"code": call.code})).content.decode()


def test_applicant_asks_staff_answer_and_publish_it_appears_publicly(
    client, applicant, officer, open_call, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    assert "Send the question" in detail(client, open_call)
    response = client.post(
        reverse("calls:question-ask", kwargs={"code": open_call.code}),
        {"question": "Il cofinanziamento può essere valorizzato in natura?"},
    )
    assert response.status_code == 302
    question = CallQuestion.objects.get(call=open_call)
    assert question.asked_by == applicant and not question.is_published
    # Not public until answered and published.
    client.logout()
    assert "valorizzato in natura" not in detail(client, open_call)

    client.force_login(officer)
    waiting = client.get(reverse("calls:manage-questions"))
    assert [q.pk for q in waiting.context["questions"]] == [question.pk]
    prefix = f"q{question.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("calls:manage-question-answer", kwargs={"pk": question.pk}),
            {
                f"{prefix}-question": "Il cofinanziamento può essere valorizzato in natura?",
                f"{prefix}-answer": "Sì, fino al 10% del costo totale.",
                f"{prefix}-publish": "on",
            },
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_published and question.answered_by == officer
    assert [message.to for message in mail.outbox] == [[applicant.email]]

    client.logout()
    html = detail(client, open_call)
    assert "valorizzato in natura" in html and "Sì, fino al 10% del costo totale." in html
    assert client.get(reverse("calls:manage-questions")).status_code == 302  # the staff page asks to log in


def test_an_answer_saved_without_publishing_stays_hidden(client, officer, open_call):
    question = CallQuestionFactory(call=open_call, question="Domanda riservata?")
    client.force_login(officer)
    prefix = f"q{question.pk}"
    client.post(
        reverse("calls:manage-question-answer", kwargs={"pk": question.pk}),
        {f"{prefix}-question": question.question, f"{prefix}-answer": "Bozza di risposta"},
    )
    question.refresh_from_db()
    assert question.answer == "Bozza di risposta" and not question.is_published
    client.logout()
    assert "Domanda riservata?" not in detail(client, open_call)


def test_publishing_without_an_answer_is_refused_and_keeps_the_input(client, officer, open_call):
    question = CallQuestionFactory(call=open_call)
    client.force_login(officer)
    prefix = f"q{question.pk}"
    response = client.post(
        reverse("calls:manage-question-answer", kwargs={"pk": question.pk}),
        {f"{prefix}-question": "Testo corretto a mano", f"{prefix}-answer": "", f"{prefix}-publish": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write the answer before publishing it." in html and "Testo corretto a mano" in html
    question.refresh_from_db()
    assert not question.is_published


def test_anonymous_visitors_are_sent_to_log_in(client, open_call):
    html = detail(client, open_call)
    assert "Log in</a> as a member of a migrant association" in html
    response = client.post(reverse("calls:question-ask", kwargs={"code": open_call.code}), {"question": "?"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not CallQuestion.objects.exists()


@pytest.mark.parametrize("role", ["funder_viewer", "evaluator", "outsider"])
def test_only_association_and_ngo_members_may_ask(client, request, open_call, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("calls:question-ask", kwargs={"code": open_call.code}), {"question": "Posso?"})
    assert response.status_code == 403
    assert "Send the question" not in detail(client, open_call)
    assert not CallQuestion.objects.exists()


def test_an_ngo_member_may_ask(client, ngo_member, open_call):
    client.force_login(ngo_member)
    client.post(reverse("calls:question-ask", kwargs={"code": open_call.code}), {"question": "Domanda dell'ONG"})
    assert CallQuestion.objects.get().asked_by == ngo_member


def test_an_empty_question_is_refused_with_the_form_shown_again(client, applicant, open_call):
    client.force_login(applicant)
    response = client.post(reverse("calls:question-ask", kwargs={"code": open_call.code}), {"question": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not CallQuestion.objects.exists()


def test_no_questions_after_the_deadline_nor_about_drafts(client, applicant):
    now = timezone.now()
    closed = CallFactory(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1))
    draft = CallFactory(status="draft")
    with pytest.raises(DomainError):
        call_question_ask(call=closed, question="Troppo tardi?", by=applicant)
    client.force_login(applicant)
    assert "Send the question" not in detail(client, closed)
    response = client.post(reverse("calls:question-ask", kwargs={"code": closed.code}), {"question": "Tardi?"})
    assert response.status_code == 200 and "Questions can be asked only until the deadline" in response.content.decode()
    assert client.get(reverse("calls:question-ask", kwargs={"code": draft.code})).status_code == 404
    assert not CallQuestion.objects.exists()


# --- One question per form ------------------------------------------------------------------------


def ask_url(call):
    return reverse("calls:question-ask", kwargs={"code": call.code})


def shown_token(client, call) -> str:
    """The token of the question form on the call's page."""
    return str(client.get(call.get_absolute_url()).context["question_form"]["form_token"].value())


def test_the_same_question_form_posted_twice_stores_one_question(client, applicant, open_call):
    client.force_login(applicant)
    posted = {"question": "Si può presentare un solo progetto?", "form_token": shown_token(client, open_call)}

    first = client.post(ask_url(open_call), posted)
    second = client.post(ask_url(open_call), posted)  # 0.3 s later, or a double click

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CallQuestion.objects.count() == 1


def test_two_question_forms_store_two_questions(client, applicant, open_call):
    client.force_login(applicant)
    for _ in range(2):
        posted = {"question": "Si può presentare un solo progetto?", "form_token": shown_token(client, open_call)}
        assert client.post(ask_url(open_call), posted).status_code == 302
    assert CallQuestion.objects.count() == 2


def test_the_ask_page_shows_a_new_token_each_time(client, applicant, open_call):
    client.force_login(applicant)
    tokens = {str(client.get(ask_url(open_call)).context["form"]["form_token"].value()) for _ in range(2)}
    assert len(tokens) == 2


def test_a_question_token_used_by_someone_else_is_refused(applicant, ngo_member, open_call):
    token = uuid.uuid4()
    call_question_ask(call=open_call, question="Prima?", by=applicant, form_token=token)
    with pytest.raises(DomainError):
        call_question_ask(call=open_call, question="Seconda?", by=ngo_member, form_token=token)
    assert CallQuestion.objects.count() == 1
