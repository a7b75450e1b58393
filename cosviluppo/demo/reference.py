"""The demo's reference data about people and places: the programme's countries, person names,
Milan's quarters and Lombard towns, the associations, NGOs, partners and funders, the demo accounts.

Imports nothing from the rest of the package, so it can be read without loading the demo."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy

from accounts.demo_secret import DEMO_TOTP_SECRET  # noqa: F401 - part of the demo's reference data
from accounts.models import User
from associations.models import Organisation

SEED = 20071115  # the day the first call opened
DEMO_PASSWORD = "demo-cosviluppo"  # noqa: S105 - published in the README on purpose
ROME = ZoneInfo("Europe/Rome")

FICTIONAL_ASSOCIATION = "Associazione fittizia (dati dimostrativi)."
FICTIONAL_ORGANISATION = "Organizzazione fittizia (dati dimostrativi)."
REAL_NAME_DEMO_DATA = "Nome reale, dati dimostrativi: codice fiscale, indirizzo e contatti sono fittizi."


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
