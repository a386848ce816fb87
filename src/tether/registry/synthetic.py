"""Word pools and helpers for synthetic register data, shared by the demo and the generator.

Synthetic LEIs start with the made-up LOU prefix "T3TH": their check digits are valid
(ISO 17442), but no LEI issuer has registered them and they identify no real entity.
"""

import hashlib
import string
from datetime import date
from decimal import Decimal

from tether.registry.choices import OutsourcingType as OT
from tether.registry.validators import lei_with_check_digits

SYNTHETIC_LOU = "T3TH"
_LEI_ALPHABET = string.ascii_uppercase + string.digits

# Rough conversion rates from EUR, so amounts in other currencies stay plausible.
EUR_RATES = {"EUR": Decimal("1"), "USD": Decimal("1.08"), "GBP": Decimal("0.85"),
             "INR": Decimal("90")}
LOCAL_CURRENCY = {"US": "USD", "GB": "GBP", "IN": "INR"}

LEGAL_FORMS = {
    "DE": ("GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG"), "AT": ("GmbH",), "CH": ("AG", "GmbH"),
    "NL": ("B.V.",), "BE": ("BV", "SRL"), "LU": ("S.à r.l.", "S.A."), "FR": ("SAS", "SA"),
    "IE": ("Ltd", "DAC"), "GB": ("Ltd", "Ltd", "plc"), "PL": ("Sp. z o.o.",),
    "CZ": ("s.r.o.",), "SK": ("s.r.o.",), "HU": ("Kft.",), "RO": ("S.R.L.",),
    "BG": ("EOOD", "OOD"), "PT": ("Lda.", "S.A."), "ES": ("S.L.", "S.A."),
    "IT": ("S.r.l.", "S.p.A."), "SE": ("AB",), "DK": ("ApS", "A/S"), "FI": ("Oy",),
    "EE": ("OÜ",), "LT": ("UAB",), "IN": ("Pvt Ltd",), "PH": ("Inc.",), "US": ("Inc.", "LLC"),
}

# Where long-tail providers are established, weighted towards a German customer's market.
COUNTRY_WEIGHTS = {
    "DE": 30, "AT": 4, "NL": 5, "FR": 4, "PL": 7, "CZ": 4, "IE": 4, "GB": 5, "IN": 7, "RO": 4,
    "PT": 3, "ES": 3, "IT": 3, "HU": 2, "SK": 2, "BG": 2, "PH": 2, "US": 3, "SE": 2, "DK": 1,
    "EE": 1, "LT": 1, "BE": 1, "CH": 1,
}

SURNAMES = {
    "DE": ("Maier", "Huber", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Keller",
           "Brandt", "Vogel", "Lehmann", "Krüger", "Wagner", "Schäfer", "Zimmermann", "Hartmann"),
    "AT": ("Gruber", "Pichler", "Steiner", "Moser", "Hofer", "Leitner"),
    "CH": ("Meier", "Baumann", "Frei", "Gerber"),
    "NL": ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Mulder"),
    "BE": ("Peeters", "Janssens", "Maes", "Claes"), "LU": ("Schmit", "Weber"),
    "FR": ("Moreau", "Dubois", "Laurent", "Lefèvre", "Girard", "Bonnet"),
    "IE": ("Murphy", "Walsh", "O'Brien", "Byrne", "Kelly", "Ryan"),
    "GB": ("Smith", "Taylor", "Clarke", "Harris", "Wright", "Hughes", "Baker"),
    "PL": ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski"),
    "CZ": ("Novák", "Dvořák", "Svoboda", "Černý", "Procházka"),
    "SK": ("Horváth", "Kováč", "Varga", "Tóth"), "HU": ("Nagy", "Kovács", "Szabó", "Farkas"),
    "RO": ("Popescu", "Ionescu", "Popa", "Dumitru", "Stan"),
    "BG": ("Ivanov", "Georgiev", "Dimitrov", "Petrov"),
    "PT": ("Silva", "Santos", "Ferreira", "Costa", "Oliveira"),
    "ES": ("García", "Fernández", "López", "Martínez", "Navarro"),
    "IT": ("Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Greco"),
    "SE": ("Andersson", "Johansson", "Lindqvist", "Berg"), "DK": ("Nielsen", "Jensen", "Hansen"),
    "FI": ("Virtanen", "Korhonen"), "EE": ("Tamm", "Saar", "Sepp"),
    "LT": ("Kazlauskas", "Petraitis"),
    "IN": ("Patel", "Sharma", "Reddy", "Iyer", "Menon", "Gupta", "Rao", "Nair"),
    "PH": ("Santos", "Reyes", "Cruz", "Bautista", "Mendoza"),
    "US": ("Miller", "Johnson", "Carter", "Brooks", "Reed", "Hayes"),
}

