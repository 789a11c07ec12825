"""Demo data for `manage.py seed_demo`: companies, markets, job titles and posting texts.

Every text was written in its own language. The pools of sentences and list items are parallel
across languages (item i means the same in every language), so the postings of a translation group
can use the same picks and read as translations of one another.
"""

from dataclasses import dataclass
from typing import NamedTuple


class DemoCompany(NamedTuple):
    name: str
    domain: str  # served under the reserved .example TLD
    country: str | None  # None: an international firm that hires everywhere
    sector: str = ""  # the field category (healthcare, logistics) it hires for, if any


class Market(NamedTuple):
    """How many postings are written in a language for a country, and in which cities."""

    language: str
    country: str
    count: int
    cities: tuple[str, ...]  # named as the posting's language names them


class Pay(NamedTuple):
    currency: str
    annual: int  # a mid-level tech salary; other families and contracts derive from it
    period: str  # how salaries are usually quoted there: "year" or "month"


class Role(NamedTuple):
    category: str
    titles: dict[str, tuple[str, ...]]  # per language, variants of the same job title


@dataclass(frozen=True)
class Family:
    """Texts for one family of categories: engineers, office jobs or jobs on the floor."""

    role: tuple[str, ...]  # the sentence of the introduction about the role
    duties: tuple[str, ...]
    requirements: tuple[str, ...]  # the first item asks for experience; internships skip it
    nice_to_have: tuple[str, ...]


@dataclass(frozen=True)
class Language:
    intro: tuple[str, ...]  # about the company; placeholders {company} and {city}
    closing: tuple[str, ...]
    families: dict[str, Family]
    internship: str  # put before the title of an internship
    email: str  # local part of the application address


FIELD_CATEGORIES = frozenset({"healthcare", "logistics"})
TECH_CATEGORIES = frozenset({"software-engineering", "data-ai", "infrastructure"})


def family_of(category: str) -> str:
    if category in TECH_CATEGORIES:
        return "tech"
    return "field" if category in FIELD_CATEGORIES else "office"


COMPANIES: tuple[DemoCompany, ...] = (
    DemoCompany("Northwind Systems", "northwind", None),
    DemoCompany("Helix Cloud", "helixcloud", None),
    DemoCompany("Orbital Payments", "orbitalpay", None),
    DemoCompany("Brightpath Software", "brightpath", None),
    DemoCompany("Quanta Analytics", "quanta", None),
    DemoCompany("Lumen Health Group", "lumenhealth", None, "healthcare"),
    DemoCompany("Cargoline Logistics", "cargoline", None, "logistics"),
    DemoCompany("Vantage Retail Group", "vantageretail", None, "logistics"),
    DemoCompany("Atelier Lovelace", "atelier-lovelace", "FR"),
    DemoCompany("Groupe Vauban Santé", "vauban-sante", "FR", "healthcare"),
    DemoCompany("Transports Garonne", "transports-garonne", "FR", "logistics"),
    DemoCompany("Spreewerk Software GmbH", "spreewerk", "DE"),
    DemoCompany("Alpenblick Kliniken", "alpenblick-kliniken", "DE", "healthcare"),
    DemoCompany("Hanse Logistik AG", "hanse-logistik", "DE", "logistics"),
    DemoCompany("Donauwelle Technologies", "donauwelle", "AT"),
    DemoCompany("Léman Fintech SA", "leman-fintech", "CH"),
    DemoCompany("Gotthard Medtech AG", "gotthard-medtech", "CH"),
    DemoCompany("Moselle Fund Services", "moselle-funds", "LU"),
    DemoCompany("Brabant Data", "brabant-data", "BE"),
    DemoCompany("Escaut Logistics", "escaut-logistics", "BE", "logistics"),
    DemoCompany("Polder Cloud", "poldercloud", "NL"),
    DemoCompany("Zuiderzee Zorggroep", "zuiderzee-zorg", "NL", "healthcare"),
    DemoCompany("Mediterránea Software", "mediterranea", "ES"),
    DemoCompany("Logística Ibérica", "logistica-iberica", "ES", "logistics"),
    DemoCompany("Navigli Software", "navigli", "IT"),
    DemoCompany("Arno Sanità", "arno-sanita", "IT", "healthcare"),
    DemoCompany("Mazowsze Software", "mazowsze", "PL"),
    DemoCompany("Pomorze Logistyka", "pomorze-logistyka", "PL", "logistics"),
    DemoCompany("Tejo Digital", "tejo-digital", "PT"),
    DemoCompany("Ipê Pagamentos", "ipe-pagamentos", "BR"),
    DemoCompany("Cerrado Saúde", "cerrado-saude", "BR", "healthcare"),
    DemoCompany("Nopal Tecnologías", "nopal", "MX"),
    DemoCompany("Pampa Labs", "pampalabs", "AR"),
    DemoCompany("Cordillera Cloud", "cordillera", "CL"),
    DemoCompany("Thames Analytics", "thames-analytics", "GB"),
    DemoCompany("Pennine Health Partners", "pennine-health", "GB", "healthcare"),
    DemoCompany("Liffey Payments", "liffey", "IE"),
    DemoCompany("Prairie Robotics", "prairie-robotics", "US"),
    DemoCompany("Maple Ridge Software", "mapleridge", "CA"),
    DemoCompany("Assurances Saint-Laurent", "saint-laurent", "CA"),
    DemoCompany("Wattle Logistics", "wattle", "AU", "logistics"),
    DemoCompany("Öresund Energy", "oresund", "SE"),
)

PAY: dict[str, Pay] = {
    "AR": Pay("USD", 42_000, "month"),  # tech salaries there are quoted in dollars
    "AT": Pay("EUR", 58_000, "year"),
    "AU": Pay("AUD", 120_000, "year"),
    "BE": Pay("EUR", 55_000, "year"),
    "BR": Pay("BRL", 150_000, "month"),
    "CA": Pay("CAD", 100_000, "year"),
    "CH": Pay("CHF", 115_000, "year"),
    "CL": Pay("CLP", 36_000_000, "month"),
    "CO": Pay("COP", 120_000_000, "month"),
    "DE": Pay("EUR", 65_000, "year"),
    "DK": Pay("DKK", 690_000, "month"),
    "ES": Pay("EUR", 40_000, "year"),
    "FR": Pay("EUR", 50_000, "year"),
    "GB": Pay("GBP", 60_000, "year"),
    "IE": Pay("EUR", 65_000, "year"),
    "IT": Pay("EUR", 40_000, "year"),
    "LU": Pay("EUR", 70_000, "year"),
    "MX": Pay("MXN", 600_000, "month"),
    "NL": Pay("EUR", 60_000, "year"),
    "PL": Pay("PLN", 180_000, "month"),
    "PT": Pay("EUR", 32_000, "year"),
    "SE": Pay("SEK", 660_000, "month"),
    "US": Pay("USD", 125_000, "year"),
}

