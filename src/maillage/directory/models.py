"""The directory: structures and their services, on the data·inclusion v1 model plus the
health extensions Maillage needs (FINESS, professions, capacity, the three faces of
accessibility: physical, financial, psychological/social)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.accounts.validators import validate_finess, validate_siret
from maillage.core.models import PublicModel
from maillage.directory.enums import (
    Frais,
    LegalForm,
    PublicationState,
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

    class Meta:
        verbose_name = _("structure")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="structure_source_id")
        ]
        indexes = [models.Index(fields=["siret"]), models.Index(fields=["finess"])]

    def __str__(self):
        return self.name


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
    # Search read-model, kept by directory.search_index.refresh() after every write:
    # weighted French full text, unaccented text for typo tolerance, effective position
    # (the service's own, else its structure's, else the commune's).
    listed = models.BooleanField(default=False, editable=False)  # it and its structure published
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
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
        indexes = [
            GinIndex(fields=["search_vector"], name="service_search_vector"),
            GinIndex(
                fields=["search_text"], name="service_search_trgm", opclasses=["gin_trgm_ops"]
            ),
            GinIndex(fields=["thematiques"], name="service_thematiques"),
            GinIndex(fields=["eligibility_zone"], name="service_eligibility_zone"),
            GinIndex(fields=["publics"], name="service_publics"),
            models.Index(fields=["listed"], name="service_listed"),
        ]

    def __str__(self):
        return self.name


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
