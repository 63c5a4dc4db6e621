"""Writes on support requests and pathways, one module per aggregate: each an atomic,
audited, named function that the pages and the API call alike. Everything is re-exported
here, so that callers write `actions.plan_save(...)` whatever module holds it. Audited reads
live in `pathways.reads`, scores in `pathways.scores`, e-mail wording in `pathways.emails`."""

from maillage.core.versions import StaleVersion
from maillage.pathways.actions._common import identity_key
from maillage.pathways.actions.assessments import assessment_record
from maillage.pathways.actions.circle import (
    circle_approve,
    circle_invite,
    circle_propose,
    circle_remove,
    needs_invitation,
    pathway_handover,
)
from maillage.pathways.actions.closure import (
    FINAL_OBJECTIVE_STATES,
    age_band,
    anonymise_pathway,
    apply_retention,
    pathway_close,
    pathway_reopen,
)
from maillage.pathways.actions.crisis import crisis_action_move, crisis_actions_add
from maillage.pathways.actions.meetings import (
    meeting_cancel,
    meeting_decide,
    meeting_record,
    meeting_reschedule,
    meeting_schedule,
)
from maillage.pathways.actions.notebook import MESSAGE_MAX_CHARS, message_post
from maillage.pathways.actions.plan import (
    objective_add,
    placement_prepared,
    plan_action_add,
    plan_action_set_status,
    plan_ensure,
    plan_save,
    plan_snapshot,
    plan_validate,
)
from maillage.pathways.actions.portal import (
    PERSON_NOTE_MAX_CHARS,
    caregiver_add,
    person_note_add,
    portal_accept,
    portal_invite,
    portal_link,
    portal_revoke,
)
from maillage.pathways.actions.reminders import (
    REMIND_AGAIN_AFTER_DAYS,
    remind_overdue,
    send_weekly_digests,
)
from maillage.pathways.actions.requests import (
    person_informed,
    request_orient,
    support_request_submit,
    support_request_withdraw,
)
from maillage.pathways.actions.stays import stay_admit, stay_check, stay_discharge
from maillage.pathways.actions.triage import (
    shares_with_circle,
    support_request_reopen,
    support_request_triage,
)
from maillage.pathways.enums import OPEN_ACTION_STATES

__all__ = [
    "FINAL_OBJECTIVE_STATES",
    "MESSAGE_MAX_CHARS",
    "OPEN_ACTION_STATES",
    "PERSON_NOTE_MAX_CHARS",
    "REMIND_AGAIN_AFTER_DAYS",
    "StaleVersion",
    "age_band",
    "anonymise_pathway",
    "apply_retention",
    "assessment_record",
    "caregiver_add",
    "circle_approve",
    "circle_invite",
    "circle_propose",
    "circle_remove",
    "crisis_action_move",
    "crisis_actions_add",
    "identity_key",
    "meeting_cancel",
    "meeting_decide",
    "meeting_record",
    "meeting_reschedule",
    "meeting_schedule",
    "message_post",
    "needs_invitation",
    "objective_add",
    "pathway_close",
    "pathway_handover",
    "pathway_reopen",
    "person_informed",
    "person_note_add",
    "placement_prepared",
    "plan_action_add",
    "plan_action_set_status",
    "plan_ensure",
    "plan_save",
    "plan_snapshot",
    "plan_validate",
    "portal_accept",
    "portal_invite",
    "portal_link",
    "portal_revoke",
    "remind_overdue",
    "request_orient",
    "send_weekly_digests",
    "shares_with_circle",
    "stay_admit",
    "stay_check",
    "stay_discharge",
    "support_request_reopen",
    "support_request_submit",
    "support_request_triage",
    "support_request_withdraw",
]
