"""data·inclusion v1 rows as pydantic models of our own: what an import accepts.

Every message is in French: it ends up in the import report a coordinator reads.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from maillage.accounts.validators import FINESS_PATTERN, siret_valid
from maillage.directory.enums import (
    THEME_PARENTS,
    FeeSector,
    Frais,
    LegalForm,
    MobilisablePar,
    ModeAccueil,
    ModeMobilisation,
    Public,
    ReseauPorteur,
    ServiceType,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
INSEE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
POSTAL_CODE = re.compile(r"^[0-9]{5}$")
ZONE_CODE = re.compile(r"^([0-9][0-9AB][0-9]{3}|[0-9]{2,3}|2A|2B|[0-9]{9}|[A-Z]{2})$")


@functools.cache
def allowed_values(enumeration) -> frozenset[str]:
    return frozenset(enumeration.values)


def _check_values(values: list[str] | None, allowed, what: str) -> list[str]:
    values = values or []
    known = allowed_values(allowed)
    unknown = sorted({v for v in values if v not in known})
    if unknown:
        raise ValueError(f"{what} : {', '.join(unknown)}")
    return list(dict.fromkeys(values))


LIST_ENUMERATIONS = {
    "publics": (Public, "public(s) inconnu(s)"),
    "modes_accueil": (ModeAccueil, "mode(s) d'accueil inconnu(s)"),
    "modes_mobilisation": (ModeMobilisation, "mode(s) de mobilisation inconnu(s)"),
    "mobilisable_par": (MobilisablePar, "valeur(s) de mobilisable_par inconnue(s)"),
}


_YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
_NO = {"non", "n", "no", "0", "faux", "false", ""}


def _yes_no(value):
    """A spreadsheet's yes or no: oui/non, 1/0, x or an empty cell, vrai/faux."""
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f"oui ou non attendu, pas {value!r}")


YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _web_address(value):
    """An http(s) address; "www.exemple.fr" gains its https://; any other scheme
    (javascript:, data:, mailto:…) is refused: it would become a link on the service page."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if re.match(r"^https?://", value, re.IGNORECASE):
        return value
    if _SCHEME.match(value) and not re.match(r"^[^/:]+:\d+", value):
        raise ValueError(f"adresse web invalide (http ou https attendu) : {value[:80]!r}")
    return f"https://{value}"


WebAddress = Annotated[str | None, BeforeValidator(_web_address)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    source: Text = Field(min_length=1, max_length=100)
    id: Text = Field(min_length=1, max_length=200)
    nom: Text = Field(min_length=3, max_length=150)
    date_maj: datetime.date | None = None
    adresse: Text | None = Field(default=None, max_length=255)
    complement_adresse: Text | None = Field(default=None, max_length=255)
    code_insee: Text | None = None
    code_postal: Text | None = None
    commune: Text | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    courriel: Text | None = Field(default=None, max_length=254)
    telephone: Text | None = Field(default=None, max_length=40)
    horaires_accueil: Text | None = Field(default=None, max_length=1000)
    lien_source: WebAddress = Field(default=None, max_length=500)

    @field_validator("date_maj", mode="before")
    @classmethod
    def _date(cls, value):
        # The schema allows a full timestamp; only the day matters here.
        if isinstance(value, str) and "T" in value:
            return value.split("T", 1)[0]
        return value

    @field_validator("code_insee")
    @classmethod
    def _insee(cls, value):
        if value and not INSEE_CODE.match(value):
            raise ValueError(f"code INSEE invalide : {value!r}")
        return value or None

    @field_validator("code_postal")
    @classmethod
    def _postal(cls, value):
        if value and not POSTAL_CODE.match(value):
            raise ValueError(f"code postal invalide : {value!r}")
        return value or None

    @field_validator("courriel")
    @classmethod
    def _email(cls, value):
        if not value:
            return None
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(f"courriel invalide : {value!r}") from None
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data):
        # PostgreSQL text cannot hold U+0000: say so in the report instead of failing the write.
        # repr() shows one as \x00 (written in C, it costs far less than the loop below,
        # which finds which field, or that it was only a backslash followed by "x00").
        if isinstance(data, dict) and "\\x00" in repr(data):
            for key, value in data.items():
                values = value if isinstance(value, list) else [value]
                if any(isinstance(v, str) and "\x00" in v for v in values):
                    raise ValueError(f"{key} : caractère nul interdit")
        return data

    @model_validator(mode="after")
    def _position_pair(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude et longitude vont ensemble")
        return self


class DIStructure(_Row):
    siret: Text | None = None
    # Maillage's health extensions, filled by the FINESS import.
    finess: Text | None = None
    finess_ej: Text | None = None
    categorie_finess: Text | None = Field(default=None, max_length=4)
    libelle_categorie_finess: Text | None = Field(default=None, max_length=200)
    erreur_lecture: str | None = None  # a reader's own finding about the line
    # Maillage's own, given by the spreadsheet template (absent from data·inclusion).
    forme_juridique: Text | None = None
    agrement_esus: YesNo = None

    @field_validator("forme_juridique")
    @classmethod
    def _legal_form(cls, value):
        if value and value not in allowed_values(LegalForm):
            raise ValueError(f"forme juridique inconnue : {value!r}")
        return value or None

    @model_validator(mode="before")
    @classmethod
    def _reader_error(cls, data):
        # The reader already knows the line is broken: say that, not its consequences.
        if isinstance(data, dict) and data.get("erreur_lecture"):
            raise ValueError(data["erreur_lecture"])
        return data

    @field_validator("finess", "finess_ej")
    @classmethod
    def _finess(cls, value):
        if value and not FINESS_PATTERN.match(value):
            raise ValueError(f"numéro FINESS invalide : {value!r}")
        return value or None

    description: Text | None = Field(default=None, max_length=10_000)
    site_web: WebAddress = Field(default=None, max_length=500)
    accessibilite_lieu: WebAddress = Field(default=None, max_length=500)
    reseaux_porteurs: list[str] | None = None

    @field_validator("siret")
    @classmethod
    def _siret(cls, value):
        if value and not siret_valid(value.replace(" ", "")):
            raise ValueError(f"SIRET invalide : {value!r}")
        return value.replace(" ", "") if value else None

    @field_validator("reseaux_porteurs")
    @classmethod
    def _networks(cls, value):
        return _check_values(value, ReseauPorteur, "valeur(s) de reseaux_porteurs inconnue(s)")


class DIService(_Row):
    structure_id: Text = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=10_000)
    type: Text | None = None
    thematiques: list[str] | None = None
    publics: list[str] | None = None
    publics_precisions: Text | None = None
    conditions_acces: Text | None = None
    frais: Text | None = None
    frais_precisions: Text | None = None
    contact_nom_prenom: Text | None = Field(default=None, max_length=200)
    modes_accueil: list[str] | None = None
    modes_mobilisation: list[str] | None = None
    mobilisable_par: list[str] | None = None
    mobilisation_precisions: Text | None = None
    lien_mobilisation: WebAddress = Field(default=None, max_length=500)
    nombre_semaines: int | None = Field(default=None, ge=0)
    volume_horaire_hebdomadaire: float | None = Field(default=None, ge=0)
    zone_eligibilite: list[str] | None = None
    # Maillage's health extensions, given by the spreadsheet template (absent from
    # data·inclusion): professions, capacity, and the financial and psychosocial faces of
    # accessibility.
    professions: list[Annotated[str, StringConstraints(max_length=100)]] | None = None
    capacite: int | None = Field(default=None, ge=0, le=100_000)
    secteurs_conventionnement: list[str] | None = None
    tiers_payant: YesNo = None
    gratuit_sous_conditions: YesNo = None
    acces_pmr: YesNo = None
    accueil_inconditionnel: YesNo = None
    sans_rendez_vous: YesNo = None
    langues: list[str] | None = None
    interpretariat: YesNo = None
    pair_aidance: YesNo = None
    accueil_anonyme: YesNo = None

    @field_validator("secteurs_conventionnement")
    @classmethod
    def _sectors(cls, value):
        return _check_values(value, FeeSector, "secteur(s) de conventionnement inconnu(s)")

    @field_validator("langues")
    @classmethod
    def _languages(cls, value):
        value = [v.lower() for v in value or []]
        bad = sorted({v for v in value if not LANGUAGE_CODE.match(v)})
        if bad:
            raise ValueError(f"code(s) de langue invalide(s) (ISO 639) : {', '.join(bad)}")
        return list(dict.fromkeys(value))

    @field_validator("type")
    @classmethod
    def _type(cls, value):
        if value and value not in allowed_values(ServiceType):
            raise ValueError(f"type de service inconnu : {value!r}")
        return value or None

    @field_validator("frais")
    @classmethod
    def _fees(cls, value):
        if value and value not in allowed_values(Frais):
            raise ValueError(f"frais inconnus : {value!r}")
        return value or None

    @field_validator("thematiques")
    @classmethod
    def _themes(cls, value):
        # data·inclusion v1 rows carry sub-themes only; a parent theme is a search filter.
        value = value or []
        unknown = sorted({v for v in value if v not in THEME_PARENTS})
        if unknown:
            raise ValueError(f"thématique(s) inconnue(s) : {', '.join(unknown)}")
        return list(dict.fromkeys(value))

    @field_validator("publics", "modes_accueil", "modes_mobilisation", "mobilisable_par")
    @classmethod
    def _enumerated(cls, value, info):
        allowed, what = LIST_ENUMERATIONS[info.field_name]
        return _check_values(value, allowed, what)

    @field_validator("zone_eligibilite")
    @classmethod
    def _zone(cls, value):
        value = value or []
        bad = sorted({v for v in value if not ZONE_CODE.match(v)})
        if bad:
            raise ValueError(f"code(s) de zone d'éligibilité invalide(s) : {', '.join(bad)}")
        return list(dict.fromkeys(value))
