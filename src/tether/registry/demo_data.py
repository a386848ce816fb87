"""What the demo portfolio is made of: services, value chains, well-known provider groups, chains.

Company names of real groups are used for illustration only: every relationship, figure and
LEI in the demo is invented.
"""

from typing import NamedTuple

from tether.registry.choices import DataInvolved as D
from tether.registry.choices import OutsourcingType as OT
from tether.registry.choices import PorterArea as PA
from tether.registry.choices import Sourcing as S


class ServiceSpec(NamedTuple):
    name: str
    service_type: str
    data: str
    critical_reason: str = ""  # empty: arrangements for this service are rarely critical


SERVICES = (
    ServiceSpec("Cloud infrastructure (IaaS)", OT.ICT_SERVICE, D.CONFIDENTIAL,
                "Hosts production workloads; an outage stops customer-facing systems."),
    ServiceSpec("Cloud platform services (PaaS)", OT.ICT_SERVICE, D.PERSONAL,
                "Runs the online and mobile banking back end."),
    ServiceSpec("Office productivity suite (SaaS)", OT.ICT_SERVICE, D.CONFIDENTIAL),
    ServiceSpec("CRM platform (SaaS)", OT.ICT_SERVICE, D.PERSONAL),
    ServiceSpec("Core banking software", OT.ICT_SERVICE, D.PERSONAL,
                "Books every account movement; without it no payment or loan can be processed."),
    ServiceSpec("Managed hosting", OT.ITO, D.CONFIDENTIAL,
                "Operates servers of systems that support critical functions."),
    ServiceSpec("Data centre colocation", OT.ICT_SERVICE, D.NONE,
                "Houses the primary data centre; loss means failover to the secondary site."),
    ServiceSpec("Data centre power supply", OT.ICT_SERVICE, D.NONE),
    ServiceSpec("Network connectivity", OT.ICT_SERVICE, D.NONE,
                "Connects branches and data centres; no redundancy at the provider level."),
    ServiceSpec("Content delivery & DDoS protection", OT.ICT_SERVICE, D.NONE),
    ServiceSpec("Card processing", OT.ICT_SERVICE, D.PERSONAL,
                "Authorises every card payment of our customers in real time."),
    ServiceSpec("Card scheme services", OT.ICT_SERVICE, D.PERSONAL,
                "Scheme membership is required to issue cards at all."),
    ServiceSpec("Card production & personalisation", OT.MANUFACTURING, D.PERSONAL),
    ServiceSpec("SEPA payment clearing", OT.ICT_SERVICE, D.PERSONAL,
                "Clears all SEPA credit transfers and direct debits; a payment service."),
    ServiceSpec("Payment messaging (SWIFT)", OT.ICT_SERVICE, D.PERSONAL,
                "Carries cross-border payments and treasury confirmations."),
    ServiceSpec("Payment gateway & acquiring", OT.ICT_SERVICE, D.PERSONAL),
    ServiceSpec("KYC screening", OT.KPO, D.PERSONAL,
                "Sanctions and PEP screening is a legal precondition for onboarding (AML)."),
    ServiceSpec("Video identification", OT.BPO, D.PERSONAL,
                "Identifies new customers remotely; onboarding stops without it."),
    ServiceSpec("Credit bureau data", OT.KPO, D.PERSONAL),
    ServiceSpec("Market data feeds", OT.ICT_SERVICE, D.NONE),
    ServiceSpec("Contact centre", OT.BPO, D.PERSONAL,
                "First line for customer calls, including card blocking around the clock."),
    ServiceSpec("Contact centre platform (CCaaS)", OT.ICT_SERVICE, D.PERSONAL),
    ServiceSpec("Complaints handling", OT.BPO, D.PERSONAL),
    ServiceSpec("Collections & recovery", OT.BPO, D.PERSONAL),
    ServiceSpec("Mortgage back-office processing", OT.BPO, D.PERSONAL),
    ServiceSpec("Statement printing & mailing", OT.BPO, D.PERSONAL),
    ServiceSpec("Document archiving", OT.BPO, D.PERSONAL),
    ServiceSpec("Cash-in-transit & ATM servicing", OT.BPO, D.NONE),
    ServiceSpec("Application development", OT.ITO, D.CONFIDENTIAL),
    ServiceSpec("Application maintenance", OT.ITO, D.CONFIDENTIAL,
                "Keeps systems that support critical functions running (third-level support)."),
    ServiceSpec("IT service desk", OT.ITO, D.PERSONAL),
    ServiceSpec("IT service management (SaaS)", OT.ICT_SERVICE, D.CONFIDENTIAL),
    ServiceSpec("Security operations centre (SOC)", OT.ICT_SERVICE, D.CONFIDENTIAL,
                "Detects and answers security incidents around the clock."),
    ServiceSpec("Penetration testing", OT.KPO, D.CONFIDENTIAL),
    ServiceSpec("Regulatory reporting", OT.KPO, D.CONFIDENTIAL,
                "Produces supervisory reports (COREP/FINREP) due on fixed dates."),
    ServiceSpec("Data analytics & modelling", OT.KPO, D.CONFIDENTIAL),
    ServiceSpec("Payroll processing", OT.BPO, D.PERSONAL),
    ServiceSpec("HR information system (SaaS)", OT.ICT_SERVICE, D.PERSONAL),
    ServiceSpec("Recruitment process outsourcing", OT.BPO, D.PERSONAL),
    ServiceSpec("Temporary staffing", OT.BPO, D.NONE),
    ServiceSpec("Facility management", OT.BPO, D.NONE),
    ServiceSpec("Accounting & tax services", OT.KPO, D.CONFIDENTIAL),
    ServiceSpec("Marketing agency services", OT.KPO, D.NONE),
    ServiceSpec("ERP system (SaaS)", OT.ICT_SERVICE, D.CONFIDENTIAL,
                "Plans production, purchasing and invoicing; the plant stops without it."),
    ServiceSpec("CAD/PLM software", OT.ICT_SERVICE, D.CONFIDENTIAL),
    ServiceSpec("Engineering design services", OT.KPO, D.CONFIDENTIAL),
    ServiceSpec("Steel & metal supply", OT.MANUFACTURING, D.NONE,
                "Single qualified source for certified machine-frame steel."),
    ServiceSpec("CNC machining", OT.MANUFACTURING, D.CONFIDENTIAL,
                "Machines precision parts that go into every machine we ship."),
    ServiceSpec("Sheet metal fabrication", OT.MANUFACTURING, D.CONFIDENTIAL),
    ServiceSpec("Surface treatment & coating", OT.MANUFACTURING, D.NONE),
    ServiceSpec("PCB assembly", OT.MANUFACTURING, D.CONFIDENTIAL,
                "Builds the control boards; lead time for a new source is nine months."),
    ServiceSpec("Cable harness assembly", OT.MANUFACTURING, D.NONE),
    ServiceSpec("Freight forwarding", OT.BPO, D.NONE),
    ServiceSpec("Road haulage", OT.BPO, D.NONE),
    ServiceSpec("Warehousing & contract logistics", OT.BPO, D.NONE,
                "Holds the spare-parts stock that our service-level commitments depend on."),
    ServiceSpec("Field service & repair", OT.BPO, D.PERSONAL),
    ServiceSpec("Spare parts logistics", OT.BPO, D.NONE),
    ServiceSpec("Technical translation", OT.KPO, D.CONFIDENTIAL),
)


