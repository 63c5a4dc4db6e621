"""The register of conventions: list, a convention's page, its forms. Thin: parse, check,
call an action or a query, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.models import Organisation
from maillage.cooperation import access, actions, inputs, queries, reads
from maillage.cooperation.enums import CONVENTION_TRANSITIONS, ConventionKind, ConventionState
from maillage.cooperation.forms import (
    ConventionForm,
    ConventionMoveForm,
    ConventionUpdateForm,
    DocumentForm,
    ObligationForm,
    PartyForm,
    PartyLeaveForm,
)
from maillage.core import audit
from maillage.core.attachments import private_file_response
from maillage.core.pipeline import Denied, posted, refusal_returns_to, refusals_on


def _acting(request):
    return audit.Actor.of(request)


def _keeping(user) -> list:
    """The organisations whose conventions this user may register."""
    if access.is_platform_admin(user):
        return list(Organisation.objects.filter(is_active=True).order_by("name"))
    return access.managing_organisations(user)


def _amendable(user):
    return [
        c
        for c in queries.conventions_visible_to(user).exclude(kind=ConventionKind.AMENDMENT)
        if access.can_manage(user, c)
    ]


def convention_list(request):
    """The register: the conventions the user's organisations keep or are party to."""
    if not (access.party_organisation_ids(request.user) or access.is_platform_admin(request.user)):
        raise Denied("convention.list")  # the person's and her caregivers' spaces have none
    keeping = _keeping(request.user)
    conventions = queries.convention_list(request.user)
    return render(
        request,
        "cooperation/convention_list.html",
        {"conventions": conventions, "can_create": bool(keeping), "today": timezone.localdate()},
    )


def convention_new(request):
    keeping = _keeping(request.user)
    if not keeping:
        raise Denied("convention.create")
    args = {"organisations": keeping, "conventions": _amendable(request.user)}
    form = ConventionForm(request.POST or None, **args)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            convention = actions.convention_create(
                actor=request.user, data=form.to_input(), acting=_acting(request)
            )
        if submitted.done:
            messages.success(request, _("Convention enregistrée : ajoutez ses parties."))
            return redirect("cooperation:convention", public_id=convention.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cooperation/convention_form.html",
        {"form": form, "title": _("Nouvelle convention")},
        status=status,
    )


def convention_edit(request, public_id):
    convention = reads.visible_convention(request.user, public_id, "convention.update")
    if not access.can_manage(request.user, convention):
        raise Denied("convention.update", obj=convention)
    args = {
        "organisations": _keeping(request.user),
        "conventions": [c for c in _amendable(request.user) if c.pk != convention.pk],
    }
    initial = {
        name: getattr(convention, name)
        for name in ConventionUpdateForm.base_fields
        if name not in ("managed_by", "amends")
    }
    initial["managed_by"] = convention.managed_by
    initial["amends"] = str(convention.amends.public_id) if convention.amends else ""
    form = ConventionUpdateForm(request.POST or None, initial=initial, **args)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            actions.convention_update(
                actor=request.user,
                convention=convention,
                data=form.to_input(),
                acting=_acting(request),
            )
        if submitted.done:
            messages.success(request, _("Convention modifiée."))
            return redirect("cooperation:convention", public_id=public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cooperation/convention_form.html",
        {"form": form, "title": _("Modifier la convention"), "convention": convention},
        status=status,
    )


def convention_detail(request, public_id, status=200, **forms):
    convention = reads.visible_convention(request.user, public_id)
    manages = access.can_manage(request.user, convention)
    parties = [p for p in convention.parties.all() if p.left_on is None]
    moves = [
        (state, ConventionState(state).label)
        for state in sorted(CONVENTION_TRANSITIONS[convention.state])
    ]
    context = {
        "convention": convention,
        "manages": manages,
        "parties": list(convention.parties.all()),
        "obligations": list(convention.obligations.all()),
        "amendments": list(convention.amendments.all()),
        "documents": list(convention.documents.all()),
        "today": timezone.localdate(),
        "total_share": sum(p.share for p in parties if p.share is not None),
    }
    if manages:
        context.update(
            move_form=forms.get("move_form")
            or ConventionMoveForm(
                moves=moves, initial={"version": convention.version, "on": timezone.localdate()}
            ),
            party_form=forms.get("party_form") or PartyForm(),
            document_form=forms.get("document_form") or DocumentForm(),
            obligation_form=forms.get("obligation_form") or ObligationForm(parties=parties),
            leave_form=PartyLeaveForm(initial={"left_on": timezone.localdate()}),
        )
    return render(request, "cooperation/convention_detail.html", context, status=status)


