import json
import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from maillage.core.forms import Form, ModelForm, MultipleFileField
from maillage.core.operations import InputForm
from maillage.directory import health, hours, inputs
from maillage.directory.enums import (
    LANGUAGE_NAMES,
    PARENT_THEMES,
    THEME_CHILDREN,
    ConsentMethod,
    FeeSector,
    MobilisablePar,
    ModeAccueil,
    ModeMobilisation,
    OrientationState,
    Public,
    RefusalReason,
    Thematique,
    language_code,
)
from maillage.directory.models import (
    SERVICE_HEALTH_FIELDS,
    STRUCTURE_STATUS_FIELDS,
    Service,
    Structure,
)
from maillage.directory.queries import BOOLEAN_FACETS, MAX_RADIUS_KM, SearchParams, resolve_place
from maillage.territories.queries import commune_by_code, postal_code_in_use

FACET_LABELS = {
    "reduced_mobility_access": _("Accessible en fauteuil roulant"),
    "unconditional_welcome": _("Accueil inconditionnel"),
    "no_appointment": _("Sans rendez-vous"),
    "interpreting": _("Interprétariat"),
    "peer_workers": _("Pair-aidant·es présent·es"),
    "anonymous": _("Accueil anonyme"),
    "third_party_payment": _("Tiers payant"),
    "sector_1": _("Secteur 1 (sans dépassement d’honoraires)"),
}
WEEKDAYS = [
    ("", _("Peu importe")),
    ("0", _("lundi")),
    ("1", _("mardi")),
    ("2", _("mercredi")),
    ("3", _("jeudi")),
    ("4", _("vendredi")),
    ("5", _("samedi")),
    ("6", _("dimanche")),
]


def theme_choices():
    labels = dict(Thematique.choices)
    choices = [("", _("Tous les besoins"))]
    for parent in PARENT_THEMES:
        group = [(parent, _("%(theme)s (tout)") % {"theme": labels[parent]})]
        children = sorted(THEME_CHILDREN[parent], key=lambda child: str(labels[child]))
        group += [(child, labels[child]) for child in children]
        choices.append((labels[parent], group))
    return choices


def offer_choices():
    """The search's health offers: each family (all its offers) then its offers."""
    choices = [("", _("Toutes les offres"))]
    for family in health.FAMILIES:
        group = [(family.value, _("%(theme)s (tout)") % {"theme": family.label})]
        group += [(offer.value, offer.label) for offer in family.offers]
        choices.append((family.label, group))
    return choices


def health_offer_choices():
    """What a service is tagged with: the offers, grouped by family (a family is a search
    filter, not a tag)."""
    return [
        (family.label, [(offer.value, offer.label) for offer in family.offers])
        for family in health.FAMILIES
    ]


def language_choices():
    named = sorted(LANGUAGE_NAMES.items(), key=lambda item: str(item[1]))
    return [
        ("", _("Toutes")),
        *[(code, str(name)[:1].upper() + str(name)[1:]) for code, name in named],
    ]


def subtheme_choices():
    """What a service is tagged with: the data·inclusion sub-themes, grouped by their parent
    (a parent theme is a search filter, not a tag: data·inclusion v1 rows carry sub-themes)."""
    labels = dict(Thematique.choices)
    return [
        (
            labels[parent],
            sorted(
                ((child, labels[child]) for child in THEME_CHILDREN[parent]),
                key=lambda choice: str(choice[1]),
            ),
        )
        for parent in PARENT_THEMES
    ]


