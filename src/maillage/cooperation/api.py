"""The cooperation API: the same actions and reads as the pages, never logic of its own."""

from uuid import UUID

from ninja import Router, Status

from maillage.cooperation import actions, presenters, queries, reads
from maillage.cooperation.enums import CallState
from maillage.cooperation.inputs import (
    AlertIn,
    AlertMoveIn,
    AlertUpdateIn,
    CallMoveIn,
    CampaignCloseIn,
    CampaignIn,
    ConventionIn,
    ConventionMoveIn,
    ConventionUpdateIn,
    ObligationIn,
    ObligationMoveIn,
    PartyIn,
    PartyLeaveIn,
)
from maillage.cooperation.schemas import (
    AlertOut,
    CampaignOut,
    ConventionOut,
    ConventionSummaryOut,
    ErrorOut,
)
from maillage.core import audit
from maillage.core.attachments import private_file_response
from maillage.core.pipeline import acting

router = Router(tags=["coopération"])
E = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _out(request, convention):
    return presenters.convention_out(queries.convention_for(request.user, convention.public_id))


@router.get(
    "/conventions",
    response={200: list[ConventionSummaryOut]},
    summary="Le registre : les conventions que mes organisations tiennent, ou dont elles sont "
    "parties",
)
def convention_list(request):
    return [presenters.summary_out(c) for c in queries.convention_list(request.user)]


@router.post(
    "/conventions", response={201: ConventionOut, **E}, summary="Enregistrer une convention"
)
@acting("convention.create")
def convention_create(request, payload: ConventionIn):
    convention = actions.convention_create(
        actor=request.user, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _out(request, convention))


@router.get(
    "/conventions/{public_id}",
    response={200: ConventionOut, 404: ErrorOut},
    summary="Une convention, ses parties et leurs obligations",
)
def convention_detail(request, public_id: UUID):
    return presenters.convention_out(reads.visible_convention(request.user, public_id))


