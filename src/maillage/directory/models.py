"""The directory: structures and their services, on the data·inclusion v1 model plus the
health extensions Maillage needs (FINESS, professions, capacity, the three faces of
accessibility: physical, financial, psychological/social)."""

import base64
import hashlib
import hmac
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.validators import validate_finess, validate_siret
from maillage.core.models import PrivateFile, PublicModel
from maillage.core.roles import Capability, organisations_where
from maillage.directory import hooks
from maillage.directory.enums import (
    RECEIVING_ROLES,
    ConsentMethod,
    Frais,
    LegalForm,
    OrientationState,
    PublicationState,
    RefusalReason,
    ServiceType,
)

MAILLAGE_SOURCE = "maillage"


def _tags(max_length: int = 100, **kwargs):
    return ArrayField(models.CharField(max_length=max_length), default=list, blank=True, **kwargs)


class Place(models.Model):
    """Address and position shared by structures and services (data·inclusion fields)."""

    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city_name = models.CharField(_("nom de la commune"), max_length=200, blank=True)
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    opening_hours = models.TextField(
        _("horaires d'accueil"), blank=True, help_text=_("Syntaxe OpenStreetMap opening_hours")
    )
    source_link = models.URLField(_("lien vers la source"), max_length=500, blank=True)

    class Meta:
        abstract = True


class Sourced(models.Model):
    """Where a row comes from: re-importing the same source updates it in place."""

    source = models.CharField(_("source"), max_length=100, default=MAILLAGE_SOURCE)
    source_id = models.CharField(_("identifiant dans la source"), max_length=200)
    source_updated_on = models.DateField(_("date de mise à jour (source)"), null=True, blank=True)
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
    )
    rejection_reason = models.TextField(_("motif du refus"), blank=True)

    class Meta:
        abstract = True


class OpeningSchedule(models.Model):
    """An opening-hours expression decoded for the coming days, so that "open now" and "open
    on Saturday" are filters in SQL rather than a parse per service: one row per distinct
    expression (services sharing their hours share the row), refreshed each day.

    `slots`: bit n (PostgreSQL get_bit order) says open during the n-th five minutes after
    local midnight of `starts_on`, over DAYS days; `days`: bit d says open at some point on
    day d after `starts_on`.
    """

    DAYS = 8
    SLOT_MINUTES = 5

    key = models.CharField(max_length=32, primary_key=True)  # md5 of the expression
    expression = models.TextField()
    starts_on = models.DateField(db_index=True)
    slots = models.BinaryField()
    days = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"{self.expression} ({self.starts_on})"


# The FINESS extraction's columns kept on a structure, with their labels.
FINESS_DETAILS = {
    "complement_raison_sociale": _("complément de raison sociale"),
    "complement_distribution": _("complément de distribution"),
    "telecopie": _("télécopie"),
    "categorie_agregat": _("agrégat de catégorie"),
    "libelle_categorie_agregat": _("libellé de l'agrégat de catégorie"),
    "code_ape": _("code APE"),
    "code_mft": _("mode de fixation des tarifs (code)"),
    "libelle_mft": _("mode de fixation des tarifs"),
    "code_sph": _("service public hospitalier (code)"),
    "libelle_sph": _("service public hospitalier"),
    "date_ouverture": _("date d'ouverture"),
    "date_autorisation": _("date d'autorisation"),
}