# Invented brand stems; none is meant to name a real company.
STEMS = (
    "Nordwind", "Altamira", "Brightwater", "Silverline", "Kestrel", "Vantage", "Meridian",
    "Orbis", "Helix", "Lumen", "Polaris", "Cobalt", "Aurelia", "Bluestone", "Cedarpoint",
    "Everhold", "Falkenberg", "Granitex", "Harborview", "Ionix", "Juniper", "Keplera",
    "Lindenhof", "Maritime", "Northgate", "Oakridge", "Pinnacle", "Quarzfeld", "Redwood",
    "Sternberg", "Tidewater", "Unity", "Valora", "Westbrook", "Xenon", "Yellowpine", "Zenith",
    "Adlerhorst", "Baltica", "Carpathia", "Danubia", "Elbtal", "Fjordline", "Gotland",
    "Hanseatic", "Isarwerk", "Jadeport", "Karpat", "Lakeshore", "Moselle", "Nordkap",
    "Odertal", "Pannonia", "Rheinblick", "Saxonia", "Tatra", "Vistula", "Weserland",
    "Alpine Peak", "Blue Harbour", "Clearwater", "Deep Field", "Eastgate", "First Light",
    "Greenfield", "High Street", "Ironbridge", "Kingsway", "Long Acre", "Mill Lane",
)


GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})
GERMAN_WORDS = frozenset({
    "Softwarehaus", "Personalservice", "Treuhand", "Konstruktion", "Präzisionstechnik",
    "Zerspanungstechnik", "CNC Technik", "Metallbau", "Elektronik", "Industrieservice",
    "Service Technik", "Gebäudeservice", "Spedition", "Transport & Logistik",
    "Oberflächentechnik", "Galvanik", "Transporte", "Kurierdienst", "Glasfaser", "Energie",
})


class Sector:
    """A kind of provider: words for its names, what it delivers, how deep in the chain it sits."""

    def __init__(self, key, words, outsourcing_type, services, tier, countries=()):
        self.key, self.words, self.outsourcing_type = key, words, outsourcing_type
        self.services, self.tier = services, tier
        self.countries = countries  # where such firms are typically established; empty: anywhere
        self.english_words = tuple(w for w in words if w not in GERMAN_WORDS) or words


_NEARSHORE = ("DE", "PT", "PL", "RO", "BG", "IE", "PH", "IN", "ES")
_INDUSTRIAL = ("DE", "DE", "DE", "CZ", "PL", "AT", "HU", "SK", "IT")

