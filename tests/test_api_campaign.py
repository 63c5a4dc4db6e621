"""The API campaign: Schemathesis against /api/v1/openapi.json, anonymous and with a token,
then its stateful phase, which follows the document's links (a request created, read,
triaged into a pathway whose plan, notebook, stays and meetings are then read and written).

Every generated request must get a documented status with a body of the documented shape,
and never a server error. MAILLAGE_API_FUZZ_EXAMPLES sets the cases per operation (CI: the
default here; `make fuzz`: a thousand).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.specs.openapi.checks import positive_data_acceptance

from maillage.api import api
from maillage.wsgi import application
from tests.factories import opened_pathway

# 30 cases per operation and per side keep the whole suite within CI's time with its 98
# operations (60 took six minutes of the suite's twenty); `make fuzz` runs a thousand.
EXAMPLES = int(os.environ.get("MAILLAGE_API_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
# Business rules the schema cannot say (a latitude needs a longitude, a commune must exist,
# a plan needs its version) refuse schema-valid requests with a documented 400 and a reason:
# that is not a failure.
EXCLUDED = [positive_data_acceptance]


# The document the API serves, built without a request (the operations need the database,
# the document does not); the calls go to the WSGI application in-process.
def _schema():
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    loaded.app = application
    return loaded


schema = _schema()
authenticated = _schema()  # the same document, with the campaign's token as its auth
TOKEN = {}


@authenticated.auth(refresh_interval=None)
class CampaignToken:
    """The coordinator's API token of the current test (the world fixture makes it): told to
    Schemathesis as the API's authentication, so that its auth checks know what is valid."""

    def get(self, case, ctx):
        return TOKEN["raw"]

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def served(db, settings):
    """The API served as Django's test client serves it: a request's end must not close the
    test's database connection (its transaction holds the test's data). The public rate
    limits are off: every generated request comes from one address, and would mostly meet
    the limit instead of the operation."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.API_PUBLIC_RATE_PER_MINUTE = 0
    settings.API_EXPORT_RATE_PER_HOUR = 1_000_000
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(served, cast):
    """Real records for the generated requests to reach: a pathway the coordinator follows,
    its platform, and her API token."""
    from maillage.accounts.actions import api_token_create

    pathway = opened_pathway(cast)
    _, TOKEN["raw"] = api_token_create(actor=cast.coordinator, name="campagne")
    return {
        "ids": {"public_id": str(pathway.public_id)},
        "platform": str(cast.platform.public_id),
    }


def _with_real_records(case, world, *, paths=True):
    """The case names the real platform (and, with `paths`, the real pathway) instead of
    random ones."""
    for name, value in world["ids"].items():
        if paths and case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    if isinstance(case.body, dict) and "platform" in case.body:
        case.body["platform"] = world["platform"]


REPORT = os.environ.get("MAILLAGE_FUZZ_REPORT")  # bench/fuzz.py reads the cases it ran


def _record(case, status) -> None:
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(f"api\t{case.operation.label}\t{status}\n")


def _call(case, **kwargs):
    try:
        response = case.call_and_validate(excluded_checks=EXCLUDED, **kwargs)
    except Exception:
        _record(case, "failure")
        raise
    _record(case, response.status_code)
    return response


@schema.parametrize()
@FUZZ
def test_anonymous_requests_get_documented_answers(case, served):
    _call(case)


@authenticated.parametrize()
@authenticated.given(real=st.booleans())
@FUZZ
def test_authenticated_requests_get_documented_answers(case, real, world):
    if real and not (case.meta is not None and case.meta.generation.mode.is_negative):
        _with_real_records(case, world)
    _call(case)


# What the person agreed to share, coherent (a rule the schema cannot say): given to every
# other new request of the chain, so that it starts more often.
CONSENT = {
    "consent_mode": "consents",
    "information_items": ["identity"],
    "recipients": ["platform"],
}


def test_linked_requests_chain_without_a_server_error(world):
    created = {"requests": 0, "made": 0}

    from django.db import transaction

    # The chain of support requests and pathways (the links the document declares); the
    # other operations are fuzzed one by one above.
    chain = authenticated.include(path_regex=r"^/api/v1/(support-requests|pathways)")

    class Campaign(chain.as_state_machine()):
        # Each example starts from the same database (the world fixture's), so that the same
        # choices meet the same answers: hypothesis requires it of the links it follows.
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case):
            # The links give the ids of what the chain created; a new request is for the
            # coordinator's platform.
            if case.meta is None or not case.meta.generation.mode.is_negative:
                _with_real_records(case, world, paths=False)
                if case.operation.label == "POST /api/v1/support-requests":
                    created["requests"] += 1
                    if created["requests"] % 2 and isinstance(case.body, dict):
                        case.body.update(CONSENT)

        def validate_response(self, response, case, **kwargs):
            _record(case, response.status_code)
            if response.status_code == 201:
                created["made"] += case.operation.label == "POST /api/v1/support-requests"
            try:
                case.validate_response(response, excluded_checks=EXCLUDED)
            except Exception as error:
                found.append(f"{case.operation.label} → {response.status_code} : {error}")
                raise

    # Generation only: a failure is reported as found (shrinking would replay steps whose
    # answers hold new random ids). Hypothesis may still find that a choice it made before
    # met another answer this time (the answers hold new random ids) and stop the run as
    # "flaky": every failing answer is kept in `found`, so that a real one is never hidden
    # behind that; without one, the campaign runs again, afresh (three runs at most: their
    # steps all ran, and none met a failing answer).
    found: list[str] = []
    for _attempt in range(3):
        try:
            Campaign.run(
                settings=settings(
                    max_examples=max(EXAMPLES // 2, 10),
                    stateful_step_count=6,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.generate],
                    database=None,
                )
            )
            break
        except FlakyStrategyDefinition:
            assert not found, found[0]
    assert not found, found[0]
    # The chain went past its first step: requests were created through the API, the ones
    # the links then read, triaged and followed (each example's writes are rolled back).
    assert created["made"] > 0
