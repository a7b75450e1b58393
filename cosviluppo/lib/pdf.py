"""PDFs rendered by WeasyPrint (proposal receipts, reports): nothing is fetched from the network.

The only resources are the Titillium Web fonts shipped with the theme's static files, read from
disk through a fetcher that refuses every other address.
"""

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders

# Relative to the static root that holds it; the templates' @font-face rules use the same paths.
FONT_PATH = "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf"


@cache
def static_root_for_fonts() -> Path:
    """The static folder (of the installed theme) that holds the fonts, found as collectstatic would."""
    found = finders.find(FONT_PATH)
    if not found:
        raise RuntimeError(f"The receipt's font {FONT_PATH} is not among the static files.")
    return Path(str(found)).resolve().parents[len(Path(FONT_PATH).parts) - 1]


def local_files_fetcher(allowed: Path) -> Any:
    """A WeasyPrint URL fetcher that reads files under `allowed` only: no http(s), no other folder
    of the server (a ValueError for anything else)."""
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if not url.startswith("file:"):
                raise ValueError(f"The PDF does not fetch {url}")
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(allowed):
                raise ValueError(f"The PDF does not read {path}")
            return super().fetch(url, headers)

    return LocalFilesOnly(allowed_protocols={"file"})
