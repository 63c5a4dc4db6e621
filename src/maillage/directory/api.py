"""Directory API: `GET /api/v1/services` and `GET /api/v1/export/{format}`, public for
published services, rate-limited."""

import importlib
import json
import tempfile
from pathlib import Path
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from maillage.core import audit, ratelimit
from maillage.core.pipeline import acting, found
from maillage.directory import actions, health, hours, queries
from maillage.directory.enums import ModeAccueil, OrientationState, Public, Thematique
from maillage.directory.inputs import OrientationIn, OrientationMoveIn, SheetSendIn
from maillage.directory.queries import (
    BOOLEAN_FACETS,
    MAX_RADIUS_KM,
    SearchParams,
    SearchResults,
    search_cache_key,
    search_services,
)
from maillage.directory.schemas import (
    ErrorOut,
    HealthTaxonomyOut,
    OrientationList,
    OrientationOut,
    SearchOut,
    SheetSendOut,
)
from maillage.territories.queries import commune_by_code

router = Router(tags=["annuaire"])


class SearchFilters(Schema):
    q: str = Field("", description="Mots cherchés (accents, pluriels et fautes de frappe tolérés)")
    theme: list[str] = Field(
        [], description="Thématique data·inclusion ; un parent inclut ses enfants"
    )
    offre: list[str] = Field(
        [],
        description="Offre de santé ou médico-sociale (GET /taxonomie-sante) ; "
        "une famille inclut ses offres",
    )
    commune: str | None = Field(None, description="Code INSEE, nom de commune ou code postal")
    lat: float | None = Field(
        None, description="Latitude d'un point (avec lon), au lieu d'une commune"
    )
    lon: float | None = None
    radius_km: float = Field(30, description="Rayon autour de la commune ou du point, en km")
    public: list[str] = []
    free: bool = Field(False, description="Gratuit, ou gratuit sous conditions")
    facet: list[str] = Field([], description="Critères : " + ", ".join(BOOLEAN_FACETS))
    language: str | None = Field(None, description="Langue parlée, code ISO 639 (ar, en, fsl…)")
    reception: str | None = Field(None, description="Mode d'accueil : en-presentiel, a-distance")
    open_now: bool = False
    open_on: int | None = Field(None, description="Ouvert ce jour : 0 (lundi) à 6 (dimanche)")
    page: int = 1
    per_page: int = 20


def _check(filters: SearchFilters) -> str | None:
    """Refuses bad criteria with a 400 naming each; the commune's INSEE code, if any."""
    problems = []
    unknown = [t for t in filters.theme if t not in Thematique.values]
    if unknown:
        problems.append(f"thématique inconnue : {', '.join(unknown)}")
    filters.offre = [o for o in filters.offre if o.strip()]  # « offre= » asks for nothing
    unknown = [o for o in filters.offre if o not in health.OFFERS and o not in health.FAMILY_VALUES]
    if unknown:
        problems.append(f"offre de santé inconnue : {', '.join(unknown)}")
    unknown = [p for p in filters.public if p not in Public.values]
    if unknown:
        problems.append(f"public inconnu : {', '.join(unknown)}")
    unknown = [f for f in filters.facet if f not in BOOLEAN_FACETS]
    if unknown:
        problems.append(f"critère inconnu : {', '.join(unknown)}")
    if filters.reception and filters.reception not in ModeAccueil.values:
        problems.append(f"mode d'accueil inconnu : {filters.reception}")
    if (filters.lat is None) != (filters.lon is None):
        problems.append("lat et lon vont ensemble : donnez les deux ou aucun")
    elif filters.lat is not None and not (-90 <= filters.lat <= 90 and -180 <= filters.lon <= 180):
        problems.append("coordonnées hors limites (lat de -90 à 90, lon de -180 à 180)")
    if not 0 < filters.radius_km <= MAX_RADIUS_KM:
        problems.append(f"radius_km doit être entre 0 et {MAX_RADIUS_KM}")
    if filters.open_on is not None and not 0 <= filters.open_on <= 6:
        problems.append("open_on est un jour de 0 (lundi) à 6 (dimanche)")
    if not 1 <= filters.page <= 10_000 or not 1 <= filters.per_page <= 100:
        problems.append("page entre 1 et 10000, per_page entre 1 et 100")
    if len(filters.q) > 200:
        problems.append("q : 200 caractères au plus")
    commune = None
    if filters.commune and filters.commune.strip():
        commune = _commune_code(filters.commune.strip()[:100])
        if commune is None:
            problems.append(f"commune inconnue : {filters.commune[:100]}")
    if problems:
        raise HttpError(400, " ; ".join(problems))
    return commune


def _commune_code(text: str) -> str | None:
    """An INSEE code as it is; otherwise a name or a postal code, like the search page."""
    if commune_by_code(text) is not None:
        return text
    return queries.resolve_place(text)


