"""Writes on conventions: typed, atomic, audited in the same transaction (DESIGN.md)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import Membership, Organisation, User
from maillage.cooperation import access, queries
from maillage.cooperation.enums import (
    ADMINISTRATOR_MANDATE_YEARS,
    ALERT_TRANSITIONS,
    CALL_TRANSITIONS,
    CONVENTION_TRANSITIONS,
    DECLARED_KINDS,
    GROUPING_KINDS,
    IN_FORCE,
    MAX_DOCUMENTS,
    AlertState,
    CallState,
    CampaignState,
    ContributionKind,
    ConventionKind,
    ConventionState,
    DocumentKind,
    ObligationState,
)
from maillage.cooperation.inputs import (
    AlertIn,
    AlertMoveIn,
    AlertUpdateIn,
    CallMoveIn,
    CampaignIn,
    ConventionIn,
    ConventionMoveIn,
    ConventionUpdateIn,
    ObligationIn,
    ObligationMoveIn,
    PartyIn,
    PartyLeaveIn,
)
from maillage.cooperation.models import (
    AlertReceipt,
    AlertUpdate,
    CheckCall,
    CheckCallCampaign,
    Convention,
    ConventionDocument,
    ConventionObligation,
    ConventionParty,
    TerritorialAlert,
)
from maillage.core import audit
from maillage.core.attachments import check as check_attachment
from maillage.core.attachments import remove as remove_attachment
from maillage.core.attachments import store as store_attachment
from maillage.core.dates import years_later
from maillage.core.notify import notify
from maillage.core.pipeline import Missing
from maillage.core.roles import Role
from maillage.core.versions import lock_version
from maillage.core.workflows import check_move
from maillage.directory.models import Structure
from maillage.pathways import actions as pathway_actions
from maillage.pathways import queries as pathway_queries
from maillage.pathways.enums import ActionStatus

_FIELDS = (
    "kind",
    "title",
    "purpose",
    "seat",
    "legal_nature",
    "starts_on",
    "ends_on",
    "tacit_renewal",
    "staff_arrangements",
    "joining_rules",
    "leaving_rules",
    "dissolution_rules",
)


def _checked(actor, data: ConventionIn) -> dict:
    """The fields of a convention from its input, or a French refusal."""
    organisation = Organisation.objects.filter(public_id=data.managed_by, is_active=True).first()
    if organisation is None:
        raise ValidationError({"managed_by": _("Organisation inconnue.")})
    if not access.can_manage_conventions_of(actor, organisation):
        raise PermissionDenied
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ValidationError({"ends_on": _("L'échéance précède la prise d'effet.")})
    values = {name: getattr(data, name) for name in _FIELDS}
    values["managed_by"] = organisation
    values["amends"] = None
    if data.kind == ConventionKind.AMENDMENT:
        amended = (
            queries.conventions_visible_to(actor)
            .filter(public_id=data.amends, managed_by=organisation)
            .exclude(kind=ConventionKind.AMENDMENT)
            .first()
            if data.amends
            else None
        )
        if amended is None:
            raise ValidationError(
                {"amends": _("Un avenant modifie une convention que cette organisation tient.")}
            )
        values["amends"] = amended
    return values


def convention_create(*, actor, data: ConventionIn, acting=None) -> Convention:
    """Register a convention (in draft: it is signed, declared, published later)."""
    values = _checked(actor, data)
    with transaction.atomic():
        convention = Convention.objects.create(**values, created_by=actor)
        audit.record(
            "convention.create",
            actor=audit.actor_of(actor, acting),
            obj=convention,
            details={"kind": convention.kind},
        )
    return convention


def convention_update(*, actor, convention, data: ConventionUpdateIn, acting=None) -> Convention:
    """Change what a convention says; refused when someone changed it since it was read."""
    values = _checked(actor, data)
    with transaction.atomic():
        row = lock_version(
            Convention.objects,
            convention.pk,
            data.version,
            _("La convention a été modifiée entre-temps : relisez-la avant d'enregistrer."),
            check=lambda row: _require_manager(actor, row),
        )
        if row.state == ConventionState.ENDED:
            raise ValidationError(_("Cette convention est terminée : elle ne change plus."))
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
        row.save()
        audit.record("convention.update", actor=audit.actor_of(actor, acting), obj=row)
    return row


def _require_manager(actor, convention) -> None:
    if not access.can_manage(actor, convention):
        raise PermissionDenied


def convention_move(*, actor, convention, data: ConventionMoveIn, acting=None) -> Convention:
    """Move a convention along its life: signed, declared (a grouping, to its authority),
    published, amended, renewed (to a new term), ended (with its reason)."""
    today = timezone.localdate()
    with transaction.atomic():
        row = lock_version(
            Convention.objects,
            convention.pk,
            data.version,
            _("La convention a été modifiée entre-temps : relisez-la avant d'enregistrer."),
            check=lambda row: _require_manager(actor, row),
        )
        target = data.to_state
        if target not in CONVENTION_TRANSITIONS[row.state]:
            raise ValidationError(
                _("Une convention %(from)s ne peut pas être %(to)s.")
                % {"from": row.get_state_display(), "to": ConventionState(target).label}
            )
        if data.on > today:
            raise ValidationError(_("Cette date est dans le futur."))
        if target == ConventionState.SIGNED:
            if row.parties.filter(left_on__isnull=True).count() < 2:
                raise ValidationError(_("Une convention se signe à deux parties au moins."))
            _check_shares(row)
            row.signed_on = data.on
        elif target == ConventionState.DECLARED:
            if row.kind not in DECLARED_KINDS:
                raise ValidationError(_("Seule la convention d'un groupement se déclare."))
            if not data.declared_to:
                raise ValidationError(_("Dites à qui elle a été déclarée."))
            row.declared_on, row.declared_to = data.on, data.declared_to
        elif target == ConventionState.PUBLISHED:
            if row.kind in DECLARED_KINDS and row.declared_on is None:
                raise ValidationError(
                    _("La convention d'un groupement est déclarée avant d'être publiée.")
                )
            row.published_on = data.on
        elif target == ConventionState.AMENDED:
            if not row.amendments.exclude(state=ConventionState.DRAFT).exists():
                raise ValidationError(_("Enregistrez et signez d'abord l'avenant."))
        elif target == ConventionState.RENEWED:
            if data.ends_on is None or (row.ends_on and data.ends_on <= row.ends_on):
                raise ValidationError(_("Donnez la nouvelle échéance, après l'actuelle."))
            row.ends_on = data.ends_on
            row.end_reminded_on = None
        elif target == ConventionState.ENDED:
            if not data.end_reason.strip():
                raise ValidationError(_("Dites pourquoi la convention prend fin."))
            row.ended_on, row.end_reason = data.on, data.end_reason.strip()
        before = row.state
        row.state = target
        row.version += 1
        row.save()
        audit.record(
            "convention.move",
            actor=audit.actor_of(actor, acting),
            obj=row,
            details={"from": before, "to": target},
        )
    return row


def _check_shares(convention) -> None:
    """A grouping's shares, when given, add up to 100 %."""
    shares = convention.parties.filter(left_on__isnull=True, share__isnull=False)
    if shares.exists():
        total = shares.aggregate(total=Sum("share"))["total"]
        if total != 100:
            raise ValidationError(
                _("Les parts des membres font %(total)s %% : elles doivent faire 100 %%.")
                % {"total": f"{total.normalize():f}".replace(".", ",")}
            )


