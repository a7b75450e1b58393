"""The demo dataset: the three historical Milan calls, their funders and projects,
and one call open today, for `manage.py seed_demo`.

Everything here is fictional except what history records: the calls' names,
dates, budgets and legal basis, the 20 countries of the programme, and the names
of the Comune di Milano, Fondazione Cariplo and the 13 banking institutions of
the partnership it coordinated (domain notes §1.2-1.3, §6). No amount is ever
attributed to a named bank: the banks appear only as members of the partnership.

State changes go through the services (calls.services, projects.services,
associations.services) so the audit tables read like a real history; big child
tables (budget lines, scores, installments) are written with bulk_create.
The load is deterministic: one random.Random with a fixed seed, and the wall
clock only decides the dates of the calls of the last months (one open today, one
waiting for the admissibility check, one being evaluated).

The services announce what they do by e-mail; the demo calls them with notify=False:
the people are fictional and the history is past, so nothing is written to the outbox.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import user_enrol_totp, user_requires_two_factor
from associations.models import Membership, Organisation
from associations.services import organisation_reject, organisation_verify
from calls.models import (
    Call,
    CostCategory,
    EligibleCostCategory,
    EvaluationCriterion,
    FunderCommitment,
    RequiredAttachment,
    Territory,
)
from calls.services import call_transition
from cosviluppo.lib.codicefiscale import entity_codice_fiscale
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import split_proportionally
from evaluation.models import ClarificationRequest
from evaluation.selectors import EVALUATION_STATUSES, MANUAL_KEYS
from evaluation.services import (
    admissibility_check_save,
    call_rank,
    clarification_request,
    consensus_record,
    proposal_admit,
    proposal_declare_inadmissible,
    proposal_message_post,
    review_assign,
    review_declare,
    review_submit,
)
from funding.services import call_evaluation_start
from projects.models import (
    Activity,
    Award,
    BudgetLine,
    ConsensusScore,
    Indicator,
    Installment,
    Proposal,
    ProposalAttachment,
    ProposalPartner,
    Review,
    ReviewScore,
)
from projects.services import award_grant, proposal_submit, proposal_submit_checked, proposal_transition
from reports.opendata.services import open_data_ensure

SEED = 20071115  # the day the first call opened
DEMO_PASSWORD = "demo-cosviluppo"  # noqa: S105 - published in the README on purpose
# The TOTP secret of every demo staff and evaluator account: demo only, printed by `make run`.
# 160 bits (32 base32 characters), as RFC 4226 recommends: OTP libraries refuse secrets under 128.
DEMO_TOTP_SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"
ROME = ZoneInfo("Europe/Rome")

FICTIONAL_ASSOCIATION = "Associazione fittizia (dati dimostrativi)."
FICTIONAL_ORGANISATION = "Organizzazione fittizia (dati dimostrativi)."
REAL_NAME_DEMO_DATA = "Nome reale, dati dimostrativi: codice fiscale, indirizzo e contatti sono fittizi."


class DemoLoadRefused(DomainError):
    """seed_demo must not run here (production settings, or a database with real data)."""


# --- Reference data ------------------------------------------------------------

# The 20 countries named by the programme's founding document (domain notes §6.3).
PROGRAMME_COUNTRIES = [
    "BJ", "BF", "CI", "MA", "SN", "AR", "BO", "BR", "CO", "CL",
    "EC", "PE", "UY", "SV", "PK", "LK", "AL", "BA", "MD", "UA",
]  # fmt: skip

COUNTRY_NAMES_IT = {
    "BJ": "Benin", "BF": "Burkina Faso", "CI": "Costa d'Avorio", "MA": "Marocco", "SN": "Senegal",
    "AR": "Argentina", "BO": "Bolivia", "BR": "Brasile", "CO": "Colombia", "CL": "Cile",
    "EC": "Ecuador", "PE": "Perù", "UY": "Uruguay", "SV": "El Salvador", "PK": "Pakistan",
    "LK": "Sri Lanka", "AL": "Albania", "BA": "Bosnia-Erzegovina", "MD": "Moldavia", "UA": "Ucraina",
    "EG": "Egitto", "PH": "Filippine", "ER": "Eritrea",
}  # fmt: skip

# Community adjectives: feminine singular, masculine plural, feminine plural.
COMMUNITY_ADJECTIVES = {
    "SN": ("Senegalese", "Senegalesi", "Senegalesi"),
    "BF": ("Burkinabè", "Burkinabè", "Burkinabè"),
    "BJ": ("Beninese", "Beninesi", "Beninesi"),
    "CI": ("Ivoriana", "Ivoriani", "Ivoriane"),
    "MA": ("Marocchina", "Marocchini", "Marocchine"),
    "AR": ("Argentina", "Argentini", "Argentine"),
    "BO": ("Boliviana", "Boliviani", "Boliviane"),
    "BR": ("Brasiliana", "Brasiliani", "Brasiliane"),
    "CO": ("Colombiana", "Colombiani", "Colombiane"),
    "CL": ("Cilena", "Cileni", "Cilene"),
    "EC": ("Ecuadoriana", "Ecuadoriani", "Ecuadoriane"),
    "PE": ("Peruviana", "Peruviani", "Peruviane"),
    "UY": ("Uruguaiana", "Uruguaiani", "Uruguaiane"),
    "SV": ("Salvadoregna", "Salvadoregni", "Salvadoregne"),
    "PK": ("Pakistana", "Pakistani", "Pakistane"),
    "LK": ("Srilankese", "Srilankesi", "Srilankesi"),
    "AL": ("Albanese", "Albanesi", "Albanesi"),
    "BA": ("Bosniaca", "Bosniaci", "Bosniache"),
    "MD": ("Moldava", "Moldavi", "Moldave"),
    "UA": ("Ucraina", "Ucraini", "Ucraine"),
    "EG": ("Egiziana", "Egiziani", "Egiziane"),
    "PH": ("Filippina", "Filippini", "Filippine"),
    "ER": ("Eritrea", "Eritrei", "Eritree"),
}

# How many generated associations each community gets, roughly its size in Milan.
GENERATED_ASSOCIATIONS_PER_COUNTRY = {
    "SN": 5, "PE": 5, "EC": 5, "MA": 5, "LK": 4, "AL": 3, "UA": 4, "BF": 3, "CI": 3, "BO": 3,
    "PK": 3, "BR": 3, "MD": 3, "SV": 2, "CO": 2, "BJ": 2, "AR": 2, "CL": 2, "BA": 1, "UY": 1,
}  # fmt: skip

PERSON_NAMES = {
    "SN": (["Mamadou", "Fatou", "Cheikh", "Aminata", "Ousmane", "Awa", "Ibrahima", "Khady"],
           ["Diop", "Ndiaye", "Fall", "Sow", "Gueye", "Faye", "Sarr", "Ba"]),
    "BF": (["Issa", "Salimata", "Adama", "Rasmata", "Boukary", "Mariam"],
           ["Ouédraogo", "Sawadogo", "Compaoré", "Kaboré", "Zongo", "Traoré"]),
    "BJ": (["Koffi", "Afiavi", "Sènan", "Rachida", "Codjo", "Mireille"],
           ["Agossou", "Dossou", "Zinsou", "Adjovi", "Houngbo", "Akplogan"]),
    "CI": (["Aya", "Serge", "Nadège", "Éric", "Affoué", "Jean-Baptiste"],
           ["Kouassi", "Konan", "Koné", "Bamba", "Yao", "N'Guessan"]),
    "MA": (["Youssef", "Fatima", "Mohamed", "Khadija", "Rachid", "Naima", "Hicham", "Samira"],
           ["El Amrani", "Benali", "Ouazzani", "Tazi", "Bennani", "El Idrissi", "Alaoui", "Chraibi"]),
    "AR": (["Martín", "Lucía", "Diego", "Florencia", "Pablo", "Valeria"],
           ["González", "Fernández", "López", "Giménez", "Romero", "Sosa"]),
    "UY": (["Martín", "Carolina", "Gonzalo", "Soledad"], ["Pereira", "Rodríguez", "Cabrera", "Núñez"]),
    "BO": (["Juan Carlos", "Rosa", "Wilber", "Marisol", "Edwin", "Lidia"],
           ["Mamani", "Quispe", "Choque", "Condori", "Flores", "Vargas"]),
    "BR": (["João", "Ana Paula", "Rafael", "Juliana", "Thiago", "Fernanda"],
           ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira"]),
    "CO": (["Andrés", "Natalia", "Carlos", "Paola", "Jorge", "Catalina"],
           ["Restrepo", "Gómez", "Ramírez", "Cárdenas", "Ospina", "Vélez"]),
    "CL": (["Felipe", "Camila", "Rodrigo", "Javiera", "Matías", "Constanza"],
           ["Muñoz", "Soto", "Contreras", "Silva", "Reyes", "Morales"]),
    "EC": (["Luis", "María Fernanda", "Byron", "Gabriela", "Wilson", "Verónica"],
           ["Chávez", "Guamán", "Zambrano", "Andrade", "Cevallos", "Salazar"]),
    "PE": (["Jorge", "Rosa", "César", "Milagros", "Víctor", "Yolanda"],
           ["Huamán", "Quispe", "Rojas", "Mendoza", "Torres", "Vásquez"]),
    "SV": (["José", "Marta", "Óscar", "Ana Guadalupe", "Mauricio", "Carmen"],
           ["Hernández", "Martínez", "Rivas", "Alvarenga", "Menjívar", "Portillo"]),
    "PK": (["Muhammad", "Ayesha", "Imran", "Sana", "Bilal", "Fatima"],
           ["Khan", "Butt", "Chaudhry", "Malik", "Qureshi", "Iqbal"]),
    "LK": (["Nimal", "Chamari", "Suresh", "Dilani", "Pradeep", "Kumari"],
           ["Perera", "Fernando", "Silva", "Jayasinghe", "Wickramasinghe", "Bandara"]),
    "AL": (["Arben", "Elira", "Gentian", "Blerina", "Ilir", "Mirela"],
           ["Hoxha", "Shehu", "Dervishi", "Kola", "Gjoka", "Leka"]),
    "BA": (["Amir", "Lejla", "Edin", "Amra", "Mirza", "Selma"],
           ["Hodžić", "Begić", "Delić", "Mehmedović", "Kovačević", "Hadžić"]),
    "MD": (["Ion", "Natalia", "Vasile", "Elena", "Sergiu", "Tatiana"],
           ["Rusu", "Ceban", "Munteanu", "Cojocaru", "Lupu", "Popa"]),
    "UA": (["Oksana", "Andriy", "Olena", "Taras", "Iryna", "Mykola"],
           ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko"]),
    "EG": (["Ahmed", "Mona", "Karim", "Heba"], ["Hassan", "Mahmoud", "Farouk", "Saleh"]),
    "PH": (["Maria Cristina", "Jose", "Rowena", "Noel"], ["Santos", "Reyes", "Dela Cruz", "Bautista"]),
    "ER": (["Tesfay", "Senait", "Yonas", "Helen"], ["Tekle", "Ghebre", "Haile", "Berhane"]),
    "IT": (["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Andrea", "Silvia", "Paolo", "Elena", "Matteo",
            "Laura", "Stefano"],
           ["Rossi", "Bianchi", "Colombo", "Ferrari", "Galli", "Ricci", "Brambilla", "Fumagalli", "Villa",
            "Moretti", "Conti", "Sala"]),
}  # fmt: skip

# Places in Milan (quarter → municipio, street) and Lombard towns (→ province, street).
MILAN_QUARTERS = {
    "Corvetto": (4, "Via Ravenna"), "Giambellino": (6, "Via Giambellino"), "Barona": (6, "Via Barona"),
    "Quarto Oggiaro": (8, "Via Pascarella"), "Niguarda": (9, "Via Ornato"), "Affori": (9, "Via Astesani"),
    "Lambrate": (3, "Via Conte Rosso"), "Città Studi": (3, "Via Pacini"), "Loreto": (2, "Via Padova"),
    "Gorla": (2, "Via Tofano"), "Baggio": (7, "Via Ceriani"), "San Siro": (7, "Via Zamagna"),
    "Gratosoglio": (5, "Via dei Missaglia"), "Chiesa Rossa": (5, "Via Neera"), "Bovisa": (9, "Via Candiani"),
    "Isola": (9, "Via Borsieri"), "Dergano": (9, "Via Imbonati"), "Gallaratese": (8, "Via Appennini"),
    "Forlanini": (4, "Viale Forlanini"), "Ortica": (3, "Via San Faustino"), "Precotto": (2, "Via Rucellai"),
    "Vigentino": (5, "Via Ripamonti"), "Lorenteggio": (6, "Via Lorenteggio"), "Ticinese": (1, "Via Torino"),
    "Quarto Cagnino": (7, "Via Quarti"),
}  # fmt: skip
# "di Lambrate", but "del Giambellino": the quarters that take an article.
QUARTER_OF = {
    "Corvetto": "del Corvetto", "Giambellino": "del Giambellino", "Barona": "della Barona", "Isola": "dell'Isola",
    "Ortica": "dell'Ortica", "Gallaratese": "del Gallaratese", "Vigentino": "del Vigentino",
    "Lorenteggio": "del Lorenteggio", "Ticinese": "del Ticinese", "Forlanini": "del Forlanini",
    "Bovisa": "della Bovisa",
}  # fmt: skip
LOMBARD_TOWNS = {
    "Sesto San Giovanni": ("MI", "Via Marelli"), "Cinisello Balsamo": ("MI", "Via Garibaldi"),
    "Rho": ("MI", "Via Matteotti"), "Legnano": ("MI", "Corso Italia"), "Lodi": ("LO", "Corso Roma"),
    "Como": ("CO", "Via Milano"), "Varese": ("VA", "Via Sacco"), "Cremona": ("CR", "Via Mantova"),
    "Lecco": ("LC", "Corso Martiri"), "Monza": ("MB", "Via Borgazzi"), "Bergamo": ("BG", "Via Moroni"),
    "Brescia": ("BS", "Via Milano"), "Pavia": ("PV", "Viale Cremona"), "Busto Arsizio": ("VA", "Via Magenta"),
    "Vigevano": ("PV", "Corso Genova"), "Saronno": ("VA", "Via Varese"), "Mantova": ("MN", "Viale Risorgimento"),
    "Cernusco sul Naviglio": ("MI", "Via Torino"),
}  # fmt: skip

# The associations of domain notes §6.4: name, countries, place, street.
NAMED_ASSOCIATIONS = [
    ("Associazione Sahel–Lambro per lo Sviluppo", ["BF"], "Municipio 2", "Via Padova"),
    ("Comunità Beninese della Martesana APS", ["BJ"], "Cernusco sul Naviglio", "Via Torino"),
    ("Ivoriani di Porta Romana APS", ["CI"], "Municipio 5", "Via Ripamonti"),
    ("Associazione Atlante–Ticino", ["MA"], "Pavia", "Viale Cremona"),
    ("Teranga Naviglio Grande APS", ["SN"], "Municipio 6", "Alzaia Naviglio Grande"),
    ("Rio de la Plata Brianza APS", ["AR", "UY"], "Monza", "Via Borgazzi"),
    ("Illimani Milano Solidale", ["BO"], "Municipio 9", "Via Ornato"),
    ("Brasil Ambrosiano APS", ["BR"], "Municipio 3", "Via Porpora"),
    ("Macondo Lombardia – Colombiani a Milano", ["CO"], "Municipio 8", "Via Console Marcello"),
    ("Araucaria Lombarda APS", ["CL"], "Bergamo", "Via Moroni"),
    ("Casa Ecuatoriana Bicocca APS", ["EC"], "Municipio 9", "Viale Sarca"),
    ("Andes–Junín Ponte Solidale", ["PE"], "Municipio 4", "Viale Umbria"),
    ("Cuscatlán Milano Solidaria", ["SV"], "Municipio 7", "Via Novara"),
    ("Indus–Olona APS", ["PK"], "Legnano", "Corso Italia"),
    ("Lanka Seva Milano APS", ["LK"], "Municipio 1", "Via Borgonuovo"),
    ("Shqiponja Navigli APS", ["AL"], "Municipio 6", "Via Lorenteggio"),
    ("Most Sarajevo–Milano", ["BA"], "Municipio 3", "Viale Argonne"),
    ("Nistru Lombardia APS", ["MD"], "Brescia", "Via Milano"),
    ("Dnipro–Olona APS", ["UA"], "Municipio 8", "Via Quarenghi"),
    ("Seconde Generazioni Ambrosiane", ["MA", "SN", "EC", "PE"], "Municipio 2", "Viale Monza"),
]
APPLICANT_ASSOCIATION = "Teranga Naviglio Grande APS"

# Communities outside the programme's countries: their proposals are inadmissible.
INELIGIBLE_ASSOCIATIONS = [
    ("Delta–Lambro APS", ["EG"], "Cinisello Balsamo", "Via Garibaldi"),
    ("Isole del Sole Milano APS", ["PH"], "Municipio 1", "Via Torino"),
    ("Altopiano Eritreo Milano", ["ER"], "Municipio 3", "Via Lecco"),
]
INELIGIBLE_CITIES = {"EG": ("Alessandria", "Alessandria"), "PH": ("Batangas", "Calabarzon"), "ER": ("Keren", "Anseba")}

# Registered recently and still waiting for the office (none of them applied in the past).
PENDING_ASSOCIATIONS = [
    ("Nuova Generazione Ucraina Lombardia APS", ["UA"], "Municipio 4", "Viale Umbria", 2022),
    ("Donne Senegalesi della Barona", ["SN"], "Barona", "Via Barona", 2023),
    ("Giovani Peruviani di Affori APS", ["PE"], "Affori", "Via Astesani", 2024),
]
REJECTED_ASSOCIATION = (
    "Circolo Culturale Andino di Lugano",
    ["BO"],
    "Municipio 9",
    "Via Imbonati",
    "La sede legale indicata nello statuto è a Lugano (Svizzera), fuori dalla Lombardia, "
    "e lo statuto non prevede finalità non lucrative.",
)

NAMED_NGOS = [
    "Terre Unite ETS", "Ponti di Sviluppo ONG", "Lombardia per il Sud del Mondo ETS", "Orizzonti Comuni ONG",
    "Mondo Equo Cooperazione ETS", "Insieme per il Sahel ETS", "Rete Andina Lombarda ODV",
    "Cooperazione Navigli ETS",
]  # fmt: skip
GENERATED_NGOS = [
    "Sentieri Comuni ETS", "Ponte Sud–Nord ODV", "Colibrì Cooperazione ETS", "Acque Vive per lo Sviluppo ONG",
    "Orti del Mondo ODV", "Lanterna Cooperazione Internazionale ETS", "Semi di Futuro ONG",
    "Reti Solidali Brianza ODV", "Alveare Internazionale ETS", "Passaggi a Sud ETS", "Filo Rosso Cooperazione ODV",
    "Crocevia Lombardo ETS", "Mappe Solidali ONG", "Sud Chiama Nord ETS", "Baobab Lombardia ODV",
    "Nuove Rotte Cooperazione ETS", "Ciclo Virtuoso ONG", "Terre in Dialogo ETS", "Cooperazione Adda–Sud ETS",
    "Girotondo dei Popoli ODV", "Officina dello Sviluppo ETS", "Lumen Cooperazione e Volontariato ETS",
]  # fmt: skip
APPLICANT_NGO = "Terre Unite ETS"
PENDING_NGO = "Lumen Cooperazione e Volontariato ETS"

# Partners in the countries of origin (fictional): name, city, region.
ORIGIN_PARTNERS = {
    "BF": [("Association des Femmes Transformatrices de Koudougou", "Koudougou", "Centre-Ouest"),
           ("Union des Groupements Maraîchers de Bobo-Dioulasso", "Bobo-Dioulasso", "Hauts-Bassins")],
    "SN": [("GIE Jappo Thiès", "Thiès", "Thiès"),
           ("Association des Pêcheurs de Guet Ndar", "Saint-Louis", "Saint-Louis")],
    "BJ": [("ONG Solidarité Rurale de l'Ouémé", "Porto-Novo", "Ouémé"),
           ("Coopérative des Femmes Tisserandes d'Abomey", "Abomey", "Zou")],
    "CI": [("Association Jeunesse et Avenir de Bouaké", "Bouaké", "Gbêkê"),
           ("Coopérative Agricole des Planteurs de Daloa", "Daloa", "Haut-Sassandra")],
    "MA": [("Association Tanmia Khouribga", "Khouribga", "Béni Mellal-Khénifra"),
           ("Coopérative Féminine de l'Argan de Tiznit", "Tiznit", "Souss-Massa")],
    "AR": [("Asociación Civil Puentes del Sur", "Rosario", "Santa Fe"),
           ("Cooperativa de Trabajo La Huella", "Córdoba", "Córdoba")],
    "UY": [("Cooperativa Social Barrio Sur", "Montevideo", "Montevideo"),
           ("Asociación de Productores Familiares de Salto", "Salto", "Salto")],
    "BO": [("Asociación de Productores Agroecológicos del Valle Alto", "Cochabamba", "Cochabamba"),
           ("Centro Comunitario Wiñay", "El Alto", "La Paz")],
    "BR": [("Associação Comunitária Mãos Dadas", "Salvador", "Bahia"),
           ("Cooperativa de Reciclagem Recife Limpo", "Recife", "Pernambuco")],
    "CO": [("Corporación Juvenil Ladera Creativa", "Medellín", "Antioquia"),
           ("Asociación de Mujeres Cafeteras del Cauca", "Popayán", "Cauca")],
    "CL": [("Agrupación Cultural Raíces del Sur", "Temuco", "Araucanía"),
           ("Cooperativa Pesquera Caleta Norte", "Valparaíso", "Valparaíso")],
    "EC": [("Asociación de Productores Agroecológicos de Chimborazo", "Riobamba", "Chimborazo"),
           ("Fundación Barrio Nuevo del Guayas", "Guayaquil", "Guayas")],
    "PE": [("Cooperativa Agroecológica Valle del Mantaro", "Huancayo", "Junín"),
           ("Asociación de Turismo Comunitario de Tarma", "Tarma", "Junín")],
    "SV": [("Asociación Comunal Nuevo Amanecer", "Santa Ana", "Santa Ana"),
           ("Cooperativa de Mujeres Artesanas de Ilobasco", "Ilobasco", "Cabañas")],
    "PK": [("Lahore Women Digital Skills Society", "Lahore", "Punjab"),
           ("Gujrat Rural Development Trust", "Gujrat", "Punjab")],
    "LK": [("Negombo Fisherfolk Welfare Society", "Negombo", "Western Province"),
           ("Kandy Women's Savings Circle", "Kandy", "Central Province")],
    "AL": [("Shoqata Gruaja dhe Zhvillimi Elbasan", "Elbasan", "Elbasan"),
           ("Kooperativa Bujqësore Myzeqe", "Fier", "Fier")],
    "BA": [("Udruženje Most Mladih Tuzla", "Tuzla", "Tuzla"),
           ("Zadruga Žena Sarajevsko Polje", "Sarajevo", "Sarajevo")],
    "MD": [("Asociaţia Obştească Casa Mea", "Chişinău", "Chişinău"),
           ("Asociaţia Agricultorilor din Bălţi", "Bălţi", "Bălţi")],
    "UA": [("Nova Khvylia Ternopil", "Ternopil", "Ternopil"),
           ("Lviv Youth Employment Centre", "Lviv", "Lviv")],
}  # fmt: skip

# Funders: the 13 banking institutions named by the sources (domain notes §1.3).
PARTNERSHIP_BANKS = [
    ("Allianz", Organisation.LegalForm.COMPANY),
    ("Banca Popolare di Sondrio", Organisation.LegalForm.COMPANY),
    ("Banco Popolare", Organisation.LegalForm.COMPANY),
    ("Credito Artigiano", Organisation.LegalForm.COMPANY),
    ("Deutsche Bank", Organisation.LegalForm.COMPANY),
    ("BCC Federazione Lombarda", Organisation.LegalForm.ASSOCIATION),
    ("Fondazione Banca del Monte di Lombardia", Organisation.LegalForm.FOUNDATION),
    ("Assicurazioni Generali", Organisation.LegalForm.COMPANY),
    ("Mediobanca", Organisation.LegalForm.COMPANY),
    ("Monte dei Paschi di Siena", Organisation.LegalForm.COMPANY),
    ("UBI Banca", Organisation.LegalForm.COMPANY),
    ("UniCredit", Organisation.LegalForm.COMPANY),
    ("Intesa Sanpaolo", Organisation.LegalForm.COMPANY),
]
COMUNE = "Comune di Milano"
CARIPLO = "Fondazione Cariplo"
PARTNERSHIP = "Partenariato istituzioni bancarie e fondazioni per Milano (capofila Fondazione Cariplo)"
FORUM = "Forum della Città Mondo"
FICTIONAL_FUNDER = "Fondazione Esempio per il Co-sviluppo (fittizia)"
FORUM_MEMBERS = 30

# Stable numbering of the generated codici fiscali, one block per kind.
CF_ASSOCIATIONS = 9_741_000_000
CF_NGOS = 9_742_000_000
CF_FUNDERS = 9_743_000_000


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    municipal_role: str = ""
    is_staff: bool = False
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin@demo.local", "Giulia Ferrari", is_staff=True, is_superuser=True),
    DemoAccount("officer@demo.local", "Marco Bianchi", User.MunicipalRole.OFFICER, is_staff=True),
    DemoAccount("evaluator1@demo.local", "Laura Colombo", User.MunicipalRole.EVALUATOR),
    DemoAccount("evaluator2@demo.local", "Paolo Ricci", User.MunicipalRole.EVALUATOR),
    DemoAccount("applicant@demo.local", "Mamadou Diop"),
    DemoAccount("ngo@demo.local", "Chiara Galli"),
    DemoAccount("funder@demo.local", "Elena Rossi"),
    # The other two funders of the recent calls: each must approve the allocation before publication.
    DemoAccount("comune@demo.local", "Anna Moretti"),
    DemoAccount("esempio@demo.local", "Luca Conti"),
]
# What each account is for, as printed by seed_demo (%(organisation)s is filled in).
DEMO_ACCOUNT_ROLES = {
    "admin@demo.local": (gettext_lazy("superuser"), ""),
    "officer@demo.local": (gettext_lazy("programme officer"), ""),
    "evaluator1@demo.local": (gettext_lazy("evaluator"), ""),
    "evaluator2@demo.local": (gettext_lazy("evaluator"), ""),
    "applicant@demo.local": (gettext_lazy("legal representative of %(organisation)s"), APPLICANT_ASSOCIATION),
    "ngo@demo.local": (gettext_lazy("editor for %(organisation)s"), APPLICANT_NGO),
    "funder@demo.local": (gettext_lazy("viewer for %(organisation)s"), CARIPLO),
    "comune@demo.local": (gettext_lazy("viewer for %(organisation)s"), COMUNE),
    "esempio@demo.local": (gettext_lazy("viewer for %(organisation)s"), FICTIONAL_FUNDER),
}


# --- The calls -------------------------------------------------------------------

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


# --- Small helpers -------------------------------------------------------------------


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ROME)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words)[:40].strip("-")


def _half_points(value: float) -> Decimal:
    return Decimal(round(value * 2)) / 2


def _amounts_summing_to(rng: random.Random, count: int, total: int, low: int, high: int) -> list[Decimal]:
    """`count` amounts in hundreds of euros between `low` and `high` adding up to `total`."""
    low_u, high_u, total_u = low // 100, high // 100, total // 100
    assert count * low_u <= total_u <= count * high_u, "the amounts cannot add up"
    values = [rng.randint(low_u, high_u) for _ in range(count)]
    gap = total_u - sum(values)
    while gap:
        index = rng.randrange(count)
        step = rng.randint(1, 40)
        if gap > 0 and values[index] < high_u:
            step = min(step, gap, high_u - values[index])
            values[index] += step
            gap -= step
        elif gap < 0 and values[index] > low_u:
            step = min(step, -gap, values[index] - low_u)
            values[index] -= step
            gap += step
    return [Decimal(value * 100).quantize(Decimal("0.01")) for value in values]


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` in Helvetica: tiny, valid, and the same bytes every run.

    Written by hand rather than with a PDF library so the demo needs nothing more; the text
    is folded to ASCII, which the standard fonts show without embedding anything.
    """

    def literal(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "(" + ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    shown = " Tj T* ".join(literal(line) for line in lines)
    stream = f"BT /F1 12 Tf 16 TL 56 780 Td {shown} Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


class _Names:
    """Deterministic fictional person names, by community."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self, country: str) -> str:
        first_names, surnames = PERSON_NAMES.get(country, PERSON_NAMES["IT"])
        return f"{self.rng.choice(first_names)} {self.rng.choice(surnames)}"


# --- Guards ----------------------------------------------------------------------------


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
    loader = _DemoLoader(today=today or timezone.localdate())
    try:
        with transaction.atomic():
            loader.load()
    except BaseException:
        # The rows are rolled back; the attachment files stored meanwhile would stay behind.
        loader.delete_stored_files()
        raise
    # The open-data downloads serve stored files: have them before the first visitor, even when
    # the regeneration enqueued on commit went to a broker with no worker yet.
    open_data_ensure()
    return True


# --- The loader -------------------------------------------------------------------------


@dataclass
class _Plan:
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
    proposal: Proposal | None = field(default=None, repr=False)


class _DemoLoader:
    def __init__(self, *, today: date):
        self.today = today
        self.rng = random.Random(SEED)
        self.names = _Names(self.rng)
        self.users: dict[str, User] = {}
        self.organisations: dict[str, Organisation] = {}
        self.associations: list[Organisation] = []
        self.ngos: list[Organisation] = []
        self.origin_partners: dict[str, list[Organisation]] = {}
        self.places: dict[str, str] = {}  # organisation name → "Municipio 6" or "comune di Legnano"
        self.calls: dict[str, Call] = {}
        self.criteria: dict[str, list[EvaluationCriterion]] = {}
        self.coverage: dict[str, list[str]] = {}
        self.reduced: dict[str, _Plan | None] = {}
        self.titles: set[str] = {sample.title for sample in SAMPLE_PROJECTS}
        self.recent_leads: set[int] = set()  # associations with a proposal in the calls of the last months
        self.stored_files: list[tuple] = []  # (storage, name) of every attachment file written

    def delete_stored_files(self) -> None:
        """Remove the attachment files this load wrote (after a failed load)."""
        for storage, name in self.stored_files:
            storage.delete(name)

    # Organisations and people ---------------------------------------------------

    def load(self) -> None:
        self._create_accounts()
        self._create_funders()
        self._create_associations()
        self._create_ngos()
        self._create_origin_partners()
        self._create_memberships()
        self.coverage = self._plan_coverage()
        plans_by_call = {edition.code: self._plan_edition(edition) for edition in EDITIONS}
        self._verify_organisations(plans_by_call)
        for edition in EDITIONS:
            self._write_edition(edition, plans_by_call[edition.code])
        self._write_open_call()
        self._write_call_in_evaluation()
        self._write_call_to_check()

    def _create_accounts(self) -> None:
        # One hash for every account: hashing seven times would only slow the load down.
        password = make_password(DEMO_PASSWORD)
        for account in DEMO_ACCOUNTS:
            self.users[account.email] = User.objects.create(
                email=account.email,
                password=password,
                full_name=account.full_name,
                municipal_role=account.municipal_role,
                is_staff=account.is_staff,
                is_superuser=account.is_superuser,
                is_demo=True,
                date_joined=_at(date(2007, 10, 1)),
            )
        # Verified addresses, so the accounts can log in at once (allauth asks for verification),
        # and a known TOTP secret for those who must use two-factor authentication.
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in self.users.values()]
        )
        for user in self.users.values():
            if user_requires_two_factor(user):
                user_enrol_totp(user=user, secret=DEMO_TOTP_SECRET)
        self.officer = self.users["officer@demo.local"]
        self.evaluators = [self.users["evaluator1@demo.local"], self.users["evaluator2@demo.local"]]

    def _seat(self, name: str, place: str, street: str | None = None) -> tuple[dict, str]:
        """The seat fields of an organisation and a sentence for its description."""
        number = self.rng.randint(1, 160)
        if place.startswith("Municipio "):
            self.places[name] = place
            fields = {"seat_street": f"{street} {number}", "seat_city": "Milano", "seat_province": "MI"}
            return fields, f"Sede nel {place} di Milano."
        if place in MILAN_QUARTERS:
            municipio, quarter_street = MILAN_QUARTERS[place]
            self.places[name] = f"Municipio {municipio}"
            fields = {
                "seat_street": f"{street or quarter_street} {number}",
                "seat_city": "Milano",
                "seat_province": "MI",
            }
            return fields, f"Sede nel quartiere {place}, Municipio {municipio} di Milano."
        province, town_street = LOMBARD_TOWNS[place]
        self.places[name] = f"comune di {place}"
        fields = {"seat_street": f"{street or town_street} {number}", "seat_city": place, "seat_province": province}
        return fields, f"Sede a {place} ({province})."

    def _organisation(self, *, name: str, kind: str, cf_number: int | None, **fields) -> Organisation:
        organisation = Organisation(
            kind=kind,
            legal_name=name,
            codice_fiscale=entity_codice_fiscale(cf_number) if cf_number is not None else "",
            is_demo=True,
            **fields,
        )
        self.organisations[name] = organisation
        return organisation

    def _create_funders(self) -> None:
        serial = iter(range(1, 100))
        milan = {"seat_city": "Milano", "seat_province": "MI", "seat_region": "Lombardia"}
        funders = [
            self._organisation(
                name=COMUNE,
                kind=Organisation.Kind.PUBLIC_BODY,
                cf_number=CF_FUNDERS + next(serial),
                legal_form=Organisation.LegalForm.PUBLIC_BODY,
                seat_street="Piazza della Scala 2",
                description=REAL_NAME_DEMO_DATA,
                **milan,
            ),
            self._organisation(
                name=CARIPLO,
                kind=Organisation.Kind.FOUNDATION,
                cf_number=CF_FUNDERS + next(serial),
                legal_form=Organisation.LegalForm.FOUNDATION,
                description="Coordina il partenariato di istituzioni bancarie e fondazioni. " + REAL_NAME_DEMO_DATA,
                **milan,
            ),
            self._organisation(
                name=FICTIONAL_FUNDER,
                kind=Organisation.Kind.FOUNDATION,
                cf_number=CF_FUNDERS + next(serial),
                legal_form=Organisation.LegalForm.FOUNDATION,
                description="Finanziatore fittizio (dati dimostrativi).",
                email="info@fondazione-esempio.example",
                **milan,
            ),
            self._organisation(
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
            self._organisation(
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
                self._organisation(
                    name=name,
                    kind=Organisation.Kind.BANK,
                    cf_number=CF_FUNDERS + next(serial),
                    legal_form=legal_form,
                    description="Membro del partenariato coordinato da Fondazione Cariplo. " + REAL_NAME_DEMO_DATA,
                    **milan,
                )
            )
        Organisation.objects.bulk_create(funders)
        partnership = self.organisations[PARTNERSHIP]
        members = [self.organisations[CARIPLO]] + [self.organisations[name] for name, _form in PARTNERSHIP_BANKS]
        Organisation.federations.through.objects.bulk_create(
            [
                Organisation.federations.through(from_organisation=member, to_organisation=partnership)
                for member in members
            ]
        )

    def _association_fields(
        self, name: str, countries: list[str], place: str, street: str | None, founded: int
    ) -> dict:
        seat, extra = self._seat(name, place, street)
        return {
            "kind": Organisation.Kind.MIGRANT_ASSOCIATION,
            "legal_form": self.rng.choice(
                [Organisation.LegalForm.APS] * 5 + [Organisation.LegalForm.ODV, Organisation.LegalForm.ASSOCIATION]
            ),
            "countries_of_origin": countries,
            "seat_region": "Lombardia",
            "founding_year": founded,
            "legal_representative_name": self.names.person(countries[0]),
            "description": f"{FICTIONAL_ASSOCIATION} {extra}",
            **seat,
        }

    def _generated_association_names(self) -> list[tuple[str, str, str]]:
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
                place = self.rng.choice(places)
                name = self.rng.choice(patterns).format(
                    fs=feminine, mp=masculine_plural, fp=feminine_plural, of_place=QUARTER_OF.get(place, f"di {place}")
                )
                if name in taken:
                    continue
                taken.add(name)
                result.append((name, country, place))
                made += 1
        return result

    def _create_associations(self) -> None:
        serial = iter(range(1, 1000))
        created = []
        for name, countries, place, street in NAMED_ASSOCIATIONS + INELIGIBLE_ASSOCIATIONS:
            fields = self._association_fields(name, countries, place, street, self.rng.randint(1995, 2006))
            created.append(self._organisation(name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
        for name, country, place in self._generated_association_names():
            fields = self._association_fields(name, [country], place, None, self.rng.randint(1992, 2006))
            created.append(self._organisation(name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
        for name, countries, place, street, founded in PENDING_ASSOCIATIONS:
            fields = self._association_fields(name, countries, place, street, founded)
            created.append(self._organisation(name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
        name, countries, place, street, _reason = REJECTED_ASSOCIATION
        fields = self._association_fields(name, countries, place, street, 2019)
        created.append(self._organisation(name=name, cf_number=CF_ASSOCIATIONS + next(serial), **fields))
        for organisation in created:
            organisation.email = f"info@{_slug(organisation.legal_name)}.example"
        Organisation.objects.bulk_create(created)
        self.associations = created
        forum = self.organisations[FORUM]
        not_verified = {name for name, *_rest in PENDING_ASSOCIATIONS} | {REJECTED_ASSOCIATION[0]}
        eligible = [a for a in created if a.legal_name not in not_verified]
        forum_members = [self.organisations[APPLICANT_ASSOCIATION]] + self.rng.sample(
            [a for a in eligible if a.legal_name != APPLICANT_ASSOCIATION], FORUM_MEMBERS - 1
        )
        Organisation.federations.through.objects.bulk_create(
            [
                Organisation.federations.through(from_organisation=member, to_organisation=forum)
                for member in forum_members
            ]
        )

    def _create_ngos(self) -> None:
        serial = iter(range(1, 1000))
        places = list(MILAN_QUARTERS) + list(LOMBARD_TOWNS)
        created = []
        for name in NAMED_NGOS + GENERATED_NGOS:
            seat, extra = self._seat(name, self.rng.choice(places) if name != APPLICANT_NGO else "Isola")
            legal_form = Organisation.LegalForm.ODV if name.endswith("ODV") else Organisation.LegalForm.ETS
            created.append(
                self._organisation(
                    name=name,
                    kind=Organisation.Kind.NGO,
                    cf_number=CF_NGOS + next(serial),
                    legal_form=legal_form,
                    seat_region="Lombardia",
                    founding_year=self.rng.randint(1975, 2004),
                    legal_representative_name=self.names.person("IT"),
                    description=f"{FICTIONAL_ORGANISATION} {extra}",
                    email=f"segreteria@{_slug(name)}.example",
                    **seat,
                )
            )
        Organisation.objects.bulk_create(created)
        self.ngos = created

    def _create_origin_partners(self) -> None:
        created = []
        for country, partners in ORIGIN_PARTNERS.items():
            for name, city, region in partners:
                organisation = self._organisation(
                    name=name,
                    kind=Organisation.Kind.ORIGIN_PARTNER,
                    cf_number=None,
                    legal_form=Organisation.LegalForm.FOREIGN,
                    seat_city=city,
                    seat_region=region,
                    seat_country=country,
                    countries_of_origin=[country],
                    legal_representative_name=self.names.person(country),
                    description=f"{FICTIONAL_ORGANISATION} Partner locale a {city} ({COUNTRY_NAMES_IT[country]}).",
                )
                created.append(organisation)
                self.origin_partners.setdefault(country, []).append(organisation)
        Organisation.objects.bulk_create(created)

    def _create_memberships(self) -> None:
        Membership.objects.bulk_create(
            [
                Membership(
                    user=self.users["applicant@demo.local"],
                    organisation=self.organisations[APPLICANT_ASSOCIATION],
                    role=Membership.Role.LEGAL_REPRESENTATIVE,
                ),
                Membership(
                    user=self.users["ngo@demo.local"],
                    organisation=self.organisations[APPLICANT_NGO],
                    role=Membership.Role.EDITOR,
                ),
                *(
                    Membership(
                        user=self.users[email], organisation=self.organisations[funder], role=Membership.Role.VIEWER
                    )
                    for email, funder in (
                        ("funder@demo.local", CARIPLO),
                        ("comune@demo.local", COMUNE),
                        ("esempio@demo.local", FICTIONAL_FUNDER),
                    )
                ),
            ]
        )
        applicant_association = self.organisations[APPLICANT_ASSOCIATION]
        applicant_association.legal_representative_name = self.users["applicant@demo.local"].full_name
        applicant_association.save(update_fields=["legal_representative_name", "updated_at"])

    def _verify_organisations(self, plans_by_call: dict[str, list[_Plan]]) -> None:
        """Verify each organisation shortly before the first call it took part in."""
        first_use: dict[int, date] = {}
        for edition in EDITIONS:
            for plan in plans_by_call[edition.code]:
                for organisation in (plan.lead, plan.ngo, plan.origin_partner):
                    if organisation is not None:
                        first_use.setdefault(organisation.pk, edition.opens_on)
        pending = {name for name, *_rest in PENDING_ASSOCIATIONS} | {PENDING_NGO, REJECTED_ASSOCIATION[0]}
        for organisation in self.organisations.values():
            if organisation.legal_name in pending:
                continue
            before = first_use.get(organisation.pk, date(2012, 3, 1))
            day = before - timedelta(days=self.rng.randint(10, 60))
            organisation_verify(organisation=organisation, by=self.officer, now=_at(day, 11), notify=False)
        organisation_reject(
            organisation=self.organisations[REJECTED_ASSOCIATION[0]],
            reason=REJECTED_ASSOCIATION[4],
            by=self.officer,
            now=_at(date(2020, 2, 10), 10),
            notify=False,
        )

    # Planning ---------------------------------------------------------------------

    def _countries_of(self, association: Organisation) -> list[str]:
        return [str(code) for code in association.countries_of_origin]

    def _eligible_leads(self) -> list[Organisation]:
        excluded = {name for name, *_rest in PENDING_ASSOCIATIONS} | {REJECTED_ASSOCIATION[0]}
        return [a for a in self.associations if a.legal_name not in excluded]

    def _plan_edition(self, edition: Edition) -> list[_Plan]:
        rng = self.rng
        leads = self._eligible_leads()
        programme = set(PROGRAMME_COUNTRIES)
        used: set[int] = set()
        plans: list[_Plan] = []

        for sample in SAMPLE_PROJECTS:
            if sample.call_code != edition.code:
                continue
            plan = _Plan(
                lead=self.organisations[sample.lead],
                country=sample.country,
                outcome="funded",
                topic=TOPICS[sample.topic],
                ngo=self.organisations[sample.ngo],
                origin_partner=self.organisations[sample.origin_partner],
                title=sample.title,
                acronym=sample.acronym,
                granted=sample.amount,
            )
            plans.append(plan)
            used.add(plan.lead.pk)

        # Every programme country gets at least one funded project over the three calls.
        for country in self.coverage[edition.code]:
            candidates = [a for a in leads if a.pk not in used and country in self._countries_of(a)]
            lead = rng.choice(candidates)
            plans.append(_Plan(lead=lead, country=country, outcome="funded"))
            used.add(lead.pk)
        while len(plans) < edition.funded:
            candidates = [
                a
                for a in leads
                if a.pk not in used and a.legal_name != APPLICANT_ASSOCIATION and set(self._countries_of(a)) & programme
            ]
            lead = rng.choice(candidates)
            country = rng.choice([c for c in self._countries_of(lead) if c in programme])
            plans.append(_Plan(lead=lead, country=country, outcome="funded"))
            used.add(lead.pk)

        others: list[_Plan] = []
        applicant = self.organisations[APPLICANT_ASSOCIATION]
        if applicant.pk not in used:
            # The applicant's association also knows what a refusal looks like.
            others.append(_Plan(lead=applicant, country="SN", outcome="not_funded", topic=TOPICS[7]))
            used.add(applicant.pk)
        unused = [a for a in leads if a.pk not in used]
        rng.shuffle(unused)
        needed = edition.received - edition.funded - len(others)
        for lead in unused[:needed]:
            countries = self._countries_of(lead)
            outcome = "" if set(countries) & programme else "inadmissible"
            others.append(
                _Plan(
                    lead=lead,
                    country=rng.choice(countries),
                    outcome=outcome,
                    inadmissible_reason="country" if outcome else "",
                )
            )
        while len(others) < edition.received - edition.funded:
            lead = rng.choice([a for a in leads if set(self._countries_of(a)) & programme])
            country = rng.choice([c for c in self._countries_of(lead) if c in programme])
            others.append(
                _Plan(
                    lead=lead,
                    country=country,
                    outcome="inadmissible",
                    inadmissible_reason="duplicate",
                )
            )
        undecided = [plan for plan in others if not plan.outcome]
        rng.shuffle(undecided)
        missing = edition.inadmissible - sum(1 for plan in others if plan.outcome == "inadmissible")
        assert missing >= 0, f"{edition.code}: too many forced inadmissible proposals"
        for plan in undecided[:missing]:
            plan.outcome = "inadmissible"
            plan.inadmissible_reason = rng.choice(OTHER_INADMISSIBILITY)
        for plan in undecided[missing : missing + edition.reserve]:
            plan.outcome = "reserve"
        for plan in undecided[missing + edition.reserve :]:
            plan.outcome = "not_funded"
        plans += others
        self._plan_details(edition, plans)
        return plans

    def _plan_coverage(self) -> dict[str, list[str]]:
        """Which call gives each programme country its guaranteed funded project
        (the sample projects already cover some)."""
        sampled = {sample.country for sample in SAMPLE_PROJECTS}
        rest = [country for country in PROGRAMME_COUNTRIES if country not in sampled]
        self.rng.shuffle(rest)
        return {HISTORICAL_CODES[0]: rest[:6], HISTORICAL_CODES[1]: rest[6:10], HISTORICAL_CODES[2]: rest[10:]}

    def _plan_details(self, edition: Edition, plans: list[_Plan]) -> None:
        """Partners, titles, amounts, durations and target scores of one call's proposals."""
        rng = self.rng
        max_grant = int(edition.max_grant)
        verified_ngos = [ngo for ngo in self.ngos if ngo.legal_name != PENDING_NGO]
        # Named NGOs are the programme's regulars: they partner more often.
        weighted_ngos = verified_ngos + [ngo for ngo in verified_ngos if ngo.legal_name in NAMED_NGOS] * 2

        funded = [plan for plan in plans if plan.outcome == "funded"]
        fixed = sum((plan.granted for plan in funded if plan.granted), Decimal(0))
        free = [plan for plan in funded if plan.granted is None]
        # Spend almost all of the pool, so the reserve list is credible: what is left
        # is less than any reserve proposal asks for.
        budget = int(edition.comune_amount + edition.cariplo_amount)
        left_over = rng.randrange(14_000, 26_000, 100)
        amounts = _amounts_summing_to(rng, len(free), budget - left_over - int(fixed), 30_000, max_grant)
        for plan, amount in zip(free, amounts, strict=True):
            plan.granted = amount
        # One award per call is reduced by the committee, with a reason.
        reducible = [plan for plan in free if plan.granted <= edition.max_grant - 3000]
        reduced = rng.choice(reducible) if reducible else None

        themes = [theme.strip() for theme in edition.themes.split(";")]
        for plan in plans:
            if plan.lead.legal_name == APPLICANT_ASSOCIATION:
                plan.ngo = plan.ngo or self.organisations[APPLICANT_NGO]
                plan.created_by = self.users["applicant@demo.local"]
            if plan.ngo is None:
                plan.ngo = rng.choice(weighted_ngos)
            if plan.origin_partner is None and plan.inadmissible_reason not in ("origin_partner", "country"):
                plan.origin_partner = rng.choice(self.origin_partners[plan.country])
            self._set_origin_place(plan)
            plan.topic = plan.topic or self._choose_topic(plan)
            plan.theme = rng.choice(themes)
            plan.title = plan.title or self._title(plan)
            self.titles.add(plan.title)
            plan.duration = rng.randint(max(6, edition.max_duration_months - 6), edition.max_duration_months)
            plan.cofinancing_pct = rng.randint(30, 45)
            plan.ngo_confirmed = plan.inadmissible_reason != "letter"
            if plan.outcome == "funded":
                plan.requested = plan.granted + (Decimal(3000) if plan is reduced else 0)
                plan.score_target = rng.uniform(70, 92)
            elif plan.outcome == "reserve":
                plan.requested = Decimal(rng.randrange(max(left_over + 5_000, 30_000), max_grant + 1, 100))
                plan.score_target = rng.uniform(61, 68.5)
            elif plan.outcome == "not_funded":
                plan.requested = Decimal(rng.randrange(20_000, max_grant + 1, 100))
                plan.fails_criterion_c = rng.random() < 0.12
                plan.score_target = rng.uniform(60, 67) if plan.fails_criterion_c else rng.uniform(32, 58.5)
            else:
                plan.requested = Decimal(rng.randrange(20_000, max_grant + 1, 100))
                if plan.inadmissible_reason == "over_max":
                    plan.requested = edition.max_grant + rng.randrange(2_000, 12_000, 500)
                elif plan.inadmissible_reason == "cofinancing":
                    plan.cofinancing_pct = rng.randint(15, 26)
                elif plan.inadmissible_reason == "duration":
                    plan.duration = edition.max_duration_months + rng.choice([6, 12])
            plan.requested = Decimal(plan.requested).quantize(Decimal("0.01"))
        self.reduced[edition.code] = reduced

    def _choose_topic(self, plan: _Plan) -> Topic:
        return self.rng.choice([topic for topic in TOPICS if not topic.only_in or plan.origin_city in topic.only_in])

    def _title(self, plan: _Plan) -> str:
        """A title no other demo proposal has, changing topic if need be."""
        for _attempt in range(20):
            title = self._fill(plan.topic.title, plan)
            if title not in self.titles:
                return title
            plan.topic = self._choose_topic(plan)
        return f"{self._fill(plan.topic.title, plan)} ({plan.lead.legal_name})"

    def _set_origin_place(self, plan: _Plan) -> None:
        if plan.origin_partner is not None:
            plan.origin_city, plan.origin_region = plan.origin_partner.seat_city, plan.origin_partner.seat_region
        elif plan.country in INELIGIBLE_CITIES:
            plan.origin_city, plan.origin_region = INELIGIBLE_CITIES[plan.country]
        else:
            _name, plan.origin_city, plan.origin_region = self.rng.choice(ORIGIN_PARTNERS[plan.country])

    def _fill(self, text: str, plan: _Plan) -> str:
        return text.format(
            city=plan.origin_city,
            country=COUNTRY_NAMES_IT[plan.country],
            community=COMMUNITY_ADJECTIVES[plan.country][0].lower(),
            municipio=self.places[plan.lead.legal_name],
        )

    # Writing one historical call ---------------------------------------------------

    def _create_call(
        self,
        *,
        code: str,
        year: int,
        title_it: str,
        title_en: str,
        themes: str,
        opens_at: datetime,
        closes_at: datetime,
        max_grant: Decimal,
        max_duration: int,
        legal_basis: str,
        office: str,
        commitments: list[tuple[str, Decimal, str]],
    ) -> Call:
        call = Call.objects.create(
            code=code,
            year=year,
            title_it=title_it,
            title_en=title_en,
            description_it=CALL_DESCRIPTION_IT,
            description_en=CALL_DESCRIPTION_EN,
            themes=themes,
            status=Call.Status.DRAFT,
            opens_at=opens_at,
            closes_at=closes_at,
            max_grant=max_grant,
            min_cofinancing_pct=Decimal("30.00"),
            max_duration_months=max_duration,
            eligible_countries=PROGRAMME_COUNTRIES,
            ngo_partner_required=True,
            overall_threshold=Decimal("60"),
            legal_basis=legal_basis,
            responsible_office=office,
            responsible_official=RESPONSIBLE_OFFICIAL,
            announced_budget=sum((amount for _funder, amount, _note in commitments), Decimal("0.00")),
            is_demo=True,
        )
        EligibleCostCategory.objects.bulk_create(
            [
                EligibleCostCategory(
                    call=call,
                    category=category,
                    cap_pct=Decimal("7.00") if category == CostCategory.OVERHEADS else None,
                )
                for category in CostCategory.values
            ]
        )
        self.criteria[code] = EvaluationCriterion.objects.bulk_create(
            [
                EvaluationCriterion(
                    call=call,
                    code=criterion_code,
                    name_it=name_it,
                    name_en=name_en,
                    description_it=description_it,
                    max_score=Decimal(max_score),
                    weight=Decimal(max_score),
                    min_threshold=CRITERION_C_THRESHOLD if criterion_code == "C" else None,
                    order=index,
                )
                for index, (criterion_code, name_it, name_en, description_it, max_score) in enumerate(CRITERIA)
            ]
        )
        RequiredAttachment.objects.bulk_create(
            [
                RequiredAttachment(
                    call=call, name_it=name_it, name_en=name_en, accepts_office_documents=office_docs, order=index
                )
                for index, (name_it, name_en, office_docs) in enumerate(REQUIRED_ATTACHMENTS)
            ]
        )
        FunderCommitment.objects.bulk_create(
            [
                FunderCommitment(call=call, funder=self.organisations[funder], amount=amount, note=note)
                for funder, amount, note in commitments
            ]
        )
        self.calls[code] = call
        return call

    def _commitments(self, comune: Decimal, cariplo: Decimal) -> list[tuple[str, Decimal, str]]:
        return [
            (COMUNE, comune, "Risorse del bilancio comunale."),
            (
                CARIPLO,
                cariplo,
                "Anche per conto del partenariato di 14 istituzioni bancarie e fondazioni coordinato da "
                "Fondazione Cariplo; le quote dei singoli istituti non sono pubbliche.",
            ),
        ]

    def _submission_times(self, opens_at: datetime, closes_at: datetime, count: int) -> list[datetime]:
        """Submission times inside the window, crowding towards the deadline as they do."""
        days = (closes_at.date() - opens_at.date()).days
        times = []
        for _index in range(count):
            day = opens_at.date() + timedelta(days=days - int(days * self.rng.random() ** 0.6))
            moment = _at(day, self.rng.randint(8, 18), self.rng.randint(0, 59))
            if day == closes_at.date():
                moment = _at(day, self.rng.randint(8, 11), self.rng.randint(0, 59))
            times.append(min(max(moment, opens_at + timedelta(hours=1)), closes_at - timedelta(minutes=5)))
        return sorted(times)

    def _write_edition(self, edition: Edition, plans: list[_Plan]) -> None:
        officer = self.officer
        call = self._create_call(
            code=edition.code,
            year=edition.year,
            title_it=edition.title_it,
            title_en=edition.title_en,
            themes=edition.themes,
            opens_at=_at(edition.opens_on),
            closes_at=_at(edition.closes_on, 12),
            max_grant=edition.max_grant,
            max_duration=edition.max_duration_months,
            legal_basis=edition.legal_basis,
            office=edition.responsible_office,
            commitments=self._commitments(edition.comune_amount, edition.cariplo_amount),
        )
        call_transition(call=call, to=Call.Status.OPEN, by=officer, now=call.opens_at)

        self.rng.shuffle(plans)
        for plan, moment in zip(plans, self._submission_times(call.opens_at, call.closes_at, len(plans)), strict=True):
            plan.submitted_at = moment
        self._write_proposals(call, plans)
        for plan in plans:
            plan.proposal = proposal_submit(proposal=plan.proposal, by=plan.created_by, now=plan.submitted_at)

        call_transition(call=call, to=Call.Status.CLOSED, by=officer, now=call.closes_at)
        checked_at = _at(edition.closes_on + timedelta(days=21), 15)
        for plan in plans:
            if plan.outcome == "inadmissible":
                proposal_transition(
                    proposal=plan.proposal,
                    to=Proposal.Status.INADMISSIBLE,
                    by=officer,
                    now=checked_at,
                    reason=INADMISSIBILITY_REASONS[plan.inadmissible_reason],
                )
            else:
                proposal_transition(proposal=plan.proposal, to=Proposal.Status.ADMISSIBLE, by=officer, now=checked_at)

        evaluation_at = _at(edition.evaluation_on, 10)
        call_transition(call=call, to=Call.Status.EVALUATION, by=officer, now=evaluation_at)
        evaluated = [plan for plan in plans if plan.outcome != "inadmissible"]
        for plan in evaluated:
            proposal_transition(
                proposal=plan.proposal, to=Proposal.Status.UNDER_EVALUATION, by=officer, now=evaluation_at
            )
        decided_at = _at(edition.results_on - timedelta(days=30), 16)
        self._write_scores(call, evaluated, evaluation_at, decided_at)
        # The ranking service stores total and rank as the ranking pages compute them (ties
        # broken by criterion A, then by time of submission) and moves every proposal to ranked.
        ranking = {line.proposal.pk: line for line in call_rank(call=call, by=officer, now=decided_at)}
        for plan in evaluated:
            line = ranking[plan.proposal.pk]
            plan.proposal.total_score, plan.proposal.rank = line.total_score, line.position
            plan.proposal.status = Proposal.Status.RANKED
        fundable = {pk for pk, line in ranking.items() if line.fundable}
        assert fundable == {p.proposal.pk for p in evaluated if p.outcome in ("funded", "reserve")}, call.code

        awarded_at = _at(edition.results_on - timedelta(days=7), 12)
        reduced = self.reduced[edition.code]
        for plan in sorted(evaluated, key=lambda p: p.proposal.rank or 10_000):
            if plan.outcome == "funded":
                award_grant(
                    proposal=plan.proposal,
                    amount=plan.granted,
                    by=officer,
                    now=awarded_at,
                    reduction_reason=(
                        "Spese di viaggio ridotte dalla commissione perché non congrue con le attività previste."
                        if plan is reduced
                        else ""
                    ),
                )
            else:
                to = Proposal.Status.RESERVE if plan.outcome == "reserve" else Proposal.Status.NOT_FUNDED
                proposal_transition(proposal=plan.proposal, to=to, by=officer, now=awarded_at)
        call_transition(call=call, to=Call.Status.RESULTS_PUBLISHED, by=officer, now=_at(edition.results_on, 11))
        self._write_projects(edition, [plan for plan in plans if plan.outcome == "funded"])

    def _write_proposals(self, call: Call, plans: list[_Plan]) -> None:
        """The proposals as drafts, with partners, activities, budget and indicators."""
        proposals = []
        for plan in plans:
            city, region = plan.origin_city, plan.origin_region
            residence_city = plan.lead.seat_city
            community = self._fill("{community}", plan)
            proposals.append(
                Proposal(
                    call=call,
                    lead=plan.lead,
                    title=plan.title,
                    acronym=plan.acronym,
                    summary=self._fill(plan.topic.summary, plan),
                    theme=plan.theme,
                    origin_country=plan.country,
                    origin_region=region,
                    origin_city=city,
                    origin_context=(
                        f"Il territorio di {city} ({COUNTRY_NAMES_IT[plan.country]}) da cui proviene "
                        f"buona parte della comunità {community} dell'associazione."
                    ),
                    residence_municipality=residence_city,
                    residence_region="Lombardia",
                    residence_context=(
                        f"La comunità {community} di {residence_city}"
                        + (f" ({self.places[plan.lead.legal_name]})" if residence_city == "Milano" else "")
                        + " e le reti di quartiere con cui l'associazione lavora."
                    ),
                    objectives=(
                        "Rafforzare le capacità economiche e sociali dei beneficiari nel Paese d'origine e il ruolo "
                        "dell'associazione come ponte tra i due territori."
                    ),
                    expected_results=self._fill(
                        f"{plan.topic.origin_indicator}; {plan.topic.residence_indicator.lower()}.", plan
                    ),
                    beneficiaries_origin=self.rng.randrange(40, 400, 10),
                    beneficiaries_origin_description=f"Famiglie, donne e giovani di {city}.",
                    beneficiaries_residence=self.rng.randrange(20, 250, 5),
                    beneficiaries_residence_description=f"Soci e famiglie della comunità {community}, residenti.",
                    sustainability=(
                        "Le attività proseguono con le entrate generate e con il sostegno del partner locale; "
                        "l'associazione mantiene i contatti con le istituzioni di entrambi i territori."
                    ),
                    duration_months=plan.duration,
                    created_by=plan.created_by,
                    is_demo=True,
                )
            )
        Proposal.objects.bulk_create(proposals)
        for plan, proposal in zip(plans, proposals, strict=True):
            plan.proposal = proposal
        self._write_proposal_children(plans)

    def _write_proposal_children(self, plans: list[_Plan]) -> None:
        partners, activities, lines, indicators = [], [], [], []
        for plan in plans:
            proposal = plan.proposal
            responded_at = plan.submitted_at - timedelta(days=self.rng.randint(2, 20)) if plan.submitted_at else None
            if plan.ngo is not None:
                confirmed = plan.ngo_confirmed and plan.submitted_at is not None
                partners.append(
                    ProposalPartner(
                        proposal=proposal,
                        organisation=plan.ngo,
                        role=ProposalPartner.Role.ITALIAN_NGO,
                        response=ProposalPartner.Response.CONFIRMED if confirmed else ProposalPartner.Response.INVITED,
                        responded_at=responded_at if confirmed else None,
                        contribution=(
                            "Accompagna l'associazione nella progettazione, nella gestione amministrativa e "
                            "nella rendicontazione; cura le attività di sensibilizzazione a Milano."
                        ),
                    )
                )
            if plan.origin_partner is not None:
                partners.append(
                    ProposalPartner(
                        proposal=proposal,
                        organisation=plan.origin_partner,
                        role=ProposalPartner.Role.ORIGIN_PARTNER,
                        response=ProposalPartner.Response.CONFIRMED,
                        responded_at=responded_at,
                        contribution="Realizza le attività nel Paese d'origine e ne garantisce la continuità.",
                    )
                )
            activities += self._activities(plan)
            if plan.with_budget:
                lines += self._budget_lines(plan)
            indicators += [
                Indicator(
                    proposal=proposal,
                    name=self._fill(plan.topic.origin_indicator, plan),
                    territory=Territory.ORIGIN,
                    baseline="0",
                    target=str(self.rng.randrange(20, 200, 5)),
                ),
                Indicator(
                    proposal=proposal,
                    name=self._fill(plan.topic.residence_indicator, plan),
                    territory=Territory.RESIDENCE,
                    baseline="0",
                    target=str(self.rng.randrange(30, 300, 10)),
                ),
            ]
        ProposalPartner.objects.bulk_create(partners)
        Activity.objects.bulk_create(activities)
        BudgetLine.objects.bulk_create(lines)
        Indicator.objects.bulk_create(indicators)

    def _activities(self, plan: _Plan) -> list[Activity]:
        duration = plan.duration
        result = [
            Activity(
                proposal=plan.proposal,
                territory=Territory.RESIDENCE,
                title="Avvio del progetto e coordinamento con i partner",
                description="Riunioni di avvio a Milano e definizione del piano di lavoro con i partner.",
                start_month=1,
                end_month=min(2, duration),
            )
        ]
        origin = plan.topic.origin_activities
        for index, title in enumerate(origin):
            start = 1 + index * max(1, duration // (len(origin) + 1))
            result.append(
                Activity(
                    proposal=plan.proposal,
                    territory=Territory.ORIGIN,
                    title=self._fill(title, plan),
                    start_month=min(start, duration),
                    end_month=min(duration, start + max(2, duration // 2)),
                )
            )
        for index, title in enumerate(plan.topic.residence_activities):
            start = 2 + index * max(1, duration // 3)
            result.append(
                Activity(
                    proposal=plan.proposal,
                    territory=Territory.RESIDENCE,
                    title=self._fill(title, plan),
                    start_month=min(start, duration),
                    end_month=duration,
                )
            )
        return result

    def _budget_lines(self, plan: _Plan) -> list[BudgetLine]:
        """Lines by category and territory that add up to what is requested and co-financed.

        Co-financing is at least `cofinancing_pct` of the total cost; overheads stay under 7%.
        """
        rng = self.rng
        requested = int(plan.requested)
        pct = plan.cofinancing_pct
        cofinancing = -(-requested * pct // (100 - pct))  # rounded up, so the share is never below pct
        total = Decimal(requested + cofinancing)
        layout = [
            (CostCategory.HUMAN_RESOURCES, Territory.ORIGIN, 22, "Personale locale e coordinamento"),
            (CostCategory.HUMAN_RESOURCES, Territory.RESIDENCE, 12, "Coordinamento e mediazione culturale a Milano"),
            (CostCategory.TRAVEL, Territory.ORIGIN, 7, "Missioni di avvio e di monitoraggio"),
            (CostCategory.EQUIPMENT, Territory.ORIGIN, 18, "Attrezzature e materiali"),
            (CostCategory.SERVICES, Territory.RESIDENCE, 6, "Consulenze specialistiche"),
            (CostCategory.TRAINING, Territory.ORIGIN, 12, "Formazione dei beneficiari"),
            (CostCategory.TRAINING, Territory.RESIDENCE, 5, "Laboratori formativi a Milano"),
            (CostCategory.COMMUNICATION, Territory.RESIDENCE, 6, "Eventi e comunicazione"),
            (CostCategory.MONITORING, Territory.RESIDENCE, 4, "Monitoraggio, valutazione e revisione contabile"),
        ]
        optional = {CostCategory.SERVICES, CostCategory.TRAVEL}
        layout = [row for row in layout if row[0] not in optional or rng.random() < 0.75]
        overheads = (total * Decimal(rng.randint(40, 65)) / 1000).quantize(Decimal("1"))
        weights = {index: Decimal(row[2] * rng.randint(75, 125)) for index, row in enumerate(layout)}
        line_totals = split_proportionally(total - overheads, weights)
        line_totals[len(layout)] = overheads
        layout.append((CostCategory.OVERHEADS, Territory.RESIDENCE, 0, "Spese generali"))
        requested_parts = split_proportionally(Decimal(requested), line_totals)
        own_share = Decimal(rng.randint(45, 100)) / 100
        lines = []
        for index, (category, territory, _weight, description) in enumerate(layout):
            line_total = line_totals[index]
            line_requested = min(requested_parts[index], line_total)
            line_cofinancing = line_total - line_requested
            own = (line_cofinancing * own_share).quantize(Decimal("0.01"))
            lines.append(
                BudgetLine(
                    proposal=plan.proposal,
                    category=category,
                    territory=territory,
                    description=description,
                    total_cost=line_total,
                    amount_requested=line_requested,
                    cofinancing_own=own,
                    cofinancing_other=line_cofinancing - own,
                )
            )
        return lines

    def _criterion_scores(self, plan: _Plan, criteria: list[EvaluationCriterion]) -> list[Decimal]:
        """Scores per criterion, in half points, adding up to the plan's target total."""
        rng = self.rng
        target = _half_points(plan.score_target)
        bounds = []
        for criterion in criteria:
            low, high = Decimal(0), criterion.max_score
            if criterion.code == "C":
                if plan.fails_criterion_c:
                    high = CRITERION_C_THRESHOLD - Decimal("0.5")
                elif plan.outcome in ("funded", "reserve") or plan.score_target >= 60:
                    low = CRITERION_C_THRESHOLD  # meant to be fundable: criterion C passes too
            bounds.append((low, high))
        scores = []
        for (low, high), criterion in zip(bounds, criteria, strict=True):
            share = plan.score_target / 100 + rng.uniform(-0.1, 0.1)
            scores.append(min(high, max(low, _half_points(float(criterion.max_score) * share))))
        while sum(scores) != target:
            index = rng.randrange(len(scores))
            low, high = bounds[index]
            if sum(scores) < target and scores[index] < high:
                scores[index] += Decimal("0.5")
            elif sum(scores) > target and scores[index] > low:
                scores[index] -= Decimal("0.5")
        return scores

    def _comment(self, code: str, score: Decimal, max_score: Decimal) -> str:
        ratio = score / max_score
        if ratio >= Decimal("0.8"):
            level = "Ottimo"
        elif ratio >= Decimal("0.65"):
            level = "Buono"
        elif ratio >= Decimal("0.5"):
            level = "Sufficiente"
        else:
            level = "Insufficiente"
        return f"{level}: {CRITERION_FOCUS[code]}."

    def _write_scores(self, call: Call, evaluated: list[_Plan], evaluation_at: datetime, decided_at: datetime) -> None:
        """Two reviews per proposal and the committee's consensus (the ranking service ranks them)."""
        rng = self.rng
        criteria = self.criteria[call.code]
        reviews, consensus, per_review_scores = [], [], []
        for plan in evaluated:
            scores = self._criterion_scores(plan, criteria)
            for criterion, score in zip(criteria, scores, strict=True):
                consensus.append(
                    ConsensusScore(
                        proposal=plan.proposal,
                        criterion=criterion,
                        score=score,
                        justification=self._comment(criterion.code, score, criterion.max_score),
                        decided_by=self.officer,
                        decided_at=decided_at,
                    )
                )
            for evaluator in self.evaluators:
                submitted = evaluation_at + timedelta(days=rng.randint(7, 40), hours=rng.randint(0, 6))
                reviews.append(
                    Review(
                        proposal=plan.proposal,
                        evaluator=evaluator,
                        status=Review.Status.SUBMITTED,
                        conflict_declared_at=evaluation_at + timedelta(days=rng.randint(1, 5)),
                        submitted_at=submitted,
                    )
                )
                per_review_scores.append(
                    [
                        min(criterion.max_score, max(Decimal(0), score + rng.choice(REVIEWER_DEVIATIONS)))
                        for criterion, score in zip(criteria, scores, strict=True)
                    ]
                )
        Review.objects.bulk_create(reviews)
        # assigned_at is set by the clock on insert; the history says evaluation day.
        Review.objects.filter(proposal__call=call).update(assigned_at=evaluation_at)
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(
                    review=review,
                    criterion=criterion,
                    score=score,
                    comment=self._comment(criterion.code, score, criterion.max_score),
                )
                for review, scores in zip(reviews, per_review_scores, strict=True)
                for criterion, score in zip(criteria, scores, strict=True)
            ]
        )
        ConsensusScore.objects.bulk_create(consensus)

    def _write_projects(self, edition: Edition, funded: list[_Plan]) -> None:
        """Agreement, CUP, dates, installments paid, and the move to in progress and closed."""
        rng = self.rng
        installments = []
        for index, plan in enumerate(sorted(funded, key=lambda p: p.proposal.rank), start=1):
            proposal = plan.proposal
            award = Award.objects.get(proposal=proposal)
            signed = edition.results_on + timedelta(days=rng.randint(25, 55))
            start = edition.projects_start_on + timedelta(days=rng.randint(0, 45))
            end = _add_months(start, proposal.duration_months) - timedelta(days=1)
            proposal.cup = f"B41J{edition.year % 100:02d}{edition.year * 1000 + index:09d}"
            proposal.agreement_signed_on = signed
            proposal.start_date = start
            proposal.end_date = end
            Proposal.objects.filter(pk=proposal.pk).update(
                cup=proposal.cup, agreement_signed_on=signed, start_date=start, end_date=end
            )
            parts = split_proportionally(award.amount_granted, {1: Decimal(40), 2: Decimal(40), 3: Decimal(20)})
            paid_dates = [
                signed + timedelta(days=rng.randint(15, 30)),
                _add_months(start, proposal.duration_months // 2) + timedelta(days=rng.randint(5, 25)),
                end + timedelta(days=rng.randint(60, 110)),
            ]
            labels = ["Anticipo", "Secondo acconto", "Saldo"]
            for sequence, (label, percentage, paid_on) in enumerate(
                zip(labels, (40, 40, 20), paid_dates, strict=True), start=1
            ):
                installments.append(
                    Installment(
                        award=award,
                        sequence=sequence,
                        label=label,
                        percentage=Decimal(percentage),
                        amount=parts[sequence],
                        due_date=paid_on - timedelta(days=rng.randint(3, 10)),
                        status=Installment.Status.PAID,
                        paid_on=paid_on,
                    )
                )
            proposal_transition(
                proposal=proposal,
                to=Proposal.Status.IN_PROGRESS,
                by=self.officer,
                now=_at(start, 9),
                reason="Convenzione firmata il " + signed.strftime("%d/%m/%Y"),
            )
            proposal_transition(
                proposal=proposal,
                to=Proposal.Status.CLOSED,
                by=self.officer,
                now=_at(paid_dates[2], 10),
                reason="Rendicontazione finale approvata.",
            )
        Installment.objects.bulk_create(installments)

    # The call open today ---------------------------------------------------------------

    def _write_open_call(self) -> None:
        """A call opened 15 days ago and closing in 45, with three funders and a few proposals."""
        year = self.today.year
        opens_at = _at(self.today - timedelta(days=15), 9)
        closes_at = _at(self.today + timedelta(days=45), 12)
        call = self._create_call(
            code=f"COSV-{year}",
            year=year,
            title_it=f"Milano per il co-sviluppo {year}",
            title_en=f"Milan for co-development {year}",
            themes="migrazione e sviluppo; integrazione locale; seconde generazioni",
            opens_at=opens_at,
            closes_at=closes_at,
            max_grant=Decimal("60000.00"),
            max_duration=18,
            legal_basis="Deliberazione della Giunta comunale (dati dimostrativi)",
            office=OFFICE_CABINET,
            commitments=[
                *self._commitments(Decimal("200000.00"), Decimal("900000.00")),
                (FICTIONAL_FUNDER, Decimal("150000.00"), "Finanziatore fittizio (dati dimostrativi)."),
            ],
        )
        call_transition(call=call, to=Call.Status.OPEN, by=self.officer, now=opens_at)

        applicant = self.users["applicant@demo.local"]
        pending_lead = self.organisations[PENDING_ASSOCIATIONS[0][0]]
        plans = [
            # The applicant's draft waits for the NGO partner to confirm (ngo@demo.local).
            _Plan(
                lead=self.organisations[APPLICANT_ASSOCIATION],
                country="SN",
                outcome="draft",
                topic=TOPICS[9],
                ngo=self.organisations[APPLICANT_NGO],
                origin_partner=self.organisations["GIE Jappo Thiès"],
                ngo_confirmed=False,
                created_by=applicant,
                requested=Decimal("48000.00"),
            ),
            _Plan(lead=pending_lead, country="UA", outcome="draft", topic=TOPICS[4], with_budget=False),
            _Plan(lead=self.organisations["Illimani Milano Solidale"], country="BO", outcome="draft", topic=TOPICS[3]),
            _Plan(
                lead=self.organisations["Lanka Seva Milano APS"],
                country="LK",
                outcome="submitted",
                topic=TOPICS[10],
                origin_partner=self.organisations["Negombo Fisherfolk Welfare Society"],
                submitted_at=opens_at + timedelta(days=3, hours=2, minutes=17),
            ),
            _Plan(
                lead=self.organisations["Cuscatlán Milano Solidaria"],
                country="SV",
                outcome="submitted",
                topic=TOPICS[8],
                submitted_at=opens_at + timedelta(days=8, hours=5, minutes=42),
            ),
        ]
        self._complete_plans(call, plans)
        self._write_proposals(call, plans)
        # The applicant's draft has every document the call asks for: once ngo@demo.local
        # confirms the partnership, nothing stops its submission.
        self._attach_required_documents(call, plans[:1], uploaded_at=_at(self.today - timedelta(days=2), 18))
        submitted = [plan for plan in plans if plan.outcome == "submitted"]
        self._attach_required_documents(call, submitted)
        for plan in submitted:
            self._submit(plan)
        self.recent_leads.update(plan.lead.pk for plan in plans)

    # The calls of the last months: shared steps --------------------------------------------

    def _complete_plans(self, call: Call, plans: list[_Plan]) -> None:
        """Partners, place, topic, title, duration, co-financing and amount of the plans of a
        recent call, where not given already."""
        rng = self.rng
        verified_ngos = [ngo for ngo in self.ngos if ngo.legal_name not in (PENDING_NGO, APPLICANT_NGO)]
        for plan in plans:
            plan.ngo = plan.ngo or rng.choice(verified_ngos)
            plan.origin_partner = plan.origin_partner or rng.choice(self.origin_partners[plan.country])
            self._set_origin_place(plan)
            plan.topic = plan.topic or self._choose_topic(plan)
            plan.theme = rng.choice([theme.strip() for theme in call.themes.split(";")])
            plan.title = plan.title or self._title(plan)
            self.titles.add(plan.title)
            plan.duration = rng.randint(12, call.max_duration_months)
            plan.cofinancing_pct = (
                plan.cofinancing_pct if plan.inadmissible_reason == "cofinancing" else rng.randint(30, 40)
            )
            plan.requested = plan.requested or Decimal(rng.randrange(30_000, 60_001, 500)).quantize(Decimal("0.01"))

    def _recent_leads(self, count: int) -> list[tuple[Organisation, str]]:
        """`count` verified associations of the programme's countries that have no proposal in
        the recent calls yet (the applicant's association is placed by hand), each with a country."""
        programme = set(PROGRAMME_COUNTRIES)
        candidates = [
            association
            for association in self._eligible_leads()
            if association.legal_name != APPLICANT_ASSOCIATION
            and association.pk not in self.recent_leads
            and set(self._countries_of(association)) & programme
        ]
        chosen = self.rng.sample(candidates, count)
        self.recent_leads.update(association.pk for association in chosen)
        return [
            (lead, self.rng.choice([country for country in self._countries_of(lead) if country in programme]))
            for lead in chosen
        ]

    def _attach_required_documents(
        self, call: Call, plans: list[_Plan], *, uploaded_at: datetime | None = None
    ) -> None:
        """A small PDF for every document the call requires, stored under MEDIA_ROOT like an upload.

        Uploaded a day before submission (or at `uploaded_at`), by the proposal's author.
        """
        required = list(call.required_attachments.order_by("order", "pk"))
        for plan in plans:
            proposal = plan.proposal
            for document in required:
                content = demo_pdf(
                    [
                        document.name_it,
                        proposal.title,
                        plan.lead.legal_name,
                        f"{call.code} - documento dimostrativo, dati fittizi.",
                    ]
                )
                attachment = ProposalAttachment(
                    proposal=proposal,
                    required_attachment=document,
                    title=document.name_it,
                    content_type="application/pdf",
                    size=len(content),
                    uploaded_by=plan.created_by,
                )
                attachment.file.save(f"{_slug(document.name_it)}.pdf", ContentFile(content), save=True)
                self.stored_files.append((attachment.file.storage, attachment.file.name))
            moment = uploaded_at or plan.submitted_at - timedelta(days=1, hours=2)
            # uploaded_at is set by the clock on insert; the story says before submission.
            ProposalAttachment.objects.filter(proposal=proposal).update(uploaded_at=moment)

    def _submit(self, plan: _Plan) -> None:
        """Submit at the plan's time: through every check of the call when the proposal meets
        them, as only the online form allows; with the bare lifecycle service when it breaks a
        rule on purpose, so that the admissibility check has something to find."""
        if plan.inadmissible_reason:
            plan.proposal = proposal_submit(proposal=plan.proposal, by=plan.created_by, now=plan.submitted_at)
        else:
            plan.proposal = proposal_submit_checked(
                proposal=plan.proposal, by=plan.created_by, now=plan.submitted_at, notify=False
            )

    def _recent_call(self, *, code: str, year: int, label_it: str, label_en: str, opens_at, closes_at, amounts) -> Call:
        """A call of the last months, pooled by three funders (the fictional one included)."""
        comune, cariplo, fictional = (Decimal(amount) for amount in amounts)
        call = self._create_call(
            code=code,
            year=year,
            title_it=f"Milano per il co-sviluppo {year} ({label_it})",
            title_en=f"Milan for co-development {year} ({label_en})",
            themes="migrazione e sviluppo; integrazione locale; seconde generazioni",
            opens_at=opens_at,
            closes_at=closes_at,
            max_grant=Decimal("60000.00"),
            max_duration=18,
            legal_basis="Deliberazione della Giunta comunale (dati dimostrativi)",
            office=OFFICE_CABINET,
            commitments=[
                *self._commitments(comune, cariplo),
                (FICTIONAL_FUNDER, fictional, "Finanziatore fittizio (dati dimostrativi)."),
            ],
        )
        call_transition(call=call, to=Call.Status.OPEN, by=self.officer, now=opens_at)
        return call

    def _schedule(self, call: Call, plans: list[_Plan]) -> None:
        """Submission times inside the window, in a random order of the plans."""
        self.rng.shuffle(plans)
        for plan, moment in zip(plans, self._submission_times(call.opens_at, call.closes_at, len(plans)), strict=True):
            plan.submitted_at = moment

    def _receive(self, call: Call, plans: list[_Plan]) -> None:
        """The proposals with their documents, submitted at their times; then the call closes."""
        self._write_proposals(call, plans)
        self._attach_required_documents(call, plans)
        for plan in plans:
            self._submit(plan)
        call_transition(call=call, to=Call.Status.CLOSED, by=self.officer, now=call.closes_at)

    # The call being evaluated -------------------------------------------------------------

    def _write_call_in_evaluation(self) -> None:
        """A call closed 60 days ago whose proposals stand at every step of the evaluation.

        One was declared inadmissible; two admissible ones wait for their evaluators; the
        others have both demo evaluators, who still have to declare they have no conflict of
        interest (two), to score (two, one of them half done), whose reviews wait for the
        consensus (two, one with a spread the sheet flags), or whose consensus is recorded and
        waits for the ranking (six, one not fundable because of criterion C). The funders'
        € 200,000 run out partway down the ranking.
        """
        year = self.today.year - 1
        call = self._recent_call(
            code=f"COSV-{year}-A",
            year=year,
            label_it="demo: in valutazione",
            label_en="demo: under evaluation",
            opens_at=_at(self.today - timedelta(days=150), 9),
            closes_at=_at(self.today - timedelta(days=60), 12),
            # Less than the five fundable proposals with a consensus ask for (each asks at least
            # € 42,000), more than any three: the money runs out partway down the ranking.
            amounts=("60000.00", "110000.00", "30000.00"),
        )
        applicant = self.users["applicant@demo.local"]
        plans = [
            _Plan(
                lead=self.organisations[APPLICANT_ASSOCIATION],
                country="SN",
                outcome="consensus",
                topic=TOPICS[5],
                ngo=self.organisations[APPLICANT_NGO],
                origin_partner=self.organisations["Association des Pêcheurs de Guet Ndar"],
                created_by=applicant,
                score_target=78.5,
            )
        ]
        # (stage, target total of the scores, fails criterion C)
        stages = [
            ("inadmissible", 0, False),
            ("admissible", 0, False),
            ("admissible", 0, False),
            ("to_declare", 0, False),
            ("to_declare", 0, False),
            ("to_score", 72, False),
            ("half_scored", 64, False),
            ("to_consensus", 74, False),
            ("to_consensus", 57, False),
            ("consensus", 86, False),
            ("consensus", 71.5, False),
            ("consensus", 67, False),
            ("consensus", 62.5, False),
            ("consensus", 65, True),
        ]
        for (lead, country), (stage, target, fails_c) in zip(self._recent_leads(len(stages)), stages, strict=True):
            plan = _Plan(lead=lead, country=country, outcome=stage, score_target=target, fails_criterion_c=fails_c)
            if stage == "inadmissible":
                plan.inadmissible_reason = "cofinancing"
                plan.cofinancing_pct = self.rng.randint(18, 26)
            plans.append(plan)
        self._complete_plans(call, plans)
        for plan in plans:
            # Amounts that make the funding decision interesting: most ask for close to the maximum.
            plan.requested = Decimal(self.rng.randrange(42_000, 60_001, 500)).quantize(Decimal("0.01"))
        self._schedule(call, plans)
        self._receive(call, plans)

        officer = self.officer
        checked_at = call.closes_at + timedelta(days=8, hours=-1)
        for index, plan in enumerate(sorted(plans, key=lambda p: p.proposal.protocol_sequence)):
            moment = checked_at + timedelta(minutes=20 * index)
            if plan.outcome == "inadmissible":
                proposal_declare_inadmissible(
                    proposal=plan.proposal, by=officer, reasons=INADMISSIBILITY_REASONS["cofinancing"], now=moment
                )
                continue
            check = admissibility_check_save(
                proposal=plan.proposal, manual=dict.fromkeys(MANUAL_KEYS, (True, "")), by=officer, now=moment
            )
            proposal_admit(
                proposal=plan.proposal, by=officer, check=check, now=moment + timedelta(minutes=5), notify=False
            )

        evaluation_at = _at((call.closes_at + timedelta(days=15)).date(), 10)
        call_evaluation_start(call=call, by=officer, now=evaluation_at)
        self._write_recent_reviews(call, plans, evaluation_at)

    def _write_recent_reviews(self, call: Call, plans: list[_Plan], evaluation_at: datetime) -> None:
        """Assignments, declarations, reviews and consensus of the call in evaluation, by stage."""
        rng = self.rng
        officer = self.officer
        criteria = list(call.criteria.order_by("order", "code", "pk"))
        assigned = [plan for plan in plans if plan.outcome not in ("inadmissible", "admissible")]
        for plan in assigned:
            for evaluator in self.evaluators:
                review_assign(proposal=plan.proposal, evaluator=evaluator, by=officer, now=evaluation_at, notify=False)
        # assigned_at is set by the clock on insert; the story says the day the evaluation started.
        Review.objects.filter(proposal__call=call).update(assigned_at=evaluation_at)

        declared = [plan for plan in assigned if plan.outcome != "to_declare"]
        consensus_at = _at(self.today - timedelta(days=4), 15)
        for plan in declared:
            consensus_scores = self._criterion_scores(plan, criteria)
            reviews = {review.evaluator_id: review for review in plan.proposal.reviews.all()}
            for number, evaluator in enumerate(self.evaluators):
                review = reviews[evaluator.pk]
                declared_at = evaluation_at + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 7))
                review_declare(review=review, conflict=False, by=evaluator, now=declared_at)
                if plan.outcome == "to_score" or (plan.outcome == "half_scored" and number == 1):
                    continue
                scores = {}
                for index, (criterion, score) in enumerate(zip(criteria, consensus_scores, strict=True)):
                    deviation = rng.choice(REVIEWER_DEVIATIONS)
                    if plan.outcome == "to_consensus" and plan.score_target > 70 and number == 1 and index == 0:
                        deviation = Decimal(-7)  # the evaluators disagree: the consensus sheet flags it
                    value = min(criterion.max_score, max(Decimal(0), score + deviation))
                    scores[criterion.pk] = (value, self._comment(criterion.code, value, criterion.max_score))
                submitted_at = declared_at + timedelta(days=rng.randint(8, 30), hours=rng.randint(1, 5))
                review_submit(review=review, scores=scores, by=evaluator, now=min(submitted_at, consensus_at))
            if plan.outcome == "consensus":
                consensus_record(
                    proposal=plan.proposal,
                    scores={
                        criterion.pk: (
                            score,
                            self._comment(criterion.code, score, criterion.max_score),
                            self._comment(criterion.code, score, criterion.max_score),
                        )
                        for criterion, score in zip(criteria, consensus_scores, strict=True)
                    },
                    by=officer,
                    now=consensus_at,
                )

    # The call waiting for the admissibility check ---------------------------------------------

    def _write_call_to_check(self) -> None:
        """A call closed 20 days ago: eight proposals wait for the admissibility check.

        Five meet every rule (the applicant's among them); one asks for more than the maximum
        grant; one was submitted without the NGO partner's confirmation; and the lead that asked
        too much sent a corrected second proposal, so two proposals share a lead. The office
        asked the applicant's association to correct its budget and attachments within 7 days,
        and the two exchanged messages.
        """
        year = self.today.year - 1
        call = self._recent_call(
            code=f"COSV-{year}-B",
            year=year,
            label_it="demo: da istruire",
            label_en="demo: admissibility check",
            opens_at=_at(self.today - timedelta(days=120), 9),
            closes_at=_at(self.today - timedelta(days=20), 12),
            amounts=("150000.00", "500000.00", "100000.00"),
        )
        applicant = self.users["applicant@demo.local"]
        applicant_plan = _Plan(
            lead=self.organisations[APPLICANT_ASSOCIATION],
            country="SN",
            outcome="submitted",
            topic=TOPICS[6],
            ngo=self.organisations[APPLICANT_NGO],
            origin_partner=self.organisations["GIE Jappo Thiès"],
            created_by=applicant,
        )
        plans = [applicant_plan]
        leads = self._recent_leads(6)
        plans += [_Plan(lead=lead, country=country, outcome="submitted") for lead, country in leads[:4]]
        over_max = _Plan(lead=leads[4][0], country=leads[4][1], outcome="submitted", inadmissible_reason="over_max")
        over_max.requested = call.max_grant + self.rng.randrange(2_000, 12_000, 500)
        no_ngo = _Plan(
            lead=leads[5][0],
            country=leads[5][1],
            outcome="submitted",
            inadmissible_reason="letter",
            ngo_confirmed=False,
        )
        plans += [over_max, no_ngo]
        self._complete_plans(call, plans)
        corrected = _Plan(
            lead=over_max.lead,
            country=over_max.country,
            outcome="submitted",
            topic=over_max.topic,
            ngo=over_max.ngo,
            origin_partner=over_max.origin_partner,
            title=f"{over_max.title} (versione corretta)",
            requested=Decimal(self.rng.randrange(54_000, 60_001, 500)).quantize(Decimal("0.01")),
        )
        self._complete_plans(call, [corrected])
        plans.append(corrected)
        self._schedule(call, plans)
        if corrected.submitted_at < over_max.submitted_at:
            # The correction is sent after the proposal it corrects.
            corrected.submitted_at, over_max.submitted_at = over_max.submitted_at, corrected.submitted_at
        plans.sort(key=lambda plan: plan.submitted_at)
        self._receive(call, plans)

        officer = self.officer
        requested_at = _at(self.today - timedelta(days=1), 10)
        clarification_request(
            proposal=applicant_plan.proposal,
            sections=["budget", "attachments"],
            message=(
                "Il piano finanziario allegato non corrisponde al budget del formulario: le spese generali "
                "e il totale dei costi in Italia sono diversi. Correggete il budget oppure caricate il piano "
                "finanziario aggiornato, firmato dal legale rappresentante, entro la scadenza indicata."
            ),
            deadline=_at(self.today + timedelta(days=7), 12),
            by=officer,
            now=requested_at,
            notify=False,
        )
        proposal_message_post(
            proposal=applicant_plan.proposal,
            body=(
                "Buongiorno, vi abbiamo inviato una richiesta di integrazione sul budget e sugli allegati. "
                "Per qualsiasi dubbio potete scriverci qui."
            ),
            by=officer,
            now=requested_at + timedelta(minutes=10),
            notify=False,
        )
        proposal_message_post(
            proposal=applicant_plan.proposal,
            body=(
                "Grazie, abbiamo visto la richiesta. Correggiamo le spese generali e carichiamo il piano "
                "finanziario firmato entro la settimana."
            ),
            by=applicant,
            now=requested_at + timedelta(hours=7, minutes=25),
            notify=False,
        )


# --- Summary -------------------------------------------------------------------------

# What a new user can try, by account (printed after the accounts).
DEMO_WALKTHROUGH = [
    gettext_lazy(
        "ngo@demo.local confirms the partnership of the applicant's draft in the open call; "
        "applicant@demo.local can then submit it (every required document is attached)."
    ),
    gettext_lazy(
        "applicant@demo.local answers the office's request for clarification and its message in the call "
        "waiting for the admissibility check."
    ),
    gettext_lazy(
        "officer@demo.local checks the admissibility of that call's proposals (three of them break a rule), "
        "then, in the call under evaluation, assigns evaluators, records the consensus and computes the ranking."
    ),
    gettext_lazy(
        "evaluator1@demo.local and evaluator2@demo.local declare they have no conflict of interest and score "
        "their proposals in the call under evaluation."
    ),
    gettext_lazy(
        "Once the officer proposes the awards, funder@demo.local, comune@demo.local and esempio@demo.local "
        "approve the allocation; the officer then publishes the results."
    ),
]


def demo_summary() -> list[str]:
    """What the demo holds, and how to log in: printed by seed_demo."""
    kinds = {
        row["kind"]: row["n"]
        for row in Organisation.objects.filter(is_demo=True).order_by().values("kind").annotate(n=Count("pk"))
    }
    lines = [
        _(
            "Organisations: %(associations)s migrant associations, %(ngos)s NGOs, %(partners)s partners in the "
            "countries of origin, %(funders)s funders, %(federations)s federations."
        )
        % {
            "associations": kinds.get(Organisation.Kind.MIGRANT_ASSOCIATION, 0),
            "ngos": kinds.get(Organisation.Kind.NGO, 0),
            "partners": kinds.get(Organisation.Kind.ORIGIN_PARTNER, 0),
            "funders": sum(kinds.get(kind, 0) for kind in Organisation.FUNDER_KINDS),
            "federations": kinds.get(Organisation.Kind.FEDERATION, 0),
        },
    ]
    calls = list(Call.objects.filter(is_demo=True).order_by("opens_at"))
    by_status: dict[int, dict[str, int]] = {}
    for row in Proposal.objects.filter(call__in=calls).order_by().values("call_id", "status").annotate(n=Count("pk")):
        by_status.setdefault(row["call_id"], {})[row["status"]] = row["n"]
    awarded_by_call = dict(
        Award.objects.filter(proposal__call__in=calls)
        .order_by()
        .values("proposal__call_id")
        .annotate(total=Sum("amount_granted"))
        .values_list("proposal__call_id", "total")
    )
    reviews_by_call: dict[int, dict[str, int]] = {}
    for row in (
        Review.objects.filter(proposal__call__in=calls, proposal__status__in=EVALUATION_STATUSES)
        .order_by()
        .values("proposal__call_id", "status")
        .annotate(n=Count("pk"))
    ):
        reviews_by_call.setdefault(row["proposal__call_id"], {})[row["status"]] = row["n"]
    for call in calls:
        statuses = by_status.get(call.pk, {})
        received = sum(n for status, n in statuses.items() if status not in ("draft", "withdrawn"))
        funded = sum(statuses.get(status, 0) for status in Proposal.FUNDED_STATUSES)
        lines.append(
            _(
                "%(code)s (%(status)s): %(received)s proposals received, %(funded)s funded, "
                "€ %(awarded)s awarded of a € %(budget)s budget."
            )
            % {
                "code": call.code,
                "status": call.get_status_display(),
                "received": received,
                "funded": funded,
                "awarded": Decimal(awarded_by_call.get(call.pk) or 0).quantize(Decimal("0.01")),
                "budget": call.budget(),
            }
        )
        counts = ", ".join(
            f"{Proposal.Status(status).label} {statuses[status]}"
            for status in Proposal.Status.values
            if status in statuses
        )
        lines.append("    " + _("Proposals by status: %(counts)s.") % {"counts": counts})
        reviews = reviews_by_call.get(call.pk)
        if reviews:
            lines.append(
                "    "
                + _(
                    "Reviews: %(to_declare)s waiting for the declaration of interest, %(to_score)s to score, "
                    "%(submitted)s submitted."
                )
                % {
                    "to_declare": reviews.get(Review.Status.ASSIGNED, 0),
                    "to_score": reviews.get(Review.Status.NO_CONFLICT, 0),
                    "submitted": reviews.get(Review.Status.SUBMITTED, 0),
                }
            )
    for request in (
        ClarificationRequest.objects.filter(proposal__is_demo=True, status=ClarificationRequest.Status.OPEN)
        .select_related("proposal")
        .order_by("deadline", "pk")
    ):
        lines.append(
            _("Request for clarification open on %(protocol)s until %(deadline)s.")
            % {
                "protocol": request.proposal.protocol_number,
                "deadline": timezone.localtime(request.deadline).strftime("%d/%m/%Y %H:%M"),
            }
        )
    lines.append(_("Demo accounts (password “%(password)s”):") % {"password": DEMO_PASSWORD})
    for account in DEMO_ACCOUNTS:
        role, organisation = DEMO_ACCOUNT_ROLES[account.email]
        role_text = str(role) % {"organisation": organisation}
        lines.append(f"  {account.email:<24} {account.full_name} – {role_text}")
    lines.append(_("To try:"))
    lines += [f"  - {step}" for step in DEMO_WALKTHROUGH]
    return lines
