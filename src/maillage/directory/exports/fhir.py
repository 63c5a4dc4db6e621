"""Export of the published directory as a FHIR Bundle of Organization, Location and
HealthcareService resources (the shape France's ROR publishes).

fhir.resources ships R5, R4B and STU3; R4B's Organization, Location and HealthcareService are
those of R4, so every resource is validated with the R4B models before it is written. The
Bundle (type ``collection``) is streamed entry by entry, so memory stays flat.

Identifiers follow the ANS conventions: the national structure identifier (IDNST, system
``urn:oid:1.2.250.1.71.4.2.2``, prefix 1 for a FINESS number, 3 for a SIRET) plus the FINESS
and SIRET numbers themselves. Thématiques are coded in a code system named after the
data·inclusion schema, for lack of an official FHIR one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.db.models import Prefetch
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from pydantic import ValidationError

from maillage.core.fhir import pruned
from maillage.directory import health, hours
from maillage.directory.enums import (
    ModeAccueil,
    ModeMobilisation,
    Public,
    PublicationState,
    Thematique,
)
from maillage.directory.exports import ExportCounts
from maillage.directory.exports.hsds import _id, has_place, postal_code_of
from maillage.directory.models import Service, Structure

BATCH = 500
IDNST = "urn:oid:1.2.250.1.71.4.2.2"
FINESS_SYSTEM = "http://finess.sante.gouv.fr"
SIRET_SYSTEM = "https://sirene.fr"
IDENTIFIER_TYPES = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
THEMES_SYSTEM = "https://github.com/gip-inclusion/data-inclusion-schema/thematiques"
PROVISION = "http://terminology.hl7.org/CodeSystem/service-provision-conditions"
REFERRAL = "http://terminology.hl7.org/CodeSystem/service-referral-method"
DI_SCHEMA = "https://github.com/gip-inclusion/data-inclusion-schema"
PUBLICS_SYSTEM = f"{DI_SCHEMA}/publics"
MOBILISATION_SYSTEM = f"{DI_SCHEMA}/modes-de-mobilisation"
# The FINESS category, in the ANS nomenclature (NOS TRE_R66).
FINESS_CATEGORY = "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
COG = "https://www.insee.fr/fr/information/2560452"  # the official geographic code
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FACETS = {
    "reduced_mobility_access": "Accessible aux personnes à mobilité réduite",
    "unconditional_welcome": "Accueil inconditionnel",
    "no_appointment": "Sans rendez-vous",
    "interpreting": "Interprétariat",
    "peer_workers": "Pair-aidant·es présent·es",
    "anonymous": "Accueil anonyme",
    "third_party_payment": "Tiers payant",
}


def _identifier(system: str, value: str, type_code: str) -> dict:
    return {
        "use": "official",
        "type": {"coding": [{"system": IDENTIFIER_TYPES, "code": type_code}]},
        "system": system,
        "value": value,
    }


def _telecom(entry, website: str = "") -> list[dict]:
    telecom = []
    if entry.phone:
        telecom.append({"system": "phone", "value": entry.phone})
    if entry.email:
        telecom.append({"system": "email", "value": entry.email})
    if website:
        telecom.append({"system": "url", "value": website})
    return telecom


def _address(entry) -> list[dict]:
    commune = entry.commune
    city = entry.city_name or (commune.name if commune else "")
    if not (entry.address or city):
        return []
    address = {"use": "work", "type": "physical", "country": "FR"}
    lines = [line for line in (entry.address, entry.address_complement) if line]
    if lines:
        address["line"] = lines
    if city:
        address["city"] = city
    postal = postal_code_of(entry)
    if postal:
        address["postalCode"] = postal
    if commune:
        address["district"] = commune.departement.name
    return [address]


def available_time(expression: str) -> list[dict]:
    return [
        {
            "daysOfWeek": [DAYS[d] for d in weekdays],
            "availableStartTime": opens.strftime("%H:%M:%S"),
            "availableEndTime": "23:59:59"
            if closes == dt.time(0, 0)
            else closes.strftime("%H:%M:%S"),
        }
        for (opens, closes), weekdays in hours.ordinary_week(expression or "").items()
    ]


def organization(structure: Structure) -> dict:
    identifiers = []
    if structure.finess:
        identifiers.append(_identifier(IDNST, "1" + structure.finess, "IDNST"))
        identifiers.append(_identifier(FINESS_SYSTEM, structure.finess, "FINEG"))
    if structure.siret:
        identifiers.append(_identifier(IDNST, "3" + structure.siret, "IDNST"))
        identifiers.append(_identifier(SIRET_SYSTEM, structure.siret, "SIRET"))
    kinds = []
    if structure.finess_category:
        kinds.append(
            {
                "coding": [
                    {
                        "system": FINESS_CATEGORY,
                        "code": structure.finess_category,
                        "display": structure.finess_category_label or None,
                    }
                ]
            }
        )
    resource = {
        "resourceType": "Organization",
        "id": str(structure.public_id),
        "active": True,
        "type": kinds,
        "name": structure.name,
        "identifier": identifiers,
        "telecom": _telecom(structure, structure.website),
        "address": _address(structure),
    }
    return Organization.model_validate(pruned(resource)).model_dump(mode="json", exclude_none=True)


def location(entry, *, organization_id: str, location_id: str) -> dict | None:
    if not has_place(entry):
        return None
    resource = {
        "resourceType": "Location",
        "id": location_id,
        "status": "active",
        "mode": "instance",
        "name": entry.name,
        "address": (_address(entry) or [None])[0],
        "managingOrganization": {"reference": f"Organization/{organization_id}"},
        "telecom": _telecom(entry),
    }
    if entry.latitude is not None and entry.longitude is not None:
        resource["position"] = {"latitude": entry.latitude, "longitude": entry.longitude}
    opening = available_time(entry.opening_hours)
    if opening:
        resource["hoursOfOperation"] = [
            {
                "daysOfWeek": slot["daysOfWeek"],
                "openingTime": slot["availableStartTime"],
                "closingTime": slot["availableEndTime"],
            }
            for slot in opening
        ]
    return Location.model_validate(pruned(resource)).model_dump(mode="json", exclude_none=True)


def _coverage(codes: list[str]) -> list[dict]:
    """The eligibility zone, as references naming the areas by their official code (a
    commune, an EPCI, a département, or the country)."""
    return [
        {
            "identifier": {"system": COG, "value": "99100" if code == "FR" else code},
            "display": "France entière" if code == "FR" else code,
        }
        for code in codes
    ]


def _referral(modes: list[str]) -> list[dict]:
    labels = dict(ModeMobilisation.choices)
    methods = []
    for mode in modes:
        coding = [
            {"system": MOBILISATION_SYSTEM, "code": mode, "display": str(labels.get(mode, mode))}
        ]
        if mode == "telephoner":
            coding.insert(0, {"system": REFERRAL, "code": "phone"})
        methods.append({"coding": coding, "text": str(labels.get(mode, mode))})
    return methods


def _not_available(expression: str) -> list[dict]:
    if "PH off" in (expression or ""):
        return [{"description": "Fermé les jours fériés"}]
    return []


def _eligibility(service: Service) -> list[dict]:
    labels = dict(Public.choices)
    result = [
        {
            "code": {
                "coding": [
                    {"system": PUBLICS_SYSTEM, "code": code, "display": str(labels.get(code, code))}
                ]
            }
        }
        for code in health.exchange_publics(service.publics, service.health_offers)
    ]
    if service.access_conditions:
        result.append({"comment": service.access_conditions})
    return result


def healthcare_service(service: Service, location_ids: list[str], labels: dict) -> dict:
    structure = service.structure
    themes = [
        {"coding": [{"system": THEMES_SYSTEM, "code": t, "display": str(labels.get(t, t))}]}
        for t in service.thematiques
    ]
    # Maillage's health offers next to the themes, in their own code system; their families
    # as the service's category.
    offers = [
        {"coding": [{"system": health.TAXONOMY_URI, "code": value, "display": health.label(value)}]}
        for value in service.health_offers
        if value in health.OFFERS
    ]
    families = dict.fromkeys(
        health.FAMILY_OF[value].value for value in service.health_offers if value in health.OFFERS
    )
    categories = [
        {"coding": [{"system": health.TAXONOMY_URI, "code": value, "display": health.label(value)}]}
        for value in families
    ]
    characteristics = [{"text": text} for name, text in FACETS.items() if getattr(service, name)]
    if "a-distance" in service.reception_modes:
        characteristics.append({"text": str(ModeAccueil("a-distance").label)})
    free = [{"coding": [{"system": PROVISION, "code": "free"}]}]
    resource = {
        "resourceType": "HealthcareService",
        "id": str(service.public_id),
        "active": True,
        "providedBy": {
            "reference": f"Organization/{structure.public_id}",
            "display": structure.name,
        },
        "name": service.name,
        "comment": service.description[:1000] if service.description else None,
        "extraDetails": service.description or None,
        "category": categories,
        "type": offers + themes,
        "location": [{"reference": f"Location/{lid}"} for lid in location_ids],
        "telecom": _telecom(service, service.mobilisation_link),
        "appointmentRequired": not service.no_appointment,
        "availableTime": available_time(service.opening_hours or structure.opening_hours),
        "communication": [
            {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}
            for code in service.languages
            if LANGUAGE_TAG.match(code)  # an editor's typo is no language
        ],
        "eligibility": _eligibility(service),
        "coverageArea": _coverage(service.eligibility_zone),
        "referralMethod": _referral(service.mobilisation_modes),
        "notAvailable": _not_available(service.opening_hours or structure.opening_hours),
        "serviceProvisionCode": free if service.fees == "gratuit" else [],
        "characteristic": characteristics,
    }
    return HealthcareService.model_validate(pruned(resource)).model_dump(
        mode="json", exclude_none=True
    )


def _valid(build, left_out: list[str], *args, **kwargs):
    """The resource `build` makes, or None when the FHIR model refuses it (named in
    left_out): one record's odd value must not cost every partner the whole export."""
    try:
        return build(*args, **kwargs)
    except ValidationError as error:
        what = getattr(args[0], "name", "") if args else ""
        left_out.append(f"{what} : refusé par le modèle FHIR ({error.errors()[0]['msg']})")
        return None