def party_add(*, actor, convention, data: PartyIn, acting=None) -> ConventionParty:
    """A party joins: a platform organisation or a directory structure, with its share and
    what it brings."""
    _require_manager(actor, convention)
    if convention.state == ConventionState.ENDED:
        raise ValidationError(_("Cette convention est terminée : elle ne change plus."))
    if (data.organisation is None) == (data.structure is None):
        raise ValidationError(_("Choisissez une organisation ou une structure de l'annuaire."))
    organisation = structure = None
    if data.organisation is not None:
        organisation = Organisation.objects.filter(public_id=data.organisation).first()
        if organisation is None:
            raise Missing("convention.party.add", what="organisation")
    else:
        structure = Structure.objects.filter(public_id=data.structure).first()
        if structure is None:
            raise Missing("convention.party.add", what="structure de l'annuaire")
    if data.contribution_kind in (ContributionKind.FINANCIAL, ContributionKind.BOTH) and (
        data.financial_amount is None
    ):
        raise ValidationError(_("Donnez le montant de la contribution financière."))
    with transaction.atomic():
        Convention.objects.select_for_update().get(pk=convention.pk)
        present = convention.parties.filter(left_on__isnull=True)
        if (organisation and present.filter(organisation=organisation).exists()) or (
            structure and present.filter(structure=structure).exists()
        ):
            raise ValidationError(_("Cette partie est déjà à la convention."))
        party = ConventionParty.objects.create(
            convention=convention,
            organisation=organisation,
            structure=structure,
            share=data.share,
            contribution_kind=data.contribution_kind,
            financial_amount=data.financial_amount,
            in_kind=data.in_kind.strip(),
            joined_on=data.joined_on,
            created_by=actor,
        )
        audit.record(
            "convention.party.add",
            actor=audit.actor_of(actor, acting),
            obj=convention,
            details={"party": str(party.public_id)},
        )
    return party


