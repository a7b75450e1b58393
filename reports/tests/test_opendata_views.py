"""The open-data pages and downloads: public, streamed, bounded in queries, the same bytes as the commands.

The stored files themselves (generation, conditional GET, gzip, regeneration on change) are
tested in test_opendata_stored.py.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import StreamingHttpResponse
from django.urls import reverse

from associations.models import Organisation
from reports.opendata.services import DOCUMENTS, open_data_file_generate, open_data_regenerate

from .opendata_support import MAX_GENERATION_QUERIES, body, small_programme

pytestmark = pytest.mark.django_db

DOWNLOADS = ["reports:opendata-360giving", "reports:opendata-iati", "reports:transparency-csv"]


@pytest.fixture
def programme():
    return small_programme(projects=2)


@pytest.mark.parametrize(
    ("command", "url"), [("export_360giving", "reports:opendata-360giving"), ("export_iati", "reports:opendata-iati")]
)
def test_the_command_writes_the_bytes_the_view_serves(client, programme, tmp_path, command, url):
    output = tmp_path / "export"
    call_command(command, "--output", str(output), stdout=StringIO())
    served = body(client.get(reverse(url), HTTP_ACCEPT_LANGUAGE="en"))
    assert output.read_bytes() == served
    assert len(served) > 1000
    assert not list(tmp_path.glob(".export.*")), "the temporary file is renamed, not left behind"


@pytest.mark.parametrize("url", DOWNLOADS)
def test_downloads_are_streamed_to_anyone(client, programme, url):
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert body(response)


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_generation_queries_do_not_grow_with_the_number_of_grants(programme, kind, django_assert_max_num_queries):
    """The same bound holds for the 66 demo projects (test_opendata_demo.py)."""
    with django_assert_max_num_queries(MAX_GENERATION_QUERIES):
        open_data_file_generate(kind=kind)


@pytest.mark.parametrize(
    ("command", "url"), [("export_360giving", "reports:opendata-360giving"), ("export_iati", "reports:opendata-iati")]
)
def test_without_the_comune_registered_nothing_is_published(client, programme, tmp_path, command, url):
    """The Comune's org-id prefixes every IATI identifier, which must never change: no stand-in."""
    Organisation.objects.filter(pk=programme.comune.pk).update(legal_name="Comune di Altrove")
    response = client.get(reverse(url))
    assert response.status_code == 503
    assert "Comune di Milano" in response.content.decode()
    with pytest.raises(CommandError, match="Comune di Milano"):
        call_command(command, "--output", str(tmp_path / "export"))
    assert not (tmp_path / "export").exists()


def test_the_landing_page_lists_the_downloads(client, db):
    response = client.get(reverse("reports:opendata"))
    assert response.status_code == 200
    html = response.content.decode()
    for url in [*DOWNLOADS, "reports:transparency"]:
        assert f'href="{reverse(url)}"' in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html


@pytest.mark.parametrize("url", DOWNLOADS)
def test_awards_of_calls_whose_results_are_not_published_stay_out(client, programme, url):
    """The decision may still change, and the funders may not have signed it off, until the
    results are published: no download names those grants before."""
    published = body(client.get(reverse(url))).decode()
    assert programme.projects[0].title in published
    type(programme.call).objects.filter(pk=programme.call.pk).update(status="evaluation")
    open_data_regenerate()
    unpublished = body(client.get(reverse(url))).decode()
    for project in programme.projects:
        assert project.title not in unpublished
