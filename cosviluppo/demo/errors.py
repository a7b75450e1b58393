"""What stops the demo from loading: a refusal (wrong place) or an inconsistency in its own data."""

from cosviluppo.lib.exceptions import DomainError


class DemoLoadRefused(DomainError):
    """seed_demo must not run here (production settings, or a database with real data)."""


class DemoDataError(Exception):
    """The demo's reference data contradicts itself (say, a call with more forced inadmissible
    proposals than it received): a mistake in this package, reported instead of writing a
    story whose figures do not add up. The load is rolled back."""
