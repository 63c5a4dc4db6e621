"""Every page of pathways that writes, and the API route that does the same with the same
input (core.operations; checked by tests/core/test_parity.py)."""

from maillage.core.operations import PageOperation as Op
from maillage.pathways import inputs as i

PAGE_OPERATIONS = (
    Op("pathways:request_new", "support_request_create", i.SupportRequestIn),
    Op("pathways:request_triage", "support_request_triage", i.TriageIn),
    Op("pathways:request_orient", "support_request_orient", i.RequestOrientIn),
    Op("pathways:request_withdraw", "support_request_withdraw", None),
    Op("pathways:request_reopen", "support_request_reopen", None),
    Op("pathways:request_person_informed", "support_request_person_informed", None),
    Op("pathways:circle_add", "circle_add", i.CircleMemberIn),
    Op("pathways:circle_approve", "circle_approve", None),
    Op("pathways:circle_remove", "circle_remove", None),
    Op("pathways:pathway_handover", "pathway_handover", i.HandoverIn),
    Op("pathways:assessment_new", "assessment_create", i.AssessmentIn),
    Op("pathways:plan", "plan_update", i.PlanIn),
    Op("pathways:plan_objective_add", "plan_objective_add", i.ObjectiveIn),
    Op("pathways:plan_action_add", "plan_action_add", i.PlanActionIn),
    Op("pathways:plan_action_status", "plan_action_status", i.ActionStatusIn),
    Op("pathways:plan_validate", "plan_validation_add", i.ValidationIn),
    Op("pathways:notebook", "message_add", i.MessageIn),
    Op("pathways:stays", "stay_add", i.StayIn),
    Op("pathways:stay_check", "stay_check", i.StayCheckIn),
    Op("pathways:stay_discharge", "stay_discharge", i.DischargeIn),
    Op("pathways:meeting_new", "meeting_add", i.MeetingIn),
    Op("pathways:meeting_edit", "meeting_update", i.MeetingUpdateIn),
    Op("pathways:meeting_cancel", "meeting_cancel", i.VersionIn),
    Op("pathways:meeting_minutes", "meeting_minutes", i.MinutesIn),
    Op("pathways:meeting_decision", "meeting_decision", i.DecisionIn),
    Op("pathways:pathway_close", "pathway_close", i.CloseIn),
    Op("pathways:pathway_reopen", "pathway_reopen", None),
    Op("pathways:caregiver_add", "caregiver_add", i.CaregiverIn),
    Op("pathways:portal_invite", "portal_invite", i.PortalInviteIn),
    Op("pathways:portal_revoke", "portal_revoke", None),
)

# The person's own space is a page for her, in plain words; the API serves the software of
# professionals and partners, and never acts as the person.
_PERSON = "l'espace personnel de la personne : l'API sert les professionnels, pas elle"
PAGE_ONLY = {
    "pathways:pathway_list": (
        "une recherche par nom, envoyée en POST pour que le nom ne passe jamais dans une "
        "adresse ; elle n'écrit rien (l'API liste les parcours par GET)"
    ),
    "pathways:request_list": (
        "la recherche des demandes triées par nom, envoyée en POST pour que le nom ne passe "
        "jamais dans une adresse ; elle n'écrit rien (l'API liste les demandes par GET)"
    ),
    "pathways:portal_pathway": _PERSON,
    "pathways:portal_accept": _PERSON,
}