def party_leave(*, actor, party, data: PartyLeaveIn, acting=None) -> ConventionParty:
    """A party leaves (its withdrawal as the convention's rules allow): it stays in the
    record, dated."""
    convention = party.convention
    _require_manager(actor, convention)
    with transaction.atomic():
        party = ConventionParty.objects.select_for_update().get(pk=party.pk)
        if party.left_on is not None:
            raise ValidationError(_("Cette partie s'est déjà retirée."))
        if party.joined_on and data.left_on < party.joined_on:
            raise ValidationError(_("Le retrait précède l'entrée."))
        party.left_on = data.left_on
        party.save(update_fields=["left_on", "updated_at"])
        audit.record(
            "convention.party.leave",
            actor=audit.actor_of(actor, acting),
            obj=convention,
            details={"party": str(party.public_id)},
        )
    return party


def obligation_add(*, actor, convention, data: ObligationIn, acting=None) -> ConventionObligation:
    _require_manager(actor, convention)
    party = convention.parties.filter(public_id=data.party, left_on__isnull=True).first()
    if party is None:
        raise ValidationError(_("Choisissez une partie de la convention."))
    with transaction.atomic():
        obligation = ConventionObligation.objects.create(
            convention=convention,
            party=party,
            description=data.description.strip(),
            due_on=data.due_on,
            created_by=actor,
        )
        audit.record(
            "convention.obligation.add",
            actor=audit.actor_of(actor, acting),
            obj=convention,
            details={"obligation": str(obligation.public_id)},
        )
    return obligation


def obligation_move(
    *, actor, obligation, data: ObligationMoveIn, acting=None
) -> ConventionObligation:
    """Say that an obligation is done (on which day), waived, or to do again."""
    _require_manager(actor, obligation.convention)
    if data.state == ObligationState.DONE:
        if data.done_on is None:
            raise ValidationError(_("Dites quel jour elle a été faite."))
        if data.done_on > timezone.localdate():
            raise ValidationError(_("Cette date est dans le futur."))
    with transaction.atomic():
        obligation = ConventionObligation.objects.select_for_update().get(pk=obligation.pk)
        obligation.state = data.state
        obligation.done_on = data.done_on if data.state == ObligationState.DONE else None
        obligation.save(update_fields=["state", "done_on", "updated_at"])
        audit.record(
            "convention.obligation.move",
            actor=audit.actor_of(actor, acting),
            obj=obligation.convention,
            details={"obligation": str(obligation.public_id), "state": data.state},
        )
    return obligation


# How long before a term or a mandate ends its keepers are told (a general assembly is called
# fifteen days ahead: this leaves time to prepare it).
REMINDER_DAYS = 90


