"""The cast: demo accounts, funders (the Comune, Fondazione Cariplo and its partnership of banks),
migrant associations, NGOs, partners in the countries of origin, memberships, and the
verification of the organisations by the office."""

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.services import user_enrol_totp, user_requires_two_factor
from associations.models import Membership, Organisation
from associations.services import organisation_reject, organisation_verify
from cosviluppo.lib.codicefiscale import entity_codice_fiscale

from .call_reference import EDITIONS
from .context import DemoContext, Plan
from .helpers import rome_at, slug_of
from .reference import (
    APPLICANT_ASSOCIATION,
    APPLICANT_NGO,
    CARIPLO,
    CF_ASSOCIATIONS,
    CF_FUNDERS,
    CF_NGOS,
    COMMUNITY_ADJECTIVES,
    COMUNE,
    COUNTRY_NAMES_IT,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    FICTIONAL_ASSOCIATION,
    FICTIONAL_FUNDER,
    FICTIONAL_ORGANISATION,
    FORUM,
    FORUM_MEMBERS,
    GENERATED_ASSOCIATIONS_PER_COUNTRY,
    GENERATED_NGOS,
    INELIGIBLE_ASSOCIATIONS,
    LOMBARD_TOWNS,
    MILAN_QUARTERS,
    NAMED_ASSOCIATIONS,
    NAMED_NGOS,
    ORIGIN_PARTNERS,
    PARTNERSHIP,
    PARTNERSHIP_BANKS,
    PENDING_ASSOCIATIONS,
    PENDING_NGO,
    QUARTER_OF,
    REAL_NAME_DEMO_DATA,
    REJECTED_ASSOCIATION,
)


def create_accounts(ctx: DemoContext) -> None:
    # One hash for every account: hashing seven times would only slow the load down.
    password = make_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        ctx.users[account.email] = User.objects.create(
            email=account.email,
            password=password,
            full_name=account.full_name,
            municipal_role=account.municipal_role,
            is_staff=account.is_staff,
            is_superuser=account.is_superuser,
            is_demo=True,
            date_joined=rome_at(date(2007, 10, 1)),
        )
    # Verified addresses, so the accounts can log in at once (allauth asks for verification),
    # and a known TOTP secret for those who must use two-factor authentication.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in ctx.users.values()]
    )
    for user in ctx.users.values():
        if user_requires_two_factor(user):
            user_enrol_totp(user=user, secret=DEMO_TOTP_SECRET)


def make_seat(ctx: DemoContext, name: str, place: str, street: str | None = None) -> tuple[dict, str]:
    """The seat fields of an organisation and a sentence for its description."""
    number = ctx.rng.randint(1, 160)
    if place.startswith("Municipio "):
        ctx.places[name] = place
        fields = {"seat_street": f"{street} {number}", "seat_city": "Milano", "seat_province": "MI"}
        return fields, f"Sede nel {place} di Milano."
    if place in MILAN_QUARTERS:
        municipio, quarter_street = MILAN_QUARTERS[place]
        ctx.places[name] = f"Municipio {municipio}"
        fields = {
            "seat_street": f"{street or quarter_street} {number}",
            "seat_city": "Milano",
            "seat_province": "MI",
        }
        return fields, f"Sede nel quartiere {place}, Municipio {municipio} di Milano."
    province, town_street = LOMBARD_TOWNS[place]
    ctx.places[name] = f"comune di {place}"
    fields = {"seat_street": f"{street or town_street} {number}", "seat_city": place, "seat_province": province}
    return fields, f"Sede a {place} ({province})."


def create_organisation(ctx: DemoContext, *, name: str, kind: str, cf_number: int | None, **fields) -> Organisation:
    organisation = Organisation(
        kind=kind,
        legal_name=name,
        codice_fiscale=entity_codice_fiscale(cf_number) if cf_number is not None else "",
        is_demo=True,
        **fields,
    )
    ctx.organisations[name] = organisation
    return organisation


