"""data·inclusion v1 rows as pydantic models of our own: what an import accepts.

Every message is in French: it ends up in the import report a coordinator reads.
"""

from __future__ import annotations

import datetime
import functools
import re
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from maillage.accounts.validators import FINESS_PATTERN, siret_valid
from maillage.directory import health
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


_URL = re.compile(r"^https?://[^\s/?#.]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _web_address_valid(value):
    """_web_address, then an address a browser can open (a host with a dot, no space):
    "pas une url !" is no web address, with or without https:// in front."""
    value = _web_address(value)
    if value is not None and not _URL.match(value):
        raise ValueError(f"adresse web invalide : {value[:80]!r}")
    return value


def set_aside(info: ValidationInfo, field: str, reason: str) -> None:
    """A secondary value that is wrong: noted in the import report (context["warnings"]),
    the row keeps its place without it; without that context (the API's own checks), it
    is refused."""
    warnings = (info.context or {}).get("warnings")
    if warnings is None:
        raise ValueError(reason)
    warnings.append((field, reason))


def secondary(check):
    """A value that must not cost its row its place: when it does not pass `check`, the row
    is kept without it, and the import report says which value was set aside and why
    (context["warnings"]). Without that context (the API's own checks), it is refused."""

    def validate(value, info: ValidationInfo):
        try:
            return check(value)
        except ValueError as error:
            set_aside(info, info.field_name, str(error))
            return None

    return BeforeValidator(validate)


def _web_address_stored(value):
    """_web_address_valid, within the 500 characters Maillage stores (the schema allows
    2,083: a longer one is set aside, the row kept)."""
    value = _web_address_valid(value)
    if value is not None and len(value) > 500:
        raise ValueError(f"adresse web de {len(value)} caractères (500 au plus) : {value[:60]!r}…")
    return value


def _at_most(limit: int):
    def check(value):
        if value is not None and len(str(value).strip()) > limit:
            text = str(value).strip()
            raise ValueError(f"{len(text)} caractères ({limit} au plus) : {text[:40]!r}…")
        return value

    return check


def Bounded(limit: int):
    """A secondary text longer than its column: set aside with a warning, the row kept."""
    return Annotated[Text | None, secondary(_at_most(limit))]


WebAddress = Annotated[str | None, secondary(_web_address_stored)]


def _email_valid(value):
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(f"courriel invalide : {value[:80]!r}") from None
    return value


def _siret_valid(value):
    if value is None or not str(value).strip():
        return None
    value = str(value).replace(" ", "").strip()
    if not siret_valid(value):
        raise ValueError(f"SIRET invalide : {value[:20]!r}")
    return value


def _finding(value):
    if value:
        raise ValueError(str(value))
    return None


Email = Annotated[str | None, secondary(_email_valid)]
Siret = Annotated[str | None, secondary(_siret_valid)]
# The codes data·inclusion documents for the whole country; Maillage keeps one, "FR".
NATIONAL = {"france", "fr", "99100"}


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    source: Text = Field(min_length=1, max_length=100)
    id: Text = Field(min_length=1, max_length=200)
    # The record's public id, when the format names records by one (HSDS).
    public_id: uuid.UUID | None = None
    nom: Text = Field(min_length=3, max_length=150)
    # Checked even when absent (validate_default), so that a row without it is refused
    # with every other reason at once.
    date_maj: datetime.date | None = Field(default=None, validate_default=True)
    adresse: Bounded(255) = None
    complement_adresse: Bounded(255) = None
    code_insee: Text | None = None
    code_postal: Text | None = None
    commune: Bounded(200) = None
    latitude: float | None = None
    longitude: float | None = None
    courriel: Email = Field(default=None, max_length=254)
    telephone: Bounded(40) = None
    horaires_accueil: Bounded(1000) = None
    lien_source: WebAddress = Field(default=None, max_length=500)

    @field_validator("date_maj", mode="before")
    @classmethod
    def _date(cls, value):
        # The schema allows a full timestamp; only the day matters here.
        if isinstance(value, str) and "T" in value:
            return value.split("T", 1)[0]
        return value

    @field_validator("date_maj")
    @classmethod
    def _dated(cls, value, info: ValidationInfo):
        if value is None and (info.context or {}).get("require_date"):
            raise ValueError("champ obligatoire manquant (le schéma l'exige)")
        return value

    @field_validator("code_insee", "code_postal")
    @classmethod
    def _codes(cls, value, info: ValidationInfo):
        # A malformed code must not cost its row its place: it is set aside, said in the
        # report (the position or the other code still place the row).
        pattern, what = (
            (INSEE_CODE, "code INSEE")
            if info.field_name == "code_insee"
            else (POSTAL_CODE, "code postal")
        )
        if value and not pattern.match(value):
            set_aside(info, info.field_name, f"{what} invalide : {value[:20]!r}")
            return None
        return value or None

    @field_validator("code_insee")
    @classmethod
    def _known_commune(cls, value, info: ValidationInfo):
        # A code of no commune (merged since, mistyped): the row keeps its place without it,
        # said in the report; the position or the postal code still place it.
        communes = (info.context or {}).get("communes")
        if value and communes is not None and value not in communes:
            set_aside(info, "code_insee", f"commune inconnue : {value}")
            return None
        return value

    @model_validator(mode="after")
    def _own_ids(self):
        # data·inclusion writes ids as "source--id": the source's own id is what is kept.
        prefix = f"{self.source}--"
        self.id = self.id.removeprefix(prefix) or self.id
        if getattr(self, "structure_id", None):
            self.structure_id = self.structure_id.removeprefix(prefix) or self.structure_id
        return self

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
    def _position_pair(self, info: ValidationInfo):
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude et longitude vont ensemble")
        if self.latitude is not None and not (
            -90 <= self.latitude <= 90 and -180 <= self.longitude <= 180
        ):
            # A position off the globe must not cost the row its place: set aside, said.
            reason = f"position hors limites : {self.latitude}, {self.longitude}"
            set_aside(info, "latitude/longitude", reason)
            self.latitude = self.longitude = None
        return self


class DIStructure(_Row):
    siret: Siret = None
    # Maillage's health extensions, filled by the FINESS import.
    finess: Text | None = None
    finess_ej: Text | None = None
    categorie_finess: Bounded(4) = None
    libelle_categorie_finess: Text | None = Field(default=None, max_length=200)
    details_finess: dict[str, Annotated[str, StringConstraints(max_length=500)]] | None = None
    erreur_lecture: str | None = None  # a reader's own finding about the line
    # A reader's finding about a secondary part of the line (a FINESS position): a warning.
    erreur_position: Annotated[str | None, secondary(_finding)] = None
    # A reader's other findings about secondary columns (a FINESS fax, an unreadable date):
    # each a warning, the value already left out.
    avertissements_lecture: list[str] | None = None
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

    @field_validator("avertissements_lecture")
    @classmethod
    def _reader_findings(cls, value, info: ValidationInfo):
        for finding in value or []:
            set_aside(info, info.field_name, finding)
        return None

    @field_validator("finess", "finess_ej")
    @classmethod
    def _finess(cls, value, info: ValidationInfo):
        if value and not FINESS_PATTERN.match(value):
            reason = f"numéro FINESS invalide : {value[:20]!r}"
            if info.field_name == "finess":  # what names the establishment
                raise ValueError(reason)
            set_aside(info, info.field_name, reason)  # the legal entity's is secondary
            return None
        return value or None

    description: Text | None = Field(default=None, max_length=10_000)
    site_web: WebAddress = Field(default=None, max_length=500)
    accessibilite_lieu: WebAddress = Field(default=None, max_length=500)
    reseaux_porteurs: list[str] | None = None

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
    # Maillage's health and medico-social offer (directory.health), offers only: a family
    # is a search filter, not a tag.
    offres_sante: list[str] | None = None

    @field_validator("offres_sante")
    @classmethod
    def _offers(cls, value):
        value = [str(v).strip() for v in value or [] if str(v).strip()]
        unknown = sorted({v for v in value if v not in health.OFFERS})
        if unknown:
            raise ValueError(f"offre(s) de santé inconnue(s) : {', '.join(unknown)}")
        return list(dict.fromkeys(value))

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
    def _zone(cls, value, info: ValidationInfo):
        # The schema drops a code it does not know from the list rather than refusing the
        # service: so does Maillage, saying which in the report ("2a" is Corse-du-Sud).
        codes, bad = [], []
        for code in value or []:
            code = str(code).strip()
            if code.lower() in NATIONAL:
                codes.append("FR")
            elif re.match(r"^99[0-9]{3}$", code):  # another country: nothing of Maillage's
                set_aside(info, "zone_eligibilite", f"code de pays hors de France : {code}")
            elif ZONE_CODE.match(code.upper()):
                codes.append(code.upper())
            else:
                bad.append(code)
        if bad:
            set_aside(
                info,
                "zone_eligibilite",
                f"code(s) de zone d'éligibilité invalide(s) : {', '.join(sorted(set(bad)))}",
            )
        return list(dict.fromkeys(codes))