# The real skew: English almost everywhere and most of all; each other language in the
# countries (and, in Switzerland, Belgium and Canada, the regions) that write in it.
MARKETS: tuple[Market, ...] = (
    Market(
        "en",
        "GB",
        33,
        (
            "London",
            "Manchester",
            "Edinburgh",
            "Bristol",
            "Leeds",
            "Birmingham",
            "Glasgow",
            "Cambridge",
        ),
    ),
    Market(
        "en",
        "US",
        27,
        (
            "New York",
            "San Francisco",
            "Austin",
            "Seattle",
            "Boston",
            "Chicago",
            "Denver",
        ),
    ),
    Market("en", "IE", 10, ("Dublin", "Cork", "Galway", "Limerick")),
    Market("en", "DE", 10, ("Berlin", "Munich", "Hamburg", "Frankfurt")),
    Market("en", "NL", 9, ("Amsterdam", "Rotterdam", "Utrecht", "Eindhoven")),
    Market("en", "CA", 8, ("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa")),
    Market("en", "AU", 7, ("Sydney", "Melbourne", "Brisbane", "Perth")),
    Market("en", "ES", 5, ("Barcelona", "Madrid", "Valencia", "Málaga")),
    Market("en", "PL", 5, ("Warsaw", "Krakow", "Wroclaw", "Gdansk")),
    Market("en", "SE", 4, ("Stockholm", "Gothenburg", "Malmö")),
    Market("en", "FR", 4, ("Paris", "Lyon")),
    Market("en", "PT", 4, ("Lisbon", "Porto")),
    Market("en", "DK", 3, ("Copenhagen", "Aarhus")),
    Market("en", "CH", 3, ("Zurich", "Geneva", "Basel")),
    Market("en", "BE", 2, ("Brussels", "Antwerp")),
    Market("en", "LU", 2, ("Luxembourg",)),
    Market(
        "de",
        "DE",
        46,
        (
            "Berlin",
            "München",
            "Hamburg",
            "Köln",
            "Frankfurt am Main",
            "Stuttgart",
            "Düsseldorf",
            "Leipzig",
            "Dresden",
            "Nürnberg",
        ),
    ),
    Market("de", "AT", 10, ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck")),
    Market("de", "CH", 10, ("Zürich", "Bern", "Basel", "Luzern", "St. Gallen", "Winterthur")),
    Market("de", "LU", 2, ("Luxemburg",)),
    Market(
        "fr",
        "FR",
        40,
        (
            "Paris",
            "Lyon",
            "Marseille",
            "Toulouse",
            "Nantes",
            "Bordeaux",
            "Lille",
            "Rennes",
            "Strasbourg",
            "Montpellier",
        ),
    ),
    Market("fr", "BE", 8, ("Bruxelles", "Liège", "Namur", "Charleroi", "Mons")),
    Market("fr", "CH", 6, ("Genève", "Lausanne", "Neuchâtel", "Fribourg", "Sion")),
    Market("fr", "CA", 6, ("Montréal", "Québec", "Gatineau", "Sherbrooke")),
    Market("fr", "LU", 3, ("Luxembourg", "Esch-sur-Alzette")),
    Market(
        "es",
        "ES",
        24,
        (
            "Madrid",
            "Barcelona",
            "Valencia",
            "Sevilla",
            "Bilbao",
            "Málaga",
            "Zaragoza",
        ),
    ),
    Market("es", "MX", 9, ("Ciudad de México", "Guadalajara", "Monterrey", "Querétaro")),
    Market("es", "AR", 5, ("Buenos Aires", "Córdoba", "Rosario", "Mendoza")),
    Market("es", "CO", 4, ("Bogotá", "Medellín", "Cali")),
    Market("es", "CL", 3, ("Santiago", "Valparaíso", "Concepción")),
    Market(
        "it",
        "IT",
        22,
        (
            "Milano",
            "Roma",
            "Torino",
            "Bologna",
            "Firenze",
            "Napoli",
            "Padova",
            "Verona",
        ),
    ),
    Market("it", "CH", 3, ("Lugano", "Bellinzona", "Locarno")),
    Market(
        "nl",
        "NL",
        18,
        (
            "Amsterdam",
            "Rotterdam",
            "Utrecht",
            "Den Haag",
            "Eindhoven",
            "Groningen",
        ),
    ),
    Market("nl", "BE", 7, ("Antwerpen", "Gent", "Leuven", "Brussel", "Hasselt")),
    Market(
        "pl",
        "PL",
        14,
        (
            "Warszawa",
            "Kraków",
            "Wrocław",
            "Gdańsk",
            "Poznań",
            "Łódź",
            "Katowice",
        ),
    ),
    Market(
        "pt",
        "BR",
        8,
        (
            "São Paulo",
            "Belo Horizonte",
            "Curitiba",
            "Campinas",
            "Florianópolis",
            "Recife",
            "Porto Alegre",
        ),
    ),
    Market("pt", "PT", 6, ("Lisboa", "Braga", "Coimbra", "Aveiro")),
)

# Jobs written in several languages: a country, and the city as each language names it.
TRANSLATED: tuple[tuple[str, dict[str, str]], ...] = (
    ("CH", {"fr": "Genève", "de": "Genf"}),
    ("CH", {"de": "Zürich", "fr": "Zurich", "it": "Zurigo"}),
    ("CH", {"de": "Basel", "en": "Basel"}),
    ("BE", {"nl": "Brussel", "fr": "Bruxelles"}),
    ("BE", {"nl": "Antwerpen", "fr": "Anvers", "en": "Antwerp"}),
    ("CA", {"en": "Montreal", "fr": "Montréal"}),
    ("LU", {"fr": "Luxembourg", "de": "Luxemburg", "en": "Luxembourg"}),
    ("LU", {"fr": "Esch-sur-Alzette", "en": "Esch-sur-Alzette"}),
    ("NL", {"nl": "Amsterdam", "en": "Amsterdam"}),
    ("DE", {"de": "München", "en": "Munich"}),
    ("PL", {"pl": "Kraków", "en": "Krakow"}),
    ("PT", {"pt": "Lisboa", "en": "Lisbon"}),
    ("ES", {"es": "Barcelona", "en": "Barcelona"}),
    ("IT", {"it": "Milano", "en": "Milan"}),
    ("FR", {"fr": "Paris", "en": "Paris"}),
)

ROLES: tuple[Role, ...] = (
    Role(
        "software-engineering",
        {
            "en": ("Backend Developer (Python)", "Python Backend Engineer"),
            "fr": ("Développeur backend Python (H/F)", "Développeuse backend Python"),
            "de": (
                "Backend-Entwickler Python (m/w/d)",
                "Softwareentwicklerin Backend – Python (m/w/d)",
            ),
            "es": ("Desarrollador backend Python", "Desarrolladora backend Python"),
            "it": ("Sviluppatore backend Python", "Sviluppatrice backend Python"),
            "nl": ("Backend developer Python", "Python-ontwikkelaar"),
            "pl": ("Programista Python (backend)", "Programistka Python (backend)"),
            "pt": ("Desenvolvedor backend Python", "Programador backend Python"),
        },
    ),
    Role(
        "software-engineering",
        {
            "en": ("Full-Stack Developer", "Full-Stack Engineer"),
            "fr": ("Développeur full-stack (H/F)", "Développeuse full-stack"),
            "de": ("Full-Stack-Entwickler (m/w/d)", "Full-Stack-Entwicklerin (m/w/d)"),
            "es": ("Desarrollador full stack", "Desarrolladora full stack"),
            "it": ("Sviluppatore full stack", "Full stack developer"),
            "nl": ("Full-stack developer", "Full-stack ontwikkelaar"),
            "pl": ("Programista full-stack", "Full-stack developer"),
            "pt": ("Desenvolvedor full stack", "Programadora full stack"),
        },
    ),
    Role(
        "software-engineering",
        {
            "en": ("Java Developer", "Java Software Engineer"),
            "fr": ("Ingénieur logiciel Java (H/F)", "Développeur Java"),
            "de": ("Entwickler Java (m/w/d)", "Java-Softwareentwicklerin (m/w/d)"),
            "es": ("Ingeniero de software Java", "Desarrollador Java"),
            "it": ("Sviluppatore Java", "Ingegnere del software Java"),
            "nl": ("Java-ontwikkelaar", "Java developer"),
            "pl": ("Programista Java", "Inżynier oprogramowania Java"),
            "pt": ("Engenheiro de software Java", "Programador Java"),
        },
    ),
    Role(
        "software-engineering",
        {
            "en": ("Frontend Developer (React)", "React Frontend Engineer"),
            "fr": ("Développeur frontend React (H/F)", "Développeuse frontend React"),
            "de": ("Frontend-Entwickler React (m/w/d)", "Frontend-Entwicklerin React (m/w/d)"),
            "es": ("Desarrollador frontend React", "Desarrolladora frontend React"),
            "it": ("Sviluppatore frontend React", "Sviluppatrice frontend React"),
            "nl": ("Frontend developer React", "React-ontwikkelaar"),
            "pl": ("Programista frontend (React)", "Frontend developer React"),
            "pt": ("Desenvolvedor front-end React", "Programadora front-end React"),
        },
    ),
    Role(
        "data-ai",
        {
            "en": ("Data Engineer",),
            "fr": ("Data engineer (H/F)", "Ingénieur data"),
            "de": ("Data Engineer (m/w/d)",),
            "es": ("Ingeniero de datos", "Data engineer"),
            "it": ("Data engineer",),
            "nl": ("Data engineer",),
            "pl": ("Inżynier danych", "Data engineer"),
            "pt": ("Engenheiro de dados", "Data engineer"),
        },
    ),
    Role(
        "data-ai",
        {
            "en": ("Data Analyst",),
            "fr": ("Analyste de données (H/F)", "Data analyst"),
            "de": ("Datenanalyst (m/w/d)", "Datenanalystin (m/w/d)"),
            "es": ("Analista de datos",),
            "it": ("Analista dati", "Data analyst"),
            "nl": ("Data-analist",),
            "pl": ("Analityk danych", "Analityczka danych"),
            "pt": ("Analista de dados",),
        },
    ),
    Role(
        "data-ai",
        {
            "en": ("Machine Learning Engineer",),
            "fr": ("Ingénieur machine learning (H/F)", "Ingénieure machine learning"),
            "de": ("Machine Learning Engineer (m/w/d)",),
            "es": ("Ingeniero de machine learning", "Ingeniera de machine learning"),
            "it": ("Machine learning engineer",),
            "nl": ("Machine learning engineer",),
            "pl": ("Inżynier uczenia maszynowego", "Machine learning engineer"),
            "pt": ("Engenheiro de machine learning",),
        },
    ),
    Role(
        "infrastructure",
        {
            "en": ("DevOps Engineer", "Site Reliability Engineer"),
            "fr": ("Ingénieur DevOps (H/F)", "Ingénieure DevOps"),
            "de": ("DevOps Engineer (m/w/d)",),
            "es": ("Ingeniero DevOps", "Ingeniera DevOps"),
            "it": ("DevOps engineer", "Ingegnere DevOps"),
            "nl": ("DevOps engineer",),
            "pl": ("Inżynier DevOps", "DevOps engineer"),
            "pt": ("Engenheiro DevOps", "Engenheira DevOps"),
        },
    ),
    Role(
        "infrastructure",
        {
            "en": ("Linux System Administrator",),
            "fr": ("Administrateur systèmes Linux (H/F)", "Administratrice systèmes Linux"),
            "de": ("Linux-Systemadministrator (m/w/d)", "Systemadministratorin Linux (m/w/d)"),
            "es": ("Administrador de sistemas Linux",),
            "it": ("Sistemista Linux",),
            "nl": ("Linux-systeembeheerder",),
            "pl": ("Administrator systemów Linux",),
            "pt": ("Administrador de sistemas Linux",),
        },
    ),
    Role(
        "design",
        {
            "en": ("Product Designer (UX/UI)",),
            "fr": ("Designer produit UX/UI (H/F)",),
            "de": ("UX/UI-Designer (m/w/d)", "Produktdesignerin UX/UI (m/w/d)"),
            "es": ("Diseñador UX/UI", "Diseñadora de producto UX/UI"),
            "it": ("Product designer UX/UI", "Designer UX/UI"),
            "nl": ("UX/UI-designer", "Productontwerper UX/UI"),
            "pl": ("Projektant UX/UI", "Projektantka UX/UI"),
            "pt": ("Designer de produto UX/UI", "UX/UI designer"),
        },
    ),
    Role(
        "product",
        {
            "en": ("Product Manager",),
            "fr": ("Chef de produit (H/F)", "Product manager"),
            "de": ("Produktmanager (m/w/d)", "Product Owner (m/w/d)"),
            "es": ("Product manager", "Responsable de producto"),
            "it": ("Product manager",),
            "nl": ("Productmanager", "Product owner"),
            "pl": ("Product manager", "Product owner"),
            "pt": ("Gestor de produto", "Product manager"),
        },
    ),
    Role(
        "marketing",
        {
            "en": ("Digital Marketing Manager", "Performance Marketing Specialist"),
            "fr": ("Responsable marketing digital (H/F)", "Chargée de marketing digital"),
            "de": ("Online-Marketing-Manager (m/w/d)", "Performance-Marketing-Managerin (m/w/d)"),
            "es": ("Responsable de marketing digital", "Especialista en marketing digital"),
            "it": ("Responsabile marketing digitale", "Specialista di performance marketing"),
            "nl": ("Online marketeer", "Marketingmanager digitaal"),
            "pl": (
                "Specjalista ds. marketingu internetowego",
                "Specjalistka ds. marketingu cyfrowego",
            ),
            "pt": ("Especialista em marketing digital", "Gestora de marketing digital"),
        },
    ),
    Role(
        "sales",
        {
            "en": ("Account Executive", "Key Account Manager"),
            "fr": ("Commercial grands comptes (H/F)", "Ingénieure commerciale"),
            "de": ("Key Account Manager (m/w/d)", "Vertriebsmitarbeiter im Außendienst (m/w/d)"),
            "es": ("Ejecutivo de cuentas", "Ejecutiva comercial"),
            "it": ("Account manager", "Key account manager"),
            "nl": ("Accountmanager", "Accountmanager buitendienst"),
            "pl": ("Przedstawiciel handlowy", "Key account manager"),
            "pt": ("Executivo de vendas", "Key account manager"),
        },
    ),
    Role(
        "customer-support",
        {
            "en": ("Customer Support Specialist", "Customer Success Associate"),
            "fr": ("Conseiller support client (H/F)", "Conseillère relation client"),
            "de": ("Mitarbeiter Kundenservice (m/w/d)", "Kundenberaterin im Support (m/w/d)"),
            "es": ("Agente de atención al cliente", "Especialista en soporte al cliente"),
            "it": ("Operatore assistenza clienti", "Addetta customer care"),
            "nl": ("Klantenservicemedewerker", "Medewerker klantenservice"),
            "pl": ("Specjalista ds. obsługi klienta", "Konsultantka ds. obsługi klienta"),
            "pt": ("Especialista de customer success", "Assistente de suporte ao cliente"),
        },
    ),
    Role(
        "finance",
        {
            "en": ("Financial Controller",),
            "fr": ("Contrôleur de gestion (H/F)", "Contrôleuse de gestion"),
            "de": ("Controller (m/w/d)",),
            "es": ("Controller financiero", "Analista de control de gestión"),
            "it": ("Controller",),
            "nl": ("Financial controller", "Controller"),
            "pl": ("Kontroler finansowy", "Specjalista ds. controllingu"),
            "pt": ("Controller financeiro",),
        },
    ),
    Role(
        "finance",
        {
            "en": ("Accountant", "Accounts Payable Specialist"),
            "fr": ("Comptable (H/F)", "Comptable fournisseurs"),
            "de": ("Finanzbuchhalter (m/w/d)", "Finanzbuchhalterin (m/w/d)"),
            "es": ("Técnico de contabilidad", "Auxiliar contable"),
            "it": ("Contabile", "Impiegata amministrativo-contabile"),
            "nl": ("Boekhouder", "Medewerker crediteurenadministratie"),
            "pl": ("Księgowy", "Księgowa"),
            "pt": ("Assistente de contabilidade", "Técnica de contabilidade"),
        },
    ),
    Role(
        "healthcare",
        {
            "en": ("Registered Nurse",),
            "fr": ("Infirmier (H/F)", "Infirmière"),
            "de": ("Pflegefachkraft (m/w/d)", "Gesundheits- und Krankenpfleger (m/w/d)"),
            "es": ("Enfermero/a", "Enfermera"),
            "it": ("Infermiere", "Infermiera"),
            "nl": ("Verpleegkundige",),
            "pl": ("Pielęgniarka", "Pielęgniarz"),
            "pt": ("Enfermeiro", "Enfermeira"),
        },
    ),
    Role(
        "healthcare",
        {
            "en": ("Physiotherapist",),
            "fr": ("Masseur-kinésithérapeute (H/F)", "Kinésithérapeute"),
            "de": ("Physiotherapeut (m/w/d)", "Physiotherapeutin (m/w/d)"),
            "es": ("Fisioterapeuta",),
            "it": ("Fisioterapista",),
            "nl": ("Fysiotherapeut",),
            "pl": ("Fizjoterapeuta", "Fizjoterapeutka"),
            "pt": ("Fisioterapeuta",),
        },
    ),
    Role(
        "logistics",
        {
            "en": ("Warehouse Team Leader", "Warehouse Shift Supervisor"),
            "fr": ("Chef d'équipe entrepôt (H/F)", "Responsable d'équipe logistique"),
            "de": ("Schichtleiter Lager (m/w/d)", "Teamleiterin Lager und Versand (m/w/d)"),
            "es": ("Jefe de equipo de almacén", "Responsable de turno de almacén"),
            "it": ("Capoturno di magazzino", "Responsabile di magazzino"),
            "nl": ("Teamleider magazijn", "Ploegleider logistiek"),
            "pl": ("Kierownik zmiany w magazynie", "Brygadzista magazynu"),
            "pt": ("Chefe de turno de armazém", "Supervisor de armazém"),
        },
    ),
    Role(
        "logistics",
        {
            "en": ("Supply Chain Planner",),
            "fr": ("Planificateur supply chain (H/F)", "Approvisionneuse"),
            "de": ("Supply Chain Planner (m/w/d)", "Disponent (m/w/d)"),
            "es": ("Planificador de la cadena de suministro", "Analista de supply chain"),
            "it": ("Pianificatore supply chain", "Supply chain planner"),
            "nl": ("Supply chain planner", "Planner logistiek"),
            "pl": ("Planista łańcucha dostaw", "Specjalista ds. planowania dostaw"),
            "pt": ("Analista de supply chain",),
        },
    ),
)

TEXTS: dict[str, Language] = {
    "en": Language(
        intro=(
            "{company} is growing fast and is strengthening its team in {city}.",
            (
                "At {company}, small autonomous teams own their work from the first idea to the "
                "result, and our office in {city} is no exception."
            ),
            (
                "For more than fifteen years, {company} has helped its customers work better, and "
                "our team in {city} is at the heart of that story."
            ),
            (
                "{company} combines the stability of an established company with the pace of a "
                "start-up, and we are hiring in {city}."
            ),
            (
                "Join {company}: a friendly team in {city}, interesting problems and real room to "
                "grow."
            ),
        ),
        closing=(
            "We offer a competitive salary, flexible working hours and a generous training budget.",
            (
                "You can expect a structured onboarding, regular feedback and colleagues who are "
                "happy to share what they know."
            ),
            (
                "We welcome applications from everyone, whatever their background, age, gender or "
                "disability."
            ),
            (
                "Apply even if you do not tick every box: we care more about potential than about "
                "a perfect CV."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "You will join a cross-functional team of engineers, designers and product "
                        "managers who build and run our platform."
                    ),
                    (
                        "In this role you will design, build and operate services that thousands "
                        "of customers use every day."
                    ),
                    (
                        "You will help us bring our technical foundations up to date while "
                        "continuing to ship new features."
                    ),
                ),
                duties=(
                    "Design, build and maintain reliable, secure and well-tested services",
                    "Take part in code reviews and technical design discussions",
                    (
                        "Work with product managers and designers to turn needs into concrete "
                        "solutions"
                    ),
                    "Monitor, measure and improve the performance of our systems in production",
                    "Automate deployments, tests and recurring tasks",
                    "Document your work and share your knowledge with the team",
                    "Investigate and resolve incidents, and keep them from happening again",
                ),
                requirements=(
                    "At least three years of professional experience in a similar role",
                    (
                        "Solid knowledge of at least one modern programming language, such as "
                        "Python, Java, Go or TypeScript"
                    ),
                    "Experience with relational databases and SQL",
                    "A good understanding of cloud environments, containers and CI/CD",
                    "A degree in computer science or a related field, or equivalent experience",
                    "Good communication skills and a taste for teamwork",
                ),
                nice_to_have=(
                    "Experience with Kubernetes and Terraform",
                    "Contributions to open-source projects",
                    "Knowledge of data processing or machine learning tools",
                    "Experience in a fast-growing company",
                    "Knowledge of security best practices",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "In this role you will work closely with our product, sales and operations "
                        "teams and have a direct impact on our growth."
                    ),
                    (
                        "You will take ownership of an area that matters to our customers and help "
                        "shape how we work as we grow."
                    ),
                    (
                        "You will join a small, experienced team that values clear communication "
                        "and well-founded decisions."
                    ),
                ),
                duties=(
                    "Set and steer the priorities of your area together with management",
                    "Understand the needs of our customers and of the market",
                    "Prepare and present regular reports with clear recommendations",
                    "Work closely with colleagues in product, sales and support",
                    "Keep improving our processes and tools",
                    "Follow key indicators and act when they drift",
                    "Represent the company with customers and partners",
                ),
                requirements=(
                    "At least two years of experience in a similar role",
                    (
                        "A degree in business, economics, design or a related field, or equivalent "
                        "experience"
                    ),
                    "An analytical mind and a structured way of working",
                    "Excellent written and spoken communication skills",
                    "Confident use of common office and collaboration tools",
                    "The ability to run several projects at the same time",
                ),
                nice_to_have=(
                    "Experience in the software or services sector",
                    "Knowledge of a CRM or an ERP system",
                    "Experience with data analysis tools (advanced Excel, SQL)",
                    "A second working language",
                    "Experience working in international teams",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "You will join a committed team where quality, safety and mutual support "
                        "come first."
                    ),
                    (
                        "In this role you will plan your day-to-day work with experienced "
                        "colleagues who will support you from your first week."
                    ),
                    (
                        "Your work directly shapes the experience of the people who rely on us "
                        "every day."
                    ),
                ),
                duties=(
                    "Plan and carry out daily tasks to our quality standards",
                    "Make sure hygiene, safety and quality rules are followed",
                    "Record your activities accurately in our systems",
                    (
                        "Work hand in hand with the other teams and pass on information at every "
                        "shift change"
                    ),
                    "Be the first point of contact for questions and unexpected situations",
                    "Help train and support new colleagues",
                    "Suggest improvements to the way work is planned",
                ),
                requirements=(
                    "A professional qualification in the field",
                    "First experience in a similar position",
                    "Reliability, attention to detail and a sense of responsibility",
                    "Willingness to work shifts, including some weekends",
                    "Good people skills and a calm manner under pressure",
                    "The ability to work well in a team",
                ),
                nice_to_have=(
                    "Experience at a large employer",
                    "A valid driving licence",
                    "Confidence with everyday computer tools",
                    "First aid training",
                    "Experience training or coaching others",
                ),
            ),
        },
        internship="Internship: ",
        email="careers",
    ),
    "fr": Language(
        intro=(
            "{company} connaît une forte croissance et renforce son équipe à {city}.",
            (
                "Chez {company}, de petites équipes autonomes portent leurs projets de l'idée au "
                "résultat, et notre bureau de {city} ne fait pas exception."
            ),
            (
                "Depuis plus de quinze ans, {company} aide ses clients à mieux travailler, et "
                "notre équipe de {city} est au cœur de cette histoire."
            ),
            (
                "{company} allie la stabilité d'une entreprise établie au rythme d'une start-up, "
                "et nous recrutons à {city}."
            ),
            (
                "Rejoignez {company} : une équipe bienveillante à {city}, des sujets passionnants "
                "et une vraie marge de progression."
            ),
        ),
        closing=(
            (
                "Nous offrons une rémunération attractive, des horaires flexibles et un budget de "
                "formation généreux."
            ),
            (
                "Vous bénéficierez d'une intégration structurée, de retours réguliers et de "
                "collègues heureux de partager leur savoir."
            ),
            (
                "Nous accueillons toutes les candidatures, quels que soient l'origine, l'âge, le "
                "genre ou le handicap."
            ),
            (
                "Postulez même si vous ne cochez pas toutes les cases : le potentiel compte plus "
                "pour nous qu'un CV parfait."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Vous rejoindrez une équipe pluridisciplinaire de développeurs, de "
                        "designers et de product managers qui conçoit et exploite notre "
                        "plateforme."
                    ),
                    (
                        "Dans ce poste, vous concevrez, développerez et exploiterez des services "
                        "utilisés chaque jour par des milliers de clients."
                    ),
                    (
                        "Vous nous aiderez à moderniser nos fondations techniques tout en "
                        "continuant à livrer de nouvelles fonctionnalités."
                    ),
                ),
                duties=(
                    (
                        "Concevoir, développer et maintenir des services fiables, sécurisés et "
                        "bien testés"
                    ),
                    "Participer aux revues de code et aux discussions de conception technique",
                    (
                        "Travailler avec les product managers et les designers pour transformer "
                        "les besoins en solutions concrètes"
                    ),
                    (
                        "Surveiller, mesurer et améliorer les performances de nos systèmes en "
                        "production"
                    ),
                    "Automatiser les déploiements, les tests et les tâches récurrentes",
                    "Documenter votre travail et partager vos connaissances avec l'équipe",
                    "Analyser et résoudre les incidents, et éviter qu'ils ne se reproduisent",
                ),
                requirements=(
                    "Au moins trois ans d'expérience professionnelle sur un poste similaire",
                    (
                        "Une solide maîtrise d'au moins un langage moderne, comme Python, Java, Go "
                        "ou TypeScript"
                    ),
                    "Une expérience des bases de données relationnelles et de SQL",
                    (
                        "Une bonne compréhension des environnements cloud, des conteneurs et de la "
                        "CI/CD"
                    ),
                    (
                        "Un diplôme en informatique ou dans un domaine proche, ou une expérience "
                        "équivalente"
                    ),
                    "De bonnes qualités de communication et le goût du travail en équipe",
                ),
                nice_to_have=(
                    "Une expérience de Kubernetes et de Terraform",
                    "Des contributions à des projets open source",
                    "Une connaissance des outils de traitement de données ou de machine learning",
                    "Une expérience dans une entreprise en forte croissance",
                    "Une connaissance des bonnes pratiques de sécurité",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "Dans ce poste, vous travaillerez en étroite collaboration avec nos "
                        "équipes produit, commerciales et opérationnelles, avec un impact direct "
                        "sur notre croissance."
                    ),
                    (
                        "Vous prendrez en charge un domaine essentiel pour nos clients et "
                        "contribuerez à faire évoluer nos façons de travailler."
                    ),
                    (
                        "Vous rejoindrez une petite équipe expérimentée qui privilégie une "
                        "communication claire et des décisions bien fondées."
                    ),
                ),
                duties=(
                    "Définir et piloter les priorités de votre domaine avec la direction",
                    "Analyser les besoins de nos clients et du marché",
                    (
                        "Préparer et présenter des rapports réguliers accompagnés de "
                        "recommandations claires"
                    ),
                    (
                        "Travailler en étroite collaboration avec les équipes produit, "
                        "commerciales et support"
                    ),
                    "Améliorer en continu nos processus et nos outils",
                    "Suivre les indicateurs clés et agir lorsqu'ils dérivent",
                    "Représenter l'entreprise auprès des clients et des partenaires",
                ),
                requirements=(
                    "Au moins deux ans d'expérience sur un poste similaire",
                    (
                        "Un diplôme en commerce, en économie, en design ou dans un domaine proche, "
                        "ou une expérience équivalente"
                    ),
                    "Un esprit d'analyse et une méthode de travail structurée",
                    "D'excellentes capacités de communication écrite et orale",
                    "Une bonne maîtrise des outils bureautiques et collaboratifs courants",
                    "La capacité de mener plusieurs projets de front",
                ),
                nice_to_have=(
                    "Une expérience dans le secteur du logiciel ou des services",
                    "La connaissance d'un CRM ou d'un ERP",
                    "Une pratique des outils d'analyse de données (Excel avancé, SQL)",
                    "Une deuxième langue de travail",
                    "Une expérience au sein d'équipes internationales",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Vous rejoindrez une équipe engagée où la qualité, la sécurité et "
                        "l'entraide passent avant tout."
                    ),
                    (
                        "Dans ce poste, vous organiserez votre travail au quotidien avec des "
                        "collègues expérimentés qui vous accompagneront dès la première semaine."
                    ),
                    (
                        "Votre travail façonne directement l'expérience des personnes qui comptent "
                        "sur nous chaque jour."
                    ),
                ),
                duties=(
                    "Organiser et réaliser les tâches quotidiennes selon nos standards de qualité",
                    "Veiller au respect des règles d'hygiène, de sécurité et de qualité",
                    "Consigner vos activités avec précision dans nos systèmes",
                    (
                        "Travailler main dans la main avec les autres équipes et transmettre les "
                        "informations à chaque relève"
                    ),
                    "Être le premier interlocuteur pour les questions et les imprévus",
                    "Contribuer à la formation et à l'accompagnement des nouveaux collègues",
                    "Proposer des améliorations dans l'organisation du travail",
                ),
                requirements=(
                    "Un diplôme reconnu dans le domaine",
                    "Une première expérience sur un poste similaire",
                    "Fiabilité, rigueur et sens des responsabilités",
                    (
                        "Disponibilité pour travailler en horaires décalés, y compris certains "
                        "week-ends"
                    ),
                    "Un bon relationnel et du calme en situation de stress",
                    "La capacité de bien travailler en équipe",
                ),
                nice_to_have=(
                    "Une expérience dans une grande structure",
                    "Le permis B",
                    "La maîtrise des outils informatiques courants",
                    "Une formation aux premiers secours",
                    "Une expérience en formation ou en tutorat",
                ),
            ),
        },
        internship="Stage – ",
        email="recrutement",
    ),
    "de": Language(
        intro=(
            "{company} wächst stark und verstärkt das Team in {city}.",
            (
                "Bei {company} verantworten kleine, eigenständige Teams ihre Arbeit von der ersten "
                "Idee bis zum Ergebnis – auch an unserem Standort {city}."
            ),
            (
                "Seit über fünfzehn Jahren hilft {company} Kundinnen und Kunden, besser zu "
                "arbeiten – und unser Team in {city} steht im Mittelpunkt dieser Geschichte."
            ),
            (
                "{company} verbindet die Stabilität eines etablierten Unternehmens mit dem Tempo "
                "eines Start-ups, und wir stellen in {city} ein."
            ),
            (
                "Willkommen bei {company}: ein herzliches Team in {city}, spannende Aufgaben und "
                "echte Entwicklungsmöglichkeiten."
            ),
        ),
        closing=(
            (
                "Wir bieten ein attraktives Gehalt, flexible Arbeitszeiten und ein großzügiges "
                "Weiterbildungsbudget."
            ),
            (
                "Sie erwartet eine strukturierte Einarbeitung, regelmäßiges Feedback und "
                "Kolleginnen und Kollegen, die ihr Wissen gern teilen."
            ),
            (
                "Wir freuen uns über alle Bewerbungen, unabhängig von Herkunft, Alter, Geschlecht "
                "oder Behinderung."
            ),
            (
                "Bewerben Sie sich auch, wenn Sie nicht jedes Kriterium erfüllen: Potenzial ist "
                "uns wichtiger als ein perfekter Lebenslauf."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Sie werden Teil eines interdisziplinären Teams aus Engineering, Design "
                        "und Produktmanagement, das unsere Plattform entwickelt und betreibt."
                    ),
                    (
                        "In dieser Rolle konzipieren, entwickeln und betreiben Sie Dienste, die "
                        "täglich von Tausenden Kundinnen und Kunden genutzt werden."
                    ),
                    (
                        "Sie helfen uns, unsere technische Basis zu modernisieren, und liefern "
                        "dabei weiterhin neue Funktionen."
                    ),
                ),
                duties=(
                    (
                        "Konzeption, Entwicklung und Wartung zuverlässiger, sicherer und gut "
                        "getesteter Dienste"
                    ),
                    "Mitwirkung an Code-Reviews und technischen Designdiskussionen",
                    (
                        "Enge Zusammenarbeit mit Produktmanagement und Design, um Anforderungen in "
                        "konkrete Lösungen umzusetzen"
                    ),
                    (
                        "Überwachung, Messung und Verbesserung der Performance unserer Systeme im "
                        "Produktivbetrieb"
                    ),
                    "Automatisierung von Deployments, Tests und wiederkehrenden Aufgaben",
                    "Dokumentation Ihrer Arbeit und Wissensaustausch im Team",
                    (
                        "Analyse und Behebung von Störungen sowie Maßnahmen gegen ihr erneutes "
                        "Auftreten"
                    ),
                ),
                requirements=(
                    "Mindestens drei Jahre Berufserfahrung in einer vergleichbaren Position",
                    (
                        "Sehr gute Kenntnisse in mindestens einer modernen Programmiersprache wie "
                        "Python, Java, Go oder TypeScript"
                    ),
                    "Erfahrung mit relationalen Datenbanken und SQL",
                    "Gutes Verständnis von Cloud-Umgebungen, Containern und CI/CD",
                    (
                        "Abgeschlossenes Studium der Informatik oder eines verwandten Fachs bzw. "
                        "vergleichbare Erfahrung"
                    ),
                    "Gute Kommunikationsfähigkeit und Freude an der Teamarbeit",
                ),
                nice_to_have=(
                    "Erfahrung mit Kubernetes und Terraform",
                    "Beiträge zu Open-Source-Projekten",
                    "Kenntnisse von Werkzeugen für Datenverarbeitung oder maschinelles Lernen",
                    "Erfahrung in einem schnell wachsenden Unternehmen",
                    "Kenntnisse bewährter Sicherheitspraktiken",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "In dieser Rolle arbeiten Sie eng mit unseren Teams aus Produkt, Vertrieb "
                        "und Operations zusammen und haben direkten Einfluss auf unser Wachstum."
                    ),
                    (
                        "Sie übernehmen Verantwortung für einen Bereich, der für unsere Kundschaft "
                        "zählt, und gestalten mit, wie wir beim Wachsen arbeiten."
                    ),
                    (
                        "Sie verstärken ein kleines, erfahrenes Team, das Wert auf klare "
                        "Kommunikation und fundierte Entscheidungen legt."
                    ),
                ),
                duties=(
                    (
                        "Festlegung und Steuerung der Prioritäten Ihres Bereichs gemeinsam mit der "
                        "Geschäftsleitung"
                    ),
                    "Analyse der Bedürfnisse unserer Kundschaft und des Marktes",
                    "Erstellung und Präsentation regelmäßiger Berichte mit klaren Empfehlungen",
                    "Enge Zusammenarbeit mit den Teams aus Produkt, Vertrieb und Support",
                    "Kontinuierliche Verbesserung unserer Prozesse und Werkzeuge",
                    "Verfolgung der wichtigsten Kennzahlen und Gegensteuern bei Abweichungen",
                    "Vertretung des Unternehmens gegenüber Kunden und Partnern",
                ),
                requirements=(
                    "Mindestens zwei Jahre Erfahrung in einer vergleichbaren Position",
                    (
                        "Abgeschlossenes Studium der Betriebswirtschaft, der "
                        "Wirtschaftswissenschaften, des Designs oder eines verwandten Fachs bzw. "
                        "vergleichbare Erfahrung"
                    ),
                    "Analytisches Denkvermögen und eine strukturierte Arbeitsweise",
                    "Ausgezeichnete schriftliche und mündliche Kommunikationsfähigkeit",
                    "Sicherer Umgang mit gängigen Office- und Kollaborationstools",
                    "Die Fähigkeit, mehrere Projekte gleichzeitig zu steuern",
                ),
                nice_to_have=(
                    "Erfahrung in der Software- oder Dienstleistungsbranche",
                    "Kenntnisse eines CRM- oder ERP-Systems",
                    "Erfahrung mit Werkzeugen zur Datenanalyse (fortgeschrittenes Excel, SQL)",
                    "Eine zweite Arbeitssprache",
                    "Erfahrung in internationalen Teams",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Sie werden Teil eines engagierten Teams, in dem Qualität, Sicherheit und "
                        "gegenseitige Unterstützung an erster Stelle stehen."
                    ),
                    (
                        "In dieser Rolle organisieren Sie Ihren Arbeitsalltag gemeinsam mit "
                        "erfahrenen Kolleginnen und Kollegen, die Sie von der ersten Woche an "
                        "unterstützen."
                    ),
                    (
                        "Ihre Arbeit prägt direkt die Erfahrung der Menschen, die sich jeden Tag "
                        "auf uns verlassen."
                    ),
                ),
                duties=(
                    (
                        "Planung und Durchführung der täglichen Aufgaben nach unseren "
                        "Qualitätsstandards"
                    ),
                    "Einhaltung der Hygiene-, Sicherheits- und Qualitätsvorschriften",
                    "Sorgfältige Dokumentation Ihrer Tätigkeiten in unseren Systemen",
                    (
                        "Enge Zusammenarbeit mit den anderen Teams und Informationsweitergabe bei "
                        "jeder Schichtübergabe"
                    ),
                    "Erste Ansprechperson bei Fragen und unvorhergesehenen Situationen",
                    "Einarbeitung und Begleitung neuer Kolleginnen und Kollegen",
                    "Vorschläge zur Verbesserung der Arbeitsorganisation",
                ),
                requirements=(
                    "Eine anerkannte Ausbildung im jeweiligen Fachgebiet",
                    "Erste Erfahrung in einer vergleichbaren Position",
                    "Zuverlässigkeit, Sorgfalt und Verantwortungsbewusstsein",
                    "Bereitschaft zur Schichtarbeit, auch an einzelnen Wochenenden",
                    "Freundliches Auftreten und Gelassenheit auch unter Druck",
                    "Ausgeprägte Teamfähigkeit",
                ),
                nice_to_have=(
                    "Erfahrung in einer großen Organisation",
                    "Führerschein Klasse B",
                    "Sicherer Umgang mit gängigen EDV-Programmen",
                    "Eine Erste-Hilfe-Ausbildung",
                    "Erfahrung in der Anleitung oder Schulung anderer",
                ),
            ),
        },
        internship="Praktikum: ",
        email="karriere",
    ),
    "es": Language(
        intro=(
            "{company} está creciendo rápidamente y refuerza su equipo en {city}.",
            (
                "En {company}, pequeños equipos autónomos se encargan de su trabajo desde la "
                "primera idea hasta el resultado, y nuestra oficina de {city} no es una excepción."
            ),
            (
                "Desde hace más de quince años, {company} ayuda a sus clientes a trabajar mejor, y "
                "nuestro equipo de {city} está en el centro de esa historia."
            ),
            (
                "{company} combina la estabilidad de una empresa consolidada con el ritmo de una "
                "start-up, y estamos contratando en {city}."
            ),
            (
                "Únete a {company}: un equipo cercano en {city}, retos interesantes y verdaderas "
                "oportunidades de crecimiento."
            ),
        ),
        closing=(
            (
                "Ofrecemos un salario competitivo, horario flexible y un presupuesto generoso para "
                "formación."
            ),
            (
                "Contarás con un proceso de incorporación estructurado, feedback regular y "
                "compañeros dispuestos a compartir lo que saben."
            ),
            (
                "Valoramos todas las candidaturas, sin distinción de origen, edad, género o "
                "discapacidad."
            ),
            (
                "Envíanos tu candidatura aunque no cumplas todos los requisitos: nos importa más "
                "el potencial que un currículum perfecto."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Te incorporarás a un equipo multidisciplinar de ingeniería, diseño y "
                        "producto que construye y opera nuestra plataforma."
                    ),
                    (
                        "En este puesto diseñarás, desarrollarás y operarás servicios que miles de "
                        "clientes utilizan cada día."
                    ),
                    (
                        "Nos ayudarás a modernizar nuestra base técnica sin dejar de entregar "
                        "nuevas funcionalidades."
                    ),
                ),
                duties=(
                    "Diseñar, desarrollar y mantener servicios fiables, seguros y bien probados",
                    "Participar en revisiones de código y en debates de diseño técnico",
                    (
                        "Colaborar con product managers y diseñadores para convertir necesidades "
                        "en soluciones concretas"
                    ),
                    "Supervisar, medir y mejorar el rendimiento de nuestros sistemas en producción",
                    "Automatizar despliegues, pruebas y tareas recurrentes",
                    "Documentar tu trabajo y compartir tus conocimientos con el equipo",
                    "Analizar y resolver incidencias, y evitar que se repitan",
                ),
                requirements=(
                    "Al menos tres años de experiencia profesional en un puesto similar",
                    (
                        "Sólidos conocimientos de al menos un lenguaje moderno, como Python, Java, "
                        "Go o TypeScript"
                    ),
                    "Experiencia con bases de datos relacionales y SQL",
                    "Buen conocimiento de entornos cloud, contenedores y CI/CD",
                    "Titulación en informática o en un campo afín, o experiencia equivalente",
                    "Buenas habilidades de comunicación y gusto por el trabajo en equipo",
                ),
                nice_to_have=(
                    "Experiencia con Kubernetes y Terraform",
                    "Contribuciones a proyectos de código abierto",
                    "Conocimiento de herramientas de procesamiento de datos o de machine learning",
                    "Experiencia en una empresa en fuerte crecimiento",
                    "Conocimiento de buenas prácticas de seguridad",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "En este puesto trabajarás de cerca con nuestros equipos de producto, "
                        "ventas y operaciones, con un impacto directo en nuestro crecimiento."
                    ),
                    (
                        "Asumirás la responsabilidad de un área clave para nuestros clientes y "
                        "ayudarás a definir cómo trabajamos a medida que crecemos."
                    ),
                    (
                        "Te unirás a un equipo pequeño y experimentado que valora la comunicación "
                        "clara y las decisiones bien fundamentadas."
                    ),
                ),
                duties=(
                    "Definir y gestionar las prioridades de tu área junto con la dirección",
                    "Analizar las necesidades de nuestros clientes y del mercado",
                    "Preparar y presentar informes periódicos con recomendaciones claras",
                    "Colaborar estrechamente con los equipos de producto, ventas y soporte",
                    "Mejorar de forma continua nuestros procesos y herramientas",
                    "Hacer seguimiento de los indicadores clave y actuar cuando se desvían",
                    "Representar a la empresa ante clientes y socios",
                ),
                requirements=(
                    "Al menos dos años de experiencia en un puesto similar",
                    (
                        "Titulación en administración de empresas, economía, diseño o un campo "
                        "afín, o experiencia equivalente"
                    ),
                    "Capacidad analítica y una forma de trabajar estructurada",
                    "Excelente comunicación oral y escrita",
                    "Manejo con soltura de las herramientas ofimáticas y colaborativas habituales",
                    "Capacidad para gestionar varios proyectos a la vez",
                ),
                nice_to_have=(
                    "Experiencia en el sector del software o de los servicios",
                    "Conocimiento de algún CRM o ERP",
                    "Experiencia con herramientas de análisis de datos (Excel avanzado, SQL)",
                    "Un segundo idioma de trabajo",
                    "Experiencia trabajando con equipos internacionales",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Te unirás a un equipo comprometido en el que la calidad, la seguridad y "
                        "el apoyo mutuo son lo primero."
                    ),
                    (
                        "En este puesto organizarás tu trabajo diario junto a compañeros con "
                        "experiencia que te acompañarán desde la primera semana."
                    ),
                    (
                        "Tu trabajo influye directamente en la experiencia de las personas que "
                        "confían en nosotros cada día."
                    ),
                ),
                duties=(
                    "Organizar y realizar las tareas diarias según nuestros estándares de calidad",
                    "Velar por el cumplimiento de las normas de higiene, seguridad y calidad",
                    "Registrar tus actividades con precisión en nuestros sistemas",
                    (
                        "Trabajar codo con codo con los demás equipos y transmitir la información "
                        "en cada cambio de turno"
                    ),
                    "Ser el primer punto de contacto ante dudas e imprevistos",
                    "Ayudar a formar y acompañar a los nuevos compañeros",
                    "Proponer mejoras en la organización del trabajo",
                ),
                requirements=(
                    "Titulación reconocida en el ámbito correspondiente",
                    "Experiencia previa en un puesto similar",
                    "Fiabilidad, rigor y sentido de la responsabilidad",
                    "Disponibilidad para trabajar por turnos, incluidos algunos fines de semana",
                    "Buenas habilidades interpersonales y calma en situaciones de presión",
                    "Capacidad para trabajar bien en equipo",
                ),
                nice_to_have=(
                    "Experiencia en una organización grande",
                    "Carné o licencia de conducir",
                    "Manejo de las herramientas informáticas habituales",
                    "Formación en primeros auxilios",
                    "Experiencia en formación o tutoría",
                ),
            ),
        },
        internship="Prácticas: ",
        email="empleo",
    ),
    "it": Language(
        intro=(
            "{company} è in forte crescita e rafforza il proprio team a {city}.",
            (
                "In {company} piccoli team autonomi seguono il proprio lavoro dalla prima idea al "
                "risultato, e la nostra sede di {city} non fa eccezione."
            ),
            (
                "Da oltre quindici anni {company} aiuta i propri clienti a lavorare meglio, e il "
                "nostro team di {city} è al centro di questa storia."
            ),
            (
                "{company} unisce la solidità di un'azienda affermata al ritmo di una start-up, e "
                "stiamo assumendo a {city}."
            ),
            (
                "Entra in {company}: un team affiatato a {city}, sfide interessanti e reali "
                "possibilità di crescita."
            ),
        ),
        closing=(
            (
                "Offriamo una retribuzione competitiva, orari flessibili e un budget generoso per "
                "la formazione."
            ),
            (
                "Ti aspettano un inserimento strutturato, feedback regolari e colleghi felici di "
                "condividere ciò che sanno."
            ),
            (
                "Accogliamo le candidature di tutte le persone, senza distinzione di origine, età, "
                "genere o disabilità."
            ),
            (
                "Candidati anche se non soddisfi tutti i requisiti: per noi conta più il "
                "potenziale di un curriculum perfetto."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Entrerai a far parte di un team multidisciplinare di ingegneria, design e "
                        "prodotto che sviluppa e gestisce la nostra piattaforma."
                    ),
                    (
                        "In questo ruolo progetterai, svilupperai e gestirai servizi utilizzati "
                        "ogni giorno da migliaia di clienti."
                    ),
                    (
                        "Ci aiuterai a modernizzare le nostre basi tecniche continuando a "
                        "rilasciare nuove funzionalità."
                    ),
                ),
                duties=(
                    "Progettare, sviluppare e mantenere servizi affidabili, sicuri e ben testati",
                    "Partecipare alle code review e alle discussioni di design tecnico",
                    (
                        "Collaborare con product manager e designer per trasformare le esigenze in "
                        "soluzioni concrete"
                    ),
                    (
                        "Monitorare, misurare e migliorare le prestazioni dei nostri sistemi in "
                        "produzione"
                    ),
                    "Automatizzare rilasci, test e attività ricorrenti",
                    "Documentare il tuo lavoro e condividere le tue conoscenze con il team",
                    "Analizzare e risolvere gli incidenti, ed evitare che si ripetano",
                ),
                requirements=(
                    "Almeno tre anni di esperienza professionale in un ruolo simile",
                    (
                        "Solida conoscenza di almeno un linguaggio moderno, come Python, Java, Go "
                        "o TypeScript"
                    ),
                    "Esperienza con database relazionali e SQL",
                    "Buona conoscenza degli ambienti cloud, dei container e della CI/CD",
                    "Laurea in informatica o in un ambito affine, o esperienza equivalente",
                    "Buone capacità comunicative e attitudine al lavoro di squadra",
                ),
                nice_to_have=(
                    "Esperienza con Kubernetes e Terraform",
                    "Contributi a progetti open source",
                    "Conoscenza di strumenti di elaborazione dati o di machine learning",
                    "Esperienza in un'azienda in forte crescita",
                    "Conoscenza delle buone pratiche di sicurezza",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "In questo ruolo lavorerai a stretto contatto con i team di prodotto, "
                        "vendite e operations, con un impatto diretto sulla nostra crescita."
                    ),
                    (
                        "Ti occuperai di un'area importante per i nostri clienti e contribuirai a "
                        "definire il nostro modo di lavorare mentre cresciamo."
                    ),
                    (
                        "Entrerai in un team piccolo ed esperto che dà valore a una comunicazione "
                        "chiara e a decisioni ben ponderate."
                    ),
                ),
                duties=(
                    "Definire e gestire le priorità della tua area insieme alla direzione",
                    "Analizzare le esigenze dei nostri clienti e del mercato",
                    "Preparare e presentare report periodici con raccomandazioni chiare",
                    "Collaborare a stretto contatto con i team di prodotto, vendite e assistenza",
                    "Migliorare costantemente i nostri processi e strumenti",
                    "Monitorare gli indicatori chiave e intervenire in caso di scostamenti",
                    "Rappresentare l'azienda presso clienti e partner",
                ),
                requirements=(
                    "Almeno due anni di esperienza in un ruolo simile",
                    (
                        "Laurea in economia, management, design o in un ambito affine, o "
                        "esperienza equivalente"
                    ),
                    "Spirito analitico e metodo di lavoro strutturato",
                    "Ottime capacità di comunicazione scritta e orale",
                    "Padronanza dei comuni strumenti di office automation e collaborazione",
                    "Capacità di gestire più progetti contemporaneamente",
                ),
                nice_to_have=(
                    "Esperienza nel settore del software o dei servizi",
                    "Conoscenza di un CRM o di un ERP",
                    "Esperienza con strumenti di analisi dei dati (Excel avanzato, SQL)",
                    "Una seconda lingua di lavoro",
                    "Esperienza in team internazionali",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Entrerai a far parte di un team motivato in cui qualità, sicurezza e "
                        "sostegno reciproco vengono prima di tutto."
                    ),
                    (
                        "In questo ruolo organizzerai il tuo lavoro quotidiano insieme a colleghi "
                        "esperti che ti affiancheranno fin dalla prima settimana."
                    ),
                    (
                        "Il tuo lavoro incide direttamente sull'esperienza delle persone che ogni "
                        "giorno contano su di noi."
                    ),
                ),
                duties=(
                    (
                        "Organizzare e svolgere le attività quotidiane secondo i nostri standard "
                        "di qualità"
                    ),
                    "Garantire il rispetto delle norme di igiene, sicurezza e qualità",
                    "Registrare con precisione le attività nei nostri sistemi",
                    (
                        "Lavorare fianco a fianco con gli altri team e trasmettere le informazioni "
                        "a ogni cambio turno"
                    ),
                    "Essere il primo punto di riferimento per domande e imprevisti",
                    "Contribuire alla formazione e all'affiancamento dei nuovi colleghi",
                    "Proporre miglioramenti nell'organizzazione del lavoro",
                ),
                requirements=(
                    "Titolo di studio riconosciuto nel settore",
                    "Una prima esperienza in un ruolo simile",
                    "Affidabilità, precisione e senso di responsabilità",
                    "Disponibilità a lavorare su turni, compresi alcuni fine settimana",
                    "Buone capacità relazionali e calma nelle situazioni di pressione",
                    "Capacità di lavorare bene in squadra",
                ),
                nice_to_have=(
                    "Esperienza in una grande organizzazione",
                    "Patente B",
                    "Conoscenza dei principali strumenti informatici",
                    "Formazione di primo soccorso",
                    "Esperienza nella formazione o nel tutoraggio",
                ),
            ),
        },
        internship="Stage: ",
        email="lavoraconnoi",
    ),
    "nl": Language(
        intro=(
            "{company} groeit snel en versterkt het team in {city}.",
            (
                "Bij {company} zijn kleine, zelfstandige teams verantwoordelijk voor hun werk, van "
                "het eerste idee tot het resultaat, ook op ons kantoor in {city}."
            ),
            (
                "Al meer dan vijftien jaar helpt {company} klanten om beter te werken, en ons team "
                "in {city} staat daarbij centraal."
            ),
            (
                "{company} combineert de stabiliteit van een gevestigd bedrijf met het tempo van "
                "een start-up, en we zoeken nieuwe collega's in {city}."
            ),
            (
                "Kom werken bij {company}: een hecht team in {city}, boeiende vraagstukken en "
                "echte groeimogelijkheden."
            ),
        ),
        closing=(
            (
                "We bieden een marktconform salaris, flexibele werktijden en een royaal "
                "opleidingsbudget."
            ),
            (
                "Je kunt rekenen op een gestructureerde inwerkperiode, regelmatige feedback en "
                "collega's die hun kennis graag delen."
            ),
            (
                "We verwelkomen sollicitaties van iedereen, ongeacht achtergrond, leeftijd, gender "
                "of beperking."
            ),
            (
                "Solliciteer ook als je niet aan alle eisen voldoet: potentieel vinden we "
                "belangrijker dan een perfect cv."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Je komt terecht in een multidisciplinair team van engineers, designers en "
                        "productmensen dat ons platform bouwt en beheert."
                    ),
                    (
                        "In deze rol ontwerp, bouw en beheer je diensten die dagelijks door "
                        "duizenden klanten worden gebruikt."
                    ),
                    (
                        "Je helpt ons onze technische basis te moderniseren en blijft tegelijk "
                        "nieuwe functionaliteit opleveren."
                    ),
                ),
                duties=(
                    (
                        "Betrouwbare, veilige en goed geteste diensten ontwerpen, ontwikkelen en "
                        "onderhouden"
                    ),
                    "Deelnemen aan code reviews en technische ontwerpdiscussies",
                    (
                        "Samenwerken met productmanagers en designers om behoeften om te zetten in "
                        "concrete oplossingen"
                    ),
                    "De prestaties van onze systemen in productie bewaken, meten en verbeteren",
                    "Deployments, tests en terugkerende taken automatiseren",
                    "Je werk documenteren en je kennis delen met het team",
                    "Incidenten analyseren en oplossen, en voorkomen dat ze opnieuw gebeuren",
                ),
                requirements=(
                    "Minimaal drie jaar werkervaring in een vergelijkbare functie",
                    (
                        "Gedegen kennis van ten minste één moderne programmeertaal, zoals Python, "
                        "Java, Go of TypeScript"
                    ),
                    "Ervaring met relationele databases en SQL",
                    "Goed begrip van cloudomgevingen, containers en CI/CD",
                    "Een diploma informatica of een verwante richting, of vergelijkbare ervaring",
                    "Goede communicatieve vaardigheden en plezier in samenwerken",
                ),
                nice_to_have=(
                    "Ervaring met Kubernetes en Terraform",
                    "Bijdragen aan opensourceprojecten",
                    "Kennis van tools voor dataverwerking of machine learning",
                    "Ervaring in een snelgroeiend bedrijf",
                    "Kennis van best practices op het gebied van beveiliging",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "In deze rol werk je nauw samen met onze product-, sales- en "
                        "operationsteams en heb je directe invloed op onze groei."
                    ),
                    (
                        "Je wordt eigenaar van een gebied dat belangrijk is voor onze klanten en "
                        "bepaalt mee hoe we werken terwijl we groeien."
                    ),
                    (
                        "Je komt in een klein, ervaren team dat waarde hecht aan heldere "
                        "communicatie en goed onderbouwde beslissingen."
                    ),
                ),
                duties=(
                    "Samen met het management de prioriteiten van je vakgebied bepalen en bewaken",
                    "De behoeften van onze klanten en de markt analyseren",
                    "Regelmatig rapportages opstellen en presenteren met heldere aanbevelingen",
                    "Nauw samenwerken met collega's van product, sales en support",
                    "Onze processen en tools voortdurend verbeteren",
                    "De belangrijkste kpi's volgen en bijsturen waar nodig",
                    "Het bedrijf vertegenwoordigen bij klanten en partners",
                ),
                requirements=(
                    "Minimaal twee jaar ervaring in een vergelijkbare functie",
                    (
                        "Een diploma bedrijfskunde, economie, design of een verwante richting, of "
                        "vergelijkbare ervaring"
                    ),
                    "Een analytische blik en een gestructureerde manier van werken",
                    "Uitstekende mondelinge en schriftelijke communicatieve vaardigheden",
                    "Vaardig met gangbare kantoor- en samenwerkingstools",
                    "Het vermogen om meerdere projecten tegelijk te managen",
                ),
                nice_to_have=(
                    "Ervaring in de software- of dienstensector",
                    "Kennis van een CRM- of ERP-systeem",
                    "Ervaring met data-analysetools (gevorderd Excel, SQL)",
                    "Een tweede werktaal",
                    "Ervaring met internationale teams",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Je komt in een betrokken team waarin kwaliteit, veiligheid en elkaar "
                        "helpen voorop staan."
                    ),
                    (
                        "In deze rol organiseer je je dagelijkse werk samen met ervaren collega's "
                        "die je vanaf de eerste week ondersteunen."
                    ),
                    (
                        "Jouw werk bepaalt direct de ervaring van de mensen die elke dag op ons "
                        "rekenen."
                    ),
                ),
                duties=(
                    "De dagelijkse taken organiseren en uitvoeren volgens onze kwaliteitsnormen",
                    "Toezien op naleving van de hygiëne-, veiligheids- en kwaliteitsregels",
                    "Je werkzaamheden nauwkeurig vastleggen in onze systemen",
                    (
                        "Hand in hand werken met de andere teams en informatie overdragen bij elke "
                        "dienstwissel"
                    ),
                    "Het eerste aanspreekpunt zijn bij vragen en onverwachte situaties",
                    "Nieuwe collega's helpen inwerken en begeleiden",
                    "Verbeteringen voorstellen in de organisatie van het werk",
                ),
                requirements=(
                    "Een erkend diploma in het vakgebied",
                    "Eerste ervaring in een vergelijkbare functie",
                    "Betrouwbaarheid, nauwkeurigheid en verantwoordelijkheidsgevoel",
                    "Bereid om in ploegendiensten te werken, ook in sommige weekenden",
                    "Goede sociale vaardigheden en rust onder druk",
                    "Goed kunnen samenwerken in een team",
                ),
                nice_to_have=(
                    "Ervaring in een grote organisatie",
                    "Rijbewijs B",
                    "Kennis van gangbare computerprogramma's",
                    "Een EHBO-diploma",
                    "Ervaring met het opleiden of coachen van anderen",
                ),
            ),
        },
        internship="Stage: ",
        email="vacatures",
    ),
    "pl": Language(
        intro=(
            "{company} dynamicznie się rozwija i wzmacnia swój zespół w mieście {city}.",
            (
                "W firmie {company} małe, samodzielne zespoły odpowiadają za swoją pracę od "
                "pierwszego pomysłu aż po efekt – tak pracuje również nasze biuro w mieście "
                "{city}."
            ),
            (
                "Od ponad piętnastu lat {company} pomaga klientom pracować lepiej, a nasz zespół w "
                "mieście {city} jest w centrum tej historii."
            ),
            (
                "{company} łączy stabilność uznanej firmy z tempem start-upu – prowadzimy "
                "rekrutację w mieście {city}."
            ),
            (
                "Dołącz do firmy {company}: życzliwy zespół w mieście {city}, ciekawe wyzwania i "
                "realne możliwości rozwoju."
            ),
        ),
        closing=(
            (
                "Oferujemy atrakcyjne wynagrodzenie, elastyczne godziny pracy i hojny budżet "
                "szkoleniowy."
            ),
            (
                "Możesz liczyć na uporządkowany onboarding, regularny feedback i współpracowników, "
                "którzy chętnie dzielą się wiedzą."
            ),
            (
                "Zapraszamy do aplikowania wszystkie osoby, niezależnie od pochodzenia, wieku, "
                "płci czy niepełnosprawności."
            ),
            (
                "Aplikuj, nawet jeśli nie spełniasz wszystkich wymagań: bardziej liczy się dla nas "
                "potencjał niż idealne CV."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Dołączysz do interdyscyplinarnego zespołu inżynierów, projektantów i "
                        "specjalistów ds. produktu, który rozwija i utrzymuje naszą platformę."
                    ),
                    (
                        "Na tym stanowisku będziesz projektować, rozwijać i utrzymywać usługi, z "
                        "których codziennie korzystają tysiące klientów."
                    ),
                    (
                        "Pomożesz nam unowocześnić fundamenty techniczne, jednocześnie "
                        "dostarczając nowe funkcjonalności."
                    ),
                ),
                duties=(
                    (
                        "Projektowanie, rozwój i utrzymanie niezawodnych, bezpiecznych i dobrze "
                        "przetestowanych usług"
                    ),
                    "Udział w code review i dyskusjach o architekturze technicznej",
                    (
                        "Współpraca z product managerami i projektantami przy przekładaniu potrzeb "
                        "na konkretne rozwiązania"
                    ),
                    "Monitorowanie, mierzenie i poprawa wydajności naszych systemów produkcyjnych",
                    "Automatyzacja wdrożeń, testów i powtarzalnych zadań",
                    "Dokumentowanie swojej pracy i dzielenie się wiedzą z zespołem",
                    "Analiza i rozwiązywanie incydentów oraz zapobieganie ich powtarzaniu się",
                ),
                requirements=(
                    "Co najmniej trzy lata doświadczenia zawodowego na podobnym stanowisku",
                    (
                        "Bardzo dobra znajomość co najmniej jednego nowoczesnego języka "
                        "programowania, np. Python, Java, Go lub TypeScript"
                    ),
                    "Doświadczenie w pracy z relacyjnymi bazami danych i SQL",
                    "Dobra znajomość środowisk chmurowych, kontenerów i CI/CD",
                    "Wykształcenie wyższe informatyczne lub pokrewne albo równoważne doświadczenie",
                    "Dobre umiejętności komunikacyjne i chęć pracy zespołowej",
                ),
                nice_to_have=(
                    "Doświadczenie z Kubernetes i Terraform",
                    "Wkład w projekty open source",
                    "Znajomość narzędzi do przetwarzania danych lub uczenia maszynowego",
                    "Doświadczenie w szybko rosnącej firmie",
                    "Znajomość dobrych praktyk bezpieczeństwa",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "Na tym stanowisku będziesz ściśle współpracować z zespołami produktu, "
                        "sprzedaży i operacji, mając bezpośredni wpływ na nasz rozwój."
                    ),
                    (
                        "Przejmiesz odpowiedzialność za obszar ważny dla naszych klientów i "
                        "będziesz współtworzyć sposób naszej pracy w miarę, jak rośniemy."
                    ),
                    (
                        "Dołączysz do małego, doświadczonego zespołu, który ceni jasną komunikację "
                        "i przemyślane decyzje."
                    ),
                ),
                duties=(
                    "Wyznaczanie i realizacja priorytetów swojego obszaru we współpracy z zarządem",
                    "Analiza potrzeb naszych klientów i rynku",
                    "Przygotowywanie i prezentowanie regularnych raportów z jasnymi rekomendacjami",
                    "Ścisła współpraca z zespołami produktu, sprzedaży i wsparcia",
                    "Ciągłe doskonalenie naszych procesów i narzędzi",
                    "Monitorowanie kluczowych wskaźników i reagowanie na odchylenia",
                    "Reprezentowanie firmy wobec klientów i partnerów",
                ),
                requirements=(
                    "Co najmniej dwa lata doświadczenia na podobnym stanowisku",
                    (
                        "Wykształcenie wyższe z zakresu zarządzania, ekonomii, projektowania lub "
                        "pokrewne albo równoważne doświadczenie"
                    ),
                    "Analityczne myślenie i uporządkowany sposób pracy",
                    "Doskonałe umiejętności komunikacji pisemnej i ustnej",
                    "Swobodne korzystanie z popularnych narzędzi biurowych i do współpracy",
                    "Umiejętność prowadzenia kilku projektów jednocześnie",
                ),
                nice_to_have=(
                    "Doświadczenie w branży oprogramowania lub usług",
                    "Znajomość systemu CRM lub ERP",
                    "Doświadczenie z narzędziami do analizy danych (zaawansowany Excel, SQL)",
                    "Znajomość drugiego języka roboczego",
                    "Doświadczenie w pracy w zespołach międzynarodowych",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Dołączysz do zaangażowanego zespołu, w którym jakość, bezpieczeństwo i "
                        "wzajemne wsparcie są najważniejsze."
                    ),
                    (
                        "Na tym stanowisku będziesz organizować codzienną pracę razem z "
                        "doświadczonymi współpracownikami, którzy wesprą Cię od pierwszego "
                        "tygodnia."
                    ),
                    (
                        "Twoja praca ma bezpośredni wpływ na doświadczenia osób, które codziennie "
                        "na nas polegają."
                    ),
                ),
                duties=(
                    (
                        "Organizowanie i wykonywanie codziennych zadań zgodnie z naszymi "
                        "standardami jakości"
                    ),
                    "Dbanie o przestrzeganie zasad higieny, bezpieczeństwa i jakości",
                    "Rzetelne dokumentowanie swoich działań w naszych systemach",
                    (
                        "Ścisła współpraca z innymi zespołami i przekazywanie informacji przy "
                        "każdej zmianie dyżuru"
                    ),
                    "Bycie pierwszą osobą kontaktową w razie pytań i nieprzewidzianych sytuacji",
                    "Pomoc we wdrażaniu i wspieraniu nowych współpracowników",
                    "Proponowanie usprawnień w organizacji pracy",
                ),
                requirements=(
                    "Uznane kwalifikacje w danej dziedzinie",
                    "Pierwsze doświadczenie na podobnym stanowisku",
                    "Rzetelność, dokładność i poczucie odpowiedzialności",
                    "Gotowość do pracy zmianowej, także w niektóre weekendy",
                    "Dobre umiejętności interpersonalne i spokój w sytuacjach stresowych",
                    "Umiejętność dobrej współpracy w zespole",
                ),
                nice_to_have=(
                    "Doświadczenie w dużej organizacji",
                    "Prawo jazdy kat. B",
                    "Znajomość podstawowych narzędzi informatycznych",
                    "Przeszkolenie z pierwszej pomocy",
                    "Doświadczenie w szkoleniu lub wdrażaniu innych",
                ),
            ),
        },
        internship="Staż: ",
        email="rekrutacja",
    ),
    # Worded to read well in Portugal and in Brazil (no "equipa"/"equipe", no clitic placement).
    "pt": Language(
        intro=(
            "{company} vive uma fase de forte crescimento e procura novos talentos em {city}.",
            (
                "Na {company}, pequenos grupos independentes são responsáveis pelo seu trabalho, "
                "da primeira ideia ao resultado, e o nosso escritório de {city} não é exceção."
            ),
            (
                "Há mais de quinze anos, {company} ajuda os seus clientes a trabalhar melhor, e os "
                "nossos profissionais em {city} estão no centro dessa história."
            ),
            (
                "{company} alia a solidez de uma empresa consolidada ao ritmo de uma start-up, e "
                "tem vagas abertas em {city}."
            ),
            (
                "Venha trabalhar na {company}: colegas acolhedores em {city}, desafios "
                "interessantes e reais oportunidades de crescimento."
            ),
        ),
        closing=(
            (
                "Oferecemos um salário competitivo, horário flexível e um orçamento generoso para "
                "formação."
            ),
            (
                "Pode contar com um processo de integração estruturado, feedback regular e colegas "
                "sempre disponíveis para ajudar."
            ),
            "Valorizamos todas as candidaturas, sem qualquer tipo de discriminação.",
            (
                "Candidate-se mesmo que não cumpra todos os requisitos: valorizamos mais o "
                "potencial do que um currículo perfeito."
            ),
        ),
        families={
            "tech": Family(
                role=(
                    (
                        "Vai integrar um grupo multidisciplinar de engenharia, design e produto "
                        "que desenvolve e opera a nossa plataforma."
                    ),
                    (
                        "Nesta função, vai projetar, desenvolver e operar serviços usados "
                        "diariamente por milhares de clientes."
                    ),
                    (
                        "Vai contribuir para modernizar a nossa base técnica, sem deixar de "
                        "entregar novas funcionalidades."
                    ),
                ),
                duties=(
                    "Projetar, desenvolver e manter serviços robustos, seguros e bem testados",
                    "Participar nas revisões de código e nas discussões de arquitetura técnica",
                    (
                        "Colaborar com product managers e designers para transformar necessidades "
                        "em soluções concretas"
                    ),
                    "Acompanhar, medir e melhorar o desempenho dos nossos sistemas em produção",
                    "Automatizar deploys, testes e tarefas recorrentes",
                    "Documentar o seu trabalho e difundir o conhecimento entre os colegas",
                    "Analisar e resolver incidentes, e evitar que se repitam",
                ),
                requirements=(
                    "Experiência profissional de pelo menos três anos em funções semelhantes",
                    (
                        "Conhecimentos sólidos de pelo menos uma linguagem moderna, como Python, "
                        "Java, Go ou TypeScript"
                    ),
                    "Experiência com SQL e com PostgreSQL, MySQL ou semelhantes",
                    "Bom conhecimento de ambientes cloud, Docker e CI/CD",
                    "Formação superior em informática ou área afim, ou experiência equivalente",
                    "Boa capacidade de comunicação e gosto pelo trabalho colaborativo",
                ),
                nice_to_have=(
                    "Experiência com Kubernetes e Terraform",
                    "Contribuições para projetos open source",
                    "Conhecimento de ferramentas de processamento de dados ou de machine learning",
                    "Experiência em empresas em forte crescimento",
                    "Conhecimento de boas práticas de segurança",
                ),
            ),
            "office": Family(
                role=(
                    (
                        "Nesta função, vai trabalhar em estreita colaboração com as áreas de "
                        "produto, vendas e operações, com impacto direto no nosso crescimento."
                    ),
                    (
                        "Vai assumir a responsabilidade por uma área essencial para os nossos "
                        "clientes e ajudar a definir a forma como trabalhamos à medida que "
                        "crescemos."
                    ),
                    (
                        "Vai integrar um grupo pequeno e experiente que valoriza a comunicação "
                        "clara e as decisões bem fundamentadas."
                    ),
                ),
                duties=(
                    "Definir e acompanhar as prioridades da sua área com a direção",
                    "Analisar as necessidades dos nossos clientes e do mercado",
                    "Preparar e apresentar relatórios periódicos com recomendações claras",
                    "Trabalhar em estreita colaboração com as áreas de produto, vendas e suporte",
                    "Melhorar continuamente os nossos processos e ferramentas",
                    "Acompanhar os principais indicadores e agir quando se desviam das metas",
                    "Representar a empresa perante clientes e parceiros",
                ),
                requirements=(
                    "Experiência de pelo menos dois anos em funções semelhantes",
                    (
                        "Formação superior em gestão, economia, design ou área afim, ou "
                        "experiência equivalente"
                    ),
                    "Espírito analítico e uma forma de trabalhar estruturada",
                    "Excelente comunicação oral e escrita",
                    "Domínio das ferramentas habituais de escritório e de colaboração",
                    "Capacidade de conduzir vários projetos ao mesmo tempo",
                ),
                nice_to_have=(
                    "Experiência no setor de software ou de serviços",
                    "Conhecimento de um CRM ou ERP",
                    "Experiência com ferramentas de análise de dados (Excel avançado, SQL)",
                    "Uma segunda língua de trabalho",
                    "Experiência em contextos internacionais",
                ),
            ),
            "field": Family(
                role=(
                    (
                        "Vai integrar um grupo dedicado, em que a qualidade, a segurança e o apoio "
                        "mútuo estão em primeiro lugar."
                    ),
                    (
                        "Nesta função, vai organizar o seu trabalho diário com colegas "
                        "experientes, que darão todo o apoio desde a primeira semana."
                    ),
                    (
                        "O seu trabalho influencia diretamente a experiência das pessoas que "
                        "confiam nos nossos serviços todos os dias."
                    ),
                ),
                duties=(
                    (
                        "Organizar e realizar as tarefas diárias de acordo com os nossos padrões "
                        "de qualidade"
                    ),
                    "Garantir o cumprimento das normas de higiene, segurança e qualidade",
                    "Documentar com rigor as suas atividades nos nossos sistemas",
                    (
                        "Trabalhar lado a lado com as outras áreas e passar as informações a cada "
                        "mudança de turno"
                    ),
                    "Ser a primeira referência para dúvidas e imprevistos",
                    "Ajudar a formar e acompanhar novos colegas",
                    "Propor melhorias na organização do trabalho",
                ),
                requirements=(
                    "Formação reconhecida na área",
                    "Primeira experiência em funções semelhantes",
                    "Rigor, pontualidade e responsabilidade",
                    "Disponibilidade para trabalhar por turnos, incluindo alguns fins de semana",
                    "Boa capacidade de relacionamento e calma em situações de pressão",
                    "Espírito de colaboração",
                ),
                nice_to_have=(
                    "Experiência em grandes organizações",
                    "Carta de condução (ou CNH) válida",
                    "Conhecimento das ferramentas informáticas habituais",
                    "Formação em primeiros socorros",
                    "Experiência em formação ou acompanhamento de colegas",
                ),
            ),
        },
        internship="Estágio: ",
        email="recrutamento",
    ),
}
