"""The JSON API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from maillage.directory.api import router as directory_router

api = NinjaAPI(
    title="Maillage",
    version="1",
    description="API de Maillage : annuaire de l'offre sanitaire, sociale et médico-sociale.",
    urls_namespace="api",
    docs_url=None,
    # Everything needs a logged-in session unless an operation says auth=None (public reads).
    auth=django_auth,
)
api.add_router("/", directory_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """Bad parameters: a 400 that says which and why, in French."""
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", []) if p not in {"query", "filters"})
        problems.append(f"{where} : valeur invalide" if where else "paramètre invalide")
    return api.create_response(request, {"detail": " ; ".join(problems)}, status=400)
