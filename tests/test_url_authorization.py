"""Every URL of the project, against a declared expectation for every persona.

The list of URL patterns comes from Django's resolver: a new URL without a row in
EXPECTATIONS fails `test_every_url_pattern_has_a_declared_expectation`. Later modules add
their rows here. Statuses are for GET unless the row says POST.
"""

import datetime as dt
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maillage.core.models import AuditEvent
from maillage.pathways import inputs
from tests.conftest import login_verified

PERSONAS = [
    "anonymous",
    "platform_admin",
    "coordinator",
    "professional",
    "colleague",
    "outsider",
    "organisation_admin",
    "peer_worker",
    "user_representative",
    "observer",
    "person",
    "caregiver",
    "regulator",
    "emergency_operator",
    "coordinating_physician",
]
LOGGED_IN = PERSONAS[1:]
# Personas who always need a second factor: logged in as after entering the code.
VERIFIED = {"person", "caregiver", "platform_admin"}
PORTAL = {"person", "caregiver"}


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def logged_in(status, anonymous=302, **overrides):
    expected = {"anonymous": anonymous, **dict.fromkeys(LOGGED_IN, status)}
    expected.update(overrides)
    return expected


def only(allowed, status=200, others=403, **overrides):
    return logged_in(others, **{**dict.fromkeys(allowed, status), **overrides})


NOT_PORTAL = [p for p in LOGGED_IN if p not in PORTAL]
SEARCHERS = [
    "platform_admin",
    "coordinator",
    "professional",
    "colleague",
    "outsider",
    "organisation_admin",
    "peer_worker",
    "regulator",
    "emergency_operator",
    "coordinating_physician",
]

ORIENTERS = ["coordinator", "professional", "colleague", "outsider"]
KEEPERS = ["platform_admin", "organisation_admin"]
# The organisation's members read its conventions (its admin and the platform's keep them).
CONVENTION_READERS = [
    "platform_admin",
    "professional",
    "colleague",
    "organisation_admin",
    "peer_worker",
]


def _keepers(status, members=403, others=404, **overrides):
    """Keepers get `status`; the other members of the organisation `members`; the rest
    `others` (the convention is not theirs to know of)."""
    members_only = [p for p in CONVENTION_READERS if p not in KEEPERS]
    return only(
        KEEPERS,
        status=status,
        others=others,
        **{**dict.fromkeys(members_only, members), **overrides},
    )


# A heat-wave alert of a territory holding the organisation's commune, to its professionals,
# admin and peer worker; the platform's coordinator issued it.
ALERT_RECIPIENTS = ["professional", "colleague", "organisation_admin", "peer_worker"]
ALERT_READERS = [*ALERT_RECIPIENTS, "coordinator"]

# A campaign calling one person of the commune, 85 years old: her referent (the platform's
# coordinator) and the professional who asked for her pathway are her circle.
CAMPAIGN_READERS = ["coordinator", "professional"]


REQUESTERS = ["coordinator", "professional", "colleague", "outsider", "peer_worker"]
MODERATORS = ["platform_admin", "coordinator"]
# Professionals, coordinators and organisation admins receive the orientations sent to their
# organisation's services (not peer workers, nor the platform's admins).
RECEIVERS = ["coordinator", "professional", "colleague", "outsider", "organisation_admin"]
# The observatory's readers (figures, never a person), and who writes the annual report.
OBSERVERS = ["platform_admin", "coordinator", "user_representative", "observer", "regulator"]
REPORT_EDITORS = ["platform_admin", "coordinator"]


