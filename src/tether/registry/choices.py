"""Closed lists of the register. Codes in brackets are the DORA RoI list entries they map to."""

from django.db import models


class ActivityCategory(models.TextChoices):
    PRIMARY = "primary", "Primary activity"
    SUPPORT = "support", "Support activity"


class PorterArea(models.TextChoices):
    """Porter's value chain: five primary and four support areas."""

    INBOUND_LOGISTICS = "inbound_logistics", "Inbound logistics"
    OPERATIONS = "operations", "Operations"
    OUTBOUND_LOGISTICS = "outbound_logistics", "Outbound logistics"
    MARKETING_SALES = "marketing_sales", "Marketing & sales"
    SERVICE = "service", "Service"
    PROCUREMENT = "procurement", "Procurement"
    TECHNOLOGY_DEVELOPMENT = "technology_development", "Technology development"
    HUMAN_RESOURCES = "human_resources", "Human resource management"
    INFRASTRUCTURE = "infrastructure", "Firm infrastructure"


PRIMARY_AREAS = frozenset({
    PorterArea.INBOUND_LOGISTICS, PorterArea.OPERATIONS, PorterArea.OUTBOUND_LOGISTICS,
    PorterArea.MARKETING_SALES, PorterArea.SERVICE,
})


class Sourcing(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    PARTLY_OUTSOURCED = "partly_outsourced", "Partly outsourced"
    OUTSOURCED = "outsourced", "Outsourced"


class OutsourcingType(models.TextChoices):
    BPO = "bpo", "Business process outsourcing (BPO)"
    ITO = "ito", "IT outsourcing (ITO)"
    KPO = "kpo", "Knowledge process outsourcing (KPO)"
    MANUFACTURING = "manufacturing", "Manufacturing"
    ICT_SERVICE = "ict_service", "ICT service"


class ProviderStatus(models.TextChoices):
    PROSPECTIVE = "prospective", "Prospective"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXITED = "exited", "Exited"


class PersonType(models.TextChoices):
    LEGAL_PERSON = "legal_person", "Legal person"  # eba_CT:x212
    INDIVIDUAL = "individual", "Individual acting in a business capacity"  # eba_CT:x213


class IdentifierScheme(models.TextChoices):
    """Other identifiers besides the LEI (DORA LISTIDTYPE)."""

    NATIONAL_CODE = "national_code", "National code"  # eba_qCO:qx2001
    EUID = "euid", "European Unique Identifier (EUID)"  # eba_qCO:qx2002
    CRN = "crn", "Company registration number"  # eba_qCO:qx2003
    VAT = "vat", "VAT identification number"  # eba_qCO:qx2004
    PASSPORT = "passport", "Passport number"  # eba_qCO:qx2005
    DUNS = "duns", "D-U-N-S number"


class ArrangementType(models.TextChoices):
    STANDALONE = "standalone", "Standalone arrangement"  # eba_CO:x1
    OVERARCHING = "overarching", "Overarching arrangement"  # eba_CO:x2
    SUBSEQUENT = "subsequent", "Subsequent or associated arrangement"  # eba_CO:x3


class ArrangementStatus(models.TextChoices):
    DRAFT = "draft", "Draft / negotiating"
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated"
    EXPIRED = "expired", "Expired"


class RenewalType(models.TextChoices):
    AUTOMATIC = "automatic", "Renews automatically"
    BY_AGREEMENT = "by_agreement", "Renewal by agreement"
    NONE = "none", "No renewal (fixed term)"
    OPEN_ENDED = "open_ended", "Open-ended (no end date)"


class Substitutability(models.TextChoices):
    NOT_SUBSTITUTABLE = "not_substitutable", "Not substitutable"  # eba_ZZ:x959
    HIGHLY_COMPLEX = "highly_complex", "Highly complex to substitute"  # eba_ZZ:x960
    MEDIUM = "medium", "Medium complexity to substitute"  # eba_ZZ:x961
    EASY = "easy", "Easily substitutable"  # eba_ZZ:x962


class DataInvolved(models.TextChoices):
    NONE = "none", "No sensitive data"
    CONFIDENTIAL = "confidential", "Confidential data"
    PERSONAL = "personal", "Personal data"


class CloudServiceModel(models.TextChoices):
    """EBA/GL/2019/02 §54(h), after the NIST definitions the guidelines' cloud section uses."""

    IAAS = "iaas", "Infrastructure as a service (IaaS)"
    PAAS = "paas", "Platform as a service (PaaS)"
    SAAS = "saas", "Software as a service (SaaS)"


class CloudDeploymentModel(models.TextChoices):
    PUBLIC = "public", "Public cloud"
    PRIVATE = "private", "Private cloud"
    HYBRID = "hybrid", "Hybrid cloud"
    COMMUNITY = "community", "Community cloud"


class Confidentiality(models.IntegerChoices):
    """Ordered: an NDA requirement applies from a level upwards."""

    PUBLIC = 0, "Public"
    INTERNAL = 1, "Internal"
    CONFIDENTIAL = 2, "Confidential"
    STRICTLY_CONFIDENTIAL = 3, "Strictly confidential"
