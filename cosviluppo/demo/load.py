"""Loading the demo: the guards (DEBUG only, no real data, no half-loaded demo) and the order of
the story, in one transaction."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from associations.models import Organisation
from calls.models import Call
from projects.models import Proposal
from reports.opendata.services import open_data_ensure

from .call_reference import HISTORICAL_CODES
from .context import DemoContext
from .current import write_calls_in_progress
from .editions import plan_editions, write_editions
from .errors import DemoLoadRefused
from .people import create_cast, verify_organisations
from .reference import DEMO_ACCOUNTS


def demo_is_loaded() -> bool:
    """True when every demo account and every historical call is already in the database."""
    emails = [account.email for account in DEMO_ACCOUNTS]
    accounts = User.objects.filter(email__in=emails, is_demo=True).count()
    calls = Call.objects.filter(code__in=HISTORICAL_CODES, is_demo=True).count()
    return accounts == len(emails) and calls == len(HISTORICAL_CODES)


def demo_check_debug() -> None:
    """Refuse outside DEBUG: demo accounts with a published password must never reach production."""
    if not settings.DEBUG:
        raise DemoLoadRefused(
            _("seed_demo only runs with DEBUG=true: it must never write demo data into a production database.")
        )


def demo_check_database(*, force: bool = False) -> None:
    """Refuse to load over real data (unless forced) or over part of an earlier demo."""
    emails = [account.email for account in DEMO_ACCOUNTS]
    clashes = [*User.objects.filter(email__in=emails).values_list("email", flat=True)]
    clashes += Call.objects.filter(code__in=HISTORICAL_CODES).values_list("code", flat=True)
    if clashes:
        raise DemoLoadRefused(
            _(
                "Part of the demo data is already in the database (%(names)s) but not all of it. "
                "Empty the database (manage.py flush) and run seed_demo again."
            )
            % {"names": ", ".join(sorted(clashes))}
        )
    if force:
        return
    real = [
        str(model._meta.verbose_name_plural)
        for model in (User, Organisation, Call, Proposal)
        if model.objects.filter(is_demo=False).exists()
    ]
    if real:
        raise DemoLoadRefused(
            _(
                "The database holds non-demo data (%(kinds)s). seed_demo adds demo data only to an empty "
                "database; use --force to add it anyway."
            )
            % {"kinds": ", ".join(real)}
        )


def demo_load(*, force: bool = False, today: date | None = None) -> bool:
    """Load the demo dataset; returns False (and changes nothing) when it is already loaded.

    Refuses with DemoLoadRefused when DEBUG is off, when the database holds
    non-demo data (unless `force`), or when only part of the demo is present.
    All or nothing: one transaction.
    """
    demo_check_debug()
    if demo_is_loaded():
        return False
    demo_check_database(force=force)
    ctx = DemoContext(today=today or timezone.localdate())
    try:
        with transaction.atomic():
            load_story(ctx)
    except BaseException:
        # The rows are rolled back; the attachment files stored meanwhile would stay behind.
        ctx.delete_stored_files()
        raise
    # The open-data downloads serve stored files: have them before the first visitor, even when
    # the regeneration enqueued on commit went to a broker with no worker yet.
    open_data_ensure()
    return True


def load_story(ctx: DemoContext) -> None:
    """The whole story, in the order its random draws were made when it was written."""
    create_cast(ctx)
    plans_by_call = plan_editions(ctx)
    verify_organisations(ctx, plans_by_call)
    write_editions(ctx, plans_by_call)
    write_calls_in_progress(ctx)
