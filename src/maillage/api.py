"""The JSON API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from maillage.accounts.actions import api_token_user
from maillage.cooperation.api import router as cooperation_router
from maillage.core import audit, ratelimit
from maillage.core.access import second_factor_step
from maillage.core.inputs import InvalidInput, clean_data, pydantic_reason
from maillage.core.pipeline import Missing, denial_of
from maillage.core.versions import StaleVersion
from maillage.directory.api import router as directory_router
from maillage.pathways.api import router as pathways_router
from maillage.regulation.api import router as regulation_router


class VerifiedSessionAuth(SessionAuth):
    """A logged-in session, with its second factor passed wherever the pages require it: the
    API must not be a way around the check LoginRequiredMiddleware makes for pages."""

    def _get_key(self, request):
        # No session behind the cookie: not authenticated (401), whatever the CSRF token; the
        # CSRF check matters for a session that would act.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or second_factor_step(user) is not None:
            return None
        return user


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer mlg_…`, a personal token created on the account page."""

    def authenticate(self, request, token):

        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class CheckedParser(Parser):
    """JSON bodies through the one input normalisation (core.inputs): a NUL, a lone
    surrogate, a control character, NaN or a structure nested too deep is refused with a
    French 400 naming where, before any schema or query sees it."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body, parse_constant=_no_constant)
        except RecursionError:
            raise InvalidInput("imbrication trop profonde") from None
        except InvalidInput:
            raise
        except ValueError as error:
            raise InvalidInput("le corps de la requête n'est pas du JSON valide") from error
        return clean_data(data)


def _no_constant(name):
    raise InvalidInput(f"{name} n'est pas un nombre JSON")


session_auth = VerifiedSessionAuth()
token_auth = ApiTokenAuth()

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "pourquoi, en français"}},
    "required": ["detail"],
    "title": "ErrorOut",
}
# What any operation may answer besides its own statuses, and when (the document says so,
# so that a client, and the Schemathesis campaign, know every status they can get).
COMMON_RESPONSES = {
    "400": "Requête refusée : un paramètre, un caractère ou le corps ne convient pas "
    "(le message dit lequel et pourquoi).",
    "503": "La requête a pris trop de temps et a été interrompue (MAILLAGE_STATEMENT_TIMEOUT) : "
    "rien n'a été modifié, réessayez.",
}
AUTH_RESPONSE = "Authentification requise : une session ouverte ou un jeton d'API (Bearer)."


def _on(field: str, **body) -> dict:
    """A link's parameters: the path's public_id from this response's `field`, and an
    optional body (constants and runtime expressions)."""
    link = {"parameters": {"public_id": f"$response.body#/{field}"}}
    if body:
        link["requestBody"] = body
    return link


_SR, _PW = "maillage_pathways_api_support_request_", "maillage_pathways_api_"
# OpenAPI links: what a client (and Schemathesis's stateful phase) does next with what an
# operation returned — a request created, read, triaged into a pathway, whose plan, notebook,
# stays and meetings are then read and written.
PATHWAY_NEXT = {
    "Parcours": (f"{_PW}pathway_detail", _on("pathway_id")),
    "Plan": (f"{_PW}plan_detail", _on("pathway_id")),
    "Message": (f"{_PW}message_add", _on("pathway_id")),
    "Messages": (f"{_PW}message_list", _on("pathway_id")),
    "Objectif": (f"{_PW}plan_objective_add", _on("pathway_id")),
    "Sejour": (f"{_PW}stay_add", _on("pathway_id")),
    "Reunion": (f"{_PW}meeting_add", _on("pathway_id")),
    "Reunions": (f"{_PW}meeting_list", _on("pathway_id")),
    "Fhir": (f"{_PW}pathway_fhir", _on("pathway_id")),
}
LINKS = {
    f"{_SR}create": {
        "201": {
            "Demande": (f"{_SR}detail", _on("id")),
            "Tri": (
                f"{_SR}triage",
                _on("id", outcome="pathway", answers=[], version="$response.body#/version"),
            ),
        }
    },
    f"{_SR}triage": {"200": PATHWAY_NEXT},
    f"{_PW}meeting_add": {
        "201": {
            "Reunion": (
                f"{_PW}meeting_detail",
                {
                    "parameters": {
                        "public_id": "$request.path.public_id",
                        "meeting_id": "$response.body#/id",
                    }
                },
            ),
        }
    },
    "maillage_directory_api_orientation_create": {
        "201": {"Orientation": ("maillage_directory_api_orientation_detail", _on("id"))}
    },
}


# What core.inputs refuses in any text, said in the document (ECMA regex: the C0 controls
# but tab, line feed and carriage return), so that clients know before they send.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"


def _text_rule(schema: dict, components: dict, seen: set) -> None:
    """Add TEXT_PATTERN to every free text of an input schema (following $ref once)."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _text_rule(components.get(name, {}), components, seen)
        return
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = TEXT_PATTERN
    for key in ("properties", "$defs"):
        for child in (schema.get(key) or {}).values():
            _text_rule(child, components, seen)
    for key in ("items", "additionalProperties"):
        _text_rule(schema.get(key), components, seen)
    for key in ("anyOf", "allOf", "oneOf"):
        for child in schema.get(key) or []:
            _text_rule(child, components, seen)


class MaillageAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`maillage_<app>_api_<function>`, whichever module of the app's API package holds
        the endpoint: the ids clients and the links above rely on do not move with a file."""
        module = operation.view_func.__module__
        parts = module.split(".")
        if "api" in parts:
            module = ".".join(parts[: parts.index("api") + 1])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = document.get("components", {}).get("schemas", {})
        seen: set[str] = set()
        for item in document["paths"].values():
            for operation in item.values():
                for parameter in operation.get("parameters", []):
                    _text_rule(parameter.get("schema"), components, seen)
                for body in operation.get("requestBody", {}).get("content", {}).values():
                    _text_rule(body.get("schema"), components, seen)
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                # An operation answering another media type than JSON says which (FHIR).
                for status, types in operation.pop("x-media-types", {}).items():
                    content = responses[str(status)].get("content", {})
                    body = next(iter(content.values()), {"schema": {"type": "object"}})
                    responses[str(status)]["content"] = dict.fromkeys(types, body)
                for status, links in LINKS.get(operation["operationId"], {}).items():
                    responses[status]["links"] = {
                        name: {"operationId": target, **more}
                        for name, (target, more) in links.items()
                    }
                extra = dict(COMMON_RESPONSES)
                if operation.get("security"):
                    extra["401"] = AUTH_RESPONSE
                for status, description in extra.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ERROR_SCHEMA}},
                        },
                    )
        return document


api = MaillageAPI(
    title="Maillage",
    version="1",
    description="API de Maillage : annuaire de l'offre sanitaire, sociale et médico-sociale, "
    "demandes d'appui et parcours.",
    urls_namespace="api",
    docs_url=None,
    # Everything needs a logged-in session or an API token unless an operation says
    # auth=None (public reads).
    auth=[token_auth, session_auth],
    parser=CheckedParser(),
)
api.add_router("/", directory_router)
api.add_router("/", pathways_router)
api.add_router("/", regulation_router)
api.add_router("/", cooperation_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """Bad parameters: a 400 that says which and why, in French."""
    detail = pydantic_reason(exc.errors, ignored={"query", "filters", "body", "path", "payload"})
    return api.create_response(request, {"detail": detail or "paramètre invalide"}, status=400)


HTTP_MESSAGES = {
    401: "authentification requise : une session ouverte ou un jeton d'API (Bearer)",
    403: "accès refusé",
    404: "introuvable",
    429: "trop de requêtes : réessayez dans un moment",
}


@api.exception_handler(HttpError)
def http_error(request, exc):
    """ninja's own errors, in French; a body refused by CheckedParser says why."""
    if isinstance(exc.__cause__, InvalidInput):
        detail = f"corps de la requête refusé — {exc.__cause__}"
    elif isinstance(exc, AuthenticationError) or exc.message in {"Forbidden", "Too many requests."}:
        detail = HTTP_MESSAGES.get(exc.status_code, exc.message)
    elif exc.message == "CSRF check Failed":
        detail = (
            "vérification CSRF échouée : avec une session de navigateur, envoyez l'en-tête "
            "X-CSRFToken (ou utilisez un jeton d'API)"
        )
    elif exc.message == "Cannot parse request body":
        detail = "le corps de la requête n'est pas du JSON valide"
    else:
        detail = exc.message
    response = api.create_response(request, {"detail": detail}, status=exc.status_code)
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(exc.wait)
    return response


# What actions and access helpers raise, answered once for every operation (core.pipeline).
@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    """The role does not allow it: 403, the denial audited under the operation's name
    (unless the helper that refused already wrote it)."""
    if not audit.denial_recorded():
        action, target = denial_of(request, exc, "api.denied")
        audit.deny(action, request=request, **target)
    return api.create_response(
        request, {"detail": "votre rôle ne permet pas cette action"}, status=403
    )


@api.exception_handler(StaleVersion)
def stale_version(request, exc):
    """Someone else changed the record since it was read: 409, nothing written."""
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


@api.exception_handler(ratelimit.Exceeded)
def exceeded(request, exc):
    """Done too often in the window (sheets sent, say): 429 with its French message."""
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=429)


@api.exception_handler(DjangoValidationError)
def refused(request, exc):
    """An action refused the input or the move: 400 with its French message."""
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    """Not found, or not the caller's to see (told the same); a `Missing` is audited."""
    if isinstance(exc, Missing) and not audit.denial_recorded():
        action, target = denial_of(request, exc, "api.not_found")
        audit.deny(action, request=request, **target)
    what = getattr(exc, "what", "")
    detail = f"{what} introuvable" if what else HTTP_MESSAGES[404]
    return api.create_response(request, {"detail": detail}, status=404)


@api.exception_handler(RawPostDataException)
def form_body(request, exc):
    """A form-encoded or multipart body (already read as a form by the CSRF check) where
    JSON is expected: a 400, not a crash."""
    return api.create_response(
        request, {"detail": "le corps de la requête doit être du JSON"}, status=400
    )