class ActivitySpec(NamedTuple):
    name: str
    sourcing: str = S.IN_HOUSE
    core: bool = False
    services: tuple = ()


class OrganisationSpec(NamedTuple):
    key: str
    name: str
    country: str
    lei_seed: str
    prefix: str  # of arrangement references
    description: str
    value_chain: dict  # Porter area -> (top-level name, [ActivitySpec])


A = ActivitySpec
BANK = OrganisationSpec(
    "northbank", "Northbank AG", "DE", "Northbank AG|DE", "NB",
    "Mid-size universal bank in Frankfurt: retail and SME banking, cards, mortgages.",
    {
        PA.INBOUND_LOGISTICS: ("Funding & onboarding", [
            A("Treasury & funding", core=True),
            A("Customer onboarding/KYC", S.PARTLY_OUTSOURCED, False,
              ("KYC screening", "Video identification", "Credit bureau data")),
        ]),
        PA.OPERATIONS: ("Banking operations", [
            A("Core banking", S.PARTLY_OUTSOURCED, True, ("Core banking software",
                                                          "Managed hosting")),
            A("Payments processing", S.OUTSOURCED, False,
              ("SEPA payment clearing", "Payment messaging (SWIFT)",
               "Payment gateway & acquiring")),
            A("Card issuing", S.OUTSOURCED, False,
              ("Card processing", "Card scheme services", "Card production & personalisation")),
            A("Lending operations", S.PARTLY_OUTSOURCED, False,
              ("Mortgage back-office processing", "Credit bureau data")),
            A("Credit risk management", core=True),
        ]),
        PA.OUTBOUND_LOGISTICS: ("Delivery to customers", [
            A("Statement & document delivery", S.OUTSOURCED, False,
              ("Statement printing & mailing",)),
            A("Cash & ATM logistics", S.OUTSOURCED, False, ("Cash-in-transit & ATM servicing",)),
        ]),
        PA.MARKETING_SALES: ("Marketing & sales", [
            A("Product management & pricing", core=True),
            A("Relationship banking", S.IN_HOUSE, True, ("CRM platform (SaaS)",)),
            A("Digital marketing", S.PARTLY_OUTSOURCED, False, ("Marketing agency services",)),
        ]),
        PA.SERVICE: ("Customer service", [
            A("Customer contact centre", S.PARTLY_OUTSOURCED, False,
              ("Contact centre", "Contact centre platform (CCaaS)")),
            A("Complaints handling", S.PARTLY_OUTSOURCED, False, ("Complaints handling",)),
            A("Collections", S.OUTSOURCED, False, ("Collections & recovery",)),
        ]),
        PA.PROCUREMENT: ("Procurement", [
            A("Vendor management", core=True),
            A("Purchasing"),
        ]),
        PA.TECHNOLOGY_DEVELOPMENT: ("Technology development", [
            A("Mobile & online banking", S.PARTLY_OUTSOURCED, True,
              ("Application development", "Cloud platform services (PaaS)",
               "Content delivery & DDoS protection")),
            A("Software development", S.PARTLY_OUTSOURCED, False,
              ("Application development", "Application maintenance")),
            A("Data & analytics", S.PARTLY_OUTSOURCED, False,
              ("Data analytics & modelling", "Market data feeds")),
        ]),
        PA.HUMAN_RESOURCES: ("Human resources", [
            A("Payroll", S.OUTSOURCED, False,
              ("Payroll processing", "HR information system (SaaS)")),
            A("Recruitment", S.PARTLY_OUTSOURCED, False,
              ("Recruitment process outsourcing", "Temporary staffing")),
            A("Training & development"),
        ]),
        PA.INFRASTRUCTURE: ("Firm infrastructure", [
            A("IT infrastructure hosting", S.OUTSOURCED, False,
              ("Cloud infrastructure (IaaS)", "Data centre colocation", "Network connectivity",
               "Managed hosting")),
            A("IT service desk", S.OUTSOURCED, False,
              ("IT service desk", "IT service management (SaaS)")),
            A("Workplace & office IT", S.OUTSOURCED, False, ("Office productivity suite (SaaS)",)),
            A("Cyber security operations", S.PARTLY_OUTSOURCED, False,
              ("Security operations centre (SOC)", "Penetration testing")),
            A("Regulatory reporting", S.PARTLY_OUTSOURCED, False, ("Regulatory reporting",)),
            A("Accounting & financial reporting", S.PARTLY_OUTSOURCED, False,
              ("Accounting & tax services",)),
            A("Document archiving", S.OUTSOURCED, False, ("Document archiving",)),
            A("Facility management", S.OUTSOURCED, False, ("Facility management",)),
            A("Legal & compliance", core=True),
            A("Internal audit"),
        ]),
    },
)

