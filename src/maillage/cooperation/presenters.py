"""What the API says of a convention (the pages read the models directly)."""

from django.utils import timezone

from maillage.cooperation.enums import CallState, ObligationState


def party_out(party) -> dict:
    holder = party.organisation or party.structure
    return {
        "id": party.public_id,
        "name": holder.name,
        "organisation": party.organisation.public_id if party.organisation else None,
        "structure": party.structure.public_id if party.structure else None,
        "siret": holder.siret,
        "finess": holder.finess,
        "share": party.share,
        "contribution_kind": party.contribution_kind,
        "financial_amount": party.financial_amount,
        "in_kind": party.in_kind,
        "joined_on": party.joined_on,
        "left_on": party.left_on,
    }


def convention_out(convention) -> dict:
    today = timezone.localdate()
    parties = {p.pk: p for p in convention.parties.all()}
    return {
        "id": convention.public_id,
        "kind": convention.kind,
        "title": convention.title,
        "purpose": convention.purpose,
        "managed_by": convention.managed_by.public_id,
        "amends": convention.amends.public_id if convention.amends else None,
        "seat": convention.seat,
        "legal_nature": convention.legal_nature,
        "starts_on": convention.starts_on,
        "ends_on": convention.ends_on,
        "tacit_renewal": convention.tacit_renewal,
        "state": convention.state,
        "signed_on": convention.signed_on,
        "declared_on": convention.declared_on,
        "declared_to": convention.declared_to,
        "published_on": convention.published_on,
        "ended_on": convention.ended_on,
        "end_reason": convention.end_reason,
        "version": convention.version,
        "parties": [party_out(p) for p in parties.values()],
        "documents": [
            {
                "id": d.public_id,
                "kind": d.kind,
                "name": d.name,
                "content_type": d.content_type,
                "size": d.size,
                "created_at": d.created_at,
            }
            for d in convention.documents.all()
        ],
        "obligations": [
            {
                "id": o.public_id,
                "party": parties[o.party_id].public_id,
                "description": o.description,
                "due_on": o.due_on,
                "state": o.state,
                "done_on": o.done_on,
                "late": o.state == ObligationState.TODO and bool(o.due_on and o.due_on < today),
            }
            for o in convention.obligations.all()
        ],
    }


def summary_out(convention) -> dict:
    return {
        "id": convention.public_id,
        "kind": convention.kind,
        "title": convention.title,
        "state": convention.state,
        "managed_by": convention.managed_by.public_id,
        "ends_on": convention.ends_on,
        "parties": convention.party_count,
        "open_obligations": convention.open_obligations,
    }


def alert_out(alert, *, updates=True) -> dict:
    receipt = getattr(alert, "receipt", None)
    return {
        "id": alert.public_id,
        "kind": alert.kind,
        "title": alert.title,
        "body": alert.body,
        "territory": alert.territory.public_id,
        "territory_name": alert.territory.name,
        "audience_roles": alert.audience_roles,
        "issued_by": alert.issued_by_organisation.public_id,
        "state": alert.state,
        "created_at": alert.created_at,
        "ended_at": alert.ended_at,
        "version": alert.version,
        "recipients": alert.recipients,
        "acknowledged": alert.acknowledged,
        "read_at": receipt.read_at if receipt else None,
        "updates": [
            {"id": u.public_id, "body": u.body, "written_at": u.written_at}
            for u in alert.updates.all()
        ]
        if updates
        else [],
    }


def campaign_out(campaign, calls=(), more=False) -> dict:
    return {
        "id": campaign.public_id,
        "title": campaign.title,
        "territory": campaign.territory.public_id,
        "alert": campaign.alert.public_id if campaign.alert else None,
        "due_on": campaign.due_on,
        "state": campaign.state,
        "criteria": campaign.criteria,
        "version": campaign.version,
        "counts": {s: getattr(campaign, f"n_{s}") for s in CallState.values},
        "total": campaign.n_calls,
        "calls": [
            {
                "id": c.public_id,
                "pathway": c.pathway.public_id,
                "person": f"{c.pathway.person.first_name} {c.pathway.person.last_name}",
                "commune": c.pathway.person.commune.name if c.pathway.person.commune else "",
                "phone": c.pathway.person.phone,
                "state": c.state,
                "caller": c.caller.user.full_name if c.caller else "",
                "note": c.note,
                "version": c.version,
            }
            for c in calls
        ],
        "more": more,
    }
