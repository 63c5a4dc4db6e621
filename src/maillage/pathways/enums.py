"""The pathways' reference lists and state machines, with their French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.roles import Role


class RequesterKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Un·e professionnel·le")
    PERSON = "person", _("La personne elle-même")
    CAREGIVER = "caregiver", _("Un·e aidant·e ou proche")


class Urgency(models.TextChoices):
    # The triage queue sorts on the rank first (most urgent first), then on waiting time.
    URGENT = "urgent", _("Urgent : sous 48 heures")
    SOON = "soon", _("Rapide : dans la semaine")
    ROUTINE = "routine", _("Dans le mois")


URGENCY_RANK = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


class Need(models.TextChoices):
    """The domains of a situation, shared by the request and (later) the assessment."""

    HEALTH = "health", _("Santé, soins")
    AUTONOMY = "autonomy", _("Autonomie, perte d'autonomie")
    PSYCHOLOGICAL = "psychological", _("Santé psychique")
    SOCIAL_TIES = "social_ties", _("Liens sociaux, aidants")
    HOUSING = "housing", _("Logement, maintien à domicile")
    INCOME_RIGHTS = "income_rights", _("Ressources, accès aux droits")
    MOBILITY = "mobility", _("Mobilité")
    ENVIRONMENT = "environment", _("Environnement, sécurité")


class ConsentMode(models.TextChoices):
    CONSENTS = "consents", _("La personne a été informée et elle est d'accord")
    CANNOT_EXPRESS = (
        "cannot_express",
        _("La personne ne peut pas s'exprimer aujourd'hui : elle sera informée dès que possible"),
    )


class InformationItem(models.TextChoices):
    """What the person was told would be shared (R1110-3 of the public health code)."""

    IDENTITY = "identity", _("Son identité et ses coordonnées")
    SITUATION = "situation", _("Un résumé de sa situation et de ses besoins")
    HEALTH = "health", _("Les informations de santé utiles à la coordination")
    SOCIAL = "social", _("Les informations sociales utiles à la coordination")


class Recipient(models.TextChoices):
    """With whom the information is shared."""

    PLATFORM = "platform", _("Les coordinateur·rices de la plateforme")
    CIRCLE = "circle", _("Les professionnel·les de son cercle de soins, avec son accord")
    GP = "gp", _("Son médecin traitant")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Reçue, à trier")
    INFORMATION = "information", _("Close : information et orientation")
    SUPPORT = "support", _("Appui au professionnel")
    PATHWAY = "pathway", _("Parcours ouvert")
    WITHDRAWN = "withdrawn", _("Retirée")


class TriageOutcome(models.TextChoices):
    INFORMATION = "information", _("Information et orientation seulement")
    SUPPORT = "support", _("Appui au professionnel qui a demandé")
    PATHWAY = "pathway", _("Ouvrir un parcours complexe avec un·e référent·e")


TRIAGE_STATES = {
    TriageOutcome.INFORMATION: RequestState.INFORMATION,
    TriageOutcome.SUPPORT: RequestState.SUPPORT,
    TriageOutcome.PATHWAY: RequestState.PATHWAY,
}

# Who may move a request: the requester withdraws it, a coordinator of its platform triages.
REQUESTER, COORDINATOR = "requester", "coordinator"
REQUEST_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (RequestState.RECEIVED, RequestState.INFORMATION): frozenset({COORDINATOR}),
    (RequestState.RECEIVED, RequestState.SUPPORT): frozenset({COORDINATOR}),
    (RequestState.RECEIVED, RequestState.PATHWAY): frozenset({COORDINATOR}),
    (RequestState.RECEIVED, RequestState.WITHDRAWN): frozenset({REQUESTER, COORDINATOR}),
    # Support to the professional may turn out to need a whole pathway.
    (RequestState.SUPPORT, RequestState.PATHWAY): frozenset({COORDINATOR}),
    # A request closed with information only goes back to the queue if that was too early.
    (RequestState.INFORMATION, RequestState.RECEIVED): frozenset({COORDINATOR}),
}


class PathwayState(models.TextChoices):
    OPEN = "open", _("En cours")
    CLOSED = "closed", _("Clos")
    ARCHIVED = "archived", _("Archivé")


# A pathway closes and reopens while it is not archived; the retention job archives the
# closed ones (apply_retention), and an archived pathway moves no more.
PATHWAY_TRANSITIONS = {
    PathwayState.OPEN: frozenset({PathwayState.CLOSED}),
    PathwayState.CLOSED: frozenset({PathwayState.OPEN, PathwayState.ARCHIVED}),
}


class CircleRole(models.TextChoices):
    """Roles in the care circle. `CIRCLE_ROLE_CODES` gives each a code for FHIR CareTeam
    participants (ANS TRE_R85 for the coordinator, the rest from our own code system)."""

    REFERENT = "referent", _("Coordinateur·rice référent·e")
    GP = "gp", _("Médecin traitant")
    NURSE = "nurse", _("Infirmier·e")
    SOCIAL_WORKER = "social_worker", _("Travailleur·se social·e")
    HOME_HELP = "home_help", _("Aide à domicile")
    PSYCHOLOGIST = "psychologist", _("Psychologue")
    PHARMACIST = "pharmacist", _("Pharmacien·ne")
    PEER_WORKER = "peer_worker", _("Pair-aidant·e")
    OTHER_PROFESSIONAL = "other_professional", _("Autre professionnel·le")
    PERSON = "person", _("La personne")
    CAREGIVER = "caregiver", _("Aidant·e, proche")


CIRCLE_ROLE_CODES = {
    CircleRole.REFERENT: (
        "https://mos.esante.gouv.fr/NOS/TRE_R85-RolePriseCharge/FHIR/TRE-R85-RolePriseCharge",
        "330",
    )
}


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("En attente de l'accord du ou de la référent·e")
    ACTIVE = "active", _("Membre")
    LEFT = "left", _("A quitté le cercle")


class EventKind(models.TextChoices):
    REQUEST_RECEIVED = "request_received", _("Demande d'appui reçue")
    TRIAGED = "triaged", _("Demande triée")
    PATHWAY_OPENED = "pathway_opened", _("Parcours ouvert")
    MEMBER_JOINED = "member_joined", _("Entrée dans le cercle de soins")
    MEMBER_LEFT = "member_left", _("Sortie du cercle de soins")
    PERSON_INFORMED = "person_informed", _("La personne a été informée")
    ASSESSED = "assessed", _("Évaluation multidimensionnelle")
    PLAN_SAVED = "plan_saved", _("Plan personnalisé modifié")
    PLAN_VALIDATED = "plan_validated", _("Plan personnalisé validé")
    MESSAGE = "message", _("Message dans le cahier de liaison")
    ADMISSION = "admission", _("Hospitalisation")
    DISCHARGE = "discharge", _("Sortie d'hospitalisation")
    MEETING_PLANNED = "meeting_planned", _("Réunion de concertation prévue")
    MEETING_HELD = "meeting_held", _("Réunion de concertation tenue")
    MEETING_CANCELLED = "meeting_cancelled", _("Réunion de concertation annulée")
    CLOSED = "closed", _("Parcours clos")
    REOPENED = "reopened", _("Parcours rouvert")
    ARCHIVED = "archived", _("Parcours archivé")
    CAREGIVER_ADDED = "caregiver_added", _("Aidant·e ajouté·e")
    PORTAL_OPENED = "portal_opened", _("Accès à l'espace personnel ouvert")
    PORTAL_CLOSED = "portal_closed", _("Accès à l'espace personnel fermé")
    PERSON_NOTE = "person_note", _("La personne s'est exprimée dans son espace")
    PLACEMENT = "placement", _("Admission dans un hébergement ou un établissement")


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    OTHER = "X", _("Autre ou non précisé")


class NeedLevel(models.TextChoices):
    NONE = "none", _("Pas de besoin")
    LOW = "low", _("Besoin léger")
    MODERATE = "moderate", _("Besoin modéré")
    HIGH = "high", _("Besoin important")


NEED_LEVEL_RANK = {NeedLevel.NONE: 0, NeedLevel.LOW: 1, NeedLevel.MODERATE: 2, NeedLevel.HIGH: 3}


class ZaritAnswer(models.TextChoices):
    NEVER = "0", _("Jamais")
    SOMETIMES = "0.5", _("Parfois")
    OFTEN = "1", _("Souvent")


# The mini-Zarit's seven questions to the main caregiver (burden felt); each answer 0, ½ or 1.
ZARIT_QUESTIONS = (
    (
        "family",
        _("S'occuper de la personne entraîne-t-il des difficultés dans votre vie familiale ?"),
    ),
    ("social", _("… dans vos relations avec vos amis, vos loisirs ou votre travail ?")),
    ("health", _("… un retentissement sur votre santé, physique ou psychique ?")),
    ("recognise", _("Avez-vous le sentiment de ne plus reconnaître la personne ?")),
    ("future", _("Avez-vous peur pour son avenir ?")),
    ("help", _("Souhaitez-vous être (davantage) aidé·e pour vous en occuper ?")),
    ("burden", _("Ressentez-vous une charge en vous occupant d'elle ?")),
)


class ObjectiveStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    REACHED = "reached", _("Atteint")
    NOT_REACHED = "not_reached", _("Non atteint")
    DROPPED = "dropped", _("Abandonné d'un commun accord")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Annulée")


# Actions still to do: the overdue ones are among them.
OPEN_ACTION_STATES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
# Where a plan action may go from each state. A done action can be reopened and a
# cancelled one restored (a mistake corrected), but a done action is not cancelled
# afterwards, nor a cancelled one marked done: the plan's history would lie.
ACTION_TRANSITIONS = {
    ActionStatus.PLANNED: frozenset(
        {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED}
    ),
    ActionStatus.IN_PROGRESS: frozenset(
        {ActionStatus.PLANNED, ActionStatus.DONE, ActionStatus.CANCELLED}
    ),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.CANCELLED: frozenset({ActionStatus.PLANNED}),
}


class Validator(models.TextChoices):
    PERSON = "person", _("La personne")
    GP = "gp", _("Le médecin traitant")


class StayState(models.TextChoices):
    IN_HOSPITAL = "in_hospital", _("Hospitalisé·e")
    DISCHARGED = "discharged", _("Sorti·e")


# A stay ends once: its discharge is recorded, never undone.
STAY_TRANSITIONS = {StayState.IN_HOSPITAL: frozenset({StayState.DISCHARGED})}


# The "discharge planned from admission" checklist: what the circle prepares from the first
# day of a hospital stay so that going home is ready when the ward says so.
DISCHARGE_CHECKLIST = (
    ("gp_informed", _("Le médecin traitant est prévenu de l'hospitalisation")),
    ("ward_contact", _("Le service hospitalier connaît le cercle de soins et son référent·e")),
    ("caregiver_informed", _("L'aidant·e est informé·e et soutenu·e")),
    ("home_ready", _("Le retour au domicile est préparé (aides, matériel, portage des repas)")),
    ("treatments", _("Les ordonnances et traitements de sortie sont anticipés")),
    ("follow_up", _("Les rendez-vous de suivi après la sortie sont pris")),
    ("transport", _("Le transport de retour est organisé")),
    ("plan_review", _("Le plan personnalisé est revu après la sortie")),
)

# What a stay in a shelter, housing or an establishment prepares from its first day (seed
# 003: « la sortie se prépare dès l'entrée »): opened in the plan when a place is taken.
PLACEMENT_CHECKLIST = (
    _("Ouvrir ou mettre à jour les droits (CAF, assurance maladie, complémentaire)"),
    _("Prévenir le médecin traitant de la nouvelle adresse"),
    _("Définir avec la personne son projet de sortie et sa durée de séjour prévue"),
    _("Déposer ou renouveler la demande de logement social"),
    _("Présenter l'équipe de la structure au cercle de soins"),
)


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


# A planned meeting is rescheduled (planned → planned), held or cancelled; a held one has its
# record completed later (held → held); a cancelled one moves no more.
MEETING_TRANSITIONS = {
    MeetingState.PLANNED: frozenset(
        {MeetingState.PLANNED, MeetingState.HELD, MeetingState.CANCELLED}
    ),
    MeetingState.HELD: frozenset({MeetingState.HELD}),
}


class Attendance(models.TextChoices):
    INVITED = "invited", _("Invité·e")
    PRESENT = "present", _("Présent·e")
    EXCUSED = "excused", _("Excusé·e")
    ABSENT = "absent", _("Absent·e")


class ClosureReason(models.TextChoices):
    OBJECTIVES_REACHED = "objectives_reached", _("Les objectifs du plan sont atteints")
    STABILISED = "stabilised", _("La situation est stabilisée, le suivi habituel suffit")
    HANDED_ON = "handed_on", _("Le relais est pris par un autre dispositif")
    PERSON_DECLINED = "person_declined", _("La personne ne souhaite plus être accompagnée")
    MOVED = "moved", _("La personne a déménagé hors du territoire")
    INSTITUTION = "institution", _("Entrée durable en établissement")
    DECEASED = "deceased", _("Décès")
    OTHER = "other", _("Autre raison")


class Satisfaction(models.TextChoices):
    """The person's answer at closure to "Êtes-vous satisfait·e de l'accompagnement ?"."""

    VERY_SATISFIED = "4", _("Très satisfait·e")
    SATISFIED = "3", _("Plutôt satisfait·e")
    DISSATISFIED = "2", _("Plutôt pas satisfait·e")
    VERY_DISSATISFIED = "1", _("Pas du tout satisfait·e")