def remind_conventions(today=None) -> int:
    """Tell the keepers of conventions in force whose term ends within REMINDER_DAYS, and of
    groupings whose administrator's three-year mandate does: once per term, once per mandate.
    How many reminders."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=REMINDER_DAYS)
    sent = 0
    # Only those with something to tell, in SQL: a term in the window not yet reminded, or
    # a grouping whose administrator, elected three years before the window, is due.
    mandate_window = Q(
        kind__in=GROUPING_KINDS,
        administrator_elected_on__gte=years_later(today, -ADMINISTRATOR_MANDATE_YEARS),
        administrator_elected_on__lte=years_later(horizon, -ADMINISTRATOR_MANDATE_YEARS),
    )
    term_window = Q(ends_on__gte=today, ends_on__lte=horizon, end_reminded_on__isnull=True)
    due = list(Convention.objects.filter(state__in=IN_FORCE).filter(term_window | mandate_window))
    keepers_of: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation_id__in={c.managed_by_id for c in due},
        role=Role.ORGANISATION_ADMIN,
        is_active=True,
        user__is_active=True,
    ).select_related("user"):
        keepers_of.setdefault(membership.organisation_id, []).append(membership.user)
    for convention in due:
        keepers = keepers_of.get(convention.managed_by_id, [])
        link = reverse("cooperation:convention", kwargs={"public_id": convention.public_id})
        term = convention.ends_on
        if term and today <= term <= horizon and convention.end_reminded_on is None:
            notify(
                users=keepers,
                message=_("La convention « %(title)s » arrive à échéance le %(date)s.")
                % {"title": convention.title, "date": date_format(term, "j F Y")},
                link=link,
                email_subject=_("Une convention arrive à échéance"),
                reminder=True,
            )
            convention.end_reminded_on = today
            convention.save(update_fields=["end_reminded_on"])
            sent += 1
        mandate = convention.mandate_ends_on
        elected = convention.administrator_elected_on
        if (
            convention.kind in GROUPING_KINDS
            and mandate
            and today <= mandate <= horizon
            and (convention.mandate_reminded_on is None or convention.mandate_reminded_on < elected)
        ):
            notify(
                users=keepers,
                message=_(
                    "Le mandat de l'administrateur·rice de « %(title)s » prend fin le %(date)s : "
                    "l'assemblée générale élit son successeur."
                )
                % {"title": convention.title, "date": date_format(mandate, "j F Y")},
                link=link,
                email_subject=_("Un mandat d'administrateur·rice prend fin"),
                reminder=True,
            )
            convention.mandate_reminded_on = today
            convention.save(update_fields=["mandate_reminded_on"])
            sent += 1
    return sent


# Territorial alerts ----------------------------------------------------------------------


def _alert_link(alert) -> str:
    return reverse("cooperation:alert", kwargs={"public_id": alert.public_id})


def alert_issue(*, actor, data: AlertIn, acting=None) -> TerritorialAlert:
    """A coordinator alerts a territory: every active member, in the roles chosen, of the
    organisations whose commune lies in it gets a receipt, an on-site notice and an e-mail
    (through the job queue, after the commit). Refused in French when nobody would hear it."""
    platforms = access.alerting_platforms(actor)
    if not platforms:
        raise PermissionDenied
    territory = queries.territory_by_public_id(data.territory)
    if territory is None:
        raise ValidationError({"territory": _("Territoire inconnu.")})
    roles = list(dict.fromkeys(data.audience_roles))
    unknown = [r for r in roles if r not in access.ALERT_AUDIENCE]
    if unknown:
        raise ValidationError(
            {
                "audience_roles": _("Rôle inconnu ou hors d'atteinte : « %(role)s ».")
                % {"role": unknown[0][:40]}
            }
        )
    audience = queries.alert_audience(territory, roles)
    if not audience:
        raise ValidationError(
            {
                "audience_roles": _(
                    "Personne ne recevrait cette alerte : aucune structure du territoire n'a "
                    "de membre dans ces rôles."
                )
            }
        )
    with transaction.atomic():
        alert = TerritorialAlert.objects.create(
            kind=data.kind,
            title=data.title.strip(),
            body=data.body.strip(),
            territory=territory,
            audience_roles=roles,
            issued_by_organisation=platforms[0],
            created_by=actor,
        )
        AlertReceipt.objects.bulk_create(
            [
                AlertReceipt(alert=alert, user_id=user_id, organisation_id=organisation_id)
                for user_id, organisation_id in audience.items()
            ]
        )
        audit.record(
            "alert.issue",
            actor=audit.actor_of(actor, acting),
            obj=alert,
            details={"recipients": len(audience), "roles": roles},
        )
        recipients = list(User.objects.filter(pk__in=audience))
        notify(
            users=recipients,
            message=_("Alerte — %(kind)s : %(title)s")
            % {"kind": alert.get_kind_display(), "title": alert.title},
            link=_alert_link(alert),
            email_subject=_("Alerte sur votre territoire : %(title)s") % {"title": alert.title},
            email_body=alert.body,
        )
    return alert


def alert_update(*, actor, alert, data: AlertUpdateIn, acting=None) -> AlertUpdate:
    """News of an active alert, to the same recipients; their receipts count as unread again."""
    if not access.keeps_alert(actor, alert):
        raise PermissionDenied
    with transaction.atomic():
        locked = TerritorialAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.state != AlertState.ACTIVE:
            raise ValidationError(_("Cette alerte est terminée : elle n'a plus de nouvelles."))
        update = AlertUpdate.objects.create(alert=locked, body=data.body.strip(), written_by=actor)
        locked.receipts.update(read_at=None)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        audit.record("alert.update", actor=audit.actor_of(actor, acting), obj=locked)
        notify(
            users=list(User.objects.filter(alert_receipts__alert=locked)),
            message=_("Nouvelles de l'alerte : %(title)s") % {"title": locked.title},
            link=_alert_link(locked),
            email_subject=_("Nouvelles de l'alerte : %(title)s") % {"title": locked.title},
            email_body=update.body,
        )
    return update


def alert_move(*, actor, alert, data: AlertMoveIn, acting=None) -> TerritorialAlert:
    """End an alert (its recipients are told), then archive it (out of the lists)."""
    if not access.keeps_alert(actor, alert):
        raise PermissionDenied
    with transaction.atomic():
        locked = lock_version(
            TerritorialAlert.objects,
            alert.pk,
            data.version,
            _("L'alerte a changé depuis que vous l'avez ouverte : relisez-la."),
        )
        if data.to_state not in ALERT_TRANSITIONS[locked.state]:
            raise ValidationError(
                _("Une alerte %(state)s ne peut pas être %(to)s.")
                % {
                    "state": AlertState(locked.state).label,
                    "to": AlertState(data.to_state).label,
                }
            )
        locked.state = data.to_state
        if data.to_state == AlertState.ENDED:
            locked.ended_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["state", "ended_at", "version", "updated_at"])
        audit.record(
            "alert.move",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"to": data.to_state},
        )
        if data.to_state == AlertState.ENDED:
            notify(
                users=list(User.objects.filter(alert_receipts__alert=locked)),
                message=_("Fin de l'alerte : %(title)s") % {"title": locked.title},
                link=_alert_link(locked),
            )
    return locked


def alert_acknowledge(*, actor, alert, acting=None) -> AlertReceipt:
    """She read it: her receipt says when (the issuer sees how many did)."""
    receipt = AlertReceipt.objects.filter(alert=alert, user=actor).first()
    if receipt is None:
        raise ValidationError(_("Cette alerte ne vous a pas été adressée."))
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
        audit.record("alert.acknowledge", actor=audit.actor_of(actor, acting), obj=alert)
    return receipt


# Check-call campaigns --------------------------------------------------------------------

CALL_OBJECTIVE = gettext_lazy("Traverser l'épisode de crise en sécurité")
CALL_TEXT = gettext_lazy("Appeler pour prendre des nouvelles (%(campaign)s)")
# What a call's outcome makes of the action in her plan.
CALL_ACTION_STATUS = {
    CallState.REACHED: ActionStatus.DONE,
    CallState.ESCALATED: ActionStatus.IN_PROGRESS,
    CallState.CLOSED: ActionStatus.DONE,
}


def campaign_create(*, actor, data: CampaignIn, acting=None) -> CheckCallCampaign:
    """Select, among the open pathways of her platform whose person lives in the territory,
    those matching the criteria; write a "call to check" action in each plan, carried by the
    referent; one call each on the board. Refused in French when nobody matches."""
    platforms = access.alerting_platforms(actor)
    if not platforms:
        raise PermissionDenied
    territory = queries.territory_by_public_id(data.territory)
    if territory is None:
        raise ValidationError({"territory": _("Territoire inconnu.")})
    alert = None
    if data.alert:
        alert = next(
            (a for a in queries.alerts_for_campaigns(actor) if a.public_id == data.alert), None
        )
        if alert is None:
            raise ValidationError({"alert": _("Alerte inconnue ou terminée.")})
    today = timezone.localdate()
    if not today <= data.due_on <= today + timedelta(days=60):
        raise ValidationError(
            {"due_on": _("Les appels se passent d'aujourd'hui à dans deux mois au plus.")}
        )
    criteria = {
        "match": data.match,
        "lives_alone": data.lives_alone,
        "gir_max": data.gir_max,
        "min_age": data.min_age,
        "fragility": data.fragility,
    }
    if not (data.lives_alone or data.gir_max or data.min_age or data.fragility):
        raise ValidationError(_("Choisissez au moins un critère de risque."))
    communes = territory.communes.values_list("code", flat=True)
    chosen = pathway_queries.crisis_candidates(platforms[0], communes, today=today, **criteria)
    if not chosen:
        raise ValidationError(
            _("Aucune personne suivie sur ce territoire ne répond à ces critères.")
        )
    with transaction.atomic():
        campaign = CheckCallCampaign.objects.create(
            alert=alert,
            title=data.title.strip(),
            territory=territory,
            platform=platforms[0],
            criteria=criteria,
            due_on=data.due_on,
            created_by=actor,
        )
        written = pathway_actions.crisis_actions_add(
            actor=actor,
            pathways=chosen,
            objective_text=str(CALL_OBJECTIVE),
            action_text=str(CALL_TEXT) % {"campaign": campaign.title[:200]},
            due_on=data.due_on,
            acting=acting,
        )
        CheckCall.objects.bulk_create(
            [
                CheckCall(
                    campaign=campaign,
                    pathway=pathway,
                    action=written[pathway.pk],
                    caller_id=written[pathway.pk].owner_member_id,
                )
                for pathway in chosen
            ]
        )
        audit.record(
            "campaign.create",
            actor=audit.actor_of(actor, acting),
            obj=campaign,
            details={"calls": len(chosen), "criteria": criteria},
        )
        callers = User.objects.filter(
            pk__in={a.owner_member.user_id for a in written.values() if a.owner_member}
        )
        notify(
            users=list(callers),
            message=_("Appels de vérification à passer : %(title)s") % {"title": campaign.title},
            link=reverse("cooperation:campaign", kwargs={"public_id": campaign.public_id}),
            email_subject=_("Appels de vérification à passer"),
        )
    return campaign


def call_move(*, actor, call, data: CallMoveIn, acting=None) -> CheckCall:
    """How the call went, by a member of the person's circle: reached (her plan's action is
    done), escalated (in progress: someone acts; the referent is told), closed."""
    with transaction.atomic():
        locked = lock_version(
            CheckCall.objects,  # the row alone: its campaign and action are read after
            call.pk,
            data.version,
            _("Quelqu'un a noté cet appel pendant que vous le lisiez : relisez-le."),
        )
        if locked.campaign.state != CampaignState.RUNNING:
            raise ValidationError(_("La campagne est close."))
        check_move(CALL_TRANSITIONS, locked.state, data.to_state, labels=CallState)
        locked.state = data.to_state
        locked.note = data.note.strip()
        locked.updated_at = timezone.now()
        locked.updated_by = actor
        locked.version += 1
        locked.save()
        if locked.action is not None:
            pathway_actions.crisis_action_move(
                actor=actor,
                action=locked.action,
                status=CALL_ACTION_STATUS[data.to_state],
                acting=acting,
            )
        audit.record(
            "call.move",
            actor=audit.actor_of(actor, acting),
            obj=locked.pathway,
            details={"campaign": str(locked.campaign.public_id), "to": data.to_state},
        )
        if data.to_state == CallState.ESCALATED and locked.pathway.referent_id != actor.pk:
            notify(
                users=[locked.pathway.referent],
                message=_("Un appel de vérification est à relayer : %(title)s")
                % {"title": locked.campaign.title},
                link=reverse(
                    "cooperation:campaign", kwargs={"public_id": locked.campaign.public_id}
                ),
            )
    return locked


def campaign_close(*, actor, campaign, version: int, acting=None) -> CheckCallCampaign:
    if not access.keeps_campaign(actor, campaign):
        raise PermissionDenied
    with transaction.atomic():
        locked = lock_version(
            CheckCallCampaign.objects,
            campaign.pk,
            version,
            _("La campagne a changé depuis que vous l'avez ouverte : relisez-la."),
        )
        if locked.state == CampaignState.CLOSED:
            raise ValidationError(_("La campagne est déjà close."))
        locked.state = CampaignState.CLOSED
        locked.version += 1
        locked.save(update_fields=["state", "version", "updated_at"])
        audit.record("campaign.close", actor=audit.actor_of(actor, acting), obj=locked)
    return locked


def remind_callers(today=None) -> int:
    """Each morning of a running campaign past its day, the callers with people still to
    call are told once a day. How many callers."""
    today = today or timezone.localdate()
    late = CheckCall.objects.filter(
        campaign__state=CampaignState.RUNNING,
        campaign__due_on__lte=today,
        state=CallState.TO_CALL,
        caller__isnull=False,
    ).exclude(reminded_on=today)
    by_caller: dict[int, set] = {}
    for user_id, campaign_id in late.values_list("caller__user_id", "campaign__public_id"):
        by_caller.setdefault(user_id, set()).add(campaign_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=by_caller)}
    for user_id, campaigns in by_caller.items():
        notify(
            users=[users[user_id]],
            message=_("Des appels de vérification restent à passer."),
            link=reverse("cooperation:campaign", kwargs={"public_id": sorted(campaigns)[0]}),
            email_subject=_("Des appels de vérification restent à passer"),
            reminder=True,
        )
    late.update(reminded_on=today)
    return len(by_caller)


# Documents of a convention -----------------------------------------------------------------


def document_add(*, actor, convention, kind: str, upload, acting=None) -> ConventionDocument:
    """A signed convention, an amendment, a receipt: kept privately (core.attachments: its
    type read from its first bytes, outside the web root). For the keepers; nothing half
    written (the file goes if the row does not)."""
    _require_manager(actor, convention)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Nature de document inconnue.")})
    checked = check_attachment(upload)
    stored = None
    try:
        with transaction.atomic():
            Convention.objects.select_for_update().get(pk=convention.pk)
            if convention.documents.filter(removed_at__isnull=True).count() >= MAX_DOCUMENTS:
                raise ValidationError(
                    _("%(n)s documents au plus : retirez-en un d'abord.") % {"n": MAX_DOCUMENTS}
                )
            document = ConventionDocument.objects.create(
                convention=convention,
                kind=kind,
                name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=actor,
            )
            store_attachment(document, checked)
            stored = document
            audit.record(
                "convention.document.add",
                actor=audit.actor_of(actor, acting),
                obj=convention,
                details={"document": str(document.public_id), "kind": kind},
            )
    except BaseException:
        if stored is not None:
            remove_attachment(stored)
        raise
    return document


def document_remove(*, actor, document, acting=None) -> ConventionDocument:
    """Out of the convention's list; the file is deleted once the removal is committed."""
    _require_manager(actor, document.convention)
    with transaction.atomic():
        locked = ConventionDocument.objects.select_for_update().get(pk=document.pk)
        if locked.removed_at is not None:
            return locked
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        audit.record(
            "convention.document.remove",
            actor=audit.actor_of(actor, acting),
            obj=document.convention,
            details={"document": str(locked.public_id)},
        )
        transaction.on_commit(lambda: remove_attachment(locked))
    return locked