MANUFACTURER = OrganisationSpec(
    "kessler", "Kessler Maschinenbau GmbH", "DE", "Kessler Maschinenbau GmbH|DE", "KM",
    "Family-owned maker of packaging machinery in Baden-Württemberg, 1,400 staff.",
    {
        PA.INBOUND_LOGISTICS: ("Inbound logistics", [
            A("Raw material sourcing", S.PARTLY_OUTSOURCED, False, ("Steel & metal supply",)),
            A("Inbound freight", S.OUTSOURCED, False, ("Road haulage", "Freight forwarding")),
            A("Incoming goods inspection"),
        ]),
        PA.OPERATIONS: ("Production", [
            A("Component machining", S.PARTLY_OUTSOURCED, False,
              ("CNC machining", "Sheet metal fabrication", "Surface treatment & coating")),
            A("Electronics & control cabinets", S.OUTSOURCED, False,
              ("PCB assembly", "Cable harness assembly")),
            A("Assembly", core=True),
            A("Quality testing", core=True),
            A("Production planning"),
        ]),
        PA.OUTBOUND_LOGISTICS: ("Outbound logistics", [
            A("Warehousing", S.OUTSOURCED, False, ("Warehousing & contract logistics",)),
            A("Distribution", S.OUTSOURCED, False, ("Freight forwarding", "Road haulage")),
        ]),
        PA.MARKETING_SALES: ("Marketing & sales", [
            A("Sales engineering", core=True),
            A("Trade fairs & marketing", S.PARTLY_OUTSOURCED, False,
              ("Marketing agency services",)),
            A("CRM & quotation", S.PARTLY_OUTSOURCED, False, ("CRM platform (SaaS)",)),
        ]),
        PA.SERVICE: ("After-sales", [
            A("After-sales service", S.PARTLY_OUTSOURCED, False,
              ("Field service & repair", "Spare parts logistics")),
            A("Technical documentation", S.PARTLY_OUTSOURCED, False, ("Technical translation",)),
        ]),
        PA.PROCUREMENT: ("Procurement", [
            A("Strategic purchasing", core=True),
            A("Supplier quality management"),
        ]),
        PA.TECHNOLOGY_DEVELOPMENT: ("Research & development", [
            A("Product design/CAD", S.PARTLY_OUTSOURCED, True,
              ("CAD/PLM software", "Engineering design services")),
            A("Control software", core=True),
            A("Prototyping", core=True),
        ]),
        PA.HUMAN_RESOURCES: ("Human resources", [
            A("Payroll", S.OUTSOURCED, False, ("Payroll processing",)),
            A("Recruitment", S.PARTLY_OUTSOURCED, False, ("Temporary staffing",
                                                          "Recruitment process outsourcing")),
            A("Apprenticeship training"),
        ]),
        PA.INFRASTRUCTURE: ("Firm infrastructure", [
            A("ERP", S.OUTSOURCED, False, ("ERP system (SaaS)", "Application maintenance")),
            A("IT infrastructure hosting", S.OUTSOURCED, False,
              ("Cloud infrastructure (IaaS)", "Managed hosting", "Network connectivity")),
            A("IT service desk", S.OUTSOURCED, False, ("IT service desk",)),
            A("Workplace & office IT", S.OUTSOURCED, False, ("Office productivity suite (SaaS)",)),
            A("Cyber security operations", S.PARTLY_OUTSOURCED, False,
              ("Security operations centre (SOC)",)),
            A("Accounting & tax", S.PARTLY_OUTSOURCED, False, ("Accounting & tax services",)),
            A("Facility management", S.OUTSOURCED, False, ("Facility management",)),
        ]),
    },
)

