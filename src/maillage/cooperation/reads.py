"""The cooperation register's scoped lookups shared by the pages and the API: what a request
names, fetched through the scoped queries, or a 404 audited once by the pipeline."""

from __future__ import annotations

from maillage.cooperation import queries
from maillage.core.pipeline import found


def visible_convention(user, public_id, action: str = "convention.read"):
    """The convention, if the user may see it; else `Missing` (404 on a page or in the API,
    the denial audited under `action`)."""
    return found(
        queries.convention_for(user, public_id),
        action,
        "cooperation.convention",
        public_id,
        "convention",
    )


def visible_alert(user, public_id, action: str = "alert.read"):
    """The territorial alert, if the user may see it (a recipient, or a coordinator of the
    platform that issued it); else `Missing` (404, audited under `action`)."""
    return found(
        queries.alert_for(user, public_id),
        action,
        "cooperation.territorialalert",
        public_id,
        "alerte",
    )


def party_of(convention, party_id, action: str):
    """One of the convention's parties, or `Missing` (404) for the page and the API alike."""
    party = convention.parties.filter(public_id=party_id).first()
    return found(party, action, "cooperation.conventionparty", party_id, "partie")


def obligation_of(convention, obligation_id, action: str):
    """One of the convention's obligations, or `Missing` (404)."""
    obligation = convention.obligations.filter(public_id=obligation_id).first()
    return found(
        obligation, action, "cooperation.conventionobligation", obligation_id, "obligation"
    )


def visible_campaign(user, public_id, action: str = "campaign.read"):
    """The check-call campaign, if the user may see it (a coordinator of its platform, or a
    member of the circle of one of the people it calls); else `Missing` (404, audited)."""
    return found(
        queries.campaign_for(user, public_id),
        action,
        "cooperation.checkcallcampaign",
        public_id,
        "campagne",
    )


def call_of(user, campaign, call_id, action: str = "call.move"):
    """One call of the campaign, if she is in the person's circle; else `Missing` (404)."""
    return found(
        queries.call_for(user, campaign, call_id), action, "cooperation.checkcall", call_id, "appel"
    )


def document_of(convention, document_id, action: str):
    """One of the convention's documents still kept, its file on disk (a restore that lost
    it answers 404, not 500), or `Missing` (404)."""
    document = next(
        (
            d
            for d in convention.documents.all()
            if str(d.public_id) == str(document_id) and d.path.exists()
        ),
        None,
    )
    return found(document, action, "cooperation.conventiondocument", document_id, "document")