def _service_out(service, place=None, now=None) -> dict:
    expression = service.opening_hours or service.structure.opening_hours
    return {
        "id": service.public_id,
        "name": service.name,
        "description": service.description,
        "structure": {
            "id": service.structure.public_id,
            "name": service.structure.name,
            "siret": service.structure.siret,
            "finess": service.structure.finess,
        },
        "thematiques": service.thematiques,
        "offres_sante": service.health_offers,
        "publics": service.publics,
        "fees": service.fees,
        "reception_modes": service.reception_modes,
        "address": service.address or service.structure.address,
        "postal_code": service.postal_code or service.structure.postal_code,
        "city": service.geo_commune.name if service.geo_commune else service.city_name,
        "commune_code": service.geo_commune_id,
        "latitude": service.geo_latitude,
        "longitude": service.geo_longitude,
        "distance_km": round(service.distance_km, 1)
        if getattr(service, "distance_km", None) is not None
        else None,
        "distance_approximate": bool(
            service.geo_approximate or (place is not None and place.position_approximate)
        ),
        "phone": service.phone or service.structure.phone,
        "email": service.email or service.structure.email,
        "opening_hours": expression,
        "open_now": hours.is_open(expression, now) if expression else None,
        "is_stale": bool(getattr(service, "is_stale", False)),
    }


