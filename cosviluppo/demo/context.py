"""What the parts of the story share while the demo loads (DemoContext) and the plan of one
proposal before it is written (Plan)."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from accounts.models import User
from associations.models import Organisation
from projects.models import Proposal

from .call_reference import SAMPLE_PROJECTS, Topic
from .helpers import Names
from .reference import SEED


@dataclass
class Plan:
    """One proposal to write: who, where, how much, and how its story ends."""

    lead: Organisation
    country: str
    outcome: str  # funded, reserve, not_funded, inadmissible, draft, submitted
    topic: Topic | None = None  # chosen once the place in the country of origin is known
    ngo: Organisation | None = None
    origin_partner: Organisation | None = None
    inadmissible_reason: str = ""
    title: str = ""
    acronym: str = ""
    granted: Decimal | None = None
    requested: Decimal | None = None
    cofinancing_pct: int = 35
    duration: int = 12
    score_target: float = 0.0
    fails_criterion_c: bool = False
    ngo_confirmed: bool = True
    origin_city: str = ""
    origin_region: str = ""
    theme: str = ""
    submitted_at: datetime | None = None
    created_by: User | None = None
    with_budget: bool = True
    reduced_by_committee: bool = False  # funded for less than requested, with a reason
    proposal: Proposal | None = field(default=None, repr=False)


@dataclass
class DemoContext:
    """What the parts of the story share while the demo loads: the clock, the one random
    generator (its order of draws makes the load deterministic), the cast (people and
    organisations, by the part that creates them) and the attachment files written so far."""

    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    users: dict[str, User] = field(default_factory=dict)  # by e-mail address
    organisations: dict[str, Organisation] = field(default_factory=dict)  # by legal name
    associations: list[Organisation] = field(default_factory=list)
    ngos: list[Organisation] = field(default_factory=list)
    origin_partners: dict[str, list[Organisation]] = field(default_factory=dict)  # by country
    places: dict[str, str] = field(default_factory=dict)  # organisation name → "Municipio 6" or "comune di Legnano"
    titles: set[str] = field(default_factory=lambda: {sample.title for sample in SAMPLE_PROJECTS})
    stored_files: list[tuple] = field(default_factory=list)  # (storage, name) of every attachment file written
    names: Names = field(init=False)

    def __post_init__(self) -> None:
        self.names = Names(self.rng)

    @property
    def officer(self) -> User:
        return self.users["officer@demo.local"]

    @property
    def evaluators(self) -> list[User]:
        return [self.users["evaluator1@demo.local"], self.users["evaluator2@demo.local"]]

    def delete_stored_files(self) -> None:
        """Remove the attachment files this load wrote (after a failed load)."""
        for storage, name in self.stored_files:
            storage.delete(name)