ORGANISATIONS = (BANK, MANUFACTURER)


class ProviderSpec(NamedTuple):
    key: str
    name: str
    country: str
    parent: str | None = None
    kind: str = OT.ICT_SERVICE
    tier: int = 0  # subcontracting only ever goes to a higher tier
    services: tuple = ()
    serve: tuple = ()  # countries where the service is performed; default: establishment
    store: tuple = ()  # countries where data is stored
    website: str = ""


P = ProviderSpec
IAAS, PAAS = "Cloud infrastructure (IaaS)", "Cloud platform services (PaaS)"
COLO, POWER, NET = "Data centre colocation", "Data centre power supply", "Network connectivity"
DEV, MAINT = "Application development", "Application maintenance"

NAMED_PROVIDERS = (
    # Hyperscalers and software vendors
    P("amazon", "Amazon.com, Inc.", "US", website="https://www.aboutamazon.com"),
    P("aws_emea", "Amazon Web Services EMEA SARL", "LU", "amazon", tier=3,
      services=(IAAS, PAAS), serve=("IE", "DE", "FR"), store=("IE", "DE"),
      website="https://aws.amazon.com"),
    P("microsoft", "Microsoft Corporation", "US", website="https://www.microsoft.com"),
    P("microsoft_ie", "Microsoft Ireland Operations Ltd", "IE", "microsoft", tier=3,
      services=(IAAS, PAAS, "Office productivity suite (SaaS)"), serve=("IE", "NL", "DE"),
      store=("IE", "NL", "DE"), website="https://azure.microsoft.com"),
    P("alphabet", "Alphabet Inc.", "US"),
    P("google_llc", "Google LLC", "US", "alphabet"),
    P("google_cloud", "Google Cloud EMEA Ltd", "IE", "google_llc", tier=3,
      services=(IAAS, PAAS, "Data analytics & modelling"), serve=("BE", "NL", "DE"),
      store=("BE", "NL", "DE", "FI"), website="https://cloud.google.com"),
    P("oracle", "Oracle Corporation", "US"),
    P("oracle_de", "Oracle Deutschland B.V. & Co. KG", "DE", "oracle", tier=2,
      services=(IAAS, MAINT), store=("DE",)),
    P("ibm", "International Business Machines Corporation", "US"),
    P("ibm_de", "IBM Deutschland GmbH", "DE", "ibm", OT.ITO, 2, ("Managed hosting", MAINT),
      store=("DE",)),
    P("sap", "SAP SE", "DE", website="https://www.sap.com"),
    P("sap_de", "SAP Deutschland SE & Co. KG", "DE", "sap", tier=2,
      services=("ERP system (SaaS)", "HR information system (SaaS)"), store=("DE", "NL")),
    P("salesforce", "Salesforce, Inc.", "US"),
    P("salesforce_de", "Salesforce.com Germany GmbH", "DE", "salesforce", tier=2,
      services=("CRM platform (SaaS)",), serve=("DE", "IE"), store=("DE", "FR")),
    P("workday", "Workday, Inc.", "US"),
    P("workday_ie", "Workday Limited", "IE", "workday", tier=2,
      services=("HR information system (SaaS)",), store=("IE", "NL")),
    P("servicenow", "ServiceNow, Inc.", "US"),
    P("servicenow_nl", "ServiceNow Nederland B.V.", "NL", "servicenow", tier=2,
      services=("IT service management (SaaS)",), store=("NL", "DE")),
    P("temenos", "Temenos AG", "CH", tier=2, services=("Core banking software",),
      serve=("CH", "IN"), store=("DE",)),
    P("cloudflare", "Cloudflare, Inc.", "US"),
    P("cloudflare_uk", "Cloudflare Ltd", "GB", "cloudflare", tier=3,
      services=("Content delivery & DDoS protection",), store=("DE", "NL", "US")),
    P("genesys", "Genesys Cloud Services, Inc.", "US", tier=2,
      services=("Contact centre platform (CCaaS)",), store=("DE", "IE")),
    P("datev", "DATEV eG", "DE", kind=OT.BPO, tier=1, services=("Payroll processing",
                                                               "Accounting & tax services")),
    P("adp", "ADP, Inc.", "US"),
    P("adp_de", "ADP Employer Services GmbH", "DE", "adp", OT.BPO, 1, ("Payroll processing",),
      store=("DE", "FR")),
    P("dassault", "Dassault Systèmes SE", "FR"),
    P("dassault_de", "Dassault Systèmes Deutschland GmbH", "DE", "dassault", tier=2,
      services=("CAD/PLM software",), store=("FR", "DE")),
    P("siemens", "Siemens AG", "DE"),
    P("siemens_sw", "Siemens Industry Software GmbH", "DE", "siemens", tier=2,
      services=("CAD/PLM software",), store=("DE",)),
    # IT, business and knowledge process outsourcing
    P("accenture", "Accenture plc", "IE", website="https://www.accenture.com"),
    P("accenture_de", "Accenture GmbH", "DE", "accenture", OT.ITO, 0,
      (DEV, MAINT, "Regulatory reporting")),
    P("accenture_in", "Accenture Solutions Pvt Ltd", "IN", "accenture", OT.ITO, 1, (DEV, MAINT)),
    P("tata_sons", "Tata Sons Pvt Ltd", "IN"),
    P("tcs", "Tata Consultancy Services Ltd", "IN", "tata_sons", OT.ITO, 1,
      (DEV, MAINT, "IT service desk"), website="https://www.tcs.com"),
    P("tcs_de", "Tata Consultancy Services Deutschland GmbH", "DE", "tcs", OT.ITO, 0,
      (DEV, MAINT, "IT service desk"), serve=("DE", "IN")),
    P("infosys", "Infosys Ltd", "IN"),
    P("infosys_pl", "Infosys Poland Sp. z o.o.", "PL", "infosys", OT.ITO, 0,
      (MAINT, "IT service desk")),
    P("wipro", "Wipro Ltd", "IN"),
    P("wipro_de", "Wipro Technologies GmbH", "DE", "wipro", OT.ITO, 0, (DEV, MAINT),
      serve=("DE", "IN", "RO")),
    P("cognizant", "Cognizant Technology Solutions Corporation", "US"),
    P("cognizant_de", "Cognizant Technology Solutions GmbH", "DE", "cognizant", OT.ITO, 0,
      (DEV, "Data analytics & modelling"), serve=("DE", "IN")),
    P("genpact", "Genpact Ltd", "BM"),
    P("genpact_pl", "Genpact Poland Sp. z o.o.", "PL", "genpact", OT.BPO, 0,
      ("Mortgage back-office processing", "Accounting & tax services", "Collections & recovery")),
    P("genpact_in", "Genpact India Pvt Ltd", "IN", "genpact", OT.KPO, 1,
      ("Data analytics & modelling", "KYC screening")),
    P("teleperformance", "Teleperformance SE", "FR", website="https://www.tp.com"),
    P("tp_de", "Teleperformance Germany S.à r.l. & Co. KG", "DE", "teleperformance", OT.BPO, 0,
      ("Contact centre", "Complaints handling")),
    P("tp_pt", "Teleperformance Portugal S.A.", "PT", "teleperformance", OT.BPO, 1,
      ("Contact centre",)),
    P("concentrix", "Concentrix Corporation", "US"),
    P("concentrix_de", "Concentrix Germany GmbH", "DE", "concentrix", OT.BPO, 0,
      ("Contact centre", "Complaints handling")),
    P("taskus", "TaskUs, Inc.", "US"),
    P("taskus_ph", "TaskUs Philippines Inc.", "PH", "taskus", OT.BPO, 1,
      ("Contact centre", "KYC screening")),
    P("capgemini", "Capgemini SE", "FR"),
    P("capgemini_de", "Capgemini Deutschland GmbH", "DE", "capgemini", OT.ITO, 0,
      (DEV, MAINT, "Engineering design services")),
    P("capgemini_in", "Capgemini Technology Services India Ltd", "IN", "capgemini", OT.ITO, 1,
      (DEV, MAINT)),
    P("hcl", "HCL Technologies Ltd", "IN", kind=OT.ITO, tier=1,
      services=(MAINT, "IT service desk", "Managed hosting"), website="https://www.hcltech.com"),
    P("hcl_de", "HCL Technologies Germany GmbH", "DE", "hcl", OT.ITO, 0,
      ("IT service desk", MAINT)),
    P("exl", "ExlService Holdings, Inc.", "US"),
    P("exl_in", "ExlService.com (India) Pvt Ltd", "IN", "exl", OT.KPO, 0,
      ("Data analytics & modelling", "Collections & recovery")),
    P("wns", "WNS (Holdings) Ltd", "JE"),
    P("wns_in", "WNS Global Services Pvt Ltd", "IN", "wns", OT.BPO, 0,
      ("Accounting & tax services", "Mortgage back-office processing")),
    P("atos", "Atos SE", "FR"),
    P("atos_de", "Atos Information Technology GmbH", "DE", "atos", OT.ITO, 1,
      ("Managed hosting", "Security operations centre (SOC)")),
    P("kyndryl", "Kyndryl Holdings, Inc.", "US"),
    P("kyndryl_de", "Kyndryl Deutschland GmbH", "DE", "kyndryl", OT.ITO, 1,
      ("Managed hosting", "IT service desk")),
    # Payments, fintech and financial data
    P("fiserv", "Fiserv, Inc.", "US"),
    P("first_data_de", "First Data GmbH", "DE", "fiserv", tier=1,
      services=("Card processing", "Payment gateway & acquiring")),
    P("worldline", "Worldline SA", "FR"),
    P("equens", "equensWorldline SE", "NL", "worldline", tier=1,
      services=("SEPA payment clearing", "Card processing"), store=("NL", "DE")),
    P("nexi", "Nexi S.p.A.", "IT"),
    P("nets_dk", "Nets Denmark A/S", "DK", "nexi", tier=1, services=("Card processing",)),
    P("adyen", "Adyen N.V.", "NL", tier=1, services=("Payment gateway & acquiring",)),
    P("visa", "Visa Europe Ltd", "GB", tier=2, services=("Card scheme services",)),
    P("mastercard", "Mastercard Europe SA", "BE", tier=2, services=("Card scheme services",)),
    P("swift", "S.W.I.F.T. SC", "BE", tier=2, services=("Payment messaging (SWIFT)",),
      store=("NL", "CH")),
    P("idemia", "IDEMIA France SAS", "FR", kind=OT.MANUFACTURING, tier=1,
      services=("Card production & personalisation",)),
    P("lseg", "London Stock Exchange Group plc", "GB"),
    P("refinitiv", "Refinitiv Ltd", "GB", "lseg", OT.KPO, 1, ("KYC screening",
                                                             "Market data feeds")),
    P("schufa", "SCHUFA Holding AG", "DE", kind=OT.KPO, tier=1, services=("Credit bureau data",)),
    P("idnow", "IDnow GmbH", "DE", kind=OT.BPO, tier=1, services=("Video identification",)),
    P("bloomberg", "Bloomberg Finance L.P.", "US", tier=2, services=("Market data feeds",)),
    # Data centres, networks, power
    P("equinix", "Equinix, Inc.", "US"),
    P("equinix_de", "Equinix (Germany) GmbH", "DE", "equinix", tier=4, services=(COLO,)),
    P("equinix_nl", "Equinix (Netherlands) B.V.", "NL", "equinix", tier=4, services=(COLO,)),
    P("digital_realty", "Digital Realty Trust, Inc.", "US"),
    P("interxion_de", "Interxion Deutschland GmbH", "DE", "digital_realty", tier=4,
      services=(COLO,)),
    P("ntt", "NTT DATA Group Corporation", "JP"),
    P("ntt_dc", "NTT Global Data Centers EMEA GmbH", "DE", "ntt", tier=4, services=(COLO,)),
    P("telekom", "Deutsche Telekom AG", "DE"),
    P("t_systems", "T-Systems International GmbH", "DE", "telekom", OT.ITO, 3,
      ("Managed hosting", NET), store=("DE",)),
    P("colt", "Colt Technology Services GmbH", "DE", tier=4, services=(NET,)),
    P("rm_power", "Rhein-Main Rechenzentrumsenergie GmbH", "DE", tier=5, services=(POWER,)),
    P("leinster_power", "Leinster Grid Power Ltd", "IE", tier=5, services=(POWER,)),
    P("nh_stroom", "Noord-Holland Stroom B.V.", "NL", tier=5, services=(POWER,)),
    # Manufacturing, materials and logistics
    P("jabil", "Jabil Inc.", "US"),
    P("jabil_hu", "Jabil Circuit Magyarország Kft.", "HU", "jabil", OT.MANUFACTURING, 0,
      ("PCB assembly",)),
    P("flex", "Flex Ltd", "SG"),
    P("flex_at", "Flextronics International GmbH", "AT", "flex", OT.MANUFACTURING, 0,
      ("PCB assembly", "Cable harness assembly")),
    P("zollner", "Zollner Elektronik AG", "DE", kind=OT.MANUFACTURING,
      services=("PCB assembly", "Cable harness assembly")),
    P("thyssenkrupp", "thyssenkrupp AG", "DE"),
    P("tk_materials", "thyssenkrupp Materials Services GmbH", "DE", "thyssenkrupp",
      OT.MANUFACTURING, 0, ("Steel & metal supply",)),
    P("kloeckner", "Klöckner & Co SE", "DE", kind=OT.MANUFACTURING,
      services=("Steel & metal supply",)),
    P("deutsche_post", "Deutsche Post AG", "DE"),
    P("dhl_freight", "DHL Freight GmbH", "DE", "deutsche_post", OT.BPO, 1,
      ("Road haulage", "Freight forwarding")),
    P("dhl_supply", "DHL Supply Chain Management GmbH", "DE", "deutsche_post", OT.BPO, 0,
      ("Warehousing & contract logistics", "Spare parts logistics")),
    P("kuehne", "Kuehne + Nagel International AG", "CH"),
    P("kn_de", "Kühne + Nagel (AG & Co.) KG", "DE", "kuehne", OT.BPO, 1,
      ("Freight forwarding", "Warehousing & contract logistics")),
    P("dsv", "DSV A/S", "DK"),
    P("schenker_de", "Schenker Deutschland AG", "DE", "dsv", OT.BPO, 1,
      ("Freight forwarding", "Road haulage")),
    P("dachser", "Dachser SE", "DE", kind=OT.BPO, tier=1,
      services=("Road haulage", "Warehousing & contract logistics")),
    P("iron_mountain", "Iron Mountain Incorporated", "US"),
    P("iron_mountain_de", "Iron Mountain Deutschland GmbH", "DE", "iron_mountain", OT.BPO, 0,
      ("Document archiving",)),
    P("prosegur", "Prosegur Cash S.A.", "ES"),
    P("prosegur_de", "Prosegur GmbH", "DE", "prosegur", OT.BPO, 0,
      ("Cash-in-transit & ATM servicing",)),
    P("iss", "ISS A/S", "DK"),
    P("iss_de", "ISS Facility Services Holding GmbH", "DE", "iss", OT.BPO, 0,
      ("Facility management",)),
    P("randstad", "Randstad N.V.", "NL"),
    P("randstad_de", "Randstad Deutschland GmbH & Co. KG", "DE", "randstad", OT.BPO, 0,
      ("Temporary staffing", "Recruitment process outsourcing")),
    P("adecco", "Adecco Group AG", "CH"),
    P("adecco_de", "Adecco Personaldienstleistungen GmbH", "DE", "adecco", OT.BPO, 0,
      ("Temporary staffing",)),
)

