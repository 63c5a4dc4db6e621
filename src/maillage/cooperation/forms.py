"""The register's forms: each fills its operation's input (core.operations.InputForm), with
French labels and checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Organisation
from maillage.cooperation import inputs
from maillage.cooperation.access import ALERT_AUDIENCE
from maillage.cooperation.enums import (
    AlertKind,
    Authority,
    ContributionKind,
    ConventionKind,
    DocumentKind,
    LegalNature,
)
from maillage.core.forms import Form
from maillage.core.operations import InputForm
from maillage.directory.queries import structure_by_identifier

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
BLANK = [("", _("— choisir —"))]
TEXT = {"widget": forms.Textarea(attrs={"rows": 3}), "required": False, "max_length": 10_000}


class ConventionForm(InputForm, Form):
    input = inputs.ConventionIn
    kind = forms.ChoiceField(label=_("Nature"), choices=BLANK + ConventionKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    purpose = forms.CharField(
        label=_("Objet"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    managed_by = forms.ModelChoiceField(
        label=_("Tenue par"), queryset=Organisation.objects.none(), empty_label=None
    )
    amends = forms.ChoiceField(
        label=_("Avenant à"), required=False, help_text=_("Pour un avenant seulement.")
    )
    seat = forms.CharField(label=_("Siège"), required=False, max_length=255)
    legal_nature = forms.ChoiceField(
        label=_("Nature juridique"), required=False, choices=BLANK + LegalNature.choices
    )
    starts_on = forms.DateField(label=_("Prise d'effet"), required=False, **DATE)
    ends_on = forms.DateField(label=_("Échéance"), required=False, **DATE)
    tacit_renewal = forms.BooleanField(label=_("Reconduction tacite"), required=False)
    staff_arrangements = forms.CharField(label=_("Mise à disposition de personnels"), **TEXT)
    joining_rules = forms.CharField(label=_("Adhésion de nouveaux membres"), **TEXT)
    leaving_rules = forms.CharField(label=_("Retrait d'un membre"), **TEXT)
    dissolution_rules = forms.CharField(label=_("Dissolution"), **TEXT)

    def __init__(self, *args, organisations=(), conventions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managed_by"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        self.fields["amends"].choices = [("", _("— aucune —"))] + [
            (str(c.public_id), c.title) for c in conventions
        ]


class ConventionUpdateForm(ConventionForm):
    input = inputs.ConventionUpdateIn
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConventionMoveForm(InputForm, Form):
    input = inputs.ConventionMoveIn
    to_state = forms.ChoiceField(label=_("Nouvel état"))
    on = forms.DateField(label=_("Le"), **DATE)
    declared_to = forms.ChoiceField(
        label=_("Déclarée à"),
        required=False,
        choices=[("", _("— pour une déclaration —")), *Authority.choices],
    )
    ends_on = forms.DateField(
        label=_("Nouvelle échéance"), required=False, help_text=_("Au renouvellement."), **DATE
    )
    end_reason = forms.CharField(
        label=_("Motif de la fin"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = BLANK + list(moves)


class PartyForm(InputForm, Form):
    input = inputs.PartyIn
    organisation = forms.ModelChoiceField(
        label=_("Organisation de la plateforme"),
        required=False,
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        empty_label=_("— ou une structure de l'annuaire —"),
    )
    structure = forms.CharField(
        label=_("Structure de l'annuaire, par son SIRET ou son FINESS"),
        required=False,
        max_length=20,  # written with its spaces
    )
    share = forms.DecimalField(
        label=_("Part (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    contribution_kind = forms.ChoiceField(
        label=_("Contribution"), choices=ContributionKind.choices, initial=ContributionKind.NONE
    )
    financial_amount = forms.DecimalField(
        label=_("Montant annuel (€)"), required=False, min_value=0, decimal_places=2
    )
    in_kind = forms.CharField(
        label=_("Apports en nature"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    joined_on = forms.DateField(label=_("Entrée le"), required=False, **DATE)

    def clean_structure(self):
        identifier = self.cleaned_data["structure"]
        if not identifier.strip():
            return None
        structure = structure_by_identifier(identifier)
        if structure is None:
            raise forms.ValidationError(
                _("Aucune structure de l'annuaire avec ce SIRET ou ce FINESS.")
            )
        return structure


class PartyLeaveForm(InputForm, Form):
    input = inputs.PartyLeaveIn
    left_on = forms.DateField(label=_("Retrait le"), **DATE)


class ObligationForm(InputForm, Form):
    input = inputs.ObligationIn
    party = forms.ChoiceField(label=_("Qui la doit"))
    description = forms.CharField(label=_("Ce qui est dû"), max_length=500)
    due_on = forms.DateField(label=_("Pour le"), required=False, **DATE)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = BLANK + [(str(p.public_id), p.name) for p in parties]


class AlertForm(InputForm, Form):
    input = inputs.AlertIn
    kind = forms.ChoiceField(label=_("Nature de l'alerte"), choices=BLANK + AlertKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce qui se passe, ce qu'il faut faire, jusqu'à quand, qui joindre."),
    )
    territory = forms.ChoiceField(label=_("Territoire alerté"))
    audience_roles = forms.MultipleChoiceField(
        label=_("Qui alerter"),
        choices=[(r.value, r.label) for r in ALERT_AUDIENCE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les membres, dans ces rôles, des structures dont la commune est dans le territoire."
        ),
    )

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = BLANK + [(str(t.public_id), t.name) for t in territories]


class AlertUpdateForm(InputForm, Form):
    input = inputs.AlertUpdateIn
    body = forms.CharField(
        label=_("Nouvelles à envoyer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CampaignForm(InputForm, Form):
    input = inputs.CampaignIn
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    territory = forms.ChoiceField(label=_("Territoire"))
    alert = forms.ChoiceField(label=_("À la suite de l'alerte"), required=False)
    due_on = forms.DateField(label=_("Appels à passer au plus tard le"), **DATE)
    match = forms.ChoiceField(
        label=_("Qui appeler"),
        choices=[
            ("any", _("Les personnes qui répondent à l'un des critères cochés")),
            ("all", _("Les personnes qui répondent à tous les critères cochés")),
        ],
        widget=forms.RadioSelect,
    )
    lives_alone = forms.BooleanField(label=_("Vit seule"), required=False)
    gir_max = forms.TypedChoiceField(
        label=_("Perte d'autonomie"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("— sans ce critère —"))]
        + [(str(n), _("GIR 1 à %(n)s") % {"n": n}) for n in range(1, 5)],
    )
    min_age = forms.IntegerField(
        label=_("Âgée d'au moins (ans)"), required=False, min_value=0, max_value=120
    )
    fragility = forms.BooleanField(label=_("Fragilité déclarée pour les crises"), required=False)

    def __init__(self, *args, territories=(), alerts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = BLANK + [(str(t.public_id), t.name) for t in territories]
        self.fields["alert"].choices = [("", _("— aucune —"))] + [
            (str(a.public_id), a.title) for a in alerts
        ]


class CallMoveForm(InputForm, Form):
    input = inputs.CallMoveIn
    to_state = forms.ChoiceField(label=_("Issue de l'appel"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (sans détail de santé)"),
        required=False,
        max_length=500,
        help_text=_("Ce qui est utile à qui reprend : « rappeler à 17 h », « voisine passée »."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = list(moves)


class DocumentForm(Form):
    """A document of the convention: its nature and the file (PDF, PNG or JPEG)."""

    kind = forms.ChoiceField(label=_("Nature du document"), choices=BLANK + DocumentKind.choices)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("Un PDF, une image PNG ou JPEG ; gardé hors du site, lu par les parties."),
    )
