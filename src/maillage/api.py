"""The JSON API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import HttpBearer, SessionAuth

from maillage.accounts.access import second_factor_step
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


@api.exception_handler(RawPostDataException)
def form_body(request, exc):
    """A form-encoded or multipart body (already read as a form by the CSRF check) where
    JSON is expected: a 400, not a crash."""
    return api.create_response(
        request, {"detail": "le corps de la requête doit être du JSON"}, status=400
    )