def _kept(request, public_id, action):
    """The convention the POST is about, for its keepers only."""
    convention = reads.visible_convention(request.user, public_id, action)
    if not access.can_manage(request.user, convention):
        raise Denied(action, obj=convention)
    return convention


def _submitted(request, public_id, form, key, perform, done):
    """A form of the convention's page: the action when it is valid (`perform(data)`, then
    back to the page with `done(result)`), else the page again with the form's errors."""
    if form.is_valid():
        with refusals_on(form) as submitted:
            result = perform(form.to_input())
        if submitted.done:
            messages.success(request, done(result))
            return redirect("cooperation:convention", public_id=public_id)
    return convention_detail(request, public_id, status=400, **{key: form})


@require_POST
def convention_move(request, public_id):
    convention = _kept(request, public_id, "convention.move")
    moves = [(s, ConventionState(s).label) for s in CONVENTION_TRANSITIONS[convention.state]]
    return _submitted(
        request,
        public_id,
        ConventionMoveForm(request.POST, moves=moves),
        "move_form",
        lambda data: actions.convention_move(
            actor=request.user, convention=convention, data=data, acting=_acting(request)
        ),
        lambda moved: _("La convention est %(state)s.") % {"state": moved.get_state_display()},
    )


@require_POST
def party_add(request, public_id):
    convention = _kept(request, public_id, "convention.party.add")
    return _submitted(
        request,
        public_id,
        PartyForm(request.POST),
        "party_form",
        lambda data: actions.party_add(
            actor=request.user, convention=convention, data=data, acting=_acting(request)
        ),
        lambda _party: _("Partie ajoutée."),
    )


@require_POST
@refusal_returns_to("cooperation:convention", "public_id")
def party_leave(request, public_id, party_id):
    convention = _kept(request, public_id, "convention.party.leave")
    party = reads.party_of(convention, party_id, "convention.party.leave")
    actions.party_leave(
        actor=request.user,
        party=party,
        data=posted(request, inputs.PartyLeaveIn),
        acting=_acting(request),
    )
    messages.success(request, _("Retrait noté."))
    return redirect("cooperation:convention", public_id=public_id)


@require_POST
def obligation_add(request, public_id):
    convention = _kept(request, public_id, "convention.obligation.add")
    parties = [p for p in convention.parties.all() if p.left_on is None]
    return _submitted(
        request,
        public_id,
        ObligationForm(request.POST, parties=parties),
        "obligation_form",
        lambda data: actions.obligation_add(
            actor=request.user, convention=convention, data=data, acting=_acting(request)
        ),
        lambda _obligation: _("Obligation ajoutée."),
    )


@require_POST
@refusal_returns_to("cooperation:convention", "public_id")
def obligation_move(request, public_id, obligation_id):
    convention = _kept(request, public_id, "convention.obligation.move")
    obligation = reads.obligation_of(convention, obligation_id, "convention.obligation.move")
    actions.obligation_move(
        actor=request.user,
        obligation=obligation,
        data=posted(request, inputs.ObligationMoveIn),
        acting=_acting(request),
    )
    messages.success(request, _("État de l'obligation noté."))
    return redirect("cooperation:convention", public_id=public_id)


@require_POST
def document_add(request, public_id):
    """A document of the convention, sent by a keeper (a file: the page only)."""
    convention = _kept(request, public_id, "convention.document.add")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.document_add(
                actor=request.user,
                convention=convention,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                acting=_acting(request),
            )
        if submitted.done:
            messages.success(request, _("Document joint à la convention."))
            return redirect("cooperation:convention", public_id=public_id)
    return convention_detail(request, public_id, status=400, document_form=form)


def document(request, public_id, document_id):
    """The file, for those who read the convention; each download is traced."""
    convention = reads.visible_convention(request.user, public_id, "convention.document.read")
    found = reads.document_of(convention, document_id, "convention.document.read")
    audit.record(
        "convention.document.read",
        request=request,
        obj=convention,
        details={"document": str(found.public_id)},
    )
    return private_file_response(found)


@require_POST
@refusal_returns_to("cooperation:convention", "public_id")
def document_remove(request, public_id, document_id):
    convention = _kept(request, public_id, "convention.document.remove")
    found = reads.document_of(convention, document_id, "convention.document.remove")
    actions.document_remove(actor=request.user, document=found, acting=_acting(request))
    messages.success(request, _("Document retiré."))
    return redirect("cooperation:convention", public_id=public_id)
