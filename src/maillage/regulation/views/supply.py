"""Programmes, their places and admission rules, and the vacancies declared."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.pipeline import Denied, posted, refusal_returns_to, refusals_on, require
from maillage.regulation import access, actions, inputs, presenters, queries, reads
from maillage.regulation.forms import (
    NoteForm,
    ProgrammeForm,
    RequirementForm,
    UnitForm,
    VacancyForm,
)
from maillage.regulation.views._common import acting, visible_programme


def programmes(request):
    """The programmes the user keeps (her structures') or regulates (her SIAO's), and a
    form to add one."""
    user = request.user
    structures = queries.structures_for_new_programme(user)
    if not (structures or access.can_regulate(user)):
        raise Denied("programme.save")
    form_args = {"structures": structures, "regulators": queries.regulators()}
    form = ProgrammeForm(**form_args)
    status = 200
    if request.method == "POST":
        form = ProgrammeForm(request.POST, **form_args)
        if form.is_valid():
            with refusals_on(form) as submitted:
                programme = actions.programme_create(
                    actor=user, data=form.to_input(), acting=acting(request)
                )
            if submitted.done:
                messages.success(request, _("Dispositif créé : ajoutez ses places."))
                return redirect("regulation:programme", public_id=programme.public_id)
        status = 400
    return render(
        request,
        "regulation/programmes.html",
        {"programmes": list(queries.programmes_managed_by(user).order_by("name")), "form": form},
        status=status,
    )


def _programme_page(request, programme, status=200, **forms):
    live = queries.live_vacancies_of(programme)
    units = list(programme.units.all())
    free_units = [u for u in units if u.pk not in live and u.active]
    context = {
        "programme": programme,
        "view": presenters.programme_out(programme, live),
        "vacancies": queries.vacancy_history(programme),
        "unit_form": forms.get("unit_form") or UnitForm(),
        "rule_form": forms.get("rule_form") or RequirementForm(units=units),
        "vacancy_form": forms.get("vacancy_form")
        or VacancyForm(units=free_units, initial={"available_from": timezone.localdate()}),
        "withdraw_form": NoteForm(),
        "structure_rules": list(programme.structure.place_requirements.all()),
        "manages_structure": access.can_set_structure_rules(request.user, programme.structure),
    }
    return render(request, "regulation/programme.html", context, status=status)


def programme(request, public_id):
    return _programme_page(request, visible_programme(request, public_id))


@require_POST
def unit_add(request, public_id):
    programme = visible_programme(request, public_id)
    require(access.can_manage_programme(request.user, programme), "unit.save", obj=programme)
    form = UnitForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.unit_add(
                actor=request.user,
                programme=programme,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("Places ajoutées."))
            return redirect("regulation:programme", public_id=public_id)
    return _programme_page(request, programme, status=400, unit_form=form)


@require_POST
def requirement_add(request, public_id):
    programme = visible_programme(request, public_id)
    require(access.can_manage_programme(request.user, programme), "requirement.save", obj=programme)
    form = RequirementForm(request.POST, units=list(programme.units.all()))
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.requirement_add(
                actor=request.user,
                programme=programme,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("Critère enregistré."))
            return redirect("regulation:programme", public_id=public_id)
    return _programme_page(request, programme, status=400, rule_form=form)


@require_POST
@refusal_returns_to("regulation:programme", "public_id")
def requirement_remove(request, public_id, requirement_id):
    programme = visible_programme(request, public_id)
    actions.requirement_remove(
        actor=request.user,
        programme=programme,
        requirement_id=requirement_id,
        acting=acting(request),
    )
    messages.success(request, _("Critère retiré."))
    return redirect("regulation:programme", public_id=public_id)


@require_POST
def vacancy_declare(request, public_id):
    programme = visible_programme(request, public_id)
    require(access.can_manage_programme(request.user, programme), "vacancy.declare", obj=programme)
    live = queries.live_vacancies_of(programme)
    units = [u for u in programme.units.all() if u.pk not in live and u.active]
    form = VacancyForm(request.POST, units=units)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.vacancy_declare(
                actor=request.user,
                programme=programme,
                data=form.to_input(),
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("Vacance déclarée : le SIAO la voit."))
            return redirect("regulation:programme", public_id=public_id)
    return _programme_page(request, programme, status=400, vacancy_form=form)


@require_POST
@refusal_returns_to("regulation:programme", "public_id")
def vacancy_withdraw(request, public_id, vacancy_id):
    programme = visible_programme(request, public_id)
    vacancy = reads.vacancy_in(programme, vacancy_id, "vacancy.withdraw")
    actions.vacancy_withdraw(
        actor=request.user,
        vacancy=vacancy,
        data=posted(request, inputs.NoteIn),
        acting=acting(request),
    )
    messages.success(request, _("Vacance retirée."))
    return redirect("regulation:programme", public_id=public_id)


def tonight(request):
    """Tonight's free emergency places, at a glance (the SIAO and the 115)."""
    siaos = sorted(set(access.regulating(request.user)) | set(access.answering_calls(request.user)))
    if not siaos:
        raise Denied("emergency.call")
    places = queries.tonight_places(siaos, timezone.localdate())
    return render(request, "regulation/tonight.html", {"places": places})
