"""The cooperation's referentials: conventions and groupings (seed 003), their life cycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConventionKind(models.TextChoices):
    PARTNERSHIP = "partnership", _("Convention de partenariat")
    GCSMS = "gcsms", _("Convention constitutive de GCSMS")
    GCS = "gcs", _("Convention constitutive de GCS")
    CPOM = "cpom", _("Contrat pluriannuel d'objectifs et de moyens (CPOM)")
    AMENDMENT = "amendment", _("Avenant")


# Groupings whose constitutive convention is declared to the authority (since 2019 a GCSMS
# convention is declared to the ARS, the préfet or the département; no longer approved).
DECLARED_KINDS = frozenset({ConventionKind.GCSMS, ConventionKind.GCS})
# Groupings with bodies: a general assembly, an administrator elected for three years.
GROUPING_KINDS = DECLARED_KINDS
ADMINISTRATOR_MANDATE_YEARS = 3


class LegalNature(models.TextChoices):
    PUBLIC = "public", _("de droit public")
    PRIVATE = "private", _("de droit privé")


class Authority(models.TextChoices):
    ARS = "ars", _("Agence régionale de santé")
    PREFET = "prefet", _("Préfet")
    DEPARTEMENT = "departement", _("Conseil départemental")


class ConventionState(models.TextChoices):
    DRAFT = "draft", _("en projet")
    SIGNED = "signed", _("signée")
    DECLARED = "declared", _("déclarée")
    PUBLISHED = "published", _("publiée")
    AMENDED = "amended", _("modifiée par avenant")
    RENEWED = "renewed", _("renouvelée")
    ENDED = "ended", _("terminée")


S = ConventionState
IN_FORCE = frozenset({S.SIGNED, S.DECLARED, S.PUBLISHED, S.AMENDED, S.RENEWED})
CONVENTION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SIGNED}),
    S.SIGNED: frozenset({S.DECLARED, S.PUBLISHED, S.ENDED}),
    S.DECLARED: frozenset({S.PUBLISHED, S.ENDED}),
    S.PUBLISHED: frozenset({S.AMENDED, S.RENEWED, S.ENDED}),
    S.AMENDED: frozenset({S.AMENDED, S.RENEWED, S.ENDED}),
    S.RENEWED: frozenset({S.AMENDED, S.RENEWED, S.ENDED}),
    S.ENDED: frozenset(),
}
"""Each state → the states a convention may move to (actions.convention_move)."""


class ContributionKind(models.TextChoices):
    FINANCIAL = "financial", _("financière")
    IN_KIND = "in_kind", _("en nature")
    BOTH = "both", _("financière et en nature")
    NONE = "none", _("aucune")


class ObligationState(models.TextChoices):
    TODO = "todo", _("à faire")
    DONE = "done", _("faite")
    WAIVED = "waived", _("levée")


class DocumentKind(models.TextChoices):
    SIGNED = "signed", _("Convention signée")
    AMENDMENT = "amendment", _("Avenant signé")
    DECLARATION = "declaration", _("Récépissé de déclaration")
    MINUTES = "minutes", _("Procès-verbal d'assemblée")
    OTHER = "other", _("Autre pièce")


MAX_DOCUMENTS = 30  # a convention's documents, removed ones aside


class AlertKind(models.TextChoices):
    """What a territorial alert is about (seed 004: a coordinator alerts the actors of a
    micro-territory)."""

    HEAT_WAVE = "heat_wave", _("Canicule")
    COLD_SPELL = "cold_spell", _("Grand froid")
    EPIDEMIC = "epidemic", _("Épidémie")
    MEDICINE_SHORTAGE = "medicine_shortage", _("Pénurie d'un médicament")
    SERVICE_SHORTAGE = "service_shortage", _("Manque d'un service")
    PSYCHOSOCIAL = "psychosocial", _("Risque psychosocial")
    CLOSURE = "closure", _("Fermeture d'un lieu ou d'un service")
    OTHER = "other", _("Autre")


class AlertState(models.TextChoices):
    ACTIVE = "active", _("en cours")
    ENDED = "ended", _("terminée")
    ARCHIVED = "archived", _("archivée")


ALERT_TRANSITIONS: dict[str, frozenset[str]] = {
    AlertState.ACTIVE: frozenset({AlertState.ENDED}),
    AlertState.ENDED: frozenset({AlertState.ARCHIVED}),
    AlertState.ARCHIVED: frozenset(),
}
"""Each state → the states an alert may move to (actions.alert_move)."""


class CampaignState(models.TextChoices):
    RUNNING = "running", _("en cours")
    CLOSED = "closed", _("close")


class CallState(models.TextChoices):
    TO_CALL = "to_call", _("à appeler")
    REACHED = "reached", _("jointe, tout va bien")
    ESCALATED = "escalated", _("à relayer (injoignable ou inquiétude)")
    CLOSED = "closed", _("close")


CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallState.TO_CALL: frozenset({CallState.REACHED, CallState.ESCALATED}),
    CallState.REACHED: frozenset({CallState.ESCALATED, CallState.CLOSED}),
    CallState.ESCALATED: frozenset({CallState.REACHED, CallState.CLOSED}),
    CallState.CLOSED: frozenset(),
}
"""Each state of a check call → where it may go (actions.call_move)."""


class AuditAction(models.TextChoices):
    """What the audit trail records for this app (core.audit.declared)."""

    CONVENTION_CREATE = "convention.create", _("a créé une convention")
    CONVENTION_LIST = "convention.list", _("a consulté le registre des conventions")
    CONVENTION_READ = "convention.read", _("a consulté une convention")
    CONVENTION_UPDATE = "convention.update", _("a modifié une convention")
    CONVENTION_MOVE = "convention.move", _("a fait avancer une convention")
    CONVENTION_PARTY_ADD = "convention.party.add", _("a ajouté une partie à une convention")
    CONVENTION_PARTY_LEAVE = (
        "convention.party.leave",
        _("a noté le retrait d'une partie d'une convention"),
    )
    CONVENTION_OBLIGATION_ADD = (
        "convention.obligation.add",
        _("a ajouté une obligation à une convention"),
    )
    CONVENTION_OBLIGATION_MOVE = (
        "convention.obligation.move",
        _("a noté l'état d'une obligation d'une convention"),
    )
    CONVENTION_DOCUMENT_ADD = (
        "convention.document.add",
        _("a joint un document à une convention"),
    )
    CONVENTION_DOCUMENT_READ = (
        "convention.document.read",
        _("a téléchargé un document d'une convention"),
    )
    CONVENTION_DOCUMENT_REMOVE = (
        "convention.document.remove",
        _("a retiré un document d'une convention"),
    )
    ALERT_ISSUE = "alert.issue", _("a lancé une alerte territoriale")
    ALERT_LIST = "alert.list", _("a consulté les alertes territoriales")
    ALERT_READ = "alert.read", _("a consulté une alerte territoriale")
    ALERT_UPDATE = "alert.update", _("a donné des nouvelles d'une alerte territoriale")
    ALERT_MOVE = "alert.move", _("a mis fin à une alerte territoriale ou l'a archivée")
    ALERT_ACKNOWLEDGE = "alert.acknowledge", _("a accusé lecture d'une alerte territoriale")
    CAMPAIGN_CREATE = "campaign.create", _("a lancé une campagne d'appels de vérification")
    CAMPAIGN_READ = "campaign.read", _("a consulté le tableau d'une campagne d'appels")
    CAMPAIGN_CLOSE = "campaign.close", _("a clos une campagne d'appels")
    CALL_MOVE = "call.move", _("a noté l'issue d'un appel de vérification")