@router.put(
    "/conventions/{public_id}",
    response={200: ConventionOut, **E},
    summary="Modifier une convention (avec la version lue : 400 si elle a changé depuis)",
)
@acting("convention.update")
def convention_update(request, public_id: UUID, payload: ConventionUpdateIn):
    convention = reads.visible_convention(request.user, public_id, "convention.update")
    actions.convention_update(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


@router.post(
    "/conventions/{public_id}/moves",
    response={200: ConventionOut, **E},
    summary="Faire avancer une convention : signée, déclarée, publiée, modifiée, renouvelée, "
    "terminée",
)
@acting("convention.move")
def convention_move(request, public_id: UUID, payload: ConventionMoveIn):
    convention = reads.visible_convention(request.user, public_id, "convention.move")
    actions.convention_move(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


@router.post(
    "/conventions/{public_id}/parties",
    response={201: ConventionOut, **E},
    summary="Ajouter une partie : une organisation de la plateforme ou une structure de l'annuaire",
)
@acting("convention.party.add")
def party_add(request, public_id: UUID, payload: PartyIn):
    convention = reads.visible_convention(request.user, public_id, "convention.party.add")
    actions.party_add(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _out(request, convention))


@router.post(
    "/conventions/{public_id}/parties/{party_id}/leave",
    response={200: ConventionOut, **E},
    summary="Noter le retrait d'une partie",
)
@acting("convention.party.leave")
def party_leave(request, public_id: UUID, party_id: UUID, payload: PartyLeaveIn):
    convention = reads.visible_convention(request.user, public_id, "convention.party.leave")
    party = reads.party_of(convention, party_id, "convention.party.leave")
    actions.party_leave(
        actor=request.user, party=party, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


@router.post(
    "/conventions/{public_id}/obligations",
    response={201: ConventionOut, **E},
    summary="Ajouter une obligation d'une partie (qui doit quoi, pour quand)",
)
@acting("convention.obligation.add")
def obligation_add(request, public_id: UUID, payload: ObligationIn):
    convention = reads.visible_convention(request.user, public_id, "convention.obligation.add")
    actions.obligation_add(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _out(request, convention))


@router.post(
    "/conventions/{public_id}/obligations/{obligation_id}/moves",
    response={200: ConventionOut, **E},
    summary="Noter qu'une obligation est faite, levée, ou de nouveau à faire",
)
@acting("convention.obligation.move")
def obligation_move(request, public_id: UUID, obligation_id: UUID, payload: ObligationMoveIn):
    convention = reads.visible_convention(request.user, public_id, "convention.obligation.move")
    obligation = reads.obligation_of(convention, obligation_id, "convention.obligation.move")
    actions.obligation_move(
        actor=request.user, obligation=obligation, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


# Territorial alerts -----------------------------------------------------------------------


def _alert_out(request, alert):
    return presenters.alert_out(queries.alert_for(request.user, alert.public_id))


@router.get(
    "/alerts",
    response={200: list[AlertOut]},
    summary="Mes alertes territoriales : reçues, ou lancées par la plateforme que je coordonne",
    description="Les archivées avec `archives=true` ; sans leurs nouvelles (voir une alerte).",
)
def alert_list(request, archives: bool = False):
    alerts = queries.alert_list(request.user, archived=archives)
    if alerts:
        audit.record(
            "alert.list",
            request=request,
            details={"shown": [str(a.public_id) for a in alerts], "api": 1},
        )
    return [presenters.alert_out(a, updates=False) for a in alerts]


@router.post(
    "/alerts",
    response={201: AlertOut, **E},
    summary="Alerter un territoire (coordination) : ses professionnels, dans les rôles choisis",
    description=(
        "Chaque membre actif, dans ces rôles, d'une structure dont la commune est dans le "
        "territoire reçoit un avis et un courriel (par la file des tâches). 400 si personne ne "
        "la recevrait."
    ),
)
@acting("alert.issue")
def alert_issue(request, payload: AlertIn):
    alert = actions.alert_issue(actor=request.user, data=payload, acting=audit.Actor.of(request))
    return Status(201, _alert_out(request, alert))


@router.get(
    "/alerts/{public_id}",
    response={200: AlertOut, 404: ErrorOut},
    summary="Une alerte, ses nouvelles, combien l'ont lue, et ma lecture",
)
def alert_detail(request, public_id: UUID):
    alert = reads.visible_alert(request.user, public_id)
    audit.record("alert.read", request=request, obj=alert, details={"api": 1})
    return presenters.alert_out(alert)


@router.post(
    "/alerts/{public_id}/updates",
    response={200: AlertOut, **E},
    summary="Donner des nouvelles d'une alerte en cours (à ses destinataires)",
)
@acting("alert.update")
def alert_update(request, public_id: UUID, payload: AlertUpdateIn):
    alert = reads.visible_alert(request.user, public_id, "alert.update")
    actions.alert_update(
        actor=request.user, alert=alert, data=payload, acting=audit.Actor.of(request)
    )
    return _alert_out(request, alert)


@router.post(
    "/alerts/{public_id}/moves",
    response={200: AlertOut, **E},
    summary="Mettre fin à une alerte, puis l'archiver (avec la version lue)",
)
@acting("alert.move")
def alert_move(request, public_id: UUID, payload: AlertMoveIn):
    alert = reads.visible_alert(request.user, public_id, "alert.move")
    actions.alert_move(
        actor=request.user, alert=alert, data=payload, acting=audit.Actor.of(request)
    )
    return _alert_out(request, alert)


@router.post(
    "/alerts/{public_id}/acknowledgement",
    response={200: AlertOut, **E},
    summary="Accuser lecture d'une alerte reçue",
)
@acting("alert.acknowledge")
def alert_acknowledge(request, public_id: UUID):
    alert = reads.visible_alert(request.user, public_id, "alert.acknowledge")
    actions.alert_acknowledge(actor=request.user, alert=alert, acting=audit.Actor.of(request))
    return _alert_out(request, alert)


# Check-call campaigns ---------------------------------------------------------------------


def _campaign_out(request, public_id, *, state="", page=1):
    campaign = reads.visible_campaign(request.user, public_id)
    calls, more = queries.campaign_board(request.user, campaign, state=state, page=page)
    return campaign, presenters.campaign_out(campaign, calls, more)


@router.post(
    "/campaigns",
    response={201: CampaignOut, **E},
    summary="Lancer une campagne d'appels de vérification (coordination)",
    description=(
        "Parmi les parcours ouverts de ma plateforme dont la personne habite le territoire, "
        "ceux qui répondent aux critères (dernière évaluation, date de naissance) reçoivent "
        "une action « appeler pour prendre des nouvelles » dans leur plan. 400 si personne."
    ),
)
@acting("campaign.create")
def campaign_create(request, payload: CampaignIn):
    campaign = actions.campaign_create(
        actor=request.user, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _campaign_out(request, campaign.public_id)[1])


@router.get(
    "/campaigns/{public_id}",
    response={200: CampaignOut, 404: ErrorOut},
    summary="Le tableau d'une campagne : ses chiffres, et les appels de mes cercles (100 par page)",
)
def campaign_detail(request, public_id: UUID, etat: str = "", page: int = 1):
    campaign, out = _campaign_out(
        request, public_id, state=etat if etat in CallState.values else "", page=max(page, 1)
    )
    audit.record(
        "campaign.read",
        request=request,
        obj=campaign,
        details={"shown": [str(c["pathway"]) for c in out["calls"]], "api": 1},
    )
    return out


@router.post(
    "/campaigns/{public_id}/calls/{call_id}/moves",
    response={200: CampaignOut, **E},
    summary="Noter l'issue d'un appel (un membre du cercle de la personne)",
)
@acting("call.move")
def call_move(request, public_id: UUID, call_id: UUID, payload: CallMoveIn):
    campaign = reads.visible_campaign(request.user, public_id, "call.move")
    call = reads.call_of(request.user, campaign, call_id)
    actions.call_move(actor=request.user, call=call, data=payload, acting=audit.Actor.of(request))
    return _campaign_out(request, public_id)[1]


@router.post(
    "/campaigns/{public_id}/close",
    response={200: CampaignOut, **E},
    summary="Clore une campagne (avec la version lue)",
)
@acting("campaign.close")
def campaign_close(request, public_id: UUID, payload: CampaignCloseIn):
    campaign = reads.visible_campaign(request.user, public_id, "campaign.close")
    actions.campaign_close(
        actor=request.user,
        campaign=campaign,
        version=payload.version,
        acting=audit.Actor.of(request),
    )
    return _campaign_out(request, public_id)[1]


# Documents of a convention ----------------------------------------------------------------


@router.get(
    "/conventions/{public_id}/documents/{document_id}",
    response={200: None, 404: ErrorOut},
    summary="Télécharger un document d'une convention (ses lecteurs ; chaque lecture tracée)",
    description="Le fichier lui-même (PDF, PNG ou JPEG). Les documents se joignent depuis la page.",
)
def document(request, public_id: UUID, document_id: UUID):
    convention = reads.visible_convention(request.user, public_id, "convention.document.read")
    found = reads.document_of(convention, document_id, "convention.document.read")
    audit.record(
        "convention.document.read",
        request=request,
        obj=convention,
        details={"document": str(found.public_id), "api": 1},
    )
    return private_file_response(found)


@router.post(
    "/conventions/{public_id}/documents/{document_id}/remove",
    response={200: ConventionOut, **E},
    summary="Retirer un document d'une convention (ceux qui la tiennent)",
)
@acting("convention.document.remove")
def document_remove(request, public_id: UUID, document_id: UUID):
    convention = reads.visible_convention(request.user, public_id, "convention.document.remove")
    found = reads.document_of(convention, document_id, "convention.document.remove")
    actions.document_remove(actor=request.user, document=found, acting=audit.Actor.of(request))
    return _out(request, convention)
