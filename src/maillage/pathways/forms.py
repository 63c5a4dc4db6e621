import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Organisation
from maillage.core.forms import Form, IdPrefixed, MultipleFileField
from maillage.core.operations import InputForm
from maillage.directory.enums import ConsentMethod
from maillage.directory.queries import resolve_place
from maillage.pathways import aggir, inputs
from maillage.pathways.enums import (
    ZARIT_QUESTIONS,
    Attendance,
    CircleRole,
    ClosureReason,
    ConsentMode,
    InformationItem,
    MemberStatus,
    Need,
    NeedLevel,
    NoteKind,
    ObjectiveStatus,
    Recipient,
    Relationship,
    RequesterKind,
    Satisfaction,
    Sex,
    TriageOutcome,
    Urgency,
    Validator,
    ZaritAnswer,
)


class SupportRequestForm(InputForm, Form):
    input = inputs.SupportRequestIn
    platform = forms.ModelChoiceField(
        label=_("Plateforme sollicitée"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    requester_kind = forms.ChoiceField(
        label=_("Vous demandez en tant que"),
        choices=RequesterKind.choices,
        initial=RequesterKind.PROFESSIONAL,
    )
    person_first_name = forms.CharField(label=_("Prénom de la personne"), max_length=100)
    person_last_name = forms.CharField(label=_("Nom de la personne"), max_length=100)
    person_birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("Aide à savoir si la personne est déjà suivie."),
    )
    person_sex = forms.ChoiceField(label=_("Sexe"), choices=Sex.choices, initial=Sex.OTHER)
    person_commune = forms.CharField(
        label=_("Commune de résidence"),
        required=False,
        max_length=100,
        help_text=_("Nom ou code postal."),
    )
    person_phone = forms.CharField(
        label=_("Téléphone de la personne"), required=False, max_length=30
    )
    gp_name = forms.CharField(label=_("Médecin traitant"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("Pourquoi demandez-vous un appui ?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    needs = forms.MultipleChoiceField(
        label=_("Besoins repérés"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label=_("Urgence"), choices=[("", _("— choisir —")), *Urgency.choices]
    )
    tried = forms.CharField(
        label=_("Ce qui a déjà été essayé"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    gp_informed = forms.BooleanField(label=_("Le médecin traitant est informé"), required=False)
    gp_agrees = forms.BooleanField(
        label=_("Le médecin traitant est d'accord avec la demande"), required=False
    )
    consent_mode = forms.ChoiceField(
        label=_("L'accord de la personne"),
        choices=ConsentMode.choices,
        widget=forms.RadioSelect,
    )
    information_items = forms.MultipleChoiceField(
        label=_("Ce qui lui a été dit des informations partagées"),
        choices=InformationItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.MultipleChoiceField(
        label=_("Avec qui"),
        choices=Recipient.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        platforms = Organisation.objects.filter(
            kind=OrganisationKind.PLATFORM, is_active=True
        ).order_by("name")
        self.fields["platform"].queryset = platforms

    def clean_person_birth_date(self):
        value = self.cleaned_data.get("person_birth_date")
        if value and not dt.date(1900, 1, 1) <= value <= timezone.localdate():
            raise forms.ValidationError(_("Cette date de naissance n'est pas plausible."))
        return value

    def clean_person_commune(self):
        text = self.cleaned_data.get("person_commune", "").strip()
        if not text:
            return None
        code = resolve_place(text)
        if code is None:
            raise forms.ValidationError(
                _("Commune introuvable : vérifiez l'orthographe ou le code postal.")
            )
        return code

    def clean(self):
        data = super().clean()
        if data.get("consent_mode") == ConsentMode.CONSENTS and not (
            data.get("information_items") and data.get("recipients")
        ):
            raise forms.ValidationError(
                _(
                    "Indiquez ce que la personne sait des informations partagées et avec qui : "
                    "son accord porte sur ces points."
                )
            )
        if data.get("gp_agrees") and not data.get("gp_informed"):
            self.add_error("gp_informed", _("Le médecin traitant doit d'abord être informé."))
        return data


class TriageForm(InputForm, Form):
    input = inputs.TriageIn
    answers = forms.MultipleChoiceField(
        label=_("Repérage de la complexité"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(
        label=_("Suite donnée"), choices=TriageOutcome.choices, widget=forms.RadioSelect
    )
    referent = forms.ChoiceField(label=_("Référent·e du parcours"), required=False)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, questions=(), referents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = [(q.code, f"{q.text} (+{q.weight})") for q in questions]
        self.fields["referent"].choices = [("", _("Moi-même"))] + [
            (str(user.public_id), user.full_name) for user in referents
        ]
        self.referents = {str(user.public_id): user for user in referents}

    def clean_referent(self):
        value = self.cleaned_data.get("referent")
        return self.referents.get(value) if value else None


class CircleMemberForm(InputForm, Form):
    input = inputs.CircleMemberIn
    email = forms.EmailField(
        max_length=254,
        label=_("Adresse e-mail du ou de la professionnel·le"),
        help_text=_(
            "Son compte sur la plateforme. Sans compte, le ou la référent·e l'invite ici "
            "même : elle reçoit un lien pour en créer un et entre alors dans le cercle."
        ),
    )
    role = forms.ChoiceField(
        label=_("Rôle dans le cercle"),
        choices=[
            (value, label)
            for value, label in CircleRole.choices
            if value not in (CircleRole.REFERENT, CircleRole.PERSON, CircleRole.CAREGIVER)
        ],
    )
    person_informed = forms.BooleanField(
        label=_("La personne est informée de son entrée dans le cercle"), required=True
    )


AGGIR_CHOICES = [("", _("Non évalué")), ("A", "A"), ("B", "B"), ("C", "C")]


class AssessmentForm(InputForm, Form):
    """Every domain, the person's own words, and optionally AGGIR and the mini-Zarit."""

    input = inputs.AssessmentIn
    composes = ("domains", "aggir_grid", "zarit")  # from the fields made per domain

    assessed_on = forms.DateField(
        label=_("Date de l'évaluation"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    person_words = forms.CharField(
        label=_("Ce que la personne dit de sa situation et ce qu'elle souhaite, avec ses mots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    lives_alone = forms.NullBooleanField(label=_("Vit seule"), required=False)
    declared_fragility = forms.BooleanField(
        label=_("Fragilité déclarée pour les crises (canicule, grand froid)"),
        required=False,
        help_text=_(
            "Inscrite au registre des personnes vulnérables de sa commune, ou fragilité dite "
            "par elle ou son cercle : elle sera appelée lors d'une campagne de vérification."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Need.choices:
            self.fields[f"level_{value}"] = forms.ChoiceField(
                label=_("%(domain)s : niveau de besoin") % {"domain": label},
                choices=[("", "—"), *NeedLevel.choices],
            )
            self.fields[f"notes_{value}"] = forms.CharField(
                label=_("%(domain)s : constats") % {"domain": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
            )
            self.fields[f"sources_{value}"] = forms.CharField(
                label=_("%(domain)s : sources") % {"domain": label},
                required=False,
                max_length=300,
                help_text=_("Qui l'a dit ou constaté : la personne, un proche, un compte rendu…"),
            )
        for variable in aggir.VARIABLES:
            self.fields[f"aggir_{variable}"] = forms.ChoiceField(
                label=_("AGGIR — %(variable)s") % {"variable": aggir.LABELS[variable]},
                choices=AGGIR_CHOICES,
                required=False,
            )
        for code, text in ZARIT_QUESTIONS:
            self.fields[f"zarit_{code}"] = forms.ChoiceField(
                label=text,
                choices=[("", "—"), *ZaritAnswer.choices],
                required=False,
            )

    def clean(self):
        data = super().clean()
        grid = {v: data.get(f"aggir_{v}") for v in aggir.VARIABLES}
        if any(grid.values()) and not all(grid.values()):
            raise forms.ValidationError(
                _("Grille AGGIR : renseignez les dix variables, ou aucune.")
            )
        answers = {code: data.get(f"zarit_{code}") for code, _text in ZARIT_QUESTIONS}
        if any(answers.values()) and not all(answers.values()):
            raise forms.ValidationError(
                _("Fardeau de l'aidant·e : répondez aux sept questions, ou à aucune.")
            )
        data["aggir_grid"] = grid if all(grid.values()) else None
        data["zarit"] = answers if all(answers.values()) else None
        data["domains"] = {
            value: {
                "level": data.get(f"level_{value}"),
                "notes": data.get(f"notes_{value}", ""),
                "sources": data.get(f"sources_{value}", ""),
            }
            for value in Need.values
            if data.get(f"level_{value}")
        }
        return data


class PlanForm(InputForm, Form):
    input = inputs.PlanIn
    problems = forms.CharField(
        label=_("Les problèmes de la personne, en résumé"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=6000,
    )
    person_project = forms.CharField(
        label=_("Son projet, ses choix et ses préférences, avec ses mots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=6000,
    )
    alert_procedure = forms.CharField(
        label=_("Que faire si la situation se dégrade (procédure d'alerte)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Qui prévenir, dans quel ordre : aidants, aide à domicile, médecin…"),
    )
    revision_on = forms.DateField(
        label=_("Date de révision"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ObjectiveForm(IdPrefixed, InputForm, Form):
    input = inputs.ObjectiveIn
    id_prefix = "objective"
    need = forms.ChoiceField(label=_("Besoin"), choices=Need.choices)
    text = forms.CharField(label=_("Objectif partagé"), max_length=300)
    criteria = forms.CharField(label=_("Critère d'évaluation"), required=False, max_length=300)
    no_resource = forms.BooleanField(
        label=_("Aucune ressource disponible sur le territoire pour ce besoin"),
        help_text=_("Compté, sans rien sur la personne, dans les besoins non couverts."),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanActionForm(IdPrefixed, InputForm, Form):
    input = inputs.PlanActionIn
    ui_only = ("service_search",)
    id_prefix = "action"
    objective = forms.ChoiceField(label=_("Objectif"))
    text = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ChoiceField(label=_("Qui la porte"))
    service_search = forms.CharField(
        label=_("Service de l'annuaire à chercher (nom, besoin)"),
        required=False,
        max_length=200,
        help_text=_(
            "Si un service de l'annuaire porte l'action : une orientation lui est envoyée."
        ),
    )
    service = forms.ChoiceField(label=_("Service retenu"), required=False)
    consent_method = forms.ChoiceField(
        label=_("Accord de la personne pour que ses coordonnées soient transmises au service"),
        required=False,
    )
    due_on = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, objectives=(), members=(), candidates=(), **kwargs):

        super().__init__(*args, **kwargs)
        # `objectives`: (public id, text) pairs, from the plan's view or its rows.
        self.fields["objective"].choices = [(str(key), text) for key, text in objectives]
        self.fields["owner"].choices = [
            ("person", _("La personne elle-même")),
            *[
                (str(m.public_id), f"{m.user.full_name} — {m.get_role_display()}")
                for m in members
                if m.status == MemberStatus.ACTIVE
            ],
            ("service", _("Un service de l'annuaire (orientation)")),
        ]
        self.fields["service"].choices = [("", _("— cherchez d'abord un service —"))] + [
            (
                str(s.public_id),
                f"{s.name} — {s.structure.name}"
                + (f" ({s.geo_commune.name})" if getattr(s, "geo_commune", None) else ""),
            )
            for s in candidates
        ]
        self.fields["consent_method"].choices = [("", "—"), *ConsentMethod.choices]

    def clean(self):
        data = super().clean()
        if data.get("owner") == "service":
            if not data.get("service"):
                raise forms.ValidationError(
                    _("Choisissez le service dans la liste des résultats, puis ajoutez l'action.")
                    if len(self.fields["service"].choices) > 1
                    else _("Cherchez le service de l'annuaire qui portera l'action.")
                )
            if not data.get("consent_method"):
                self.add_error(
                    "consent_method",
                    _("L'accord de la personne est nécessaire pour transmettre ses coordonnées."),
                )
        return data


class PlanValidationForm(IdPrefixed, InputForm, Form):
    input = inputs.ValidationIn
    id_prefix = "validation"
    # No default: who agreed is a fact the coordinator states, never one the form assumes.
    validator = forms.ChoiceField(
        label=_("Qui valide"), choices=[("", _("— choisir —")), *Validator.choices]
    )
    validated_on = forms.DateField(
        label=_("Date de l'accord"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- follow-up --------------------------------------------------------------------------------

DATE_WIDGET = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}


class MessageForm(InputForm, Form):
    input = inputs.MessageIn
    files = ("attachments",)
    body = forms.CharField(
        label=_("Message au cercle de soins"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seuls les membres du cercle et les coordinateur·rices le lisent."),
    )
    attachments = MultipleFileField(label=_("Documents (PDF, PNG ou JPEG)"), required=False)


class StayAdmitForm(InputForm, Form):
    input = inputs.StayIn
    facility = forms.CharField(label=_("Établissement et service"), max_length=200)
    admitted_on = forms.DateField(label=_("Date d'entrée"), **DATE_WIDGET)
    expected_discharge_on = forms.DateField(
        label=_("Sortie prévue le (si connue)"), required=False, **DATE_WIDGET
    )


class StayDischargeForm(IdPrefixed, InputForm, Form):
    input = inputs.DischargeIn
    id_prefix = "discharge"
    discharged_on = forms.DateField(label=_("Date de sortie"), **DATE_WIDGET)
    destination = forms.CharField(
        label=_("Retour vers"),
        max_length=200,
        required=False,
        help_text=_("Par exemple : domicile, soins de suite, hébergement temporaire."),
    )


class MeetingForm(InputForm, Form):
    input = inputs.MeetingIn
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=480, initial=60
    )
    location = forms.CharField(
        label=_("Lieu ou lien de visioconférence"), max_length=300, required=False
    )
    agenda = forms.CharField(
        label=_("Ordre du jour"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    invitees = forms.MultipleChoiceField(
        label=_("Membres du cercle invités"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members=(), spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "invitees" not in self.fields:
            return
        self.fields["invitees"].choices = [
            (str(m.user.public_id), f"{m.user.full_name} — {m.get_role_display()}")
            for m in members
            if m.status == MemberStatus.ACTIVE
        ] + [
            (
                str(p.user.public_id),
                _("%(name)s — aidant·e, par son espace") % {"name": p.user.full_name}
                if p.caregiver_id
                else _("%(name)s — la personne, par son espace") % {"name": p.user.full_name},
            )
            for p in spaces
            if p.user_id
        ]


class MeetingEditForm(MeetingForm):
    """A planned meeting's date, place and agenda (its invitees stay)."""

    input = inputs.MeetingUpdateIn
    invitees = None
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_version(self):
        # No version read: treated as stale, never as "overwrite whatever is there".
        version = self.cleaned_data.get("version")
        return -1 if version is None else version


class MeetingRecordForm(IdPrefixed, InputForm, Form):
    input = inputs.MinutesIn
    composes = ("attendance",)  # from one field per invitee
    id_prefix = "minutes"
    """Attendance (one field per invitee) and the minutes."""

    minutes = forms.CharField(
        label=_("Compte rendu"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, attendees=(), **kwargs):

        super().__init__(*args, **kwargs)
        self.attendee_fields = []
        for attendee in attendees:
            name = f"attendance_{attendee.user.public_id}"
            self.fields[name] = forms.ChoiceField(
                label=attendee.user.full_name,
                choices=Attendance.choices,
                initial=attendee.attendance,
            )
            self.attendee_fields.append((name, attendee.user.public_id))

    def clean(self):
        data = super().clean()
        data["attendance"] = {
            str(uid): data[name] for name, uid in self.attendee_fields if name in data
        }
        return data


class DecisionForm(IdPrefixed, InputForm, Form):
    input = inputs.DecisionIn
    id_prefix = "decision"
    text = forms.CharField(label=_("Décision"), max_length=300)
    objective = forms.ChoiceField(
        label=_("En faire une action du plan, pour l'objectif"), required=False
    )
    owner = forms.ChoiceField(label=_("Qui la porte"), required=False)
    due_on = forms.DateField(label=_("Échéance"), required=False, **DATE_WIDGET)
    plan_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, objectives=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", _("Non, une simple décision"))] + [
            (str(o.public_id), o.text) for o in objectives if o.status == ObjectiveStatus.OPEN
        ]
        self.fields["owner"].choices = [("person", _("La personne elle-même"))] + [
            (str(m.public_id), f"{m.user.full_name} — {m.get_role_display()}")
            for m in members
            if m.status == MemberStatus.ACTIVE
        ]

    def clean(self):
        data = super().clean()
        if data.get("objective") and data.get("plan_version") is None:
            # Without the plan version read, the action could land on a plan changed since.
            raise forms.ValidationError(_("Rechargez la page avant d'ajouter l'action au plan."))
        return data


class CloseForm(InputForm, Form):
    """Closure: reason, outcome, a final status for each objective in progress, and the
    person's satisfaction."""

    input = inputs.CloseIn
    composes = ("objectives",)  # from one field per objective in progress

    # No reason and no objective status chosen in advance: each is a statement of fact.
    reason = forms.ChoiceField(
        label=_("Raison de la clôture"), choices=[("", _("— choisir —")), *ClosureReason.choices]
    )
    outcome = forms.CharField(
        label=_("Bilan : ce qui a changé, où la personne va ensuite"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    satisfaction = forms.ChoiceField(
        label=_("À la personne : « Êtes-vous satisfait·e de l'accompagnement ? »"),
        choices=[("", _("Question non posée")), *Satisfaction.choices],
        required=False,
    )
    satisfaction_comment = forms.CharField(
        label=_("Ce qu'elle en dit, avec ses mots"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.objective_fields = []
        final = [
            (value, label)
            for value, label in ObjectiveStatus.choices
            if value != ObjectiveStatus.OPEN
        ]
        for objective in objectives:
            if objective.status != ObjectiveStatus.OPEN:
                continue
            name = f"objective_{objective.public_id}"
            self.fields[name] = forms.ChoiceField(
                label=_("Objectif « %(text)s »") % {"text": objective.text},
                choices=[("", _("— choisir —")), *final],
            )
            self.objective_fields.append((name, objective.public_id))

    def clean(self):
        data = super().clean()
        data["objectives"] = {
            str(oid): data[name] for name, oid in self.objective_fields if name in data
        }
        return data


# --- caregivers and the person's space --------------------------------------------------------


class CaregiverForm(IdPrefixed, InputForm, Form):
    input = inputs.CaregiverIn
    id_prefix = "caregiver"
    name = forms.CharField(label=_("Nom de l'aidant·e"), max_length=200)
    relationship = forms.ChoiceField(label=_("Lien avec la personne"), choices=Relationship.choices)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    is_main = forms.BooleanField(label=_("C'est l'aidant·e principal·e"), required=False)
    person_agreed = forms.BooleanField(
        label=_("La personne est d'accord pour que cet·te aidant·e fasse partie de son cercle"),
        required=False,
    )


class PortalInviteForm(IdPrefixed, InputForm, Form):
    input = inputs.PortalInviteIn
    id_prefix = "portal"
    email = forms.EmailField(label=_("Adresse e-mail où envoyer l'invitation"), max_length=254)
    caregiver = forms.ChoiceField(label=_("Pour qui"), required=False)

    def __init__(self, *args, caregivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caregiver"].choices = [("", _("La personne elle-même"))] + [
            (str(c.public_id), f"{c.name} — {c.get_relationship_display()}")
            for c in caregivers
            if c.person_agreed
        ]


class PersonNoteForm(InputForm, Form):
    input = inputs.PersonNoteIn
    kind = forms.ChoiceField(
        label=_("Ce que vous voulez dire"),
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        initial=NoteKind.COMMENT,
    )
    text = forms.CharField(
        label=_("Votre message, avec vos mots"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequestOrientForm(IdPrefixed, InputForm, Form):
    """Orient the person to a directory service from her request: search, choose, and
    record her agreement."""

    input = inputs.RequestOrientIn
    ui_only = ("service_search",)

    id_prefix = "orient"
    service_search = forms.CharField(
        label=_("Service de l'annuaire à chercher (nom, besoin)"), required=False, max_length=200
    )
    service = forms.ChoiceField(label=_("Service retenu"), required=False)
    consent_method = forms.ChoiceField(
        label=_("Accord de la personne pour que ses coordonnées soient transmises au service")
    )
    reason = forms.CharField(
        label=_("Motif de l'orientation (par défaut, celui de la demande)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates=(), **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("— cherchez d'abord un service —"))] + [
            (
                str(s.public_id),
                f"{s.name} — {s.structure.name}"
                + (f" ({s.geo_commune.name})" if getattr(s, "geo_commune", None) else ""),
            )
            for s in candidates
        ]
        self.fields["consent_method"].choices = [("", "—"), *ConsentMethod.choices]

    def clean(self):
        data = super().clean()
        if not data.get("service"):
            raise forms.ValidationError(
                _("Choisissez le service dans la liste des résultats, puis envoyez.")
                if len(self.fields["service"].choices) > 1
                else _("Cherchez le service de l'annuaire vers lequel orienter.")
            )
        return data