# name: (kwargs builder(cast, territory) or None, method, expectations)
EXPECTATIONS = {
    "healthz": (None, "get", everyone(200)),
    "csp_report": (None, "post", everyone(204)),
    "set_language": (None, "get", everyone(302)),
    "accounts:login": (None, "get", logged_in(302, anonymous=200)),
    "accounts:logout": (None, "get", logged_in(405)),
    "accounts:otp_verify": (None, "get", logged_in(302)),
    "accounts:otp_setup": (
        None,
        "get",
        logged_in(200, person=302, caregiver=302, platform_admin=302),
    ),
    "accounts:password_reset": (None, "get", everyone(200)),
    "accounts:password_reset_done": (None, "get", everyone(200)),
    "accounts:password_reset_confirm": (
        lambda cast, territory: {"uidb64": "MQ", "token": "bad-token"},
        "get",
        everyone(200),
    ),
    "accounts:password_reset_complete": (None, "get", everyone(200)),
    "accounts:organisation_list": (None, "get", logged_in(200)),
    "accounts:organisation_create": (None, "get", only(["platform_admin"])),
    "accounts:organisation_detail": (
        lambda cast, territory: {"public_id": cast.organisation.public_id},
        "get",
        only(
            ["platform_admin", "professional", "colleague", "organisation_admin", "peer_worker"],
            others=404,
        ),
    ),
    "accounts:membership_revoke": (
        lambda cast, territory: {"public_id": cast.colleague.memberships.get().public_id},
        "post",
        only(["platform_admin", "organisation_admin"], status=302, others=404)
        | {"professional": 403, "colleague": 403, "peer_worker": 403},
    ),
    "accounts:invitation_open": (
        lambda cast, territory: {"token": "no-such-token"},
        "get",
        everyone(410),
    ),
    "accounts:invitation_accept": (None, "get", everyone(410)),
    "accounts:invitation_revoke": (
        lambda cast, territory: {"public_id": _pending_invitation(cast).public_id},
        "post",
        only(["platform_admin", "organisation_admin"], status=302, others=404)
        | {"professional": 403, "colleague": 403, "peer_worker": 403},
    ),
    "api:openapi-json": (None, "get", everyone(200)),
    "api:api-root": (None, "get", everyone(404)),
    "api:services": (None, "get", everyone(200)),
    "api:health_taxonomy": (None, "get", everyone(200)),
    "api:export": (lambda cast, territory: {"format": "hsds"}, "get", everyone(200)),
    # Session API calls: only the fully logged-in (second factor where required) get through.
    "api:orientation_list": (None, "get", logged_in(200, anonymous=401)),
    "api:orientation_create": (None, "get", logged_in(200, anonymous=401)),  # same path
    "api:sheet_send": (None, "post", logged_in(400, anonymous=401)),  # a body first
    "api:orientation_detail": (
        lambda cast, territory: {"public_id": _orientation(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, outsider=200),
    ),
    "api:support_request_list": (None, "get", only(REQUESTERS, others=403) | {"anonymous": 401}),
    "api:support_request_create": (  # same path as the list
        None,
        "get",
        only(REQUESTERS, others=403) | {"anonymous": 401},
    ),
    "api:support_request_detail": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    # Writes with an empty body: refused before anything is looked up (400), nothing said
    # about whether the record exists.
    "api:support_request_triage": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:circle_invite": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:circle_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:plan_detail": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:plan_update": (  # same path as the plan's GET
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:pathway_fhir": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:plan_objective_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:plan_action_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:pathway_list": (None, "get", only(REQUESTERS, others=403) | {"anonymous": 401}),
    "api:pathway_detail": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:message_list": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:message_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),  # same path as the list
    "api:stay_list": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:stay_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),  # same path as the list
    "api:stay_discharge": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "stay_id": uuid.uuid4()},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:meeting_list": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:meeting_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),  # same path as the list
    "api:meeting_detail": (
        lambda cast, territory: _meeting(cast),
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:meeting_update": (
        lambda cast, territory: _meeting(cast),
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),  # same path as the GET
    "api:meeting_cancel": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:meeting_minutes": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:meeting_decision": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:pathway_close": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    # No body needed: the coordinator is told the pathway is not closed; another member is
    # refused; everyone else is told it does not exist.
    "api:pathway_reopen": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, anonymous=401, professional=403, coordinator=400),
    ),
    "api:circle_approve": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "member_id": uuid.uuid4()},
        "post",
        logged_in(404, anonymous=401),
    ),
    "api:circle_remove": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "member_id": uuid.uuid4()},
        "post",
        logged_in(404, anonymous=401),
    ),
    "api:plan_action_status": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "action_id": uuid.uuid4()},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:plan_validation_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:caregiver_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:support_request_orient": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    # No body: the requester and the platform's coordination may withdraw the request;
    # everyone else is told it does not exist.
    "api:support_request_withdraw": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:support_request_reopen": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, anonymous=401, professional=403, coordinator=400),
    ),
    # The person agreed herself: nothing to note (400) for its two sides, 404 for others.
    "api:support_request_person_informed": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, anonymous=401, professional=400, coordinator=400),
    ),
    "api:pathway_handover": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:assessment_list": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),
    "api:assessment_create": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, anonymous=401, professional=200, coordinator=200),
    ),  # same path as the list
    "api:stay_check": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "stay_id": uuid.uuid4()},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:portal_invite": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:portal_revoke": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "access_id": uuid.uuid4()},
        "post",
        logged_in(404, anonymous=401),
    ),
    "api:orientation_answer": (
        lambda cast, territory: {"public_id": _orientation(cast).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "accounts:api_tokens": (None, "get", logged_in(200, person=403, caregiver=403)),
    "accounts:api_token_revoke": (
        lambda cast, territory: {"public_id": uuid.uuid4()},
        "post",
        logged_in(404),
    ),
    # The public's directory (as DORA and Soliguide): published services, read by anyone.
    "directory:search": (None, "get", everyone(200)),
    "directory:health_taxonomy": (None, "get", everyone(200)),
    "directory:service": (
        lambda cast, territory: {"public_id": _published_service().public_id},
        "get",
        everyone(200),
    ),
    "directory:service_sheet": (
        lambda cast, territory: {"public_id": _published_service().public_id},
        "get",
        everyone(200),
    ),
    # Sending a sheet to a person: those who orient; an empty form is refused in French.
    "directory:sheet_send": (
        lambda cast, territory: {"public_id": _published_service().public_id},
        "post",
        only(ORIENTERS, status=400),
    ),
    "directory:orientation_new": (
        lambda cast, territory: {"public_id": _published_service().public_id},
        "get",
        only(ORIENTERS),
    ),
    "directory:orientation_list": (None, "get", only(RECEIVERS)),
    "directory:orientation_statistics": (
        None,
        "get",
        only(OBSERVERS),
    ),
    "directory:orientation": (
        lambda cast, territory: {"public_id": _orientation(cast).public_id},
        "get",
        logged_in(404, professional=200, outsider=200),
    ),
    "directory:orientation_move": (
        lambda cast, territory: {"public_id": _orientation(cast).public_id},
        "post",
        logged_in(404, professional=400, outsider=400),
    ),
    "directory:orientation_attachment": (
        lambda cast, territory: {
            "public_id": _orientation(cast).public_id,
            "attachment_id": uuid.uuid4(),
        },
        "get",
        logged_in(404),
    ),
    "directory:orientation_answer": (
        lambda cast, territory: {"token": "no-such-token"},
        "get",
        everyone(410),
    ),
    "directory:orientation_answer_attachment": (
        lambda cast, territory: {"token": "no-such-token", "attachment_id": uuid.uuid4()},
        "get",
        everyone(404),
    ),
    "directory:my_entries": (None, "get", only(["organisation_admin"])),
    "directory:structure_new": (
        lambda cast, territory: {"organisation_id": cast.organisation.public_id},
        "get",
        only(["organisation_admin"]),
    ),
    "directory:structure_edit": (
        lambda cast, territory: {"public_id": _own_service(cast).structure.public_id},
        "get",
        only(["organisation_admin"]),
    ),
    "directory:service_new": (
        lambda cast, territory: {"public_id": _own_service(cast).structure.public_id},
        "get",
        only(["organisation_admin"]),
    ),
    "directory:service_edit": (
        lambda cast, territory: {"public_id": _own_service(cast).public_id},
        "get",
        only(["organisation_admin"]),
    ),
    "directory:entry_action": (
        lambda cast, territory: {
            "kind": "service",
            "public_id": _own_service(cast).public_id,
            "verb": "a-jour",
        },
        "post",
        only(["organisation_admin"], status=302),
    ),
    "directory:moderation": (None, "get", only(MODERATORS)),
    "directory:duplicates": (None, "get", only(MODERATORS)),
    "directory:duplicate_decide": (
        lambda cast, territory: {"first_id": uuid.uuid4(), "second_id": uuid.uuid4()},
        "post",
        only(MODERATORS, status=404),
    ),
    "directory:moderation_decide": (
        lambda cast, territory: {"kind": "service", "public_id": _own_service(cast).public_id},
        "post",
        only(MODERATORS, status=302),
    ),
    "pathways:pathway_list": (None, "get", only(REQUESTERS)),
    "pathways:request_list": (None, "get", only(REQUESTERS)),
    "pathways:request_new": (None, "get", only(REQUESTERS)),
    # The professional's request to the platform: she and the platform's coordinator see it.
    "pathways:request": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:request_triage": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, professional=403, coordinator=400),
    ),
    "pathways:request_withdraw": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, professional=302, coordinator=302),
    ),
    # Back to the queue: by its coordination only (the requester is refused), and only a
    # request closed with information: this one is still to sort, so the coordinator is
    # sent back to its page with why; others are told nothing.
    "pathways:request_reopen": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, professional=403, coordinator=302),
    ),
    # Orienting from a request: the platform's coordinators (an empty form: 400).
    "pathways:request_orient": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, professional=403, coordinator=400),
    ),
    "pathways:request_person_informed": (
        lambda cast, territory: {"public_id": _support_request(cast).public_id},
        "post",
        logged_in(404, professional=302, coordinator=302),
    ),
    # Opened by the coordinator (referent) from the professional's request: both are in
    # the circle; nobody else, not even a colleague of the same organisation.
    "pathways:pathway": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    # Adding to the circle: members propose, the referent adds (an empty form: 400).
    "pathways:circle_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:circle_approve": (
        lambda cast, territory: _pathway_member(cast),
        "post",
        logged_in(404, professional=403, coordinator=302),
    ),
    "pathways:circle_remove": (
        lambda cast, territory: _pathway_member(cast),
        "post",
        logged_in(404, professional=302, coordinator=302),
    ),
    # Handing over: the platform's coordinators only; no referent chosen: back to the page.
    "pathways:pathway_handover": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=403, coordinator=302),
    ),
    "pathways:assessments": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:assessment_new": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:plan": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:plan_print": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    # Empty forms: 400 for those who may edit the plan, 404 for everyone else.
    "pathways:plan_objective_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:plan_action_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:plan_validate": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:plan_action_status": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "action_id": uuid.uuid4()},
        "post",
        logged_in(404),
    ),
    # Follow-up: the circle (here the professional and the coordinator) only.
    "pathways:notebook": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:notebook_attachment": (
        lambda cast, territory: {
            "public_id": _pathway(cast).public_id,
            "attachment_id": uuid.uuid4(),
        },
        "get",
        logged_in(404),
    ),
    "pathways:stays": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:stay_check": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "stay_id": uuid.uuid4()},
        "post",
        logged_in(404),
    ),
    "pathways:stay_discharge": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "stay_id": uuid.uuid4()},
        "post",
        logged_in(404),
    ),
    "pathways:meetings": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:meeting_new": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:meeting": (
        lambda cast, territory: _meeting(cast),
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    "pathways:meeting_ics": (
        lambda cast, territory: _meeting(cast),
        "get",
        logged_in(404, professional=200, coordinator=200),
    ),
    # Empty forms: 400; cancelling without the version read: back to the page with a message.
    "pathways:meeting_edit": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:meeting_cancel": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(404, professional=302, coordinator=302),
    ),
    "pathways:meeting_minutes": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:meeting_decision": (
        lambda cast, territory: _meeting(cast),
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    # Closing and reopening: the platform's coordinators; other members are refused.
    "pathways:pathway_close": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=403, coordinator=200),
    ),
    "pathways:pathway_reopen": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=403, coordinator=302),
    ),
    # The person's space: anyone logged in has one (empty unless a pathway opened it to
    # her); nobody reaches a pathway through it without an access of her own.
    "pathways:portal": (None, "get", logged_in(200)),
    "pathways:portal_pathway": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404),
    ),
    "pathways:portal_accept": (
        lambda cast, territory: {"access_id": uuid.uuid4()},
        "post",
        logged_in(404),
    ),
    "pathways:portal_accesses": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404),
    ),
    "pathways:caregiver_add": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=400, coordinator=400),
    ),
    "pathways:portal_invite": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "post",
        logged_in(404, professional=403, coordinator=400),
    ),
    "pathways:portal_revoke": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id, "access_id": uuid.uuid4()},
        "post",
        logged_in(404),
    ),
    "pathways:record_accesses": (
        lambda cast, territory: {"public_id": _pathway(cast).public_id},
        "get",
        logged_in(404, professional=403, coordinator=200),
    ),
    # The observatory: figures per commune, for those who observe; never a person.
    "observatory:accessibility": (
        None,
        "get",
        only(OBSERVERS),
    ),
    "observatory:accessibility_compute": (
        None,
        "post",
        only(["platform_admin", "coordinator"], status=302),
    ),
    # The register of conventions: the keepers write, the organisation's members read.
    "cooperation:conventions": (None, "get", logged_in(200, person=403, caregiver=403)),
    "cooperation:convention_new": (None, "get", only(KEEPERS)),
    "cooperation:convention": (
        lambda c, t: _convention_ids(c),
        "get",
        only(CONVENTION_READERS, others=404),
    ),
    "cooperation:convention_edit": (lambda c, t: _convention_ids(c), "get", _keepers(200)),
    "cooperation:convention_move": (lambda c, t: _convention_ids(c), "post", _keepers(400)),
    "cooperation:party_add": (lambda c, t: _convention_ids(c), "post", _keepers(400)),
    "cooperation:obligation_add": (lambda c, t: _convention_ids(c), "post", _keepers(400)),
    "cooperation:party_leave": (lambda c, t: _party_ids(c), "post", _keepers(302)),
    "cooperation:obligation_move": (lambda c, t: _obligation_ids(c), "post", _keepers(302)),
    "cooperation:document_add": (lambda c, t: _convention_ids(c), "post", _keepers(400)),
    "cooperation:document": (
        lambda c, t: _document_ids(c),
        "get",
        only(CONVENTION_READERS, others=404),
    ),
    "cooperation:document_remove": (lambda c, t: _document_ids(c), "post", _keepers(302)),
    "api:document": (
        lambda c, t: _document_ids(c),
        "get",
        only(CONVENTION_READERS, others=404, anonymous=401),
    ),
    "api:document_remove": (
        lambda c, t: _document_ids(c),
        "post",
        _keepers(200, anonymous=401),
    ),
    "api:convention_list": (None, "get", logged_in(200, anonymous=401)),
    "api:convention_create": (None, "get", logged_in(200, anonymous=401)),  # same path
    "api:convention_detail": (
        lambda c, t: _convention_ids(c),
        "get",
        only(CONVENTION_READERS, others=404, anonymous=401),
    ),
    "api:convention_update": (
        lambda c, t: _convention_ids(c),
        "get",
        only(CONVENTION_READERS, others=404, anonymous=401),
    ),
    "api:convention_move": (
        lambda c, t: _convention_ids(c),
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:party_add": (lambda c, t: _convention_ids(c), "post", logged_in(400, anonymous=401)),
    "api:party_leave": (lambda c, t: _party_ids(c), "post", logged_in(400, anonymous=401)),
    "api:obligation_add": (lambda c, t: _convention_ids(c), "post", logged_in(400, anonymous=401)),
    "api:obligation_move": (lambda c, t: _obligation_ids(c), "post", logged_in(400, anonymous=401)),
    # Territorial alerts: the platform's coordinator alerts; its recipients read it.
    "cooperation:alerts": (None, "get", logged_in(200, person=403, caregiver=403)),
    "cooperation:alert_new": (None, "get", only(["coordinator"])),
    "cooperation:alert": (lambda c, t: _alert_ids(c, t), "get", only(ALERT_READERS, others=404)),
    "cooperation:alert_update": (
        lambda c, t: _alert_ids(c, t),
        "post",
        only(["coordinator"], status=400, others=404, **dict.fromkeys(ALERT_RECIPIENTS, 403)),
    ),
    "cooperation:alert_move": (
        lambda c, t: _alert_ids(c, t),
        "post",
        only(["coordinator"], status=302, others=404, **dict.fromkeys(ALERT_RECIPIENTS, 403)),
    ),
    "cooperation:alert_acknowledge": (
        lambda c, t: _alert_ids(c, t),
        "post",
        only(ALERT_READERS, status=302, others=404),
    ),
    "api:alert_list": (None, "get", logged_in(200, anonymous=401)),
    "api:alert_issue": (None, "get", logged_in(200, anonymous=401)),  # same path
    "api:alert_detail": (
        lambda c, t: _alert_ids(c, t),
        "get",
        only(ALERT_READERS, others=404, anonymous=401),
    ),
    "api:alert_update": (lambda c, t: _alert_ids(c, t), "post", logged_in(400, anonymous=401)),
    "api:alert_move": (lambda c, t: _alert_ids(c, t), "post", logged_in(400, anonymous=401)),
    "api:alert_acknowledge": (
        lambda c, t: _alert_ids(c, t),
        "post",
        only(ALERT_RECIPIENTS, others=404, anonymous=401, coordinator=400),
    ),
    # Check-call campaigns: the coordinator launches; the person's circle sees her call.
    "cooperation:campaign_new": (None, "get", only(["coordinator"])),
    "cooperation:campaign": (
        lambda c, t: _campaign_ids(c, t),
        "get",
        only(CAMPAIGN_READERS, others=404),
    ),
    "cooperation:campaign_close": (
        lambda c, t: _campaign_ids(c, t),
        "post",
        only(["coordinator"], status=302, others=404, professional=403),
    ),
    "cooperation:call_move": (
        lambda c, t: _call_ids(c, t),
        "post",
        only(CAMPAIGN_READERS, status=400, others=404),
    ),
    "api:campaign_create": (None, "post", logged_in(400, anonymous=401)),
    "api:campaign_detail": (
        lambda c, t: _campaign_ids(c, t),
        "get",
        only(CAMPAIGN_READERS, others=404, anonymous=401),
    ),
    "api:call_move": (lambda c, t: _call_ids(c, t), "post", logged_in(400, anonymous=401)),
    "api:campaign_close": (
        lambda c, t: _campaign_ids(c, t),
        "post",
        logged_in(400, anonymous=401),
    ),
    "observatory:dashboard": (None, "get", only(OBSERVERS)),
    "observatory:table": (lambda c, t: {"slug": "demandes", "fmt": "xlsx"}, "get", only(OBSERVERS)),
    # Open statistics: anyone, without an account (small counts suppressed).
    "observatory:open_statistics": (None, "get", everyone(200)),
    "observatory:open_data": (
        lambda c, t: {"slug": "demandes", "fmt": "csv"},
        "get",
        everyone(200),
    ),
    "observatory:reports": (None, "get", only(OBSERVERS)),
    # A report not yet published: its editors read it, the other observers do not find it.
    "observatory:report": (
        lambda c, t: {"year": 2026},
        "get",
        only(REPORT_EDITORS, others=403, user_representative=404, observer=404, regulator=404),
    ),
    "observatory:report_pdf": (
        lambda c, t: {"year": 2026},
        "get",
        only(REPORT_EDITORS, others=403, user_representative=404, observer=404, regulator=404),
    ),
    "observatory:report_commentary": (lambda c, t: {"year": 2026}, "get", only(REPORT_EDITORS)),
    # Without the version of the report read, publishing is refused as malformed.
    "observatory:report_publish": (
        lambda c, t: {"year": 2025},
        "post",
        only(REPORT_EDITORS, status=400),
    ),
    "core:home": (None, "get", logged_in(200)),
    "core:notifications": (None, "get", logged_in(200)),
    "core:notification_preferences": (None, "post", logged_in(302)),
    "core:switch_role": (None, "get", logged_in(405)),
    "core:platform_settings": (None, "get", only(["platform_admin"])),
    "core:audit_log": (None, "get", only(["platform_admin"])),
    "territories:list": (None, "get", only(NOT_PORTAL)),
    "territories:create": (None, "get", only(["platform_admin", "coordinator"])),
    "territories:detail": (
        lambda cast, territory: {"public_id": territory.public_id},
        "get",
        only(NOT_PORTAL),
    ),
    "territories:add": (
        lambda cast, territory: {"public_id": territory.public_id},
        "post",
        only(["platform_admin", "coordinator"], status=302),
    ),
    "territories:remove_commune": (
        lambda cast, territory: {"public_id": territory.public_id, "code": "85191"},
        "post",
        only(["platform_admin", "coordinator"], status=302),
    ),
    "territories:delete": (
        lambda cast, territory: {"public_id": territory.public_id},
        "post",
        only(["platform_admin", "coordinator"], status=302),
    ),
}