def create_funders(ctx: DemoContext) -> None:
    serial = iter(range(1, 100))
    milan = {"seat_city": "Milano", "seat_province": "MI", "seat_region": "Lombardia"}
    funders = [
        create_organisation(
            ctx,
            name=COMUNE,
            kind=Organisation.Kind.PUBLIC_BODY,
            cf_number=CF_FUNDERS + next(serial),
            legal_form=Organisation.LegalForm.PUBLIC_BODY,
            seat_street="Piazza della Scala 2",
            description=REAL_NAME_DEMO_DATA,
            **milan,
        ),
        create_organisation(
            ctx,
            name=CARIPLO,
            kind=Organisation.Kind.FOUNDATION,
            cf_number=CF_FUNDERS + next(serial),
            legal_form=Organisation.LegalForm.FOUNDATION,
            description="Coordina il partenariato di istituzioni bancarie e fondazioni. " + REAL_NAME_DEMO_DATA,
            **milan,
        ),
        create_organisation(
            ctx,
            name=FICTIONAL_FUNDER,
            kind=Organisation.Kind.FOUNDATION,
            cf_number=CF_FUNDERS + next(serial),
            legal_form=Organisation.LegalForm.FOUNDATION,
            description="Finanziatore fittizio (dati dimostrativi).",
            email="info@fondazione-esempio.example",
            **milan,
        ),
        create_organisation(
            ctx,
            name=PARTNERSHIP,
            kind=Organisation.Kind.FEDERATION,
            cf_number=CF_FUNDERS + next(serial),
            legal_form=Organisation.LegalForm.ASSOCIATION,
            description=(
                "Le 14 istituzioni bancarie e fondazioni che dal 2007 sostengono i bandi del Comune di Milano, "
                "coordinate da Fondazione Cariplo. Le quote dei singoli istituti non sono pubbliche: "
                "nei dati dimostrativi il contributo compare come un'unica quota di Fondazione Cariplo. "
                + REAL_NAME_DEMO_DATA
            ),
            **milan,
        ),
        create_organisation(
            ctx,
            name=FORUM,
            kind=Organisation.Kind.FEDERATION,
            cf_number=CF_FUNDERS + next(serial),
            legal_form=Organisation.LegalForm.ASSOCIATION,
            founding_year=2011,
            description=(
                "Organismo di secondo livello delle associazioni delle comunità migranti, promosso dal "
                "Comune di Milano nel 2011. " + REAL_NAME_DEMO_DATA
            ),
            **milan,
        ),
    ]
    for name, legal_form in PARTNERSHIP_BANKS:
        funders.append(
            create_organisation(
                ctx,
                name=name,
                kind=Organisation.Kind.BANK,
                cf_number=CF_FUNDERS + next(serial),
                legal_form=legal_form,
                description="Membro del partenariato coordinato da Fondazione Cariplo. " + REAL_NAME_DEMO_DATA,
                **milan,
            )
        )
    Organisation.objects.bulk_create(funders)
    partnership = ctx.organisations[PARTNERSHIP]
    members = [ctx.organisations[CARIPLO]] + [ctx.organisations[name] for name, _form in PARTNERSHIP_BANKS]
    Organisation.federations.through.objects.bulk_create(
        [Organisation.federations.through(from_organisation=member, to_organisation=partnership) for member in members]
    )


def association_fields(
    ctx: DemoContext, name: str, countries: list[str], place: str, street: str | None, founded: int
) -> dict:
    seat, extra = make_seat(ctx, name, place, street)
    return {
        "kind": Organisation.Kind.MIGRANT_ASSOCIATION,
        "legal_form": ctx.rng.choice(
            [Organisation.LegalForm.APS] * 5 + [Organisation.LegalForm.ODV, Organisation.LegalForm.ASSOCIATION]
        ),
        "countries_of_origin": countries,
        "seat_region": "Lombardia",
        "founding_year": founded,
        "legal_representative_name": ctx.names.person(countries[0]),
        "description": f"{FICTIONAL_ASSOCIATION} {extra}",
        **seat,
    }