class SearchForm(Form):
    q = forms.CharField(
        label=_("Recherche"),
        required=False,
        max_length=200,
        help_text=_(
            "Un besoin, un service, une structure. Ne saisissez pas le nom d'une personne."
        ),
    )
    theme = forms.ChoiceField(label=_("Besoin"), required=False, choices=theme_choices)
    offre = forms.ChoiceField(
        label=_("Offre de santé ou médico-sociale"), required=False, choices=offer_choices
    )
    lieu = forms.CharField(
        label=_("Commune ou code postal"),
        required=False,
        max_length=100,
        # Suggestions from the page's list of communes (a datalist: no script needed).
        widget=forms.TextInput(attrs={"list": "communes", "autocomplete": "off"}),
    )
    commune = forms.RegexField(
        regex=r"^[0-9][0-9AB][0-9]{3}$", required=False, widget=forms.HiddenInput
    )
    radius_km = forms.IntegerField(
        label=_("Rayon (km)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        initial=30,
    )
    public = forms.ChoiceField(
        label=_("Public"), required=False, choices=[("", _("Tous")), *list(Public.choices)]
    )
    reception = forms.ChoiceField(
        label=_("Mode d'accueil"),
        required=False,
        choices=[("", _("Tous")), *list(ModeAccueil.choices)],
    )
    language = forms.ChoiceField(label=_("Langue parlée"), required=False, choices=language_choices)
    free = forms.BooleanField(label=_("Gratuit"), required=False)
    facet = forms.MultipleChoiceField(
        label=_("Accessibilité"),
        required=False,
        choices=[(name, FACET_LABELS[name]) for name in BOOLEAN_FACETS],
        widget=forms.CheckboxSelectMultiple,
    )
    open_now = forms.BooleanField(label=_("Ouvert maintenant"), required=False)
    open_on = forms.TypedChoiceField(
        label=_("Ouvert le"), required=False, choices=WEEKDAYS, coerce=int, empty_value=None
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput
    )

    def params(self, commune_code: str | None) -> SearchParams:
        data = self.cleaned_data
        page = data.get("page") or 1
        return SearchParams(
            text=data.get("q") or "",
            themes=[data["theme"]] if data.get("theme") else [],
            offers=[data["offre"]] if data.get("offre") else [],
            commune=commune_code,
            radius_km=data.get("radius_km") or 30,
            publics=[data["public"]] if data.get("public") else [],
            free_only=bool(data.get("free")),
            facets=data.get("facet") or [],
            reception=data.get("reception") or None,
            language=data.get("language") or None,
            open_now=bool(data.get("open_now")),
            open_on_weekday=data.get("open_on"),
            limit=20,
            offset=(page - 1) * 20,
        )


# --- A service's sheet, sent to the person ---------------------------------------------------


class SheetSendForm(InputForm, Form):
    input = inputs.SheetSendIn
    channel = forms.ChoiceField(
        label=_("Envoyer par"),
        choices=[("sms", _("SMS")), ("email", _("courriel"))],
        initial="sms",
        widget=forms.RadioSelect,
    )
    recipient = forms.CharField(
        label=_("Numéro de portable ou adresse e-mail de la personne"),
        max_length=254,
        help_text=_(
            "Avec son accord. Gardé le temps de l'envoi, puis effacé : il n'est écrit nulle part."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def given_from_path(self) -> dict:
        return {"service": self.service.public_id}


# --- Orientation ------------------------------------------------------------------------------


class OrientationForm(InputForm, Form):
    input = inputs.OrientationIn
    # The page's tick saying the person agreed; the input's consent_method says how.
    ui_only = ("consent",)
    files = ("attachments",)
    person_first_name = forms.CharField(label=_("Prénom de la personne"), max_length=100)
    person_last_name = forms.CharField(label=_("Nom de la personne"), max_length=100)
    person_birth_year = forms.IntegerField(
        label=_("Année de naissance"), required=False, min_value=1900, max_value=2100
    )
    person_phone = forms.CharField(
        label=_("Téléphone de la personne"), required=False, max_length=30
    )
    person_email = forms.EmailField(
        label=_("Courriel de la personne"), required=False, max_length=254
    )
    need_theme = forms.ChoiceField(label=_("Besoin"), required=False)
    reason = forms.CharField(
        label=_("Motif de l'orientation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ce que le service doit savoir pour recevoir la personne. "
            "N'écrivez que le nécessaire : pas de diagnostic détaillé."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "La personne est d'accord pour que ces informations soient transmises à ce service."
        ),
        error_messages={
            "required": _("Sans l'accord de la personne, l'orientation ne peut pas être envoyée.")
        },
    )
    # No default: how the person agreed is said by whoever collected it.
    consent_method = forms.ChoiceField(
        label=_("Comment cet accord a été recueilli"),
        choices=[("", _("— choisir —")), *ConsentMethod.choices],
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes (facultatif)"),
        required=False,
        help_text=_("PDF, PNG ou JPEG ; 5 fichiers au plus."),
    )

    def __init__(self, *args, service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)
        labels = dict(Thematique.choices)
        themes = health.exchange_themes(service.thematiques, service.health_offers)
        self.fields["need_theme"].choices = [(t, labels.get(t, t)) for t in themes]
        if not themes:
            del self.fields["need_theme"]

    def given_from_path(self) -> dict:
        return {"service": self.service.public_id}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person_phone") and not cleaned.get("person_email"):
            self.add_error(
                "person_phone",
                _("Indiquez un moyen de joindre la personne : téléphone ou courriel."),
            )
        return cleaned


class OrientationMoveForm(InputForm, Form):
    """The receiver's answer or outcome, or the sender's withdrawal."""

    input = inputs.OrientationMoveIn

    to_state = forms.ChoiceField(label=_("Décision"), choices=OrientationState.choices)
    refusal_reason = forms.ChoiceField(
        label=_("Motif du refus"),
        required=False,
        choices=[("", _("— Choisir un motif —")), *RefusalReason.choices],
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(MOVE_LABELS)
        self.fields["to_state"].choices = [(m, labels[m]) for m in moves]
        self.fields["to_state"].widget = forms.RadioSelect(choices=self.fields["to_state"].choices)
        self.offers_refusal = OrientationState.REFUSED in moves
        if not self.offers_refusal:
            del self.fields["refusal_reason"]

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("refusal_reason", "")
        if cleaned.get("to_state") == OrientationState.REFUSED:
            if not cleaned.get("refusal_reason"):
                self.add_error("refusal_reason", _("Choisissez le motif du refus."))
            elif (
                cleaned["refusal_reason"] == RefusalReason.OTHER
                and not cleaned.get("comment", "").strip()
            ):
                self.add_error("comment", _("Précisez le motif du refus."))
        return cleaned


# How each move reads as a button, from the actor's point of view.
MOVE_LABELS = [
    (OrientationState.ACCEPTED, _("Accepter : nous allons contacter la personne")),
    (OrientationState.REFUSED, _("Refuser")),
    (OrientationState.COMPLETED, _("La personne a été reçue")),
    (OrientationState.NOT_HONOURED, _("La personne n'est pas venue")),
    (OrientationState.CANCELLED, _("Annuler l'orientation")),
]


class StatisticsForm(Form):
    depuis = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    jusqu_au = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("depuis"), cleaned.get("jusqu_au")
        if since and until and since > until:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return cleaned


# --- Editing by the organisation, moderation -------------------------------------------------


def _tags_field(label, choices=None, help_text=""):
    if choices is not None:
        return forms.TypedMultipleChoiceField(
            label=label,
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=help_text,
        )
    return forms.CharField(label=label, required=False, help_text=help_text)


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # people type "www.exemple.fr"
    field = db_field.formfield(**kwargs)
    choices = list(getattr(field, "choices", None) or [])
    if choices and choices[0] == ("", "---------"):
        # Words, not dashes, for "nothing chosen yet".
        field.choices = [("", _("— choisir —")), *choices[1:]]
    return field


def hours_editor_words() -> dict:
    return {
        "days": [str(label) for value, label in WEEKDAYS if value],
        "legend": str(_("Saisir les horaires jour par jour")),
        "from": pgettext("plage horaire", "de"),
        "to": pgettext("plage horaire", "à"),
        "then": pgettext("plage horaire", "puis "),
        "first": str(_("première plage")),
        "second": str(_("deuxième plage")),
        "holidays": str(_("Fermé les jours fériés")),
        "copy": str(_("Recopier le lundi sur les jours ouvrés")),
        "unreadable": str(
            _(
                "Ces horaires sont plus particuliers que ce que le tableau montre : modifiez "
                "le texte directement (le tableau reviendra pour des horaires simples)."
            )
        ),
    }


class _EntryForm(ModelForm):
    """Shared by structures and services: the commune is typed as people say it (name or
    postal code), opening hours are checked by the parser, free lists are comma-separated."""

    commune_text = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=200,
        help_text=_("Nom ou code postal, par exemple « La Roche-sur-Yon » ou « 85000 »."),
    )
    LIST_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.commune_id:
            self.initial["commune_text"] = self.instance.commune.name
        if "opening_hours" in self.fields:
            # Filled by the day-by-day editor beside it (static/maillage/hours-editor.js),
            # given its words in the page's language.
            self.fields["opening_hours"].widget.attrs["data-hours-editor"] = json.dumps(
                hours_editor_words(), ensure_ascii=False
            )
            self.fields["opening_hours"].help_text = _(
                "En français, par exemple « du lundi au vendredi de 9h à 12h et de 14h à 17h ; "
                "le samedi de 9h à 12h ; fermé les jours fériés », ou dans la syntaxe "
                "OpenStreetMap (« Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off »)."
            )
        for name in self.LIST_FIELDS:
            self.initial[name] = ", ".join(getattr(self.instance, name) or [])

    def clean_commune_text(self):

        text = self.cleaned_data["commune_text"].strip()
        if not text:
            return None
        code = resolve_place(text)
        if code is None:
            raise forms.ValidationError(
                _("Commune introuvable : vérifiez l'orthographe ou le code postal.")
            )
        return code

    def clean_opening_hours(self):

        value = self.cleaned_data["opening_hours"].strip()
        if value:
            try:
                hours.parse(value)
            except hours.HoursError:
                # Written in French (« du lundi au vendredi de 9h à 18h »): kept in the
                # OpenStreetMap syntax that data·inclusion exchanges.
                try:
                    return hours.from_french(value)
                except hours.HoursError as error:
                    raise forms.ValidationError(
                        _(
                            "Horaires illisibles (%(why)s). Écrivez par exemple « du lundi au "
                            "vendredi de 9h à 12h et de 14h à 17h ; le samedi de 9h à 12h ; "
                            "fermé les jours fériés »."
                        )
                        % {"why": str(error).rstrip(".")}
                    ) from None
        return value

    def clean_postal_code(self):
        value = self.cleaned_data.get("postal_code", "").strip()
        if value and not re.fullmatch(r"\d{5}", value):
            raise forms.ValidationError(_("Un code postal a cinq chiffres, par exemple 85000."))
        return value

    def clean(self):
        """The postal code belongs to the commune chosen: a sheet that sends people to
        « 85000 Aizenay » sends them nowhere (a CEDEX code, which no commune has, stays)."""
        data = super().clean()
        code, postal = data.get("commune_text"), data.get("postal_code")
        commune = commune_by_code(code) if code and postal else None
        if (
            commune is not None
            and commune.postal_codes
            and postal not in commune.postal_codes
            # A CEDEX code (85925 for a hospital) belongs to no commune: kept as FINESS
            # gives it. A code that is another commune's is the mistake to stop.
            and postal_code_in_use(postal)
        ):
            self.add_error(
                "postal_code",
                _("Le code postal de %(commune)s est %(codes)s.")
                % {"commune": commune.name, "codes": ", ".join(sorted(commune.postal_codes))},
            )
        return data

    def _clean_list(self, name, max_length):
        items = [item.strip() for item in self.cleaned_data.get(name, "").split(",")]
        items = [item for item in items if item]
        too_long = [item for item in items if len(item) > max_length]
        if too_long:
            raise forms.ValidationError(
                _("« %(item)s » est trop long.") % {"item": too_long[0][:40]}
            )
        return items

    def proposed(self) -> dict:
        """The edited values, as model field → value (the commune as its code)."""
        values = {}
        for name in self.Meta.fields:
            values[name] = self.cleaned_data[name]
        values["commune_id"] = self.cleaned_data.get("commune_text")
        return values


class StructureForm(_EntryForm):
    class Meta:
        model = Structure
        formfield_callback = _formfield
        fields = [
            "name",
            "description",
            "siret",
            "finess",
            *STRUCTURE_STATUS_FIELDS,
            "website",
            "accessibility_link",
            "address",
            "address_complement",
            "postal_code",
            "phone",
            "email",
            "opening_hours",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ServiceForm(_EntryForm):
    LIST_FIELDS = ("languages", "professions", "eligibility_zone")
    thematiques = _tags_field(
        _("Thématiques (data·inclusion)"),
        subtheme_choices,
        help_text=_("Celles de l'offre de santé choisie ci-dessous s'ajoutent d'elles-mêmes."),
    )
    health_offers = _tags_field(_("Offre de santé et médico-sociale"), health_offer_choices)
    publics = _tags_field(_("Publics"), Public.choices)
    reception_modes = _tags_field(_("Modes d'accueil"), ModeAccueil.choices)
    mobilisation_modes = _tags_field(_("Modes de mobilisation"), ModeMobilisation.choices)
    mobilisable_by = _tags_field(_("Mobilisable par"), MobilisablePar.choices)
    fee_sectors = _tags_field(_("Secteurs de conventionnement"), FeeSector.choices)
    languages = _tags_field(
        _("Langues parlées"),
        help_text=_("Séparées par des virgules : français, arabe, LSF (ou leurs codes fr, ar)."),
    )
    professions = _tags_field(_("Professions de santé"), help_text=_("Séparées par des virgules."))
    eligibility_zone = _tags_field(
        _("Zone d'éligibilité"),
        help_text=_(
            "Codes INSEE de communes, SIREN d'EPCI, numéros de départements, ou FR ; "
            "séparés par des virgules."
        ),
    )

    class Meta:
        model = Service
        formfield_callback = _formfield
        fields = [
            "name",
            "description",
            "type",
            "thematiques",
            "health_offers",
            "publics",
            "publics_details",
            "access_conditions",
            "fees",
            "fees_details",
            "contact_name",
            "reception_modes",
            "mobilisation_modes",
            "mobilisable_by",
            "mobilisation_details",
            "mobilisation_link",
            "address",
            "address_complement",
            "postal_code",
            "phone",
            "email",
            "opening_hours",
            "eligibility_zone",
            *SERVICE_HEALTH_FIELDS,
            "update_frequency_days",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "publics_details": forms.Textarea(attrs={"rows": 2}),
            "access_conditions": forms.Textarea(attrs={"rows": 2}),
            "fees_details": forms.Textarea(attrs={"rows": 2}),
            "mobilisation_details": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_languages(self):
        """ISO 639 codes, or the languages' names in French (« français, arabe ») turned
        into their codes: a code the language filter finds, never free text."""
        codes = []
        for item in self._clean_list("languages", 60):
            code = language_code(item)
            if code is None:
                raise forms.ValidationError(
                    _(
                        "Langue inconnue : « %(item)s ». Écrivez son nom (« arabe ») ou "
                        "son code (« ar »)."
                    )
                    % {"item": item}
                )
            codes.append(code)
        return list(dict.fromkeys(codes))

    def clean_professions(self):
        return self._clean_list("professions", 100)

    def clean_eligibility_zone(self):
        codes = [code.upper() for code in self._clean_list("eligibility_zone", 9)]
        bad = [c for c in codes if c != "FR" and not re.fullmatch(r"[0-9AB]{2,9}", c)]
        if bad:
            raise forms.ValidationError(_("Code inconnu : « %(code)s ».") % {"code": bad[0]})
        return codes

    def clean(self):
        data = super().clean()
        if (
            "thematiques" in data
            and "health_offers" in data
            and not data["thematiques"]
            and not data["health_offers"]
        ):
            self.add_error(
                "thematiques",
                _("Choisissez au moins une thématique ou une offre de santé."),
            )
        return data


class RejectForm(Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La structure le lira : dites ce qu'il faut corriger."),
    )
