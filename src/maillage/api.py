"""The JSON API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

import json

from django.http import Http404
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from maillage.accounts.access import second_factor_step
from maillage.core.inputs import InvalidInput, clean_data
from maillage.directory.api import router as directory_router
from maillage.pathways.api import router as pathways_router


class VerifiedSessionAuth(SessionAuth):
    """A logged-in session, with its second factor passed wherever the pages require it: the
    API must not be a way around the check LoginRequiredMiddleware makes for pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or second_factor_step(user) is not None:
            return None
        return user


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer mlg_…`, a personal token created on the account page."""

    def authenticate(self, request, token):
        from maillage.accounts.actions import api_token_user

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

api = NinjaAPI(
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


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """Bad parameters: a 400 that says which and why, in French."""
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", []) if p not in {"query", "filters"})
        problems.append(f"{where} : valeur invalide" if where else "paramètre invalide")
    return api.create_response(request, {"detail": " ; ".join(problems)}, status=400)


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
    elif exc.message == "Cannot parse request body":
        detail = "le corps de la requête n'est pas du JSON valide"
    else:
        detail = exc.message
    response = api.create_response(request, {"detail": detail}, status=exc.status_code)
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": HTTP_MESSAGES[404]}, status=404)


@api.exception_handler(RawPostDataException)
def form_body(request, exc):
    """A form-encoded or multipart body (already read as a form by the CSRF check) where
    JSON is expected: a 400, not a crash."""
    return api.create_response(
        request, {"detail": "le corps de la requête doit être du JSON"}, status=400
    )
