"""The request pipeline: what every page and API operation shares around its action.

- Who acts is built once per request (`audit.Actor.of(request)`: the user, the membership in
  use, the address) and handed to actions and audited reads instead of the HTTP request.
- Refusals are raised, never answered on the spot: `Denied` (not allowed: 403) and `Missing`
  (not the user's to see, or not there: 404) carry the audit name of what was refused and
  the record concerned; `StaleVersion` (409) and `ValidationError` (400) carry the French
  reason. They are turned into answers once — for pages by the 403/404 handlers
  (core.views), `refusals_on` (a form shown again with the reason) and `refusal_returns_to`
  (a button: back to its page with the reason); for the API by the ninja exception
  handlers (maillage/api.py) — with the denial written to the audit trail.
- `@acting("plan.save")` names an operation, so that a refusal raised inside it without a
  name of its own is audited under this one.
"""

from __future__ import annotations

import functools
import typing
from contextlib import contextmanager
from dataclasses import dataclass

import pydantic
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from maillage.core import ratelimit
from maillage.core.inputs import pydantic_reason
from maillage.core.versions import StaleVersion


class Refusal:
    """What `Denied` and `Missing` share: the audit action and the record refused."""

    def _name(self, action: str, obj, object_type: str, object_id) -> None:
        self.action = action
        self.obj = obj
        self.object_type = object_type or (obj._meta.label_lower if obj is not None else "")
        self.object_id = str(object_id or (obj.public_id if obj is not None else ""))

    def audited_as(self) -> dict:
        """The audit row's object, for `audit.deny`."""
        return {"object_type": self.object_type, "object_id": self.object_id}


class Denied(Refusal, PermissionDenied):
    """The user may not do this (403): `action` names what was refused, for the audit."""

    def __init__(self, action: str = "", *, obj=None, object_type: str = "", object_id=""):
        super().__init__(action)
        self._name(action, obj, object_type, object_id)


class Missing(Refusal, Http404):
    """Not the user's to see, or not there — she is told the same (404); the audit trail
    records which, under `action`. `what` names the record in French for the API's answer
    (« réunion introuvable »)."""

    def __init__(
        self, action: str = "", *, obj=None, object_type: str = "", object_id="", what: str = ""
    ):
        super().__init__(action)
        self._name(action, obj, object_type, object_id)
        self.what = what


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


def denial_of(request, exception, default: str) -> tuple[str, dict]:
    """What to write for a refusal: its action name and its record."""
    if isinstance(exception, Refusal):
        return exception.action or acted(request, default), exception.audited_as()
    return acted(request, default), {}


@dataclass
class Submitted:
    """How a form's action went: `done`, or the status to show the form again with."""

    done: bool = False
    status: int = 400


@contextmanager
def refusals_on(form):
    """Run an action with a form's input; a refusal it raises lands on the form, which the
    page shows again with what the user typed:

        with refusals_on(form) as submitted:
            actions.plan_save(...)
        if submitted.done:
            return redirect(...)
        return render(..., status=submitted.status)

    A stale version (409) rebinds the form to the record's current version, so that saving
    once more, after reading what changed, goes through; any other ValidationError (400)
    puts its French message on the form (on its fields when it names them)."""
    submitted = Submitted()
    try:
        yield submitted
    except StaleVersion as error:
        if error.current is not None:
            _rebind_version(form, error.current)
        form.add_error(None, error)
        submitted.status = 409
    except ratelimit.Exceeded as error:
        form.add_error(None, error)
        submitted.status = 429
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            known = {k: v for k, v in error.error_dict.items() if k in form.fields}
            for field, errors in known.items():
                form.add_error(field, errors)
            others = [e for k, v in error.error_dict.items() if k not in known for e in v]
            if others:
                form.add_error(None, others)
        else:
            form.add_error(None, error)
        submitted.status = 400
    else:
        submitted.done = True


def _rebind_version(form, version: int) -> None:
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
    form._errors = None
    form.full_clean()


def refusal_returns_to(url_name: str, *keys: str):
    """For a button (a POST without a form to show again): a ValidationError raised by its
    action sends the user back to `url_name` (built from the view's arguments named in
    `keys`) with the French reason as a message; nothing was written."""

    def decorate(view):
        @functools.wraps(view)
        def operation(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(url_name, **{key: kwargs[key] for key in keys})

        return operation

    return decorate


def found(record, action: str, object_type: str, object_id, what: str = ""):
    """The record a scoped lookup returned, or `Missing` (404, the denial audited under
    `action`): not the user's to see, or not there — she is told the same."""
    if record is None:
        raise Missing(action, object_type=object_type, object_id=object_id, what=what)
    return record


def require(allowed: bool, action: str, *, obj=None) -> None:
    """`Denied` (403, audited under `action`) unless the user is allowed."""
    if not allowed:
        raise Denied(action, obj=obj)


def posted_version(request) -> int:
    """The version a button's form carried (the record as the user read it); -1, which no
    record has, when it is missing or not a number: the action then answers « modified in
    the meantime » and writes nothing."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _is_list(annotation) -> bool:
    """Whether a field takes several values: list[X], and list[X] | None alike."""
    if typing.get_origin(annotation) in (list, tuple, set):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def posted(request, schema):
    """A button's operation input, read from its POST (a button has no form to show again):
        its `version` as `posted_version` reads it, a list field from its repeated values, an
    empty value as absent (the input's default applies). What
        the input refuses is a `ValidationError` in French, which `refusal_returns_to` shows."""
    given = {}
    for name, field in schema.model_fields.items():
        if name == "version":
            given[name] = posted_version(request)
        elif request.POST.get(name, "") != "":
            values = request.POST.getlist(name)
            given[name] = values if _is_list(field.annotation) else values[-1]
    try:
        return schema.model_validate(given)
    except pydantic.ValidationError as error:
        raise ValidationError(
            _("Ce qui a été envoyé n'est pas accepté (%(names)s) : rechargez la page.")
            % {"names": pydantic_reason(error.errors())}
        ) from None