# Supply chains behind the big providers: (provider, subcontractor, service).
NAMED_CHAINS = (
    ("first_data_de", "interxion_de", COLO), ("interxion_de", "rm_power", POWER),
    ("equens", "equinix_nl", COLO), ("equinix_nl", "nh_stroom", POWER),
    ("accenture_de", "accenture_in", DEV), ("accenture_in", "microsoft_ie", IAAS),
    ("microsoft_ie", "equinix_de", COLO), ("equinix_de", "rm_power", POWER),
    ("microsoft_ie", "leinster_power", POWER), ("aws_emea", "leinster_power", POWER),
    ("google_cloud", "nh_stroom", POWER), ("aws_emea", "equinix_de", COLO),
    ("tp_de", "tp_pt", "Contact centre"), ("tp_de", "genesys", "Contact centre platform (CCaaS)"),
    ("tp_pt", "genesys", "Contact centre platform (CCaaS)"), ("genesys", "aws_emea", IAAS),
    ("concentrix_de", "microsoft_ie", IAAS), ("taskus_ph", "aws_emea", IAAS),
    ("genpact_pl", "genpact_in", "Data analytics & modelling"),
    ("genpact_in", "aws_emea", IAAS), ("tcs_de", "tcs", DEV), ("tcs", "google_cloud", IAAS),
    ("infosys_pl", "servicenow_nl", "IT service management (SaaS)"),
    ("servicenow_nl", "equinix_nl", COLO), ("wipro_de", "microsoft_ie", IAAS),
    ("cognizant_de", "aws_emea", IAAS), ("capgemini_de", "capgemini_in", DEV),
    ("capgemini_in", "microsoft_ie", IAAS), ("hcl_de", "hcl", "IT service desk"),
    ("hcl", "microsoft_ie", IAAS), ("salesforce_de", "aws_emea", IAAS),
    ("workday_ie", "aws_emea", IAAS), ("sap_de", "microsoft_ie", IAAS),
    ("sap_de", "google_cloud", IAAS), ("temenos", "microsoft_ie", IAAS),
    ("refinitiv", "aws_emea", IAAS), ("idnow", "t_systems", "Managed hosting"),
    ("t_systems", "ntt_dc", COLO), ("ntt_dc", "rm_power", POWER), ("adp_de", "ibm_de",
                                                                  "Managed hosting"),
    ("ibm_de", "interxion_de", COLO), ("atos_de", "equinix_de", COLO),
    ("kyndryl_de", "ntt_dc", COLO), ("oracle_de", "equinix_de", COLO),
    ("nets_dk", "equinix_de", COLO), ("schufa", "t_systems", "Managed hosting"),
    ("cloudflare_uk", "equinix_de", COLO), ("dassault_de", "aws_emea", IAAS),
    ("jabil_hu", "kn_de", "Freight forwarding"), ("flex_at", "schenker_de", "Freight forwarding"),
    ("dhl_supply", "dhl_freight", "Road haulage"), ("tk_materials", "dachser", "Road haulage"),
    ("exl_in", "microsoft_ie", IAAS), ("wns_in", "aws_emea", IAAS),
    ("iron_mountain_de", "dhl_freight", "Road haulage"),
)

# Big contracts split into an overarching agreement and statements of work under it.
FRAMEWORKS = (("northbank", "accenture_de", 3), ("northbank", "tcs_de", 3),
              ("northbank", "tp_de", 2), ("kessler", "dhl_supply", 2),
              ("kessler", "capgemini_de", 2))

USERS = (  # username, first name, last name, role
    ("vera.manager", "Vera", "Lindqvist", "vendor_manager"),
    ("rafael.risk", "Rafael", "Okafor", "risk_officer"),
    ("sofia.security", "Sofia", "Brandt", "security_officer"),
    ("erik.executive", "Erik", "Hartmann", "executive"),
    ("anna.auditor", "Anna", "Kowalska", "auditor"),
)
PROVIDER_CONTACT = ("lena.contact", "Lena", "Maurer", "tp_de")
