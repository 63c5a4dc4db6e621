"""The request pipeline's one piece that operations declare: the audit name of what an API
operation does. The refusals an action or an access helper raises — PermissionDenied,
StaleVersion, ValidationError — are turned into answers once, by the API's exception
handlers (maillage/api.py: 403 with the denial audited under this name, 409, 400 with the
French message), instead of a try/except around every call."""

from __future__ import annotations

import functools


def acting(action: str):
    """Name the operation for the audit trail (`plan.save`, `meeting.cancel`…): a refusal
    raised while it runs is recorded as a denial of this action."""

    def decorate(view):
        @functools.wraps(view)
        def operation(request, *args, **kwargs):
            request.maillage_action = action
            return view(request, *args, **kwargs)

        return operation

    return decorate


def acted(request, default: str) -> str:
    """The audit name of what this request was doing."""
    return getattr(request, "maillage_action", None) or default
