import pytest
from django.urls import reverse

from calls.tests.factories import CallDocumentFactory, CallFactory

pytestmark = pytest.mark.django_db


def download(client, document):
    return client.get(reverse("calls:document", kwargs={"code": document.call.code, "pk": document.pk}))


def test_a_published_calls_document_is_downloadable_by_anyone(client):
    document = CallDocumentFactory(call=CallFactory())
    response = download(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    html = client.get(reverse("calls:detail", kwargs={"code": document.call.code})).content.decode()
    assert reverse("calls:document", kwargs={"code": document.call.code, "pk": document.pk}) in html


@pytest.mark.parametrize("role", [None, "applicant", "funder_viewer", "evaluator"])
def test_a_drafts_documents_are_not_found(client, request, role):
    document = CallDocumentFactory(call=CallFactory(status="draft"))
    if role:
        client.force_login(request.getfixturevalue(role))
    assert download(client, document).status_code == 404


def test_staff_can_check_a_drafts_documents(client, officer):
    document = CallDocumentFactory(call=CallFactory(status="draft"))
    client.force_login(officer)
    assert download(client, document).status_code == 200


def test_a_document_is_only_found_under_its_own_call(client):
    document = CallDocumentFactory(call=CallFactory())
    other = CallFactory()
    url = reverse("calls:document", kwargs={"code": other.code, "pk": document.pk})
    assert client.get(url).status_code == 404


def test_a_missing_file_is_not_found_rather_than_an_error(client):
    document = CallDocumentFactory(call=CallFactory())
    document.file.storage.delete(document.file.name)
    assert download(client, document).status_code == 404
