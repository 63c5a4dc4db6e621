"""The words of regulation: kinds of programmes, criteria of eligibility, the states of a
place request, of a proposal, of a vacancy and of an application, the reasons of refusals
and of unmet requests, and the moves each state machine allows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    """How places of a kind are shared on the territory."""

    CENTRALISED = "centralised", _("Régulation centralisée (SIAO)")
    APPLICATIONS = "applications", _("Candidatures multiples (dossier unique)")


class ProgrammeKind(models.TextChoices):
    EMERGENCY = "hu", _("Hébergement d'urgence")
    STABILISATION = "stabilisation", _("Hébergement de stabilisation")
    CHRS = "chrs", _("CHRS insertion")
    LHSS = "lhss", _("Lits halte soins santé (LHSS)")
    LAM = "lam", _("Lits d'accueil médicalisés (LAM)")
    ACT = "act", _("Appartements de coordination thérapeutique (ACT)")
    FAMILY_HOUSE = "pension_famille", _("Pension de famille")
    SOCIAL_RESIDENCE = "residence_sociale", _("Résidence sociale")
    RENTAL_INTERMEDIATION = "iml", _("Intermédiation locative")
    ALT = "alt", _("Allocation logement temporaire (ALT)")
    ADAPTED_HOUSING = "logement_adapte", _("Logement adapté")
    EHPAD = "ehpad", _("EHPAD")
    USLD = "usld", _("Unité de soins de longue durée (USLD)")
    SSIAD = "ssiad", _("Service de soins infirmiers à domicile (SSIAD)")
    DAY_CARE = "accueil_jour", _("Accueil de jour")
    FOYER_DE_VIE = "foyer_vie", _("Foyer de vie")
    FAM = "fam", _("Foyer d'accueil médicalisé (FAM)")
    MAS = "mas", _("Maison d'accueil spécialisée (MAS)")


MEDICO_SOCIAL_KINDS = frozenset(
    {
        ProgrammeKind.EHPAD,
        ProgrammeKind.USLD,
        ProgrammeKind.SSIAD,
        ProgrammeKind.DAY_CARE,
        ProgrammeKind.FOYER_DE_VIE,
        ProgrammeKind.FAM,
        ProgrammeKind.MAS,
    }
)
# Places answered tonight: the 115 sees them at a glance.
EMERGENCY_KINDS = frozenset({ProgrammeKind.EMERGENCY})


def mode_of(kind: str) -> str:
    """Medico-social places are applied for (one dossier, several establishments); shelter
    and housing places are regulated by the SIAO."""
    return Mode.APPLICATIONS if kind in MEDICO_SOCIAL_KINDS else Mode.CENTRALISED


# The bit of each kind in a request's mask of acceptable kinds (matching.HouseholdTable).
KIND_BITS = {kind.value: 1 << position for position, kind in enumerate(ProgrammeKind)}


class UnitType(models.TextChoices):
    BED = "bed", _("Lit")
    ROOM = "room", _("Chambre")
    FLAT = "flat", _("Logement")
    SLOT = "slot", _("Place (service)")


class MemberSex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    UNSAID = "X", _("Non précisé")


class MemberRole(models.TextChoices):
    APPLICANT = "applicant", _("Demandeur·se")
    PARTNER = "partner", _("Conjoint·e")
    CHILD = "child", _("Enfant")
    OTHER = "other", _("Autre membre")


class Criterion(models.TextChoices):
    """What a requirement looks at in a household (eligibility.Household)."""

    HOUSEHOLD_SIZE = "household_size", _("Taille du ménage")
    ADULT_SEX = "adult_sex", _("Sexe des adultes")
    APPLICANT_AGE = "applicant_age", _("Âge du demandeur")
    CHILDREN = "children", _("Enfants")
    COUPLE = "couple", _("Couple")
    PETS = "pets", _("Animaux")
    REDUCED_MOBILITY = "reduced_mobility", _("Mobilité réduite")
    GIR = "gir", _("Autonomie (GIR)")
    RESOURCES = "resources", _("Ressources")
    SUPPORT_NEEDED = "support_needed", _("Besoin d'accompagnement")


class Operator(models.TextChoices):
    MUST = "must", _("doit")
    MUST_NOT = "must_not", _("ne doit pas")
    AT_MOST = "at_most", _("au plus")
    AT_LEAST = "at_least", _("au moins")
    ONE_OF = "one_of", _("parmi")


# Which operators each criterion takes: a yes/no fact, a number, or a list of values.
FLAG_CRITERIA = frozenset(
    {
        Criterion.CHILDREN,
        Criterion.COUPLE,
        Criterion.PETS,
        Criterion.REDUCED_MOBILITY,
        Criterion.RESOURCES,
        Criterion.SUPPORT_NEEDED,
    }
)
NUMBER_CRITERIA = frozenset({Criterion.HOUSEHOLD_SIZE, Criterion.APPLICANT_AGE, Criterion.GIR})
LIST_CRITERIA = frozenset({Criterion.ADULT_SEX})
OPERATORS_OF = {
    **{c: frozenset({Operator.MUST, Operator.MUST_NOT}) for c in FLAG_CRITERIA},
    **{c: frozenset({Operator.AT_MOST, Operator.AT_LEAST}) for c in NUMBER_CRITERIA},
    **{c: frozenset({Operator.ONE_OF}) for c in LIST_CRITERIA},
}


class Level(models.TextChoices):
    """Where a requirement is set: a lower level replaces a higher one on its criterion."""

    PROGRAMME = "programme", _("dispositif")
    STRUCTURE = "structure", _("structure")
    UNIT = "unit", _("place")


LEVEL_ORDER = (Level.STRUCTURE, Level.PROGRAMME, Level.UNIT)


class PlaceUrgency(models.IntegerChoices):
    NONE = 0, _("Pas d'urgence particulière")
    MODERATE = 1, _("Urgence modérée")
    HIGH = 2, _("Urgence forte")
    IMMEDIATE = 3, _("Mise à l'abri immédiate")


class PlaceRequestState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENT = "sent", _("Envoyée")
    INCOMPLETE = "incomplete", _("À compléter")
    CHECKED = "checked", _("Vérifiée")
    WAITING = "waiting", _("En attente d'une place")
    PROPOSED = "proposed", _("Place proposée")
    ADMITTED = "admitted", _("Admise")
    REFUSED = "refused", _("Refusée")
    SUSPENDED = "suspended", _("Suspendue (mise à jour attendue)")
    CANCELLED = "cancelled", _("Annulée")


OPEN_REQUEST_STATES = frozenset(
    {
        PlaceRequestState.SENT,
        PlaceRequestState.INCOMPLETE,
        PlaceRequestState.CHECKED,
        PlaceRequestState.WAITING,
        PlaceRequestState.PROPOSED,
        PlaceRequestState.SUSPENDED,
    }
)
# Who may make each move: the prescriber who wrote the request, the regulator (SIAO or the
# establishment that receives applications), or the platform's own jobs.
PRESCRIBER, REGULATOR, PLATFORM = "prescriber", "regulator", "platform"
REQUEST_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (PlaceRequestState.DRAFT, PlaceRequestState.SENT): frozenset({PRESCRIBER}),
    (PlaceRequestState.DRAFT, PlaceRequestState.CANCELLED): frozenset({PRESCRIBER}),
    (PlaceRequestState.SENT, PlaceRequestState.INCOMPLETE): frozenset({REGULATOR}),
    (PlaceRequestState.SENT, PlaceRequestState.CHECKED): frozenset({REGULATOR}),
    (PlaceRequestState.INCOMPLETE, PlaceRequestState.SENT): frozenset({PRESCRIBER, REGULATOR}),
    (PlaceRequestState.CHECKED, PlaceRequestState.WAITING): frozenset({REGULATOR}),
    # Proposals and admissions move a request through their own actions (a match run, the
    # answers, an expiry, the 115's night), never by hand: the place follows.
    (PlaceRequestState.WAITING, PlaceRequestState.PROPOSED): frozenset({PLATFORM}),
    (PlaceRequestState.PROPOSED, PlaceRequestState.WAITING): frozenset({PLATFORM}),
    (PlaceRequestState.PROPOSED, PlaceRequestState.ADMITTED): frozenset({PLATFORM}),
    (PlaceRequestState.WAITING, PlaceRequestState.ADMITTED): frozenset({PLATFORM}),
    (PlaceRequestState.WAITING, PlaceRequestState.SUSPENDED): frozenset({PLATFORM, REGULATOR}),
    (PlaceRequestState.SUSPENDED, PlaceRequestState.WAITING): frozenset({PRESCRIBER, REGULATOR}),
    (PlaceRequestState.SENT, PlaceRequestState.REFUSED): frozenset({REGULATOR}),
    (PlaceRequestState.CHECKED, PlaceRequestState.REFUSED): frozenset({REGULATOR}),
    **{
        (state, PlaceRequestState.CANCELLED): frozenset({PRESCRIBER, REGULATOR, PLATFORM})
        for state in OPEN_REQUEST_STATES
    },
}


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("À examiner en commission")
    APPROVED = "approved", _("Validée par la commission")
    SENT = "sent", _("Proposée à la structure")
    STRUCTURE_ACCEPTED = "structure_accepted", _("Acceptée par la structure")
    ADMITTED = "admitted", _("Admission")
    REFUSED = "refused", _("Refusée")
    EXPIRED = "expired", _("Expirée")
    WITHDRAWN = "withdrawn", _("Retirée")


LIVE_PROPOSAL_STATES = frozenset(
    {
        ProposalState.DRAFT,
        ProposalState.APPROVED,
        ProposalState.SENT,
        ProposalState.STRUCTURE_ACCEPTED,
    }
)
COMMISSION, STRUCTURE, PERSON = "commission", "structure", "person"
PROPOSAL_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (ProposalState.DRAFT, ProposalState.APPROVED): frozenset({COMMISSION, REGULATOR}),
    (ProposalState.DRAFT, ProposalState.REFUSED): frozenset({COMMISSION, REGULATOR}),
    (ProposalState.DRAFT, ProposalState.WITHDRAWN): frozenset({REGULATOR, PLATFORM}),
    (ProposalState.APPROVED, ProposalState.SENT): frozenset({REGULATOR, COMMISSION}),
    (ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED): frozenset({STRUCTURE}),
    (ProposalState.SENT, ProposalState.REFUSED): frozenset({STRUCTURE, PERSON}),
    (ProposalState.STRUCTURE_ACCEPTED, ProposalState.ADMITTED): frozenset({PERSON, REGULATOR}),
    (ProposalState.STRUCTURE_ACCEPTED, ProposalState.REFUSED): frozenset({PERSON}),
    **{
        (state, ProposalState.EXPIRED): frozenset({PLATFORM})
        for state in (ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED)
    },
    **{
        (state, ProposalState.WITHDRAWN): frozenset({REGULATOR, PLATFORM})
        for state in (ProposalState.APPROVED, ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED)
    },
}


class Party(models.TextChoices):
    """Who refused."""

    COMMISSION = "commission", _("La commission")
    STRUCTURE = "structure", _("La structure")
    PERSON = "person", _("La personne")
    REGULATOR = "regulator", _("Le SIAO")


class PlaceRefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Ne correspond pas aux critères du dispositif")
    NEEDS_NOT_MET = "needs_not_met", _("Accompagnement inadapté aux besoins")
    HEALTH = "health", _("Besoins de santé incompatibles avec la place")
    GROUP_BALANCE = "group_balance", _("Équilibre du collectif")
    LOCATION = "location", _("Lieu trop éloigné (travail, école, soins, proches)")
    PLACE_UNSUITED = "place_unsuited", _("Logement inadapté (taille, accessibilité)")
    COST = "cost", _("Reste à charge trop élevé")
    OTHER_SOLUTION = "other_solution", _("Autre solution trouvée")
    UNREACHABLE = "unreachable", _("Personne injoignable")
    NO_SHOW = "no_show", _("Personne non présentée")
    OTHER = "other", _("Autre motif (à préciser)")


class VacancyState(models.TextChoices):
    OPEN = "open", _("Vacante")
    PROPOSED = "proposed", _("Proposée")
    FILLED = "filled", _("Pourvue")
    WITHDRAWN = "withdrawn", _("Retirée")


VACANCY_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (VacancyState.OPEN, VacancyState.PROPOSED): frozenset({REGULATOR, PLATFORM}),
    (VacancyState.PROPOSED, VacancyState.OPEN): frozenset({REGULATOR, PLATFORM}),
    (VacancyState.PROPOSED, VacancyState.FILLED): frozenset({REGULATOR, PLATFORM}),
    (VacancyState.OPEN, VacancyState.FILLED): frozenset({STRUCTURE, REGULATOR, PLATFORM}),
    (VacancyState.OPEN, VacancyState.WITHDRAWN): frozenset({STRUCTURE, REGULATOR}),
}


class ApplicationState(models.TextChoices):
    SENT = "sent", _("Envoyée")
    WAITLISTED = "waitlisted", _("Sur liste d'attente")
    REFUSED = "refused", _("Refusée")
    ADMITTED = "admitted", _("Admission")
    CANCELLED = "cancelled", _("Annulée")


APPLICATION_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (ApplicationState.SENT, ApplicationState.WAITLISTED): frozenset({STRUCTURE}),
    (ApplicationState.SENT, ApplicationState.REFUSED): frozenset({STRUCTURE}),
    (ApplicationState.SENT, ApplicationState.ADMITTED): frozenset({STRUCTURE}),
    (ApplicationState.WAITLISTED, ApplicationState.REFUSED): frozenset({STRUCTURE}),
    (ApplicationState.WAITLISTED, ApplicationState.ADMITTED): frozenset({STRUCTURE}),
    (ApplicationState.SENT, ApplicationState.CANCELLED): frozenset({PRESCRIBER, PLATFORM}),
    (ApplicationState.WAITLISTED, ApplicationState.CANCELLED): frozenset({PRESCRIBER, PLATFORM}),
}


class UnmetReason(models.TextChoices):
    """Why an emergency request ended the night without a place (demandes non pourvues)."""

    NO_PLACE = "no_place", _("Aucune place disponible")
    NO_FITTING_PLACE = "no_fitting_place", _("Aucune place adaptée au ménage")
    REFUSED = "refused", _("Place refusée par la personne")
    UNREACHABLE = "unreachable", _("Personne injoignable")


class EmergencyOutcome(models.TextChoices):
    SHELTERED = "sheltered", _("Mise à l'abri")
    UNMET = "unmet", _("Non pourvue")


class Tier(models.TextChoices):
    """What a priority policy may count, in its order."""

    DALO = "dalo", _("Reconnaissance DALO / DAHO")
    URGENCY = "urgency", _("Urgence")
    SENIORITY = "seniority", _("Ancienneté de la demande")
    VULNERABILITY = "vulnerability", _("Vulnérabilités")


class Vulnerability(models.TextChoices):
    CHILDREN = "children", _("Enfants mineurs")
    HEALTH = "health", _("Problème de santé grave")
    VIOLENCE = "violence", _("Violences subies")
    STREET = "street", _("À la rue")
    PREGNANCY = "pregnancy", _("Grossesse")
    AGE = "age", _("Âge (plus de 60 ans)")
    HOSPITAL_EXIT = "hospital_exit", _("Sortie d'hospitalisation sans solution")


class PolicyState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("En vigueur")
    RETIRED = "retired", _("Remplacée")


class Engine(models.TextChoices):
    GREEDY = "greedy", _("Règle gloutonne (place la plus difficile d'abord)")
    OPTIMUM = "optimum", _("Optimum global (flot de coût minimal)")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    HELD = "held", _("Tenue")


class CommissionDecision(models.TextChoices):
    APPROVED = "approved", _("Proposition validée")
    REJECTED = "rejected", _("Proposition non retenue")
    ADJOURNED = "adjourned", _("Examen reporté")


class DecisionReason(models.TextChoices):
    FITS = "fits", _("Place adaptée à la situation")
    PRIORITY_ELSEWHERE = "priority_elsewhere", _("Autre ménage prioritaire sur cette place")
    EVALUATION_INCOMPLETE = "evaluation_incomplete", _("Évaluation à compléter")
    NEEDS_NOT_MET = "needs_not_met", _("Accompagnement inadapté aux besoins")
    OTHER = "other", _("Autre motif (à préciser)")


class ResourceKind(models.TextChoices):
    SALARY = "salary", _("Salaire")
    RSA = "rsa", _("RSA")
    AAH = "aah", _("AAH")
    UNEMPLOYMENT = "are", _("Allocation chômage")
    PENSION = "pension", _("Retraite")
    FAMILY = "family", _("Prestations familiales")
    NONE = "none", _("Aucune ressource")
    OTHER = "other", _("Autre")


class AuditAction(models.TextChoices):
    """What the audit trail records for regulation, in the words of « qui a consulté mon
    dossier »."""

    APPLICATION_ANSWER = "application.answer", _("a répondu à une candidature")
    APPLICATION_SEND = "application.send", _("a envoyé le dossier à des établissements")
    COMMISSION_CREATE = "commission.create", _("a programmé une commission")
    COMMISSION_DECIDE = "commission.decide", _("a enregistré une décision de commission")
    COMMISSION_READ = "commission.read", _("a consulté une commission")
    COMMISSION_CLOSE = "commission.close", _("a clos une commission")
    EMERGENCY_CALL = "emergency.call", _("a enregistré un appel au 115")
    EMERGENCY_SHELTER = "emergency.shelter", _("a orienté vers une place d'urgence")
    EMERGENCY_UNMET = "emergency.unmet", _("a enregistré une demande non pourvue")
    MATCH_RUN = "match.run", _("a calculé des propositions de places")
    MEDICAL_READ = "medical.read", _("a consulté le volet médical du dossier")
    MEDICAL_SAVE = "medical.save", _("a rempli le volet médical du dossier")
    MEDICAL_NAME = "medical.name", _("a désigné le médecin qui remplit le volet médical")
    PLACE_REQUEST_CREATE = "place_request.create", _("a rédigé une demande de place")
    PLACE_REQUEST_DOCUMENT_ADD = (
        "place_request.document_add",
        _("a joint des documents à une demande de place"),
    )
    PLACE_REQUEST_DOCUMENT_READ = (
        "place_request.document_read",
        _("a téléchargé un document d'une demande de place"),
    )
    PLACE_REQUEST_MOVE = "place_request.move", _("a fait avancer une demande de place")
    PLACE_REQUEST_READ = "place_request.read", _("a consulté une demande de place")
    PLACE_REQUEST_SUSPEND = "place_request.suspend", _("a suspendu une demande sans mise à jour")
    PLACE_REQUEST_SIGN = "place_request.sign", _("a signé le volet administratif")
    PLACE_REQUEST_UPDATE = "place_request.update", _("a mis à jour une demande de place")
    POLICY_PUBLISH = "policy.publish", _("a publié une politique de priorité")
    POLICY_SAVE = "policy.save", _("a enregistré une politique de priorité")
    POLICY_SIMULATE = "policy.simulate", _("a simulé une politique de priorité")
    PROGRAMME_SAVE = "programme.save", _("a enregistré un dispositif")
    PROPOSAL_ANSWER = "proposal.answer", _("a répondu à une proposition de place")
    PROPOSAL_EXPIRE = "proposal.expire", _("a fait expirer une proposition sans réponse")
    PROPOSAL_READ = "proposal.read", _("a consulté une proposition de place")
    RANKING_READ = "ranking.read", _("a consulté la liste des demandes classées")
    REQUIREMENT_SAVE = "requirement.save", _("a modifié un critère d'admission")
    UNIT_SAVE = "unit.save", _("a enregistré une place")
    VACANCY_DECLARE = "vacancy.declare", _("a déclaré une place vacante")
    VACANCY_WITHDRAW = "vacancy.withdraw", _("a retiré une vacance")


def move_allowed(table, current: str, target: str, side: str | None) -> bool:
    """Whether this side may move a record from `current` to `target` (a table above)."""
    return side is not None and side in table.get((current, target), frozenset())


def moves_from(table, current: str, side: str | None) -> list[str]:
    """The states this side may move a record to from `current`, in the table's order."""
    return [to for (frm, to), sides in table.items() if frm == current and side in sides]
