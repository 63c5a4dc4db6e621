"""The pathway pages, one module per aggregate (as the actions and the API); `urls.py`
reaches them through this package."""

from maillage.pathways.views.assessments import (  # noqa: F401
    assessment_new,
    assessments,
)
from maillage.pathways.views.circle import (  # noqa: F401
    circle_add,
    circle_approve,
    circle_remove,
    pathway_handover,
)
from maillage.pathways.views.closure import (  # noqa: F401
    pathway_close,
    pathway_reopen,
)
from maillage.pathways.views.meetings import (  # noqa: F401
    meeting_cancel,
    meeting_decision,
    meeting_detail,
    meeting_edit,
    meeting_ics,
    meeting_minutes,
    meeting_new,
    meetings,
)
from maillage.pathways.views.notebook import (  # noqa: F401
    notebook,
    notebook_attachment,
)
from maillage.pathways.views.pathways import (  # noqa: F401
    pathway_detail,
    pathway_list,
    record_accesses,
)
from maillage.pathways.views.plan import (  # noqa: F401
    plan,
    plan_action_add,
    plan_action_status,
    plan_objective_add,
    plan_print,
    plan_validate,
)
from maillage.pathways.views.portal import (  # noqa: F401
    caregiver_add,
    portal,
    portal_accept,
    portal_accesses,
    portal_invite,
    portal_pathway,
    portal_revoke,
)
from maillage.pathways.views.requests import (  # noqa: F401
    request_detail,
    request_list,
    request_new,
    request_orient,
    request_person_informed,
    request_reopen,
    request_triage,
    request_withdraw,
)
from maillage.pathways.views.stays import (  # noqa: F401
    stay_check,
    stay_discharge,
    stays,
)
