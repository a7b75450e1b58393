"""Fields stored once per language (Italian and English)."""

from typing import Any

from django.utils.translation import get_language


def localised(obj: Any, field: str) -> str:
    """The English text when the active language is English and it exists, else the Italian."""
    if (get_language() or "it").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, f"{field}_it", ""))
