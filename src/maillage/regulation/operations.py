"""Every page of regulation that writes, and the API route that does the same with the same
input (core.operations; checked by tests/core/test_parity.py)."""

from maillage.core.operations import PageOperation as Op
from maillage.regulation import inputs as i

PAGE_OPERATIONS = (
    Op("regulation:programmes", "programme_create", i.ProgrammeIn),
    Op("regulation:unit_add", "unit_add", i.UnitIn),
    Op("regulation:requirement_add", "requirement_add", i.RequirementIn),
    Op("regulation:requirement_remove", "requirement_remove", None),
    Op("regulation:vacancy_declare", "vacancy_declare", i.VacancyIn),
    Op("regulation:vacancy_withdraw", "vacancy_withdraw", i.NoteIn),
    Op("regulation:emergency", "emergency_call", i.EmergencyCallIn),
    Op("regulation:emergency_night", "emergency_night", i.NightIn),
    Op("regulation:request_new", "place_request_create", i.PlaceRequestIn),
    Op("regulation:request_edit", "place_request_update", i.PlaceRequestUpdateIn),
    Op("regulation:request_move", "place_request_move", i.RequestMoveIn),
    Op("regulation:physician_name", "physician_name", i.PhysicianIn),
    Op("regulation:medical", "medical_save", i.MedicalIn),
    Op("regulation:request_sign", "place_request_sign", None),
    Op("regulation:applications_send", "applications_send", i.ApplicationsIn),
    Op("regulation:application", "application_answer", i.ApplicationAnswerIn),
    Op("regulation:policies", "policy_create", i.PolicyIn),
    Op("regulation:policy", "policy_update", i.PolicyIn),
    Op("regulation:policy_publish", "policy_publish", None),
    Op("regulation:runs", "match_run", i.MatchRunIn),
    Op("regulation:proposal_structure", "proposal_structure", i.ProposalAnswerIn),
    Op("regulation:proposal_person", "proposal_person", i.ProposalAnswerIn),
    Op("regulation:sessions", "commission_create", i.CommissionIn),
    Op("regulation:session_decide", "commission_decide", i.CommissionDecisionIn),
    Op("regulation:session_close", "commission_close", i.CommissionMinutesIn),
)

PAGE_ONLY: dict[str, str] = {
    "regulation:documents_add": (
        "des fichiers joints depuis la page : l'API JSON ne transporte pas de fichiers"
    ),
}
