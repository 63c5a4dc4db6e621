"""Every page of the cooperation that writes, and the API route that does the same with the
same input (core.operations; checked by tests/core/test_parity.py)."""

from maillage.cooperation import inputs as i
from maillage.core.operations import PageOperation as Op

PAGE_OPERATIONS = (
    Op("cooperation:convention_new", "convention_create", i.ConventionIn),
    Op("cooperation:convention_edit", "convention_update", i.ConventionUpdateIn),
    Op("cooperation:convention_move", "convention_move", i.ConventionMoveIn),
    Op("cooperation:party_add", "party_add", i.PartyIn),
    Op("cooperation:party_leave", "party_leave", i.PartyLeaveIn),
    Op("cooperation:obligation_add", "obligation_add", i.ObligationIn),
    Op("cooperation:obligation_move", "obligation_move", i.ObligationMoveIn),
    Op("cooperation:document_remove", "document_remove", None),
    Op("cooperation:alert_new", "alert_issue", i.AlertIn),
    Op("cooperation:alert_update", "alert_update", i.AlertUpdateIn),
    Op("cooperation:alert_move", "alert_move", i.AlertMoveIn),
    Op("cooperation:alert_acknowledge", "alert_acknowledge", None),
    Op("cooperation:campaign_new", "campaign_create", i.CampaignIn),
    Op("cooperation:call_move", "call_move", i.CallMoveIn),
    Op("cooperation:campaign_close", "campaign_close", i.CampaignCloseIn),
)
PAGE_ONLY: dict[str, str] = {
    "cooperation:document_add": (
        "un fichier choisi sur l'ordinateur et envoyé par la page ; l'API liste les documents "
        "d'une convention, les télécharge et les retire"
    ),
}
