"""Regulation's writes, one module per aggregate, re-exported here so that callers write
`actions.vacancy_declare(...)` whatever module holds it."""

from maillage.regulation.actions.commission import (
    commission_close,
    commission_create,
    commission_decide,
)
from maillage.regulation.actions.emergency import emergency_call, emergency_night
from maillage.regulation.actions.policies import policy_create, policy_publish, policy_update
from maillage.regulation.actions.proposals import match_run, proposal_answer, proposals_expire
from maillage.regulation.actions.requests import (
    application_answer,
    applications_send,
    documents_add,
    medical_save,
    physician_name,
    place_request_create,
    place_request_move,
    place_request_sign,
    place_request_update,
    requests_update_reminders,
)
from maillage.regulation.actions.supply import (
    programme_create,
    requirement_add,
    requirement_remove,
    unit_add,
    vacancies_overdue,
    vacancy_declare,
    vacancy_withdraw,
)

__all__ = [
    "application_answer",
    "applications_send",
    "commission_close",
    "commission_create",
    "commission_decide",
    "documents_add",
    "emergency_call",
    "emergency_night",
    "match_run",
    "medical_save",
    "physician_name",
    "place_request_create",
    "place_request_move",
    "place_request_sign",
    "place_request_update",
    "policy_create",
    "policy_publish",
    "policy_update",
    "programme_create",
    "proposal_answer",
    "proposals_expire",
    "requests_update_reminders",
    "requirement_add",
    "requirement_remove",
    "unit_add",
    "vacancies_overdue",
    "vacancy_declare",
    "vacancy_withdraw",
]