class Structure(PublicModel, Place, Sourced):
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    finess = models.CharField(
        _("FINESS établissement"), max_length=9, blank=True, validators=[validate_finess]
    )
    finess_legal_entity = models.CharField(
        _("FINESS entité juridique"), max_length=9, blank=True, validators=[validate_finess]
    )
    finess_category = models.CharField(_("catégorie FINESS"), max_length=4, blank=True)
    finess_category_label = models.CharField(
        _("libellé de la catégorie FINESS"), max_length=200, blank=True
    )
    # What else the FINESS extraction says of the establishment, as it says it (keys of
    # FINESS_DETAILS): read on its page, refreshed by each extraction.
    finess_details = models.JSONField(_("autres données FINESS"), default=dict, blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    accessibility_link = models.URLField(_("fiche Acceslibre"), max_length=500, blank=True)
    networks = _tags(verbose_name=_("réseaux porteurs"))
    legal_form = models.CharField(
        _("forme juridique"), max_length=30, choices=LegalForm.choices, blank=True
    )
    ess_approved = models.BooleanField(_("agrément ESUS"), default=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("structure membre gestionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_structures",
    )
    # Set when a moderator merged this duplicate into another structure: it is archived, and
    # re-importing its source attaches its services to the structure it was merged into.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("structure")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="structure_source_id")
        ]
        indexes = [models.Index(fields=["siret"]), models.Index(fields=["finess"])]

    def __str__(self):
        return self.name

    @property
    def finess_facts(self) -> list[tuple[str, str]]:
        """(label, value) of the FINESS details known, in FINESS_DETAILS' order."""
        details = self.finess_details or {}
        return [
            (str(label), str(details[key]))
            for key, label in FINESS_DETAILS.items()
            if details.get(key)
        ]


# Maillage's own fields, beyond data·inclusion: a structure's status, and a service's health
# extensions (professions, capacity, the financial and psychosocial faces of accessibility),
# in the order the editing form shows them. data·inclusion imports leave them as editors set
# them; the spreadsheet template gives them (imports.data_inclusion, imports.csv_template).
STRUCTURE_STATUS_FIELDS = ("legal_form", "ess_approved")
SERVICE_HEALTH_FIELDS = (
    "professions",
    "capacity",
    "fee_sectors",
    "third_party_payment",
    "free_under_conditions",
    "reduced_mobility_access",
    "unconditional_welcome",
    "no_appointment",
    "languages",
    "interpreting",
    "peer_workers",
    "anonymous",
)


class Service(PublicModel, Place, Sourced):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), max_length=10_000)
    type = models.CharField(_("type"), max_length=30, choices=ServiceType.choices, blank=True)
    thematiques = _tags(verbose_name=_("thématiques"))
    publics = _tags(verbose_name=_("publics"))
    publics_details = models.TextField(_("précisions sur les publics"), blank=True)
    access_conditions = models.TextField(_("conditions d'accès"), blank=True)
    fees = models.CharField(_("frais"), max_length=20, choices=Frais.choices, blank=True)
    fees_details = models.TextField(_("précisions sur les frais"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    reception_modes = _tags(verbose_name=_("modes d'accueil"))
    mobilisation_modes = _tags(verbose_name=_("modes de mobilisation"))
    mobilisable_by = _tags(verbose_name=_("mobilisable par"))
    mobilisation_details = models.TextField(_("précisions sur la mobilisation"), blank=True)
    mobilisation_link = models.URLField(_("lien de mobilisation"), max_length=500, blank=True)
    weeks = models.PositiveIntegerField(_("nombre de semaines"), null=True, blank=True)
    weekly_hours = models.FloatField(_("volume horaire hebdomadaire"), null=True, blank=True)
    eligibility_zone = _tags(
        max_length=9, verbose_name=_("zone d'éligibilité (codes INSEE, EPCI, départements)")
    )
    # Health extensions (Maillage's own, not data·inclusion's).
    # The health and medico-social offer (directory.health: values `famille--offre`).
    health_offers = _tags(verbose_name=_("offre de santé et médico-sociale"))
    professions = _tags(verbose_name=_("professions de santé"))
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True)
    fee_sectors = _tags(max_length=30, verbose_name=_("secteurs de conventionnement"))
    third_party_payment = models.BooleanField(_("tiers payant"), default=False)
    free_under_conditions = models.BooleanField(_("gratuit sous conditions"), default=False)
    reduced_mobility_access = models.BooleanField(
        _("accessible aux personnes à mobilité réduite"), default=False
    )
    unconditional_welcome = models.BooleanField(_("accueil inconditionnel"), default=False)
    no_appointment = models.BooleanField(_("sans rendez-vous"), default=False)
    languages = _tags(max_length=8, verbose_name=_("langues parlées (codes ISO 639)"))
    interpreting = models.BooleanField(_("interprétariat"), default=False)
    peer_workers = models.BooleanField(_("pair-aidant·es présent·es"), default=False)
    anonymous = models.BooleanField(_("accueil anonyme"), default=False)
    update_frequency_days = models.PositiveIntegerField(
        _("fréquence de mise à jour (jours)"), default=180
    )
    # When the editors were last reminded that the entry is stale (one reminder per lapse).
    freshness_reminded_on = models.DateField(null=True, blank=True, editable=False)
    # Read-model, kept by directory.search_index.refresh() after every write: whether it is
    # listed (it and its structure published) and its effective position (the service's own,
    # else its structure's, else the commune's). What the search filters and ranks on lives
    # in the narrow ServiceSearch table.
    listed = models.BooleanField(default=False, editable=False)
    geo_latitude = models.FloatField(null=True, editable=False)
    geo_longitude = models.FloatField(null=True, editable=False)
    # The position is a commune's estimated centre (see the territory pack): distances to it
    # are shown as approximate.
    geo_approximate = models.BooleanField(default=False, editable=False)
    geo_commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="service_source_id")
        ]
        indexes = [models.Index(fields=["listed"], name="service_listed")]

    def __str__(self):
        return self.name


