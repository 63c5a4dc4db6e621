from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.enums import (
    PARENT_THEMES,
    THEME_CHILDREN,
    ModeAccueil,
    Public,
    Thematique,
)
from maillage.directory.queries import BOOLEAN_FACETS, MAX_RADIUS_KM, SearchParams

FACET_LABELS = {
    "reduced_mobility_access": _("Accessible en fauteuil roulant"),
    "unconditional_welcome": _("Accueil inconditionnel"),
    "no_appointment": _("Sans rendez-vous"),
    "interpreting": _("Interprétariat"),
    "peer_workers": _("Pair-aidant·es présent·es"),
    "anonymous": _("Accueil anonyme"),
    "third_party_payment": _("Tiers payant"),
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


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Recherche"),
        required=False,
        max_length=200,
        help_text=_(
            "Un besoin, un service, une structure. Ne saisissez pas le nom d'une personne."
        ),
    )
    theme = forms.ChoiceField(label=_("Besoin"), required=False, choices=theme_choices)
    lieu = forms.CharField(label=_("Commune ou code postal"), required=False, max_length=100)
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
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def params(self, commune_code: str | None) -> SearchParams:
        data = self.cleaned_data
        page = data.get("page") or 1
        return SearchParams(
            text=data.get("q") or "",
            themes=[data["theme"]] if data.get("theme") else [],
            commune=commune_code,
            radius_km=data.get("radius_km") or 30,
            publics=[data["public"]] if data.get("public") else [],
            free_only=bool(data.get("free")),
            facets=data.get("facet") or [],
            reception=data.get("reception") or None,
            open_now=bool(data.get("open_now")),
            open_on_weekday=data.get("open_on"),
            limit=20,
            offset=(page - 1) * 20,
        )
