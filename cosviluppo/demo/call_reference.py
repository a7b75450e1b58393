"""The calls' reference data: evaluation criteria, required documents, the three historical
editions (dates, budgets, legal basis), the project topics and the sample projects of the domain notes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .reference import APPLICANT_ASSOCIATION, APPLICANT_NGO

# (code, Italian name, English name, Italian description, max score, weight)
CRITERIA = [
    ("A", "Protagonismo e capacità dell'associazione di migranti capofila",
     "Leadership and capacity of the lead migrant association",
     "Leadership, radicamento nei due territori, esperienza di co-sviluppo.", 20),
    ("B", "Rilevanza", "Relevance",
     "Coerenza con le finalità del bando e analisi dei bisogni.", 15),
    ("C", "Qualità progettuale", "Quality of the project design",
     "Quadro logico, obiettivi, attività, cronoprogramma, indicatori.", 20),
    ("D", "Doppio territorio", "Two territories",
     "Coerenza e complementarietà delle azioni a Milano/Lombardia e nel Paese d'origine "
     "(«tre volte vincente»).", 15),
    ("E", "Partenariato", "Partnership",
     "Ruolo reale dell'ONG lombarda e dei partner locali, accordi firmati.", 10),
    ("F", "Impatto e sostenibilità", "Impact and sustainability",
     "Continuità, generazione di reddito, rafforzamento istituzionale.", 10),
    ("G", "Piano finanziario", "Financial plan",
     "Congruità dei costi, cofinanziamento oltre il minimo.", 5),
    ("H", "Innovazione, transnazionalità e temi trasversali", "Innovation, transnationalism and cross-cutting themes",
     "Genere, giovani e seconde generazioni, ambiente.", 5),
]  # fmt: skip
CRITERION_C_THRESHOLD = Decimal("10")
# How far an evaluator's score strays from the committee's consensus.
REVIEWER_DEVIATIONS = [Decimal(value) for value in ("-1", "-0.5", "0", "0", "0.5", "1")]
CRITERION_FOCUS = {
    "A": "radicamento dell'associazione nei due territori",
    "B": "coerenza con le finalità del bando",
    "C": "quadro logico e cronoprogramma",
    "D": "complementarietà delle azioni a Milano e nel Paese d'origine",
    "E": "ruolo dei partner",
    "F": "sostenibilità dopo la fine del contributo",
    "G": "congruità dei costi",
    "H": "attenzione a genere e seconde generazioni",
}

REQUIRED_ATTACHMENTS = [
    ("Lettera di partenariato firmata dall'ONG lombarda", "Partnership letter signed by the Lombard NGO", False),
    ("Statuto e atto costitutivo dell'associazione capofila", "Statute and founding act of the lead association",
     False),
    ("Piano finanziario (modello del bando)", "Financial plan (the call's template)", True),
]  # fmt: skip


@dataclass(frozen=True)
class Edition:
    code: str
    year: int
    title_it: str
    title_en: str
    themes: str
    opens_on: date
    closes_on: date
    evaluation_on: date
    results_on: date
    projects_start_on: date
    max_grant: Decimal
    max_duration_months: int
    comune_amount: Decimal
    cariplo_amount: Decimal
    legal_basis: str
    responsible_office: str
    received: int
    funded: int
    reserve: int
    inadmissible: int


OFFICE_COOPERATION = "Settore Relazioni Internazionali – Ufficio Cooperazione e Solidarietà Internazionale"
OFFICE_CABINET = "Gabinetto del Sindaco – Settore Relazioni Internazionali"
RESPONSIBLE_OFFICIAL = "Anna Moretti"
GIUNTA_RESOLUTION = "Deliberazione di approvazione della Giunta comunale (estremi non riportati nei dati dimostrativi)"

EDITIONS = [
    Edition(
        code="COSV-2008",
        year=2008,
        title_it="Milano per il co-sviluppo 2007-2008",
        title_en="Milan for co-development 2007-2008",
        themes="migrazione e sviluppo",
        opens_on=date(2007, 11, 15),
        closes_on=date(2008, 1, 31),
        evaluation_on=date(2008, 3, 3),
        results_on=date(2008, 6, 20),
        projects_start_on=date(2008, 9, 1),
        max_grant=Decimal("50000.00"),
        max_duration_months=12,
        comune_amount=Decimal("200000.00"),
        cariplo_amount=Decimal("800000.00"),
        legal_basis=GIUNTA_RESOLUTION,
        responsible_office=OFFICE_COOPERATION,
        received=69,
        funded=20,
        reserve=3,
        inadmissible=12,
    ),
    Edition(
        code="COSV-2010",
        year=2010,
        title_it="Milano per il co-sviluppo 2009-2010",
        title_en="Milan for co-development 2009-2010",
        themes="migrazione e sviluppo; rafforzamento delle associazioni",
        opens_on=date(2010, 3, 1),
        closes_on=date(2010, 5, 31),
        evaluation_on=date(2010, 7, 1),
        results_on=date(2010, 11, 12),
        projects_start_on=date(2011, 1, 17),
        max_grant=Decimal("60000.00"),
        max_duration_months=18,
        comune_amount=Decimal("200000.00"),
        cariplo_amount=Decimal("1000000.00"),
        legal_basis=GIUNTA_RESOLUTION,
        responsible_office=OFFICE_COOPERATION,
        received=91,
        funded=23,
        reserve=4,
        inadmissible=16,
    ),
    Edition(
        code="COSV-2011",
        year=2011,
        title_it="Milano per il co-sviluppo – anno 2010",
        title_en="Milan for co-development – year 2010",
        themes="migrazione e sviluppo; processo di integrazione locale dei migranti",
        opens_on=date(2011, 3, 15),
        closes_on=date(2011, 5, 16),
        evaluation_on=date(2011, 6, 20),
        results_on=date(2011, 10, 28),
        projects_start_on=date(2012, 1, 16),
        max_grant=Decimal("60000.00"),
        max_duration_months=18,
        comune_amount=Decimal("200000.00"),
        cariplo_amount=Decimal("1050000.00"),
        legal_basis="Delibera G.C. n. 3791 del 23/12/2010",
        responsible_office=OFFICE_CABINET,
        received=85,
        funded=23,
        reserve=4,
        inadmissible=15,
    ),
]
HISTORICAL_CODES = [edition.code for edition in EDITIONS]

CALL_DESCRIPTION_IT = (
    "Contributi a progetti di co-sviluppo promossi da associazioni di migranti con sede a Milano o in "
    "Lombardia, in partenariato con un'organizzazione non governativa lombarda e con un partner nel Paese "
    "d'origine. I progetti si svolgono in entrambi i territori: nel Paese d'origine e a Milano. Il bando è "
    "finanziato dal Comune di Milano e da Fondazione Cariplo, che coordina un partenariato di istituzioni "
    "bancarie e fondazioni."
)
CALL_DESCRIPTION_EN = (
    "Grants to co-development projects led by migrant associations based in Milan or Lombardy, in "
    "partnership with a Lombard NGO and with a partner in the country of origin. Projects act in both "
    "territories: the country of origin and Milan. The call is funded by the Comune di Milano and by "
    "Fondazione Cariplo, which coordinates a partnership of banking institutions and foundations."
)


# --- Project topics ------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    title: str  # placeholders: {city}, {country}, {community}, {municipio}
    summary: str
    origin_activities: tuple[str, ...]
    residence_activities: tuple[str, ...]
    origin_indicator: str
    residence_indicator: str
    only_in: tuple[str, ...] = ()  # origin cities where the topic makes sense (all if empty)


TOPICS = [
    Topic(
        "Filiera agroalimentare femminile a {city} e vendita solidale a Milano",
        "Una cooperativa di donne di {city} migliora trasformazione e confezionamento dei prodotti locali; "
        "l'associazione ne organizza la vendita solidale a Milano con la comunità {community}.",
        (
            "Formazione delle socie sulla trasformazione",
            "Acquisto dell'attrezzatura di trasformazione",
            "Certificazione e confezionamento dei prodotti",
        ),
        ("Rete di vendita solidale con i gruppi d'acquisto milanesi", "Eventi di presentazione dei prodotti"),
        "Donne socie della cooperativa con reddito aumentato",
        "Punti vendita solidali attivi a Milano",
    ),
    Topic(
        "Microcredito e rimesse produttive per giovani di {city}",
        "Un fondo rotativo sostiene microimprese di giovani a {city}; a Milano l'associazione accompagna "
        "le famiglie della comunità {community} nell'uso produttivo delle rimesse.",
        (
            "Selezione e formazione dei giovani imprenditori",
            "Erogazione dei microcrediti",
            "Tutoraggio delle microimprese",
        ),
        ("Sportello di educazione finanziaria per le famiglie migranti", "Incontri con istituti di credito"),
        "Microimprese avviate e attive a 12 mesi",
        "Famiglie migranti che hanno seguito il percorso di educazione finanziaria",
    ),
    Topic(
        "Turismo responsabile ed educazione ambientale tra {city} e Milano",
        "Itinerari di turismo comunitario a {city} gestiti da guide locali formate dal progetto; a Milano "
        "laboratori di educazione ambientale nelle scuole del {municipio}.",
        (
            "Formazione delle guide comunitarie",
            "Allestimento dei percorsi e dell'accoglienza",
            "Promozione dei pacchetti di viaggio responsabile",
        ),
        ("Laboratori di educazione ambientale nelle scuole", "Mostra fotografica sul territorio d'origine"),
        "Guide comunitarie formate e attive",
        "Studenti coinvolti nei laboratori a Milano",
    ),
    Topic(
        "Orti interculturali e agroecologia tra {city} e Milano",
        "Tecniche agroecologiche condivise tra i produttori di {city} e un orto interculturale nel "
        "{municipio}, curato dalla comunità {community} insieme ai residenti.",
        ("Formazione agroecologica dei produttori", "Banca dei semi locali", "Mercato contadino settimanale"),
        ("Orto interculturale di quartiere", "Laboratori di cucina e stagionalità"),
        "Produttori che adottano pratiche agroecologiche",
        "Residenti che partecipano all'orto interculturale",
    ),
    Topic(
        "Sportello di orientamento per il rientro qualificato a {city}",
        "Uno sportello a Milano e uno a {city} accompagnano chi vuole rientrare e avviare un'attività, "
        "valorizzando le competenze acquisite in Italia.",
        (
            "Apertura dello sportello presso il partner locale",
            "Mappatura delle opportunità di impiego",
            "Accompagnamento all'avvio di attività",
        ),
        ("Sportello di orientamento a Milano", "Bilancio delle competenze dei partecipanti"),
        "Persone rientrate con un'attività avviata",
        "Persone orientate dallo sportello milanese",
    ),
    Topic(
        "Formazione digitale per donne a {city} e laboratorio nel {municipio}",
        "Corsi di competenze digitali per donne a {city} e un laboratorio gemello a Milano che forma "
        "donne della comunità {community} come tutor a distanza.",
        ("Allestimento dell'aula informatica", "Corsi di alfabetizzazione digitale", "Tirocini in aziende locali"),
        ("Laboratorio digitale per donne migranti", "Formazione delle tutor a distanza"),
        "Donne che completano il percorso di formazione digitale",
        "Donne della comunità formate come tutor",
    ),
    Topic(
        "Acqua e igiene nelle scuole rurali di {city}",
        "Pozzi, servizi igienici e formazione all'igiene in cinque scuole intorno a {city}; a Milano una "
        "raccolta fondi e percorsi di educazione alla cittadinanza globale.",
        ("Realizzazione dei punti d'acqua", "Comitati di gestione delle scuole", "Campagna di educazione igienica"),
        ("Percorsi di cittadinanza globale nelle scuole", "Cena solidale di raccolta fondi"),
        "Alunni con accesso ad acqua sicura a scuola",
        "Studenti milanesi coinvolti nei percorsi",
    ),
    Topic(
        "Energia solare per il centro di salute di {city}",
        "Impianto fotovoltaico e formazione di tecnici locali per garantire energia continua al centro di "
        "salute di {city}; a Milano un gruppo di giovani della comunità {community} segue la manutenzione a distanza.",
        (
            "Installazione dell'impianto fotovoltaico",
            "Formazione dei tecnici locali",
            "Piano di manutenzione con il comitato sanitario",
        ),
        ("Formazione tecnica dei giovani della comunità", "Incontri pubblici sull'energia rinnovabile"),
        "Ore di servizio garantite dal centro di salute",
        "Giovani formati sulla manutenzione degli impianti",
    ),
    Topic(
        "Artigianato tessile di {city}: dalla bottega al mercato milanese",
        "Le artigiane di {city} migliorano qualità e design dei tessuti con designer milanesi; i prodotti "
        "arrivano nei negozi equosolidali e nei mercati del {municipio}.",
        ("Laboratori di design con le artigiane", "Acquisto di telai e materiali", "Marchio collettivo"),
        ("Collaborazione con designer e negozi equosolidali", "Mercatini nel municipio"),
        "Artigiane con vendite regolari",
        "Negozi milanesi che vendono i prodotti",
    ),
    Topic(
        "Giovani di seconda generazione ponte tra Milano e {city}",
        "Ragazze e ragazzi della comunità {community}, nati o cresciuti a Milano, progettano con i coetanei di {city} "
        "attività culturali e di volontariato nei due territori.",
        ("Scambio giovanile a {city}", "Progetti di volontariato con i coetanei"),
        ("Laboratori di cittadinanza attiva nel {municipio}", "Festival interculturale giovanile"),
        "Giovani coinvolti nelle attività a {city}",
        "Giovani di seconda generazione coinvolti a Milano",
    ),
    Topic(
        "Filiera della pesca sostenibile a {city}",
        "Conservazione e trasformazione del pescato a {city} con una cooperativa di pescatori; a Milano "
        "l'associazione promuove il consumo responsabile e la conoscenza della filiera.",
        (
            "Celle frigorifere e locale di trasformazione",
            "Formazione sulla gestione della cooperativa",
            "Accordi con i mercati locali",
        ),
        ("Incontri sul consumo responsabile", "Gemellaggio con un mercato milanese"),
        "Pescatori con reddito stabile",
        "Partecipanti agli incontri a Milano",
        only_in=("Saint-Louis", "Valparaíso", "Negombo"),
    ),
    Topic(
        "Rafforzamento dell'associazione {community} e rete con {city}",
        "Formazione dei dirigenti dell'associazione su progettazione e rendicontazione, e una rete stabile "
        "con le organizzazioni di {city} per progetti futuri.",
        ("Mappatura delle organizzazioni locali", "Accordo di rete con le organizzazioni di {city}"),
        ("Corso di progettazione e rendicontazione", "Affiancamento dell'ONG partner", "Sito e comunicazione"),
        "Organizzazioni locali aderenti alla rete",
        "Soci formati alla progettazione",
    ),
]


@dataclass(frozen=True)
class SampleProject:
    """A funded project of domain notes §6.5, with its lead, partners and call."""

    title: str
    country: str
    lead: str
    origin_partner: str
    ngo: str
    call_code: str
    amount: Decimal
    acronym: str
    topic: int  # index into TOPICS, for the activities and indicators


SAMPLE_PROJECTS = [
    SampleProject(
        "Filiera del karité: cooperativa femminile di Koudougou e vendita solidale a Milano", "BF",
        "Associazione Sahel–Lambro per lo Sviluppo", "Association des Femmes Transformatrices de Koudougou",
        "Insieme per il Sahel ETS", "COSV-2008", Decimal("48000.00"), "KARITÉ", 0,
    ),
    SampleProject(
        "Turismo responsabile ed educazione ambientale tra Junín e Milano", "PE",
        "Andes–Junín Ponte Solidale", "Asociación de Turismo Comunitario de Tarma", "Rete Andina Lombarda ODV",
        "COSV-2008", Decimal("40000.00"), "JUNÍN-MI", 2,
    ),
    SampleProject(
        "Microcredito e rimesse produttive per giovani di Thiès", "SN",
        APPLICANT_ASSOCIATION, "GIE Jappo Thiès", APPLICANT_NGO, "COSV-2010", Decimal("55000.00"), "JAPPO", 1,
    ),
    SampleProject(
        "Orti urbani interculturali e agroecologia andina", "EC",
        "Casa Ecuatoriana Bicocca APS", "Asociación de Productores Agroecológicos de Chimborazo",
        "Rete Andina Lombarda ODV", "COSV-2010", Decimal("35000.00"), "ORTI ANDINI", 3,
    ),
    SampleProject(
        "Sportello di orientamento per il rientro qualificato a Chişinău", "MD",
        "Nistru Lombardia APS", "Asociaţia Obştească Casa Mea", "Ponti di Sviluppo ONG", "COSV-2011",
        Decimal("30000.00"), "RIENTRO MD", 4,
    ),
    SampleProject(
        "Formazione digitale per donne a Lahore e laboratorio nel Municipio 8", "PK",
        "Indus–Olona APS", "Lahore Women Digital Skills Society", "Orizzonti Comuni ONG", "COSV-2011",
        Decimal("45000.00"), "DIGITAL DONNE", 5,
    ),
    # The applicant's second funded project, so its account has a history.
    SampleProject(
        "Filiera della pesca sostenibile a Saint-Louis", "SN",
        APPLICANT_ASSOCIATION, "Association des Pêcheurs de Guet Ndar", APPLICANT_NGO, "COSV-2011",
        Decimal("52000.00"), "", 10,
    ),
]  # fmt: skip

INADMISSIBILITY_REASONS = {
    "duplicate": "Non ammissibile: il capofila ha presentato più di una domanda allo stesso bando.",
    "country": "Non ammissibile: il Paese d'origine non rientra tra quelli previsti dal bando.",
    "over_max": "Non ammissibile: il contributo richiesto supera l'importo massimo per progetto.",
    "cofinancing": "Non ammissibile: il cofinanziamento è inferiore alla quota minima richiesta.",
    "duration": "Non ammissibile: la durata del progetto supera il limite del bando.",
    "letter": "Non ammissibile: manca la lettera di partenariato firmata dall'ONG lombarda.",
    "origin_partner": "Non ammissibile: manca un partner formalmente costituito nel Paese d'origine.",
}
OTHER_INADMISSIBILITY = ["over_max", "cofinancing", "duration", "letter", "origin_partner"]
