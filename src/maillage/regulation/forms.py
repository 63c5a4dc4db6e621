"""The pages' forms: each fills its operation's input (core.operations.InputForm), with
French labels and checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import Form, IdPrefixed, MultipleFileField
from maillage.core.operations import InputForm
from maillage.regulation import inputs
from maillage.regulation.enums import (
    ApplicationState,
    CommissionDecision,
    Criterion,
    DecisionReason,
    EmergencyOutcome,
    Engine,
    MemberRole,
    MemberSex,
    Operator,
    PlaceRefusalReason,
    PlaceUrgency,
    ProgrammeKind,
    ResourceKind,
    Tier,
    UnitType,
    UnmetReason,
    Vulnerability,
)

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
BLANK = [("", _("— choisir —"))]
YES_NO = [("1", _("Oui")), ("0", _("Non"))]
MEMBER_ROWS = 6
RESOURCE_ROWS = 3
TIER_ROWS = 4


def _bool(value):
    return value == "1"


class ProgrammeForm(InputForm, Form):
    input = inputs.ProgrammeIn
    structure = forms.ChoiceField(label=_("Structure de l'annuaire"))
    kind = forms.ChoiceField(label=_("Type de dispositif"), choices=BLANK + ProgrammeKind.choices)
    name = forms.CharField(label=_("Nom du dispositif"), max_length=150)
    regulator = forms.ChoiceField(
        label=_("SIAO qui régule les places"),
        required=False,
        help_text=_("Pour l'hébergement et le logement accompagné ; vide pour un établissement."),
    )
    commune = forms.CharField(
        label=_("Code INSEE de la commune (si autre que la structure)"),
        required=False,
        max_length=5,
        min_length=5,
    )
    address = forms.CharField(label=_("Adresse"), required=False, max_length=255)
    support_included = forms.BooleanField(label=_("Accompagnement compris"), required=False)
    answer_within_days = forms.IntegerField(
        label=_("Délai pour répondre à une vacance (jours)"), min_value=1, max_value=60, initial=3
    )

    def __init__(self, *args, structures=(), regulators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = BLANK + [(str(s.public_id), s.name) for s in structures]
        self.fields["regulator"].choices = [("", _("— aucun —"))] + [
            (str(r.public_id), r.name) for r in regulators
        ]

    def clean_commune(self):
        return self.cleaned_data["commune"] or None


class UnitForm(IdPrefixed, InputForm, Form):
    input = inputs.UnitIn
    id_prefix = "unit"
    label = forms.CharField(label=_("Désignation"), max_length=100)
    unit_type = forms.ChoiceField(label=_("Type de place"), choices=UnitType.choices)
    rooms = forms.IntegerField(label=_("Pièces"), min_value=1, max_value=10, initial=1)
    persons = forms.IntegerField(
        label=_("Personnes accueillies"), min_value=1, max_value=20, initial=1
    )
    accessible = forms.BooleanField(label=_("Accessible (mobilité réduite)"), required=False)
    count = forms.IntegerField(
        label=_("Nombre de places identiques"), min_value=1, max_value=200, initial=1
    )


WHOLE_STRUCTURE = "structure"


class RequirementForm(IdPrefixed, InputForm, Form):
    input = inputs.RequirementIn
    id_prefix = "rule"
    criterion = forms.ChoiceField(label=_("Critère"), choices=Criterion.choices)
    operator = forms.ChoiceField(label=_("Règle"), choices=Operator.choices)
    number = forms.IntegerField(
        label=_("Valeur (nombre)"), required=False, min_value=0, max_value=150
    )
    values = forms.MultipleChoiceField(
        label=_("Valeurs (sexe des adultes)"),
        choices=MemberSex.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ChoiceField(label=_("S'applique à"), required=False)
    composes = ("whole_structure",)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            ("", _("tout le dispositif")),
            (WHOLE_STRUCTURE, _("toute la structure (tous ses dispositifs)")),
        ] + [(str(u.public_id), u.label) for u in units]

    def clean(self):
        cleaned = super().clean()
        cleaned["whole_structure"] = cleaned.get("unit") == WHOLE_STRUCTURE
        if cleaned["whole_structure"] or not cleaned.get("unit"):
            cleaned["unit"] = None
        return cleaned


class VacancyForm(IdPrefixed, InputForm, Form):
    input = inputs.VacancyIn
    id_prefix = "vacancy"
    unit = forms.ChoiceField(label=_("Place"))
    available_from = forms.DateField(label=_("Libre à partir du"), **DATE)
    tonight = forms.BooleanField(label=_("Libre ce soir (urgence)"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = BLANK + [(str(u.public_id), u.label) for u in units]


class NoteForm(IdPrefixed, InputForm, Form):
    input = inputs.NoteIn
    id_prefix = "note"
    note = forms.CharField(label=_("Pourquoi"), required=False, max_length=300)


class PlaceRequestForm(InputForm, Form):
    """The request: household members and resources are rows made at run time, composed
    into the input's lists."""

    input = inputs.PlaceRequestIn
    composes = ("members", "resources", "preferred_communes")
    ui_only = ("communes_text",)
    regulator = forms.ChoiceField(label=_("SIAO destinataire"), required=False)
    pathway = forms.UUIDField(required=False, widget=forms.HiddenInput)
    commune = forms.CharField(
        label=_("Commune où vit le ménage (code INSEE)"),
        required=False,
        min_length=5,
        max_length=5,
    )
    recommended_kinds = forms.MultipleChoiceField(
        label=_("Préconisation : dispositifs adaptés"),
        choices=ProgrammeKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    recommendation = forms.CharField(
        label=_("Préconisation motivée"), required=False, max_length=4000, widget=forms.Textarea
    )
    preferred_kinds = forms.MultipleChoiceField(
        label=_("Dispositifs que la personne accepte (vide : tous ceux préconisés)"),
        choices=ProgrammeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communes_text = forms.CharField(
        label=_("Communes souhaitées (codes INSEE séparés par des virgules ; vide : partout)"),
        required=False,
        max_length=600,
    )
    wishes = forms.CharField(
        label=_("Ses souhaits, dans ses mots"),
        required=False,
        max_length=4000,
        widget=forms.Textarea,
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgence"), choices=PlaceUrgency.choices, coerce=int, initial=PlaceUrgency.NONE
    )
    dalo = forms.BooleanField(label=_("Reconnu·e prioritaire DALO / DAHO"), required=False)
    first_requested_on = forms.DateField(
        label=_("Date de la première demande (si plus ancienne)"), required=False, **DATE
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnérabilités"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pets = forms.BooleanField(label=_("Animal de compagnie"), required=False)
    reduced_mobility = forms.BooleanField(label=_("Mobilité réduite"), required=False)
    support_needed = forms.BooleanField(label=_("Besoin d'un accompagnement"), required=False)
    gir = forms.IntegerField(label=_("GIR (si évalué)"), required=False, min_value=1, max_value=6)
    rights = forms.CharField(
        label=_("Droits ouverts"), required=False, max_length=4000, widget=forms.Textarea
    )
    health = forms.CharField(
        label=_("Santé et autonomie"), required=False, max_length=4000, widget=forms.Textarea
    )
    housing_history = forms.CharField(
        label=_("Parcours résidentiel"), required=False, max_length=4000, widget=forms.Textarea
    )
    support_needs = forms.CharField(
        label=_("Besoins d'accompagnement"), required=False, max_length=4000, widget=forms.Textarea
    )
    consent = forms.BooleanField(
        label=_("La personne a consenti à la demande et au partage de son dossier"),
        required=False,
    )

    def __init__(self, *args, regulators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regulator"].choices = [("", _("— aucun (établissement médico-social) —"))] + [
            (str(r.public_id), r.name) for r in regulators
        ]
        self.member_rows = []
        for n in range(1, MEMBER_ROWS + 1):
            required = n == 1
            row = {
                "role": forms.ChoiceField(
                    label=_("Place dans le ménage"),
                    choices=[(MemberRole.APPLICANT, MemberRole.APPLICANT.label)]
                    if n == 1
                    else BLANK + [c for c in MemberRole.choices if c[0] != MemberRole.APPLICANT],
                    required=required,
                ),
                "first_name": forms.CharField(label=_("Prénom"), max_length=100, required=required),
                "last_name": forms.CharField(label=_("Nom"), max_length=100, required=required),
                "birth_date": forms.DateField(label=_("Date de naissance"), required=False, **DATE),
                "sex": forms.ChoiceField(
                    label=_("Sexe"),
                    choices=MemberSex.choices,
                    initial=MemberSex.UNSAID,
                    required=False,
                ),
            }
            for name, field in row.items():
                self.fields[f"member_{n}_{name}"] = field
            self.member_rows.append([self[f"member_{n}_{name}"] for name in row])
        self.resource_rows = []
        for n in range(1, RESOURCE_ROWS + 1):
            row = {
                "kind": forms.ChoiceField(
                    label=_("Ressource"), choices=BLANK + ResourceKind.choices, required=False
                ),
                "monthly_amount": forms.IntegerField(
                    label=_("Montant mensuel (€)"), min_value=0, max_value=100_000, required=False
                ),
                "ends_on": forms.DateField(label=_("Fin de droit le"), required=False, **DATE),
            }
            for name, field in row.items():
                self.fields[f"resource_{n}_{name}"] = field
            self.resource_rows.append([self[f"resource_{n}_{name}"] for name in row])

    def clean_regulator(self):
        return self.cleaned_data["regulator"] or None

    def clean_commune(self):
        return self.cleaned_data["commune"] or None

    def clean(self):
        data = super().clean()
        members = []
        for n in range(1, MEMBER_ROWS + 1):
            first = data.get(f"member_{n}_first_name")
            last = data.get(f"member_{n}_last_name")
            role = data.get(f"member_{n}_role")
            if not (first or last):
                continue
            if not (first and last and role):
                self.add_error(
                    f"member_{n}_first_name", _("Indiquez le prénom, le nom et la place.")
                )
                continue
            members.append(
                {
                    "role": role,
                    "first_name": first,
                    "last_name": last,
                    "birth_date": data.get(f"member_{n}_birth_date"),
                    "sex": data.get(f"member_{n}_sex") or MemberSex.UNSAID,
                }
            )
        data["members"] = members
        resources = []
        for n in range(1, RESOURCE_ROWS + 1):
            kind = data.get(f"resource_{n}_kind")
            if kind:
                resources.append(
                    {
                        "kind": kind,
                        "monthly_amount": data.get(f"resource_{n}_monthly_amount") or 0,
                        "ends_on": data.get(f"resource_{n}_ends_on"),
                    }
                )
        data["resources"] = resources
        text = data.get("communes_text") or ""
        data["preferred_communes"] = [
            c.strip() for c in text.replace(";", ",").split(",") if c.strip()
        ]
        return data

    @classmethod
    def initial_of(cls, view: dict) -> dict:
        """The form's fields from a request as presenters.request_out reads it."""
        initial = {
            name: view[name]
            for name in (
                "recommended_kinds",
                "recommendation",
                "preferred_kinds",
                "wishes",
                "urgency",
                "dalo",
                "first_requested_on",
                "vulnerabilities",
                "pets",
                "reduced_mobility",
                "support_needed",
                "gir",
                "rights",
                "health",
                "housing_history",
                "support_needs",
                "consent",
                "pathway",
            )
        }
        initial["regulator"] = str(view["regulator_id"] or "")
        initial["commune"] = view["commune"]
        initial["communes_text"] = ", ".join(view["preferred_communes"])
        for n, member in enumerate(view["members"], start=1):
            for name in ("role", "first_name", "last_name", "birth_date", "sex"):
                initial[f"member_{n}_{name}"] = member[name]
        for n, resource in enumerate(view["resources"], start=1):
            for name in ("kind", "monthly_amount", "ends_on"):
                initial[f"resource_{n}_{name}"] = resource.get(name)
        return initial


class PlaceRequestUpdateForm(PlaceRequestForm):
    input = inputs.PlaceRequestUpdateIn
    version = forms.IntegerField(widget=forms.HiddenInput)


class RequestMoveForm(IdPrefixed, InputForm, Form):
    input = inputs.RequestMoveIn
    id_prefix = "move"
    to_state = forms.ChoiceField(label=_("Nouvel état"))
    note = forms.CharField(
        label=_("Motif (lu par la personne et le prescripteur)"), required=False, max_length=500
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = BLANK + [(m["state"], m["label"]) for m in moves]


class EmergencyCallForm(InputForm, Form):
    input = inputs.EmergencyCallIn
    regulator = forms.ChoiceField(label=_("SIAO"), required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    sex = forms.ChoiceField(label=_("Sexe"), choices=MemberSex.choices, initial=MemberSex.UNSAID)
    birth_date = forms.DateField(label=_("Date de naissance (si connue)"), required=False, **DATE)
    adults = forms.IntegerField(label=_("Adultes"), min_value=1, max_value=6, initial=1)
    children = forms.IntegerField(label=_("Enfants"), min_value=0, max_value=12, initial=0)
    tonight_location = forms.CharField(label=_("Où se trouvent-ils ce soir ?"), max_length=200)
    commune = forms.CharField(
        label=_("Commune (code INSEE, si connue)"), required=False, min_length=5, max_length=5
    )
    pets = forms.BooleanField(label=_("Avec un animal"), required=False)
    reduced_mobility = forms.BooleanField(label=_("Mobilité réduite"), required=False)
    needs = forms.CharField(label=_("Besoins (santé, soins…)"), required=False, max_length=1000)

    def __init__(self, *args, regulators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regulator"].choices = [(str(r.public_id), r.name) for r in regulators]

    def clean_regulator(self):
        return self.cleaned_data["regulator"] or None

    def clean_commune(self):
        return self.cleaned_data["commune"] or None


class NightForm(IdPrefixed, InputForm, Form):
    input = inputs.NightIn
    id_prefix = "night"
    outcome = forms.ChoiceField(
        label=_("Ce soir"), choices=EmergencyOutcome.choices, widget=forms.RadioSelect
    )
    vacancy = forms.ChoiceField(label=_("Place attribuée"), required=False)
    reason = forms.ChoiceField(
        label=_("Si non pourvue : pourquoi"), choices=BLANK + UnmetReason.choices, required=False
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].choices = [("", _("— aucune —"))] + [
            (str(p["vacancy"].public_id), p["label"]) for p in places
        ]

    def clean_vacancy(self):
        return self.cleaned_data["vacancy"] or None

    def clean_reason(self):
        return self.cleaned_data["reason"] or None


class PolicyForm(InputForm, Form):
    input = inputs.PolicyIn
    composes = ("tiers",)
    name = forms.CharField(label=_("Nom"), max_length=150)
    notes = forms.CharField(
        label=_("Ce qui change et pourquoi"), required=False, max_length=4000, widget=forms.Textarea
    )
    refusal_penalty_days = forms.IntegerField(
        label=_("Ancienneté retirée par place refusée par la personne (jours ; 0 : aucune)"),
        min_value=0,
        max_value=3650,
        initial=0,
    )
    base = forms.IntegerField(
        label=_("Points de toute attribution"), min_value=0, max_value=100_000, initial=1000
    )
    preferred_commune = forms.IntegerField(
        label=_("Points si la place est dans une commune demandée"),
        min_value=0,
        max_value=100_000,
        initial=0,
    )
    empty_bed = forms.IntegerField(
        label=_("Points retirés par lit laissé vide dans le logement"),
        min_value=0,
        max_value=100_000,
        initial=0,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier_rows = []
        for n in range(1, TIER_ROWS + 1):
            row = {
                "tier": forms.ChoiceField(
                    label=_("Palier %(n)s : critère") % {"n": n},
                    choices=BLANK + Tier.choices,
                    required=n == 1,
                ),
                "points": forms.IntegerField(
                    label=_("points par unité"), min_value=0, max_value=100_000, required=False
                ),
                "cap": forms.IntegerField(
                    label=_("plafond d'unités (0 : aucun)"),
                    min_value=0,
                    max_value=3650,
                    required=False,
                ),
            }
            for name, field in row.items():
                self.fields[f"tier_{n}_{name}"] = field
            self.tier_rows.append([self[f"tier_{n}_{name}"] for name in row])

    def clean(self):
        data = super().clean()
        data["tiers"] = [
            {
                "tier": data[f"tier_{n}_tier"],
                "points": data.get(f"tier_{n}_points") or 0,
                "cap": data.get(f"tier_{n}_cap") or 0,
            }
            for n in range(1, TIER_ROWS + 1)
            if data.get(f"tier_{n}_tier")
        ]
        return data

    @classmethod
    def initial_of(cls, view: dict) -> dict:
        initial = {
            k: view[k]
            for k in (
                "name",
                "notes",
                "refusal_penalty_days",
                "base",
                "preferred_commune",
                "empty_bed",
            )
        }
        for n, tier in enumerate(view["tiers"], start=1):
            for name in ("tier", "points", "cap"):
                initial[f"tier_{n}_{name}"] = tier[name]
        return initial


class MatchRunForm(IdPrefixed, InputForm, Form):
    input = inputs.MatchRunIn
    id_prefix = "run"
    engine = forms.ChoiceField(
        label=_("Propositions tirées de"), choices=Engine.choices, initial=Engine.OPTIMUM
    )
    session = forms.ChoiceField(label=_("Pour la commission du"), required=False)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("— à programmer —"))] + [
            (str(s.public_id), s.held_on.strftime("%d/%m/%Y")) for s in sessions
        ]

    def clean_session(self):
        return self.cleaned_data["session"] or None


class ProposalAnswerForm(IdPrefixed, InputForm, Form):
    input = inputs.ProposalAnswerIn
    id_prefix = "answer"
    # No answer is chosen in advance: a click on « Enregistrer » alone records nothing.
    accept = forms.TypedChoiceField(
        label=_("Réponse"), choices=YES_NO, coerce=_bool, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("Motif du refus"), choices=BLANK + PlaceRefusalReason.choices, required=False
    )
    text = forms.CharField(label=_("Précisions"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_reason(self):
        return self.cleaned_data["reason"] or None


class CommissionForm(InputForm, Form):
    input = inputs.CommissionIn
    held_on = forms.DateField(label=_("Date de la commission"), **DATE)
    members = forms.MultipleChoiceField(
        label=_("Membres"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(u.public_id), u.full_name) for u in candidates]


class CommissionDecisionForm(IdPrefixed, InputForm, Form):
    input = inputs.CommissionDecisionIn
    id_prefix = "decision"
    proposal = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Décision"), choices=CommissionDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=_("Motif"), choices=BLANK + DecisionReason.choices)
    text = forms.CharField(label=_("Précisions"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MinutesForm(IdPrefixed, InputForm, Form):
    input = inputs.CommissionMinutesIn
    id_prefix = "minutes"
    minutes = forms.CharField(
        label=_("Compte rendu"), required=False, max_length=20_000, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhysicianForm(IdPrefixed, InputForm, Form):
    input = inputs.PhysicianIn
    id_prefix = "physician"
    email = forms.EmailField(
        label=_("Adresse e-mail du médecin"),
        help_text=_(
            "Le médecin traitant de la personne, ou vous-même si vous l'êtes : lui seul "
            "remplira et lira le volet médical avec les médecins coordonnateurs."
        ),
        max_length=254,
    )


class MedicalForm(InputForm, Form):
    input = inputs.MedicalIn
    gir = forms.IntegerField(label=_("GIR"), required=False, min_value=1, max_value=6)
    diagnoses = forms.CharField(
        label=_("Pathologies"), required=False, max_length=6000, widget=forms.Textarea
    )
    treatments = forms.CharField(
        label=_("Traitements"), required=False, max_length=6000, widget=forms.Textarea
    )
    care_needs = forms.CharField(
        label=_("Soins nécessaires"), required=False, max_length=6000, widget=forms.Textarea
    )
    complete = forms.BooleanField(
        label=_("Le volet médical est terminé (le dossier peut partir)"), required=False
    )


class ApplicationsForm(IdPrefixed, InputForm, Form):
    input = inputs.ApplicationsIn
    id_prefix = "apply"
    programmes = forms.MultipleChoiceField(
        label=_("Établissements destinataires"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].choices = [
            (str(p.public_id), f"{p.name} — {p.commune.name if p.commune_id else p.structure.name}")
            for p in targets
        ]


class ApplicationAnswerForm(IdPrefixed, InputForm, Form):
    input = inputs.ApplicationAnswerIn
    id_prefix = "application"
    state = forms.ChoiceField(
        label=_("Réponse"),
        choices=[
            (ApplicationState.WAITLISTED, ApplicationState.WAITLISTED.label),
            (ApplicationState.ADMITTED, ApplicationState.ADMITTED.label),
            (ApplicationState.REFUSED, ApplicationState.REFUSED.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Motif du refus"), choices=BLANK + PlaceRefusalReason.choices, required=False
    )
    text = forms.CharField(label=_("Précisions"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_reason(self):
        return self.cleaned_data["reason"] or None


class DocumentsForm(IdPrefixed, Form):
    """Documents of a request: the page only (the JSON API carries no files)."""

    id_prefix = "documents"
    documents = MultipleFileField(label=_("Documents (PDF, PNG ou JPEG)"))