class ServiceSearch(models.Model):
    """What the search filters and ranks on, one narrow row per listed service (about a
    quarter of a service row's width, so a broad query reads four times fewer pages). Kept by
    directory.search_index.refresh(); a service that stops being listed loses its row."""

    # Column order matters: PostgreSQL reads a row's columns left to right, so the small
    # fixed-width ones every query touches come first, the wide text and arrays last.
    service = models.OneToOneField(
        Service, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    stale_on = models.DateField(null=True)  # past this date the entry is due for a check
    remote_only = models.BooleanField(default=False)  # at a distance, never in person
    free_under_conditions = models.BooleanField(default=False)
    reduced_mobility_access = models.BooleanField(default=False)
    unconditional_welcome = models.BooleanField(default=False)
    no_appointment = models.BooleanField(default=False)
    interpreting = models.BooleanField(default=False)
    peer_workers = models.BooleanField(default=False)
    anonymous = models.BooleanField(default=False)
    third_party_payment = models.BooleanField(default=False)
    sector_1 = models.BooleanField(default=False)  # a sector 1 fee among fee_sectors
    geo_latitude = models.FloatField(null=True)
    geo_longitude = models.FloatField(null=True)
    # The effective commune: a search in a commune without a known position falls back on it.
    commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    # The effective opening hours (the service's, else its structure's), decoded. Not
    # indexed on purpose: a few expressions are shared by very many services, and with an
    # index the planner intersected "open now" bitmaps of tens of thousands of rows once per
    # open expression (18 ms); without, it filters the services of the theme and the place
    # — a few hundred — on their hours (3 ms, bench/directory_search.py).
    hours = models.ForeignKey(
        OpeningSchedule,
        null=True,
        db_column="hours_key",
        db_constraint=False,
        db_index=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    fees = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=150)
    # Weighted French full text (search_index.py).
    search_vector = SearchVectorField(null=True)
    # The service's sub-themes and those its health offers stand for (health.themes_of).
    thematiques = _tags()
    health_offers = _tags()
    publics = _tags()
    languages = _tags(max_length=8)
    reception_modes = _tags()
    eligibility_zone = _tags(max_length=9)

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="search_vector"),
            GinIndex(fields=["thematiques"], name="search_thematiques"),
            GinIndex(fields=["health_offers"], name="search_health_offers"),
            GinIndex(fields=["eligibility_zone"], name="search_eligibility_zone"),
            GinIndex(fields=["publics"], name="search_publics"),
            GinIndex(
                fields=["search_vector"],
                name="search_vector_remote",
                condition=models.Q(remote_only=True),
            ),
            # Words and a place: the services reaching the place through an eligibility zone
            # (a tenth of them) are matched on the words through this index, whose bitmap
            # meets the zone's (search._criteria_sql; bench mean 17 → 8 ms around
            # La Roche-sur-Yon). The predicate is written as the query states it.
            GinIndex(
                fields=["search_vector"],
                name="search_vector_zoned",
                condition=~models.Q(eligibility_zone=[]),
            ),
            # Remote-only services are a few percent: the "reached at a distance" list
            # starts from them rather than from every service of the theme.
            models.Index(
                fields=["service"], name="search_remote", condition=models.Q(remote_only=True)
            ),
            GinIndex(
                fields=["thematiques"],
                name="search_remote_thematiques",
                condition=models.Q(remote_only=True),
            ),
            # The remote list is the first ten by name: walked in that order and filtered,
            # it stops at ten instead of sorting every match of a common need (mean 1.5 →
            # 0.6 ms over the bench's searches with a place).
            models.Index(
                fields=["name", "service"],
                name="search_remote_name",
                condition=models.Q(remote_only=True),
            ),
        ]

    def __str__(self):
        return self.name