def resources(structures, left_out: list[str] | None = None):
    labels = dict(Thematique.choices)
    left_out = [] if left_out is None else left_out
    for structure in structures:
        oid = str(structure.public_id)
        organization_resource = _valid(organization, left_out, structure)
        if organization_resource is None:
            continue  # its services would point to nothing
        yield organization_resource
        place_id = _id(oid, "location")
        place = _valid(location, left_out, structure, organization_id=oid, location_id=place_id)
        if place:
            yield place
        for service in structure.services.all():
            service.structure = structure
            own_id = _id(str(service.public_id), "location")
            own = _valid(location, left_out, service, organization_id=oid, location_id=own_id)
            if own:
                yield own
            ids = [own_id] if own else ([place_id] if place else [])
            resource = _valid(healthcare_service, left_out, service, ids, labels)
            if resource:
                yield resource


def export(path: Path) -> ExportCounts:
    published = Service.objects.filter(state=PublicationState.PUBLISHED).select_related(
        "commune__departement"
    )
    structures = (
        Structure.objects.filter(state=PublicationState.PUBLISHED)
        .select_related("commune__departement")
        .prefetch_related(Prefetch("services", queryset=published.order_by("pk")))
        .order_by("pk")
    )
    counts = ExportCounts()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"resourceType": "Bundle", "type": "collection", "entry": [')
        first = True
        for resource in resources(structures.iterator(chunk_size=BATCH), counts.left_out):
            if resource["resourceType"] == "Organization":
                counts.structures += 1
            elif resource["resourceType"] == "HealthcareService":
                counts.services += 1
            entry = {
                "fullUrl": f"urn:uuid:{resource['id']}",
                "resource": resource,
            }
            handle.write("\n" if first else ",\n")
            handle.write(json.dumps(entry, ensure_ascii=False))
            first = False
        handle.write("\n]}\n")
    return counts
