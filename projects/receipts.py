"""The PDF receipt of a submitted proposal: the whole proposal as the review page shows it,
under a header with its protocol number and the time of submission (Europe/Rome).

Rendered by WeasyPrint from projects/receipt.html. Nothing is fetched from the network: the
only resources are the Titillium Web fonts shipped with the theme's static files, read from
disk through a fetcher that refuses every other address.
"""

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Proposal

# Relative to the static root that holds it; the template's @font-face rules use the same paths.
FONT_PATH = "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf"


@cache
def static_root_for_fonts() -> Path:
    """The static folder (of the installed theme) that holds the fonts, found as collectstatic would."""
    found = finders.find(FONT_PATH)
    if not found:
        raise RuntimeError(f"The receipt's font {FONT_PATH} is not among the static files.")
    return Path(found).resolve().parents[len(Path(FONT_PATH).parts) - 1]


def local_files_fetcher(allowed: Path):
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):
        """Files under `allowed` only: no http(s), no other folder of the server."""

        def fetch(self, url, headers=None):
            if not url.startswith("file:"):
                raise ValueError(f"The receipt does not fetch {url}")
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(allowed):
                raise ValueError(f"The receipt does not read {path}")
            return super().fetch(url, headers)

    return LocalFilesOnly(allowed_protocols={"file"})


def proposal_receipt_html(proposal: Proposal, *, now=None) -> str:
    from .selectors import proposal_document_context

    context = proposal_document_context(proposal)
    context.update(proposal=context.get("proposal", proposal), generated_at=now or timezone.now())
    return render_to_string("projects/receipt.html", context)


def proposal_receipt_pdf(proposal: Proposal, *, now=None) -> bytes:
    """The receipt as PDF bytes (in the active language). For submitted proposals only."""
    from weasyprint import HTML

    if not proposal.protocol_number or proposal.submitted_at is None:
        raise ValueError("A receipt exists only for a submitted proposal.")
    root = static_root_for_fonts()
    html = HTML(
        string=proposal_receipt_html(proposal, now=now),
        base_url=root.as_uri() + "/",
        url_fetcher=local_files_fetcher(root),
    )
    return html.write_pdf()


def receipt_filename(proposal: Proposal) -> str:
    """E.g. ricevuta-COSV-2012-0042.pdf (in the active language)."""
    return f"{slugify(_('receipt'))}-{proposal.protocol_number}.pdf"