class ServiceText(models.Model):
    """The full text alone, for the commonest search, words without any other criterion,
    over the whole country. Such a search ranks by where the words are (all of them in the
    service's name, themes or professions: `name_vector`; else anywhere), then freshest
    first: both orders an index walks, so a word found in a fifth of the directory reads a
    few hundred rows instead of ranking sixty thousand. Kept by the same refresh as
    ServiceSearch."""

    service = models.OneToOneField(
        Service, primary_key=True, on_delete=models.CASCADE, related_name="text"
    )
    stale_on = models.DateField(null=True)
    name = models.CharField(max_length=150)
    search_vector = SearchVectorField(null=True)
    name_vector = SearchVectorField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="text_vector"),
            GinIndex(fields=["name_vector"], name="text_name_vector"),
            models.Index(fields=["-stale_on", "service"], name="text_freshest"),
        ]

    def __str__(self):
        return self.name


class SearchWord(models.Model):
    """The directory's vocabulary — the words of services' and structures' names, themes,
    publics and professions, unaccented, lower case — to correct a mistyped search word
    ("medcin" → "medecins") by trigram similarity over a few thousand words rather than
    over every service. Grown by each refresh, rebuilt by a full one."""

    word = models.CharField(max_length=40, primary_key=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], name="search_word_trgm", opclasses=["gin_trgm_ops"])]

    def __str__(self):
        return self.word


class SearchGeneration(models.Model):
    """A counter every refresh of the search read-model increments, in the same transaction:
    cached search results carry the value they were computed at, so a write makes them all
    obsolete at once."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.value)


class UnmetSearch(models.Model):
    """A search that found nothing: the need and the place, never the words typed (they may
    name a person). Read by the observatory's "unmet needs"."""

    searched_on = models.DateField(auto_now_add=True)
    themes = _tags(verbose_name=_("thématiques"))
    publics = _tags(verbose_name=_("publics"))
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    had_text = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=[("page", "page"), ("api", "API")])

    class Meta:
        indexes = [models.Index(fields=["searched_on"], name="unmet_searched_on")]

    def __str__(self):
        return f"{self.searched_on} {','.join(self.themes) or '-'}"


# --- Orientation (closed-loop referral) ------------------------------------------------------


class OrientationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sender, the members of the receiving structure's organisation (see
        directory.access), and the care circle of a pathway whose plan sent it; nobody
        else, whatever their role."""
        if not user.is_authenticated:
            return self.none()
        receiving = organisations_where(user, RECEIVING_ROLES)
        seen = models.Q(service__structure__organisation_id__in=receiving)
        for ids in hooks.orientations_read_by(user):
            seen |= models.Q(pk__in=ids)
        orients = user.has_capability(Capability.ORIENT_PEOPLE)  # access.can_orient
        return self.filter(models.Q(sender=user) | seen if orients else seen)


class Orientation(PublicModel):
    """A professional sends a person to a service, with her agreement; the service answers.

    Holds the minimum the receiving service needs to contact the person. Its states and who
    may move them are declared in directory.enums.ORIENTATION_TRANSITIONS.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="orientations")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_first_name = models.CharField(_("prénom"), max_length=100)
    person_last_name = models.CharField(_("nom"), max_length=100)
    person_birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    person_phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    person_email = models.EmailField(_("courriel"), blank=True)
    need_theme = models.CharField(_("besoin"), max_length=100, blank=True)
    reason = models.TextField(_("motif de l'orientation"), max_length=4000)
    consent_method = models.CharField(
        _("accord de la personne"), max_length=20, choices=ConsentMethod.choices
    )
    consent_recorded_at = models.DateTimeField()
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=OrientationState.choices,
        default=OrientationState.SENT,
    )
    state_changed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=30, choices=RefusalReason.choices, blank=True
    )
    receiver_email = models.EmailField(
        _("courriel de la structure (sans compte)"),
        blank=True,
        help_text=_("Où le lien de réponse a été envoyé, quand la structure n'a pas de compte."),
    )

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="orientation_state_expiry"),
            models.Index(fields=["sender", "created_at"], name="orientation_sender"),
            models.Index(fields=["service", "created_at"], name="orientation_service"),
        ]

    def __str__(self):
        return f"{self.get_state_display()} → {self.service_id}"

    @property
    def person_name(self) -> str:
        return f"{self.person_first_name} {self.person_last_name}".strip()