def generated_association_names(ctx: DemoContext) -> list[tuple[str, str, str]]:
    """(name, country, place) for the fictional associations beyond the named ones."""
    places = list(MILAN_QUARTERS) + list(LOMBARD_TOWNS)
    patterns = [
        "Comunità {fs} {of_place} APS",
        "Associazione {fs} {of_place}",
        "Donne {fp} {of_place}",
        "Giovani {mp} {of_place} ODV",
        "Casa {fs} {of_place}",
        "Associazione Culturale {fs} {of_place} APS",
    ]
    taken = {name for name, *_rest in NAMED_ASSOCIATIONS}
    result = []
    for country, how_many in GENERATED_ASSOCIATIONS_PER_COUNTRY.items():
        feminine, masculine_plural, feminine_plural = COMMUNITY_ADJECTIVES[country]
        made = 0
        while made < how_many:
            place = ctx.rng.choice(places)
            name = ctx.rng.choice(patterns).format(
                fs=feminine, mp=masculine_plural, fp=feminine_plural, of_place=QUARTER_OF.get(place, f"di {place}")
            )
            if name in taken:
                continue
            taken.add(name)
            result.append((name, country, place))
            made += 1
    return result


def create_associations(ctx: DemoContext) -> None:
    serial = iter(range(1, 1000))
    created = []
    for name, countries, place, street in NAMED_ASSOCIATIONS + INELIGIBLE_ASSOCIATIONS:
        fields = association_fields(ctx, name, countries, place, street, ctx.rng.randint(1995, 2006))
        created.append(create_organisation(ctx, name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
    for name, country, place in generated_association_names(ctx):
        fields = association_fields(ctx, name, [country], place, None, ctx.rng.randint(1992, 2006))
        created.append(create_organisation(ctx, name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
    for name, countries, place, street, founded in PENDING_ASSOCIATIONS:
        fields = association_fields(ctx, name, countries, place, street, founded)
        created.append(create_organisation(ctx, name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
    name, countries, place, street, _reason = REJECTED_ASSOCIATION
    fields = association_fields(ctx, name, countries, place, street, 2019)
    created.append(create_organisation(ctx, name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
    for organisation in created:
        organisation.email = f"info@{slug_of(organisation.legal_name)}.example"
    Organisation.objects.bulk_create(created)
    ctx.associations = created
    forum = ctx.organisations[FORUM]
    not_verified = {name for name, *_rest in PENDING_ASSOCIATIONS} | {REJECTED_ASSOCIATION[0]}
    eligible = [a for a in created if a.legal_name not in not_verified]
    forum_members = [ctx.organisations[APPLICANT_ASSOCIATION]] + ctx.rng.sample(
        [a for a in eligible if a.legal_name != APPLICANT_ASSOCIATION], FORUM_MEMBERS - 1
    )
    Organisation.federations.through.objects.bulk_create(
        [Organisation.federations.through(from_organisation=member, to_organisation=forum) for member in forum_members]
    )


def create_ngos(ctx: DemoContext) -> None:
    serial = iter(range(1, 1000))
    places = list(MILAN_QUARTERS) + list(LOMBARD_TOWNS)
    created = []
    for name in NAMED_NGOS + GENERATED_NGOS:
        seat, extra = make_seat(ctx, name, ctx.rng.choice(places) if name != APPLICANT_NGO else "Isola")
        legal_form = Organisation.LegalForm.ODV if name.endswith("ODV") else Organisation.LegalForm.ETS
        created.append(
            create_organisation(
                ctx,
                name=name,
                kind=Organisation.Kind.NGO,
                cf_number=CF_NGOS + next(serial),
                legal_form=legal_form,
                seat_region="Lombardia",
                founding_year=ctx.rng.randint(1975, 2004),
                legal_representative_name=ctx.names.person("IT"),
                description=f"{FICTIONAL_ORGANISATION} {extra}",
                email=f"segreteria@{slug_of(name)}.example",
                **seat,
            )
        )
    Organisation.objects.bulk_create(created)
    ctx.ngos = created


def create_origin_partners(ctx: DemoContext) -> None:
    created = []
    for country, partners in ORIGIN_PARTNERS.items():
        for name, city, region in partners:
            organisation = create_organisation(
                ctx,
                name=name,
                kind=Organisation.Kind.ORIGIN_PARTNER,
                cf_number=None,
                legal_form=Organisation.LegalForm.FOREIGN,
                seat_city=city,
                seat_region=region,
                seat_country=country,
                countries_of_origin=[country],
                legal_representative_name=ctx.names.person(country),
                description=f"{FICTIONAL_ORGANISATION} Partner locale a {city} ({COUNTRY_NAMES_IT[country]}).",
            )
            created.append(organisation)
            ctx.origin_partners.setdefault(country, []).append(organisation)
    Organisation.objects.bulk_create(created)


def create_memberships(ctx: DemoContext) -> None:
    Membership.objects.bulk_create(
        [
            Membership(
                user=ctx.users["applicant@demo.local"],
                organisation=ctx.organisations[APPLICANT_ASSOCIATION],
                role=Membership.Role.LEGAL_REPRESENTATIVE,
            ),
            Membership(
                user=ctx.users["ngo@demo.local"],
                organisation=ctx.organisations[APPLICANT_NGO],
                role=Membership.Role.EDITOR,
            ),
            *(
                Membership(user=ctx.users[email], organisation=ctx.organisations[funder], role=Membership.Role.VIEWER)
                for email, funder in (
                    ("funder@demo.local", CARIPLO),
                    ("comune@demo.local", COMUNE),
                    ("esempio@demo.local", FICTIONAL_FUNDER),
                )
            ),
        ]
    )
    applicant_association = ctx.organisations[APPLICANT_ASSOCIATION]
    applicant_association.legal_representative_name = ctx.users["applicant@demo.local"].full_name
    applicant_association.save(update_fields=["legal_representative_name", "updated_at"])


def verify_organisations(ctx: DemoContext, plans_by_call: dict[str, list[Plan]]) -> None:
    """Verify each organisation shortly before the first call it took part in."""
    first_use: dict[int, date] = {}
    for edition in EDITIONS:
        for plan in plans_by_call[edition.code]:
            for organisation in (plan.lead, plan.ngo, plan.origin_partner):
                if organisation is not None:
                    first_use.setdefault(organisation.pk, edition.opens_on)
    pending = {name for name, *_rest in PENDING_ASSOCIATIONS} | {PENDING_NGO, REJECTED_ASSOCIATION[0]}
    for organisation in ctx.organisations.values():
        if organisation.legal_name in pending:
            continue
        before = first_use.get(organisation.pk, date(2012, 3, 1))
        day = before - timedelta(days=ctx.rng.randint(10, 60))
        organisation_verify(organisation=organisation, by=ctx.officer, now=rome_at(day, 11), notify=False)
    organisation_reject(
        organisation=ctx.organisations[REJECTED_ASSOCIATION[0]],
        reason=REJECTED_ASSOCIATION[4],
        by=ctx.officer,
        now=rome_at(date(2020, 2, 10), 10),
        notify=False,
    )


def countries_of(ctx: DemoContext, association: Organisation) -> list[str]:
    return [str(code) for code in association.countries_of_origin]


def eligible_leads(ctx: DemoContext) -> list[Organisation]:
    excluded = {name for name, *_rest in PENDING_ASSOCIATIONS} | {REJECTED_ASSOCIATION[0]}
    return [a for a in ctx.associations if a.legal_name not in excluded]


def create_cast(ctx: DemoContext) -> None:
    """The demo accounts, the funders, associations, NGOs and partners, and who belongs where."""
    create_accounts(ctx)
    create_funders(ctx)
    create_associations(ctx)
    create_ngos(ctx)
    create_origin_partners(ctx)
    create_memberships(ctx)