class Relationship(models.TextChoices):
    """The caregiver's tie to the person (FHIR RelatedPerson.relationship: codes of HL7
    v3-RoleCode, except "other", which is ours)."""

    SPOUSE = "SPS", _("Conjoint·e")
    CHILD = "CHILD", _("Enfant")
    PARENT = "PRN", _("Parent")
    SIBLING = "SIB", _("Frère ou sœur")
    FAMILY = "EXT", _("Autre membre de la famille")
    FRIEND = "FRND", _("Ami·e")
    NEIGHBOUR = "NBOR", _("Voisin·e")
    OTHER = "other", _("Autre proche")


class NoteKind(models.TextChoices):
    """What the person (or her caregiver) writes in her space."""

    GOAL = "goal", _("Un objectif à moi")
    COMMENT = "comment", _("Un commentaire")
    CHANGE = "change", _("Je demande un changement")


# The accounts that may join a care circle as a professional (a platform admin administers,
# she does not follow people; the person and her caregivers join through the portal).
CIRCLE_MEMBER_ROLES = frozenset(
    {Role.PROFESSIONAL, Role.COORDINATOR, Role.PEER_WORKER, Role.ORGANISATION_ADMIN}
)


class AuditAction(models.TextChoices):
    """What the audit trail records for this app, in the words the list of accesses to a
    record shows. Every name written to the trail is declared in an app's AuditAction
    (core.audit.declared; tests/core/test_audit_names.py)."""

    ASSESSMENT_CREATE = "assessment.create", _("a enregistré une évaluation")
    ASSESSMENT_READ = "assessment.read", _("a consulté les évaluations")
    CAREGIVER_ADD = "caregiver.add", _("a ajouté un·e aidant·e au cercle")
    CIRCLE_ADD = "circle.add", _("a ajouté un membre au cercle de soins")
    CIRCLE_APPROVE = "circle.approve", _("a accepté un membre proposé au cercle de soins")
    CIRCLE_LEAVE = "circle.leave", _("a quitté le cercle de soins")
    CIRCLE_PROPOSE = "circle.propose", _("a proposé un membre pour le cercle de soins")
    CIRCLE_INVITE = (
        "circle.invite",
        _("a invité dans le cercle de soins un·e professionnel·le sans compte"),
    )
    CIRCLE_JOIN = "circle.join", _("a rejoint le cercle de soins en acceptant l'invitation")
    CIRCLE_READ = "circle.read", _("a consulté un membre du cercle de soins")
    CIRCLE_REMOVE = "circle.remove", _("a retiré un membre du cercle de soins")
    MEETING_CANCEL = "meeting.cancel", _("a annulé une réunion de concertation")
    MEETING_DECIDE = "meeting.decide", _("a noté une décision de réunion")
    MEETING_LIST = "meeting.list", _("a consulté la liste des réunions")
    MEETING_READ = "meeting.read", _("a consulté une réunion")
    MEETING_RECORD = "meeting.record", _("a écrit le compte rendu d'une réunion")
    MEETING_SCHEDULE = "meeting.schedule", _("a prévu une réunion de concertation")
    MEETING_UPDATE = "meeting.update", _("a modifié une réunion de concertation")
    NOTEBOOK_ATTACHMENT_READ = (
        "notebook.attachment.read",
        _("a ouvert un document du cahier de liaison"),
    )
    NOTEBOOK_POST = "notebook.post", _("a écrit dans le cahier de liaison")
    NOTEBOOK_READ = "notebook.read", _("a lu le cahier de liaison")
    PATHWAY_ANONYMISE = (
        "pathway.anonymise",
        _("a anonymisé le parcours (durée de conservation échue)"),
    )
    PATHWAY_ARCHIVE = "pathway.archive", _("a archivé le parcours")
    PATHWAY_CLOSE = "pathway.close", _("a clos le parcours")
    PATHWAY_EXPORT_FHIR = "pathway.export_fhir", _("a exporté le dossier (FHIR)")
    PATHWAY_HANDOVER = "pathway.handover", _("a passé le relais à un·e autre référent·e")
    PATHWAY_LIST = "pathway.list", _("a consulté la liste des parcours")
    PATHWAY_READ = "pathway.read", _("a consulté le parcours")
    PATHWAY_REOPEN = "pathway.reopen", _("a rouvert le parcours")
    PLAN_ACTION_ADD = "plan.action_add", _("a ajouté une action au plan personnalisé")
    PLAN_ACTION_STATUS = "plan.action_status", _("a changé l'état d'une action du plan")
    PLAN_CLOSE = "plan.close", _("a clos le plan personnalisé")
    PLAN_REOPEN = "plan.reopen", _("a rouvert le plan personnalisé")
    PLAN_OBJECTIVE_ADD = "plan.objective_add", _("a ajouté un objectif au plan personnalisé")
    PLAN_READ = "plan.read", _("a consulté le plan personnalisé")
    PLAN_SAVE = "plan.save", _("a modifié le plan personnalisé")
    PLAN_PLACEMENT = (
        "plan.placement",
        _("a ouvert la préparation de la sortie dès l'entrée dans une place"),
    )
    PLAN_VALIDATE = "plan.validate", _("a noté la validation du plan")
    PORTAL_ACCEPT = "portal.accept", _("a accepté l'accès à l'espace personnel")
    PORTAL_ACCESSES_READ = "portal.accesses.read", _("a consulté la liste des accès")
    PORTAL_CLOSE = "portal.close", _("a fermé un accès à l'espace personnel")
    PORTAL_LINK = "portal.link", _("a relié son compte à l'espace personnel")
    PORTAL_LIST = "portal.list", _("a consulté ses espaces personnels")
    PORTAL_NOTE = "portal.note", _("a écrit dans l'espace personnel")
    PORTAL_OPEN = "portal.open", _("a ouvert l'espace personnel à la personne ou à un·e aidant·e")
    PORTAL_READ = "portal.read", _("a ouvert l'espace personnel")
    RECORD_ACCESSES_READ = "record.accesses.read", _("a consulté la liste des accès")
    STAY_ADMIT = "stay.admit", _("a signalé une hospitalisation")
    STAY_CHECK = "stay.check", _("a coché la liste de préparation de la sortie")
    STAY_DISCHARGE = "stay.discharge", _("a noté la sortie d'hospitalisation")
    STAY_READ = "stay.read", _("a consulté les hospitalisations")
    SUPPORT_REQUEST_CREATE = "support_request.create", _("a fait une demande d'appui")
    SUPPORT_REQUEST_LIST = "support_request.list", _("a consulté la liste des demandes d'appui")
    SUPPORT_REQUEST_ORIENT = "support_request.orient", _("a orienté la personne depuis sa demande")
    SUPPORT_REQUEST_PERSON_INFORMED = (
        "support_request.person_informed",
        _("a noté que la personne est informée de la demande"),
    )
    SUPPORT_REQUEST_READ = "support_request.read", _("a consulté la demande d'appui")
    SUPPORT_REQUEST_TRIAGE = "support_request.triage", _("a trié la demande d'appui")
    SUPPORT_REQUEST_WITHDRAW = "support_request.withdraw", _("a retiré la demande d'appui")
    SUPPORT_REQUEST_REOPEN = "support_request.reopen", _("a remis la demande d'appui à trier")