class OrientationTransition(models.Model):
    """One move of an orientation, for its timeline and the delay statistics."""

    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=20, choices=OrientationState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=OrientationState.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    via_link = models.BooleanField(default=False)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"


class OrientationLink(models.Model):
    """An expiring, single-use link that lets a structure without an account answer.

    Only the SHA-256 of the token is kept. Purpose "answer" accepts or refuses; once
    accepted, a new "outcome" link lets the structure say whether the person came.
    """

    ANSWER, OUTCOME = "answer", "outcome"

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=[(ANSWER, ANSWER), (OUTCOME, OUTCOME)])
    # The token is HMAC(secret key, salt): whoever reads the database alone cannot rebuild it,
    # and the email job needs only the link's id.
    salt = models.CharField(max_length=32, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.purpose} link for {self.orientation_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def token(self) -> str:
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"orientation-link:{self.salt}".encode(), "sha256"
        ).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    @property
    def is_usable(self) -> bool:

        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class SheetSending(models.Model):
    """A service's sheet sent to a person by e-mail or SMS. The address waits here for the
    job that sends it (never in the job's arguments, never in a log) and is erased once sent;
    the row remains: which sheet, by whom, how, when."""

    EMAIL, SMS = "email", "sms"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="sendings")
    channel = models.CharField(max_length=5, choices=[(EMAIL, _("courriel")), (SMS, _("SMS"))])
    recipient = models.CharField(max_length=254, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.channel} sheet of {self.service_id}"


class OrientationAttachment(PrivateFile):
    """A document sent with an orientation; deleted when the orientation ends (the row
    stays, for the record)."""

    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, related_name="attachments"
    )

    @property
    def path(self):
        return (
            settings.PRIVATE_FILES_DIR
            / "orientations"
            / str(self.orientation.public_id)
            / str(self.public_id)
        )


# --- Moderation ---------------------------------------------------------------------------


class ChangeState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    APPROVED = "approved", _("Validée")
    REJECTED = "rejected", _("Refusée")


class ProposedChange(models.Model):
    """Changes an organisation proposes to its published structure or service. The entry
    keeps showing its published values until a moderator approves; one pending change per
    entry, successive edits merge into it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    changes = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=ChangeState.choices, default="pending")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(structure__isnull=True) ^ models.Q(service__isnull=True),
                name="change_targets_one_entry",
            ),
            models.UniqueConstraint(
                fields=["structure"],
                condition=models.Q(state="pending"),
                name="one_pending_change_per_structure",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(state="pending"),
                name="one_pending_change_per_service",
            ),
        ]

    def __str__(self):
        return f"{self.state} change of {self.entry}"

    @property
    def entry(self):
        return self.structure or self.service


class DuplicateReason(models.TextChoices):
    SIRET = "siret", _("même SIRET")
    FINESS = "finess", _("même numéro FINESS")
    NAME = "name", _("nom proche à la même adresse")


class DuplicateCandidate(models.Model):
    """A pair of structures from different sources that look like the same place, found by
    directory.duplicates.refresh() after every write to the structures: the moderators'
    page reads these rows instead of comparing the whole directory with itself."""

    first = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=DuplicateReason.choices)
    found_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_candidate_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["second"], name="duplicate_candidate_second")]

    def __str__(self):
        return f"{self.first_id} ≈ {self.second_id}"

    @property
    def structures(self) -> tuple:
        return (self.first, self.second)


class DuplicateDismissal(models.Model):
    """A moderator said these two structures are not the same: do not suggest them again."""

    first = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissed_once")
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"