# Tier orders the subcontracting graph: a provider only subcontracts to a higher tier,
# so the graph can never loop.
SECTORS = {s.key: s for s in (
    Sector("it_services", ("IT Services", "Software", "Digital Solutions", "IT Consulting",
                           "Systems", "Softwarehaus"), OT.ITO,
           ("Application development", "Application maintenance", "IT service desk"), 0),
    Sector("contact", ("Contact Solutions", "Customer Care", "Call Center", "Customer Services"),
           OT.BPO, ("Contact centre", "Complaints handling"), 0, _NEARSHORE),
    Sector("back_office", ("Business Services", "Back Office Services", "Document Services"),
           OT.BPO, ("Mortgage back-office processing", "Document archiving",
                    "Statement printing & mailing"), 0),
    Sector("knowledge", ("Analytics", "Research", "Advisory", "Regulatory Consulting"), OT.KPO,
           ("Data analytics & modelling", "Regulatory reporting", "Credit bureau data"), 0),
    Sector("security", ("Cyber Security", "Security Labs", "Infosec"), OT.ICT_SERVICE,
           ("Security operations centre (SOC)", "Penetration testing"), 0),
    Sector("hr", ("HR Services", "Personalservice", "Staffing", "Payroll Services"), OT.BPO,
           ("Payroll processing", "Temporary staffing", "Recruitment process outsourcing"), 0,
           ("DE", "DE", "AT", "NL", "PL")),
    Sector("finance", ("Accounting", "Treuhand", "Tax Advisory"), OT.KPO,
           ("Accounting & tax services",), 0),
    Sector("marketing", ("Marketing", "Creative Studio", "Media Agency"), OT.KPO,
           ("Marketing agency services",), 0),
    Sector("translation", ("Translations", "Language Services"), OT.KPO,
           ("Technical translation",), 0),
    Sector("engineering", ("Engineering", "Konstruktion", "Design Engineering"), OT.KPO,
           ("Engineering design services",), 0),
    Sector("machining", ("Präzisionstechnik", "Precision Parts", "Zerspanungstechnik",
                         "CNC Technik", "Metallbau", "Components"), OT.MANUFACTURING,
           ("CNC machining", "Sheet metal fabrication"), 0, _INDUSTRIAL),
    Sector("electronics", ("Electronics", "Elektronik", "Cable Systems"), OT.MANUFACTURING,
           ("PCB assembly", "Cable harness assembly"), 0, _INDUSTRIAL),
    Sector("field_service", ("Industrieservice", "Field Services", "Service Technik"), OT.BPO,
           ("Field service & repair", "Spare parts logistics"), 0, _INDUSTRIAL),
    Sector("facility", ("Facility Services", "Gebäudeservice"), OT.BPO,
           ("Facility management",), 0, ("DE",)),
    Sector("logistics", ("Logistics", "Spedition", "Freight", "Transport & Logistik"), OT.BPO,
           ("Freight forwarding", "Warehousing & contract logistics"), 1),
    Sector("coating", ("Oberflächentechnik", "Coatings", "Galvanik"), OT.MANUFACTURING,
           ("Surface treatment & coating",), 1, _INDUSTRIAL),
    Sector("saas", ("Cloud Software", "Apps", "Platforms"), OT.ICT_SERVICE,
           ("CRM platform (SaaS)", "IT service management (SaaS)"), 2),
    Sector("haulage", ("Transporte", "Haulage", "Trucking", "Kurierdienst"), OT.BPO,
           ("Road haulage",), 2, _INDUSTRIAL),
    Sector("hosting", ("Hosting", "Cloud Services", "Datacenter"), OT.ICT_SERVICE,
           ("Managed hosting", "Data centre colocation"), 3),
    Sector("network", ("Networks", "Telecom", "Glasfaser"), OT.ICT_SERVICE,
           ("Network connectivity",), 4, ("DE", "DE", "NL", "IE", "FR", "AT")),
    Sector("power", ("Energie", "Power", "Energy Services"), OT.ICT_SERVICE,
           ("Data centre power supply",), 5, ("DE", "DE", "NL", "IE", "FR")),
)}


def synthetic_lei(seed_text: str) -> str:
    """A valid synthetic LEI derived from `seed_text`: same text, same LEI."""
    number = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:10], "big")
    body = ""
    for _ in range(12):
        number, digit = divmod(number, 36)
        body += _LEI_ALPHABET[digit]
    return lei_with_check_digits(f"{SYNTHETIC_LOU}00{body}")


def random_lei(rng) -> str:
    """A valid synthetic LEI drawn from `rng`."""
    return lei_with_check_digits(f"{SYNTHETIC_LOU}00{''.join(rng.choices(_LEI_ALPHABET, k=12))}")


def company_name(rng, country: str, sector: Sector) -> str:
    """A plausible name for a firm of `sector` in `country`: "Kowalski IT Services Sp. z o.o."."""
    words = sector.words if country in GERMAN_SPEAKING else sector.english_words
    word = rng.choice(words)
    form = rng.choice(LEGAL_FORMS[country])
    surnames = SURNAMES[country]
    pattern = rng.random()
    if pattern < 0.45:
        head = rng.choice(STEMS)
    elif pattern < 0.8 or len(surnames) < 2:
        head = rng.choice(surnames)
    else:
        first, second = rng.sample(surnames, 2)
        head = f"{first} & {second}"
    return f"{head} {word} {form}"


_FORMS_LONGEST_FIRST = sorted({f for forms in LEGAL_FORMS.values() for f in forms},
                              key=len, reverse=True)


def brand_of(name: str) -> str:
    """A company name without its legal form: "Orbis Data Sp. z o.o." -> "Orbis Data"."""
    for form in _FORMS_LONGEST_FIRST:
        if name.endswith(f" {form}"):
            return name[: -len(form) - 1]
    return name


def sector_country(rng, sector: Sector) -> str:
    """A country of establishment typical for `sector`."""
    if sector.countries:
        return rng.choice(sector.countries)
    return rng.choices(list(COUNTRY_WEIGHTS), weights=list(COUNTRY_WEIGHTS.values()))[0]


def convert(amount_eur: Decimal, currency: str) -> Decimal:
    """An amount in EUR expressed in `currency`, rounded to whole hundreds."""
    return (amount_eur * EUR_RATES[currency]).quantize(Decimal("1E2")).quantize(Decimal("0.01"))


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