@router.get(
    "/services",
    response={200: SearchOut, 400: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Chercher des services publiés",
)
def services(request, filters: Query[SearchFilters]):
    if settings.API_PUBLIC_RATE_PER_MINUTE and not ratelimit.hit(
        f"api-services:{audit.client_ip(request) or 'unknown'}",
        limit=settings.API_PUBLIC_RATE_PER_MINUTE,
        window_seconds=60,
    ):
        raise HttpError(429, "trop de requêtes : réessayez dans une minute")
    commune = _check(filters)
    params = SearchParams(
        text=filters.q,
        themes=filters.theme,
        offers=filters.offre,
        commune=commune,
        latitude=filters.lat,
        longitude=filters.lon,
        radius_km=filters.radius_km,
        publics=filters.public,
        free_only=filters.free,
        facets=filters.facet,
        language=filters.language,
        reception=filters.reception,
        open_now=filters.open_now,
        open_on_weekday=filters.open_on,
        limit=filters.per_page,
        offset=(filters.page - 1) * filters.per_page,
    )
    # Published services are public: the whole answer is cached like a shared HTTP cache
    # would, under the read-model's generation and the current five minutes ("open now").
    key = (
        search_cache_key("api-services", params, slot=True)
        if settings.SEARCH_CACHE_SECONDS
        else None
    )
    cached = cache.get(key) if key else None
    if cached is not None:
        body, unmet = cached
        if unmet is not None:
            actions.record_unmet_search(params=params, results=unmet, channel="api")
        return HttpResponse(body, content_type="application/json")
    results = search_services(params, cached=key is None)
    actions.record_unmet_search(params=params, results=results, channel="api")
    # The answer has SearchOut's shape (the OpenAPI document says so, tests check it); it is
    # written with json, not validated through the schema: that cost more than the search.
    body = json.dumps(
        {
            "count": results.total,
            "count_capped": results.capped,
            "page": filters.page,
            "per_page": filters.per_page,
            "results": [_service_out(s, results.place) for s in results.services],
            "remote": [_service_out(s, results.place) for s in results.remote],
        },
        ensure_ascii=False,
        default=str,  # public ids
    )
    if key:
        unmet = SearchResults([], [], 0, place=results.place) if results.empty else None
        cache.set(key, (body, unmet), settings.SEARCH_CACHE_SECONDS)
    return HttpResponse(body, content_type="application/json")


@router.get(
    "/taxonomie-sante",
    response=HealthTaxonomyOut,
    auth=None,
    summary="Le référentiel de l'offre de santé et médico-sociale",
    description=(
        "Les familles et les offres que le filtre `offre` et le champ `offres_sante` "
        "emploient, chacune avec les thématiques et publics data·inclusion qu'elle recouvre "
        "et les catégories d'établissement FINESS (nomenclature TRE_R66) qui l'offrent."
    ),
)
def health_taxonomy(request):
    return {
        "id": health.TAXONOMY_ID,
        "uri": health.TAXONOMY_URI,
        "version": health.TAXONOMY_VERSION,
        "families": [
            {
                "value": family.value,
                "label": str(family.label),
                "offers": [
                    {
                        "value": offer.value,
                        "label": str(offer.label),
                        "keywords": list(offer.keywords),
                        "thematiques": list(offer.themes),
                        "publics": list(offer.publics),
                        "categories_finess": list(offer.finess),
                    }
                    for offer in family.offers
                ],
            }
            for family in health.FAMILIES
        ],
    }


EXPORT_FORMATS = {
    "data-inclusion": ("maillage.directory.exports.data_inclusion", "application/json"),
    "hsds": ("maillage.directory.exports.hsds", "application/json"),
    "fhir": ("maillage.directory.exports.fhir", "application/fhir+json"),
}


@router.get(
    "/export/{format}",
    response={200: dict, 404: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Exporter l'annuaire publié (data-inclusion, hsds ou fhir)",
    openapi_extra={"x-media-types": {200: ["application/json", "application/fhir+json"]}},
    description=(
        "Le même fichier que `maillage export FORMAT FICHIER` : data·inclusion v1, "
        "Open Referral HSDS 3.0, ou un Bundle FHIR R4 (Organization, Location, "
        "HealthcareService). Limité à quelques exports par heure et par adresse."
    ),
)
def export(request, format: str):
    if format not in EXPORT_FORMATS:
        raise HttpError(404, "format inconnu : data-inclusion, hsds ou fhir")
    if not ratelimit.hit(
        f"api-export:{audit.client_ip(request) or 'unknown'}",
        limit=settings.API_EXPORT_RATE_PER_HOUR,
        window_seconds=3600,
    ):
        raise HttpError(429, "trop d'exports : réessayez dans une heure")
    module_name, content_type = EXPORT_FORMATS[format]
    exporter = importlib.import_module(module_name)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as temporary:
        path = Path(temporary.name)
    try:
        exporter.export(path)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the data until it is closed
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"maillage-annuaire-{format}.json",
        content_type=content_type,
    )


def _orientation_out(orientation) -> dict:
    return {
        "id": orientation.public_id,
        "state": orientation.state,
        "state_label": str(orientation.get_state_display()),
        "service_id": orientation.service.public_id,
        "service_name": orientation.service.name,
        "structure_name": orientation.service.structure.name,
        "person_first_name": orientation.person_first_name,
        "person_last_name": orientation.person_last_name,
        "person_birth_year": orientation.person_birth_year,
        "person_phone": orientation.person_phone,
        "person_email": orientation.person_email,
        "need_theme": orientation.need_theme,
        "reason": orientation.reason,
        "consent_method": orientation.consent_method,
        "created_at": orientation.created_at,
        "expires_at": orientation.expires_at,
        "answered_at": orientation.answered_at,
        "refusal_reason": orientation.refusal_reason,
        "history": [
            {"state": t.to_state, "at": t.at, "via_link": t.via_link, "comment": t.comment}
            for t in orientation.transitions.all()
        ],
    }


@router.get(
    "/orientations",
    response={200: OrientationList, 403: ErrorOut},
    summary="Mes orientations (envoyées, ou reçues par mes structures)",
)
def orientation_list(
    request,
    box: Literal["sent", "received"] = "sent",
    state: str = "",
    page: int = Query(1, ge=1, le=10_000),
):
    if state and state not in OrientationState.values:
        raise HttpError(400, f"état inconnu : {state}")
    qs = queries.orientations_for(request.user, box=box, state=state).prefetch_related(
        "transitions"
    )
    rows = list(qs[(page - 1) * 50 : page * 50])
    audit.record(
        "orientation.list",
        request=request,
        details={"box": box, "orientations": [str(o.public_id) for o in rows], "api": 1},
    )
    return {"count": qs.count(), "page": page, "results": [_orientation_out(o) for o in rows]}


def _visible_orientation(request, public_id, action: str):
    """The orientation, if the user is its sender or its receiver; else `Missing` (404,
    audited under `action`)."""
    return found(
        queries.orientation_for(request.user, public_id),
        action,
        "directory.orientation",
        public_id,
        "orientation",
    )


@router.get(
    "/orientations/{public_id}",
    response={200: OrientationOut, 404: ErrorOut},
    summary="Une orientation (l'envoyeur et la structure qui la reçoit seulement)",
)
def orientation_detail(request, public_id: UUID):
    orientation = _visible_orientation(request, public_id, "orientation.read")
    actions.orientation_record_read(orientation=orientation, acting=audit.Actor.of(request))
    return _orientation_out(orientation)


@router.post(
    "/orientations",
    response={201: OrientationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Orienter une personne vers un service (avec son accord)",
)
@acting("orientation.send")
def orientation_create(request, payload: OrientationIn):
    orientation = actions.orientation_create(
        actor=request.user, data=payload, acting=audit.Actor.of(request)
    )
    return Status(
        201, _orientation_out(queries.orientation_for(request.user, orientation.public_id))
    )


@router.post(
    "/envois-de-fiches",
    response={202: SheetSendOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Envoyer la fiche d'un service à une personne, par SMS ou courriel",
    description=(
        "Pour qui oriente. L'adresse n'est gardée que le temps de l'envoi (par la file des "
        "tâches), puis effacée ; le journal d'audit note la fiche, l'auteur et le canal."
    ),
)
@acting("directory.sheet.send")
def sheet_send(request, payload: SheetSendIn):
    sending = actions.sheet_send(actor=request.user, data=payload, acting=audit.Actor.of(request))
    return Status(202, {"id": sending.public_id, "channel": sending.channel})


@router.post(
    "/orientations/{public_id}/moves",
    response={200: OrientationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Répondre à une orientation ou en dire la suite : le service l'accepte ou la "
    "refuse (avec un motif), l'envoyeur la retire, l'issue est notée",
)
@acting("orientation.move")
def orientation_answer(request, public_id: UUID, payload: OrientationMoveIn):
    orientation = _visible_orientation(request, public_id, "orientation.move")
    actions.orientation_answer(
        actor=request.user, orientation=orientation, data=payload, acting=audit.Actor.of(request)
    )
    return _orientation_out(queries.orientation_for(request.user, public_id))
