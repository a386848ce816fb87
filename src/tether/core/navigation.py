"""The main menu, filtered by what the user's role may see."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    model: str  # "app_label.ModelName", whose permission shows the item
    action: str = "view"


MENU = [
    ("Register", [
        MenuItem("Organisations", "registry:organisation_list", "registry.Organisation"),
        MenuItem("Value chain map", "registry:value_chain", "registry.Activity"),
        MenuItem("Activities", "registry:activity_list", "registry.Activity"),
        MenuItem("Providers", "registry:provider_list", "registry.Provider"),
        MenuItem("Services", "registry:service_list", "registry.Service"),
        MenuItem("Arrangements", "registry:arrangement_list", "registry.Arrangement"),
        MenuItem("Subcontracting", "registry:subcontractinglink_list",
                 "registry.SubcontractingLink"),
        # Every internal role views arrangements; the page itself admits any internal user.
        MenuItem("Upcoming deadlines", "deadlines:upcoming", "registry.Arrangement"),
        MenuItem("Import…", "registry:import", "registry.Provider", action="add"),
    ]),
    ("Risk", [
        MenuItem("Risk register", "risk:risk_list", "risk.Risk"),
        MenuItem("Heat map", "risk:heat_map", "risk.Risk"),
        MenuItem("Above appetite", "risk:above_appetite", "risk.Risk"),
        MenuItem("Providers by tier", "risk:providerscore_list", "risk.ProviderScore"),
        MenuItem("Arrangement intakes", "risk:arrangementintake_list", "risk.ArrangementIntake"),
        MenuItem("Country ratings", "risk:countryrisk_list", "risk.CountryRisk"),
        MenuItem("Methodology", "risk:methodology", "risk.Methodology"),
    ]),
    ("Continuity", [
        MenuItem("Exit readiness", "continuity:readiness", "continuity.ExitPlan"),
        MenuItem("Exit plans", "continuity:exitplan_list", "continuity.ExitPlan"),
        MenuItem("Exit plan tests", "continuity:exitplantest_list", "continuity.ExitPlanTest"),
        MenuItem("In-house capability", "continuity:capability_coverage",
                 "continuity.InHouseCapability"),
        MenuItem("Alternatives per service", "continuity:alternative_coverage",
                 "continuity.ServiceAlternative"),
    ]),
    ("Decisions", [
        MenuItem("Keep or outsource", "decisions:decisioncase_list", "decisions.DecisionCase"),
        MenuItem("Open a case…", "decisions:decisioncase_add", "decisions.DecisionCase",
                 action="add"),
    ]),
    ("Dependence", [
        MenuItem("Concentration", "dependence:concentration", "registry.Arrangement"),
        MenuItem("Supply chain", "dependence:supply_chain", "registry.Arrangement"),
        MenuItem("Subcontracting network", "dependence:network", "registry.Arrangement"),
        MenuItem("What if it fails", "dependence:what_if", "registry.Arrangement"),
    ]),
    ("Performance", [
        MenuItem("Dashboard", "performance:dashboard", "performance.ServiceLevel"),
        MenuItem("SLAs and KPIs", "performance:servicelevel_list", "performance.ServiceLevel"),
        MenuItem("Breaches", "performance:breaches", "performance.ServiceLevel"),
        MenuItem("Service credits", "performance:credits", "performance.ServiceLevel"),
        MenuItem("Measurement batches", "performance:measurementbatch_list",
                 "performance.MeasurementBatch"),
        MenuItem("Upload measurements…", "performance:measurementbatch_add",
                 "performance.MeasurementBatch", action="add"),
        MenuItem("Reviews due", "reviews:due", "reviews.Review"),
        MenuItem("Reviews", "reviews:review_list", "reviews.Review"),
        MenuItem("Scorecards", "reviews:scorecards", "reviews.Review"),
    ]),
    ("Oversight", [
        MenuItem("Audits", "oversight:audit_list", "oversight.Audit"),
        MenuItem("Findings", "oversight:finding_list", "oversight.Finding"),
        MenuItem("Corrective actions", "oversight:correctiveaction_list",
                 "oversight.CorrectiveAction"),
        MenuItem("Overdue actions", "oversight:overdue_actions", "oversight.CorrectiveAction"),
        MenuItem("Incidents", "oversight:incident_list", "oversight.Incident"),
        MenuItem("Clause gaps", "contracts:gaps", "contracts.ArrangementClause"),
        MenuItem("Coverage per clause", "contracts:coverage", "contracts.ArrangementClause"),
        MenuItem("Clause library", "contracts:clauserequirement_list",
                 "contracts.ClauseRequirement"),
    ]),
    ("Reporting", [
        # Regulatory (DORA register of information, EBA outsourcing register) and board
        # reports: each app adds its entries here.
        MenuItem("Register of information (DORA)", "regulatory:register",
                 "regulatory.RegisterExport"),
        MenuItem("Register exports", "regulatory:registerexport_list",
                 "regulatory.RegisterExport"),
        MenuItem("Functions", "regulatory:function_list", "regulatory.Function"),
        MenuItem("ICT services", "regulatory:ictservice_list", "regulatory.IctService"),
        MenuItem("Financial entities", "regulatory:entityprofile_list",
                 "regulatory.EntityProfile"),
        MenuItem("Branches", "regulatory:branch_list", "regulatory.Branch"),
        MenuItem("Board reports", "board:boardreport_list", "board.BoardReport"),
        MenuItem("EBA outsourcing register", "regulatory:outsourcing_register",
                 "registry.Arrangement"),
    ]),
    ("Exchange", [
        MenuItem("Documents", "documents:document_list", "documents.Document"),
        MenuItem("Upload a document…", "documents:document_add", "documents.Document",
                 action="add"),
        MenuItem("Information requests", "portal:informationrequest_list",
                 "portal.InformationRequest"),
        MenuItem("Portal invitations", "portal:invitation_list", "portal.Invitation"),
    ]),
    ("Due diligence", [
        MenuItem("Questionnaires", "diligence:questionnairetemplate_list",
                 "diligence.QuestionnaireTemplate"),
        MenuItem("Import questionnaire…", "diligence:questionnairetemplate_import",
                 "diligence.QuestionnaireTemplate", action="add"),
        MenuItem("Campaigns", "diligence:campaign_list", "diligence.Campaign"),
        MenuItem("Send a questionnaire…", "diligence:campaign_add", "diligence.Campaign",
                 action="add"),
        MenuItem("Questionnaire responses", "diligence:questionnaireresponse_list",
                 "diligence.QuestionnaireResponse"),
    ]),
    ("Administration", [
        MenuItem("Users", "core:user_list", "core.User"),
        MenuItem("Audit trail", "core:auditentry_list", "core.AuditEntry"),
        MenuItem("Verify audit trail", "core:audit_verify", "core.AuditEntry"),
        MenuItem("Background jobs", "core:job_list", "core.Job"),
        MenuItem("Scheduled jobs", "core:schedule_list", "core.Job"),
    ]),
]


def menu_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for title, items in MENU:
        visible = [
            (item.label, reverse(item.url_name))
            for item in items
            if user.can(item.action, apps.get_model(item.model))
        ]
        if visible:
            groups.append((title, visible))
    return groups