# Regulation: the SIAO regulates; the 115 takes calls; prescribers write requests; the
# structure's team (the professional's organisation) keeps its programme and answers what is
# sent to it; the EHPAD's coordinating physician reads what is applied to it.
PLACE_USERS = [
    "coordinator",
    "professional",
    "colleague",
    "outsider",
    "organisation_admin",
    "regulator",
    "emergency_operator",
    "coordinating_physician",
]
PRESCRIBERS = ["coordinator", "professional", "colleague", "outsider", "regulator"]
KEEPERS = ["professional", "colleague", "organisation_admin", "regulator"]
REGULATION = {
    "regulation:home": (None, "get", only(PLACE_USERS)),
    # The person's own requests (none here): anyone logged in has the page, empty.
    "regulation:portal": (None, "get", logged_in(200)),
    # The outsider's organisation has a structure of its own in the directory (_orientation).
    "regulation:programmes": (None, "get", only([*KEEPERS, "outsider"])),
    "regulation:programme": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "get",
        only(KEEPERS, others=404),
    ),
    "regulation:unit_add": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "post",
        only(KEEPERS, status=400, others=404),
    ),
    "regulation:requirement_add": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "post",
        only(KEEPERS, status=400, others=404),
    ),
    "regulation:requirement_remove": (
        lambda c, t: _requirement(c),
        "post",
        only(KEEPERS, status=302, others=404),
    ),
    "regulation:vacancy_declare": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "post",
        only(KEEPERS, status=400, others=404),
    ),
    "regulation:vacancy_withdraw": (
        lambda c, t: _vacancy(c),
        "post",
        only(KEEPERS, status=302, others=404),
    ),
    "regulation:tonight": (None, "get", only(["regulator", "emergency_operator"])),
    "regulation:emergency": (None, "get", only(["regulator", "emergency_operator"])),
    "regulation:request_list": (None, "get", only(PLACE_USERS)),
    "regulation:request_new": (None, "get", only(PRESCRIBERS)),
    "regulation:request": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "get",
        only(["professional", "regulator"], others=404),
    ),
    "regulation:request_edit": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "get",
        only(["professional", "regulator"], others=404),
    ),
    "regulation:request_move": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "post",
        only(["professional", "regulator"], status=400, others=404),
    ),
    "regulation:why_not": (
        lambda c, t: _why_not(c),
        "get",
        only(["regulator"], others=404, professional=403),
    ),
    # Documents: joined by those who edit the request, read by those who see it (none here).
    "regulation:documents_add": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "post",
        only(["professional", "regulator"], status=400, others=404),
    ),
    "regulation:document": (
        lambda c, t: {"public_id": _place_request(c).public_id, "document_id": uuid.uuid4()},
        "get",
        logged_in(404),
    ),
    "regulation:medical": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "get",
        only(["coordinating_physician"], others=404),
    ),
    "regulation:physician_name": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "post",
        only(["professional"], status=400, others=404, coordinating_physician=403),
    ),
    "regulation:request_sign": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "post",
        only(["professional"], status=302, others=404, coordinating_physician=403),
    ),
    "regulation:applications_send": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "post",
        only(["professional"], status=400, others=404, coordinating_physician=403),
    ),
    "regulation:emergency_night": (
        lambda c, t: {"public_id": _emergency_request(c).public_id},
        "post",
        only(["regulator", "emergency_operator"], status=400, others=404),
    ),
    "regulation:application": (
        lambda c, t: {"public_id": _application(c).public_id},
        "get",
        only(["professional", "coordinating_physician"], others=404),
    ),
    "regulation:ranking": (None, "get", only(["regulator"])),
    "regulation:policies": (None, "get", only(["regulator"])),
    "regulation:policy": (
        lambda c, t: {"public_id": _policy(c).public_id},
        "get",
        only(["regulator"], others=404),
    ),
    "regulation:policy_publish": (
        lambda c, t: {"public_id": _policy(c).public_id},
        "post",
        only(["regulator"], status=302, others=404),
    ),
    "regulation:policy_simulate": (
        lambda c, t: {"public_id": _policy(c).public_id},
        "get",
        only(["regulator"], others=404),
    ),
    "regulation:runs": (None, "get", only(["regulator"])),
    "regulation:run": (
        lambda c, t: {"public_id": _proposal(c).run.public_id},
        "get",
        only(["regulator"], others=404),
    ),
    "regulation:proposal": (
        lambda c, t: {"public_id": _proposal(c).public_id},
        "get",
        only(KEEPERS, others=404),
    ),
    "regulation:proposal_structure": (
        lambda c, t: {"public_id": _proposal(c).public_id},
        "post",
        only(
            ["professional", "colleague", "organisation_admin"],
            status=400,
            others=404,
            regulator=403,
        ),
    ),
    "regulation:proposal_person": (
        lambda c, t: {"public_id": _proposal(c).public_id},
        "post",
        only(
            ["professional", "regulator"],
            status=400,
            others=404,
            colleague=403,
            organisation_admin=403,
        ),
    ),
    "regulation:sessions": (None, "get", only(["regulator"])),
    "regulation:session": (
        lambda c, t: {"public_id": _session(c).public_id},
        "get",
        only(["regulator"], others=404),
    ),
    "regulation:session_decide": (
        lambda c, t: {"public_id": _session(c).public_id},
        "post",
        only(["regulator"], status=400, others=404),
    ),
    "regulation:session_close": (
        lambda c, t: {"public_id": _session(c).public_id},
        "post",
        only(["regulator"], status=400, others=404),
    ),
    "regulation:session_minutes": (
        lambda c, t: {"public_id": _session(c).public_id},
        "get",
        only(["regulator"], others=404),
    ),
    # The API: the same answers; a write with an empty body is refused before any lookup.
    "api:programme_list": (None, "get", logged_in(200, anonymous=401)),
    "api:programme_create": (None, "get", logged_in(200, anonymous=401)),  # same path
    "api:programme_detail": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "get",
        only(KEEPERS, others=404, anonymous=401),
    ),
    "api:unit_add": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:requirement_add": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:requirement_remove": (
        lambda c, t: _requirement(c),
        "delete",
        only(KEEPERS, others=404, anonymous=401),
    ),
    "api:vacancy_declare": (
        lambda c, t: {"public_id": _programme(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:vacancy_withdraw": (
        lambda c, t: _vacancy(c),
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:tonight": (None, "get", only(["regulator", "emergency_operator"], anonymous=401)),
    "api:place_request_list": (None, "get", only(PLACE_USERS, anonymous=401)),
    "api:place_request_create": (None, "get", only(PLACE_USERS, anonymous=401)),  # same path
    "api:place_request_detail": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "get",
        only(["professional", "regulator"], others=404, anonymous=401),
    ),
    "api:place_request_update": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "get",
        only(["professional", "regulator"], others=404, anonymous=401),
    ),  # same path
    "api:place_request_move": (
        lambda c, t: {"public_id": _place_request(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:place_request_sign": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "post",
        only(["professional"], others=404, anonymous=401, coordinating_physician=403),
    ),
    "api:medical_detail": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "get",
        only(["coordinating_physician"], others=404, anonymous=401),
    ),
    "api:physician_name": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "put",
        logged_in(400, anonymous=401),
    ),
    "api:medical_save": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "get",
        only(["coordinating_physician"], others=404, anonymous=401),
    ),  # same path
    "api:applications_send": (
        lambda c, t: {"public_id": _dossier(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:application_detail": (
        lambda c, t: {"public_id": _application(c).public_id},
        "get",
        only(["professional", "coordinating_physician"], others=404, anonymous=401),
    ),
    "api:application_answer": (
        lambda c, t: {"public_id": _application(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:why_not": (
        lambda c, t: _why_not(c),
        "get",
        only(["regulator"], others=404, professional=403, anonymous=401),
    ),
    "api:emergency_call": (None, "post", logged_in(400, anonymous=401)),
    "api:emergency_night": (
        lambda c, t: {"public_id": _emergency_request(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:ranking": (
        lambda c, t: {"regulator_id": c.siao.public_id},
        "get",
        only(["regulator"], others=404, anonymous=401),
    ),
    "api:policy_list": (
        lambda c, t: {"regulator_id": c.siao.public_id},
        "get",
        only(["regulator"], others=404, anonymous=401),
    ),
    "api:policy_create": (
        lambda c, t: {"regulator_id": c.siao.public_id},
        "get",
        only(["regulator"], others=404, anonymous=401),
    ),  # same path
    "api:policy_update": (
        lambda c, t: {"public_id": _policy(c).public_id},
        "put",
        logged_in(400, anonymous=401),
    ),
    "api:policy_publish": (
        lambda c, t: {"public_id": _policy(c).public_id},
        "post",
        only(["regulator"], others=404, anonymous=401),
    ),
    "api:policy_simulate": (
        lambda c, t: {"public_id": _policy(c).public_id},
        "get",
        only(["regulator"], others=404, anonymous=401),
    ),
    "api:match_run": (
        lambda c, t: {"regulator_id": c.siao.public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:run_detail": (
        lambda c, t: {"public_id": _proposal(c).run.public_id},
        "get",
        only(["regulator"], others=404, anonymous=401),
    ),
    "api:proposal_detail": (
        lambda c, t: {"public_id": _proposal(c).public_id},
        "get",
        only(KEEPERS, others=404, anonymous=401),
    ),
    "api:proposal_structure": (
        lambda c, t: {"public_id": _proposal(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:proposal_person": (
        lambda c, t: {"public_id": _proposal(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:commission_create": (
        lambda c, t: {"regulator_id": c.siao.public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:session_detail": (
        lambda c, t: {"public_id": _session(c).public_id},
        "get",
        only(["regulator"], others=404, anonymous=401),
    ),
    "api:commission_decide": (
        lambda c, t: {"public_id": _session(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
    "api:commission_close": (
        lambda c, t: {"public_id": _session(c).public_id},
        "post",
        logged_in(400, anonymous=401),
    ),
}
EXPECTATIONS.update(REGULATION)


def _programme(cast):
    """A CHRS programme of the professional's organisation, regulated by the SIAO."""
    from maillage.regulation import actions
    from maillage.regulation import inputs as r
    from tests.factories import StructureFactory

    structure = StructureFactory(commune_id="85191", organisation=cast.organisation)
    return actions.programme_create(
        actor=cast.regulator,
        data=r.ProgrammeIn(
            structure=structure.public_id, kind="chrs", name="CHRS", regulator=cast.siao.public_id
        ),
    )


def _requirement(cast):
    from maillage.regulation import actions
    from maillage.regulation import inputs as r

    programme = _programme(cast)
    rule = actions.requirement_add(
        actor=cast.regulator,
        programme=programme,
        data=r.RequirementIn(criterion="pets", operator="must_not"),
    )
    return {"public_id": programme.public_id, "requirement_id": rule.public_id}


def _free_place(cast):
    from django.utils import timezone

    from maillage.regulation import actions
    from maillage.regulation import inputs as r

    programme = _programme(cast)
    (unit,) = actions.unit_add(
        actor=cast.regulator, programme=programme, data=r.UnitIn(label="Studio")
    )
    vacancy = actions.vacancy_declare(
        actor=cast.regulator,
        programme=programme,
        data=r.VacancyIn(unit=unit.public_id, available_from=timezone.localdate()),
    )
    return programme, vacancy


def _vacancy(cast):
    programme, vacancy = _free_place(cast)
    return {"public_id": programme.public_id, "vacancy_id": vacancy.public_id}


def _members():
    from maillage.regulation import inputs as r

    return [
        r.MemberIn(first_name="Awa", last_name="Diallo", birth_date=dt.date(1990, 1, 1), sex="F")
    ]


def _place_request(cast, state="waiting", dalo=False):
    """The professional's request to the SIAO, waiting for a place."""
    from maillage.core.versions import current_version
    from maillage.regulation import actions
    from maillage.regulation import inputs as r

    created = actions.place_request_create(
        actor=cast.professional,
        data=r.PlaceRequestIn(
            members=_members(),
            regulator=cast.siao.public_id,
            recommended_kinds=["chrs"],
            consent=True,
            dalo=dalo,
            urgency=3 if dalo else 0,
        ),
    )
    for actor, target in (
        (cast.professional, "sent"),
        (cast.regulator, "checked"),
        (cast.regulator, "waiting"),
    ):
        actions.place_request_move(
            actor=actor,
            place_request=created,
            data=r.RequestMoveIn(to_state=target, version=current_version(created)),
        )
        if target == state:
            break
    return created


def _why_not(cast):
    request = _place_request(cast)
    _unused, vacancy = _free_place(cast)
    return {"public_id": request.public_id, "vacancy_id": vacancy.public_id}


def _dossier(cast):
    """The professional's EHPAD dossier, still a draft."""
    from maillage.regulation import actions
    from maillage.regulation import inputs as r

    dossier = actions.place_request_create(
        actor=cast.professional,
        data=r.PlaceRequestIn(members=_members(), recommended_kinds=["ehpad"], consent=True),
    )
    # A physician's account writes the medical part.
    actions.physician_name(
        actor=cast.professional,
        place_request=dossier,
        data=r.PhysicianIn(email=cast.coordinating_physician.email),
    )
    return dossier


def _application(cast):
    """The dossier, complete, sent to the coordinating physician's EHPAD."""
    from maillage.regulation import actions
    from maillage.regulation import inputs as r
    from tests.factories import StructureFactory

    ehpad = StructureFactory(
        commune_id="85191", organisation=cast.coordinating_physician.memberships.get().organisation
    )
    programme = actions.programme_create(
        actor=cast.coordinating_physician,
        data=r.ProgrammeIn(structure=ehpad.public_id, kind="ehpad", name="EHPAD"),
    )
    dossier = _dossier(cast)
    actions.medical_save(
        actor=cast.coordinating_physician,
        place_request=dossier,
        data=r.MedicalIn(gir=3, diagnoses="Chutes", care_needs="Toilette", complete=True),
    )
    actions.place_request_sign(actor=cast.professional, place_request=dossier)
    (application,) = actions.applications_send(
        actor=cast.professional,
        place_request=dossier,
        data=r.ApplicationsIn(programmes=[programme.public_id]),
    )
    return application


def _emergency_request(cast):
    from maillage.regulation import actions
    from maillage.regulation import inputs as r

    return actions.emergency_call(
        actor=cast.emergency_operator,
        data=r.EmergencyCallIn(first_name="Luc", last_name="Fabre", tonight_location="Gare"),
    )


def _policy(cast):
    """A draft policy of the SIAO."""
    from maillage.regulation import actions, priority
    from maillage.regulation import inputs as r

    return actions.policy_create(
        actor=cast.regulator,
        regulator=cast.siao,
        data=r.PolicyIn(name="Brouillon", **priority.DEFAULT_POLICY.as_data()),
    )


def _session(cast):
    from django.utils import timezone

    from maillage.regulation import actions
    from maillage.regulation import inputs as r

    return actions.commission_create(
        actor=cast.regulator,
        regulator=cast.siao,
        data=r.CommissionIn(held_on=timezone.localdate() + dt.timedelta(days=2)),
    )


def _proposal(cast):
    """A proposal the commission approved: the structure (the professional's organisation)
    sees it; the request is the professional's. Built once per persona's test (the rows
    that reach it only read it or are refused before writing)."""
    made = getattr(cast, "_proposal_made", None)
    if made is not None:
        return made
    cast._proposal_made = _approved_proposal(cast)
    return cast._proposal_made


def _approved_proposal(cast):
    from maillage.core.versions import current_version
    from maillage.regulation import actions
    from maillage.regulation import inputs as r
    from maillage.regulation.models import PriorityPolicy, Proposal

    if not PriorityPolicy.objects.filter(regulator=cast.siao, state="published").exists():
        actions.policy_publish(actor=cast.regulator, policy=_policy(cast))
    _free_place(cast)
    # First in rank, before the requests other rows left waiting: the new place is hers.
    request = _place_request(cast, dalo=True)
    session = _session(cast)
    actions.match_run(
        actor=cast.regulator, regulator=cast.siao, data=r.MatchRunIn(session=session.public_id)
    )
    proposal = Proposal.objects.get(request=request)
    actions.commission_decide(
        actor=cast.regulator,
        session=session,
        data=r.CommissionDecisionIn(
            proposal=proposal.public_id,
            decision="approved",
            reason="fits",
            version=current_version(proposal),
        ),
    )
    proposal.refresh_from_db()
    return proposal


def _published_service():
    from tests.factories import ServiceFactory, StructureFactory

    return ServiceFactory(structure=StructureFactory(commune_id="85191"))


def _own_service(cast):
    """A service of the organisation the organisation admin manages."""
    from tests.factories import ServiceFactory, StructureFactory

    return ServiceFactory(
        structure=StructureFactory(commune_id="85191", organisation=cast.organisation)
    )


def _orientation(cast):
    """Sent by the professional to a service of the outsider's organisation."""
    from django.utils import timezone

    from maillage.directory.models import Orientation
    from tests.factories import ServiceFactory, StructureFactory

    service = ServiceFactory(
        structure=StructureFactory(commune_id="85191", organisation=cast.other_organisation)
    )
    now = timezone.now()
    return Orientation.objects.create(
        service=service,
        sender=cast.professional,
        person_first_name="Lucie",
        person_last_name="Moreau",
        reason="Motif",
        consent_method="oral",
        consent_recorded_at=now,
        state_changed_at=now,
        expires_at=now + dt.timedelta(days=14),
    )


def _support_request(cast):
    from tests.factories import support_request

    return support_request(cast)


def _convention(cast):
    """A grouping kept by the organisation (its professional's, peer worker's and admin's),
    with one party and one obligation."""
    from maillage.cooperation import actions
    from maillage.cooperation.inputs import ConventionIn, ObligationIn, PartyIn

    convention = actions.convention_create(
        actor=cast.organisation_admin,
        data=ConventionIn(
            kind="gcsms",
            title="GCSMS de test",
            purpose="Mutualiser",
            managed_by=cast.organisation.public_id,
        ),
    )
    party = actions.party_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=PartyIn(organisation=cast.organisation.public_id),
    )
    obligation = actions.obligation_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=ObligationIn(party=party.public_id, description="Verser sa part"),
    )
    return convention, party, obligation


def _alert_ids(cast, territory):
    from maillage.cooperation import actions
    from maillage.cooperation.inputs import AlertIn

    cast.organisation.commune_id = "85191"
    cast.organisation.save(update_fields=["commune"])
    territory.communes.add("85191")
    alert = actions.alert_issue(
        actor=cast.coordinator,
        data=AlertIn(
            kind="heat_wave",
            title="Canicule",
            body="Appelez les personnes isolées.",
            territory=territory.public_id,
            audience_roles=["professional", "organisation_admin", "peer_worker"],
        ),
    )
    return {"public_id": alert.public_id}


def _campaign(cast, territory):
    import datetime as dt

    from django.utils import timezone

    from maillage.cooperation import actions
    from maillage.cooperation.inputs import CampaignIn
    from tests.factories import opened_pathway

    opened_pathway(cast, person_commune="85191")
    territory.communes.add("85191")
    return actions.campaign_create(
        actor=cast.coordinator,
        data=CampaignIn(
            title="Canicule",
            territory=territory.public_id,
            due_on=timezone.localdate() + dt.timedelta(days=1),
            min_age=75,
        ),
    )


def _campaign_ids(cast, territory):
    return {"public_id": _campaign(cast, territory).public_id}


def _call_ids(cast, territory):
    campaign = _campaign(cast, territory)
    return {"public_id": campaign.public_id, "call_id": campaign.calls.first().public_id}


def _document_ids(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.cooperation import actions

    convention = _convention(cast)[0]
    document = actions.document_add(
        actor=cast.organisation_admin,
        convention=convention,
        kind="signed",
        upload=SimpleUploadedFile("signee.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    return {"public_id": convention.public_id, "document_id": document.public_id}


def _convention_ids(cast):
    return {"public_id": _convention(cast)[0].public_id}


def _party_ids(cast):
    convention, party, _ = _convention(cast)
    return {"public_id": convention.public_id, "party_id": party.public_id}


def _obligation_ids(cast):
    convention, _, obligation = _convention(cast)
    return {"public_id": convention.public_id, "obligation_id": obligation.public_id}


def _pathway(cast):
    from tests.factories import opened_pathway

    return opened_pathway(cast)


def _pathway_member(cast):
    """The professional's own membership of the coordinator's pathway."""
    pathway = _pathway(cast)
    member = pathway.members.get(user=cast.professional)
    return {"public_id": pathway.public_id, "member_id": member.public_id}


def _meeting(cast):
    """A meeting to come, planned by the coordinator with the professional."""
    from datetime import timedelta

    from django.utils import timezone

    from maillage.pathways import actions

    pathway = _pathway(cast)
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(
            starts_at=timezone.now() + timedelta(days=3), invitees=[cast.professional.public_id]
        ),
    )
    return {"public_id": pathway.public_id, "meeting_id": meeting.public_id}


def _pending_invitation(cast):
    from datetime import timedelta

    from django.utils import timezone

    from maillage.accounts.models import Invitation

    return Invitation.objects.create(
        email=f"{uuid.uuid4().hex}@exemple.fr",
        organisation=cast.organisation,
        role="professional",
        token_hash=uuid.uuid4().hex,
        expires_at=timezone.now() + timedelta(days=1),
    )


def _names_a_person_record(name: str) -> bool:
    """URLs that name a request, a pathway or what hangs from it: a refusal there is
    written to the audit trail."""
    api = (
        "support_request_",
        "pathway_",
        "plan_",
        "circle_",
        "message_",
        "stay_",
        "meeting_",
        "caregiver_",
        "place_request_",
        "medical_",
        "physician_",
        "application_",
        "proposal_",
        "why_not",
        "emergency_night",
    )
    return name.startswith(
        (
            "pathways:",
            "regulation:request",
            "regulation:medical",
            "regulation:physician",
            "regulation:proposal",
            "regulation:application",
            "regulation:why_not",
        )
    ) or (name.startswith("api:") and name[4:].startswith(api))
    return name.startswith("pathways:") or (name.startswith("api:") and name[4:].startswith(api))


def _pattern_names(patterns=None, namespace=""):
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _pattern_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else repr(pattern))
    return names


def test_every_url_pattern_has_a_declared_expectation():
    names = _pattern_names()
    undeclared = sorted(set(names) - set(EXPECTATIONS))
    assert undeclared == [], f"declare who may reach these URLs: {undeclared}"
    assert sorted(set(EXPECTATIONS) - set(names)) == [], "stale rows in EXPECTATIONS"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_declared_answer_from_every_url(
    client, cast, persona, settings, tmp_path
):
    settings.PRIVATE_FILES_DIR = tmp_path  # the documents the table joins
    from maillage.territories.models import Commune, Departement, Region, Territory

    # A tiny referential: enough for the territory pages, without loading the whole pack.
    region = Region.objects.get_or_create(code="52", defaults={"name": "Pays de la Loire"})[0]
    departement = Departement.objects.get_or_create(
        code="85", defaults={"name": "Vendée", "region": region, "search_name": "vendee"}
    )[0]
    Commune.objects.get_or_create(
        code="85191",
        defaults={
            "name": "La Roche-sur-Yon",
            "kind": "COM",
            "departement": departement,
            "search_name": "la roche sur yon",
        },
    )
    mismatches = []
    for name, (kwargs_for, method, expected) in EXPECTATIONS.items():
        territory = Territory.objects.create(
            name=f"T {uuid.uuid4()}", created_by=cast.coordinator, organisation=cast.platform
        )
        if persona != "anonymous":
            user = getattr(cast, persona)
            if persona in VERIFIED:
                login_verified(client, user)
            else:
                client.force_login(user)
        url = reverse(name, kwargs=kwargs_for(cast, territory) if kwargs_for else None)
        data = {"kind": "commune", "code": "85191"} if name == "territories:add" else {}
        denials = AuditEvent.objects.filter(outcome="denied").count()
        response = getattr(client, method)(url, data)
        if response.status_code != expected[persona]:
            mismatches.append(
                f"{method.upper()} {name}: {response.status_code}, expected {expected[persona]}"
            )
        elif (
            response.status_code == 404
            and persona != "anonymous"
            and _names_a_person_record(name)
            and AuditEvent.objects.filter(outcome="denied").count() == denials
        ):
            mismatches.append(f"{method.upper()} {name}: 404 without an audited denial")
        client.logout()
    assert mismatches == [], "\n".join(mismatches)


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
