from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import Form
from maillage.territories.queries import search_communes

WHAT_IF_ROWS = 3


class SignedIntegerField(forms.IntegerField):
    """An integer typed with a typographic minus (« −3 ») as well as a hyphen (« -3 »)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\N{MINUS SIGN}", "-").replace("\N{EN DASH}", "-")
        return super().to_python(value)


class WhatIfForm(Form):
    """Up to three changes: practitioners added (positive) or removed (negative) at a
    commune, typed by its name, its postal code or its INSEE code."""

    def __init__(self, *args, codes=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = codes
        for row in range(WHAT_IF_ROWS):
            self.fields[f"commune_{row}"] = forms.CharField(
                label=_("Commune (nom ou code) n°%(n)s") % {"n": row + 1},
                max_length=100,
                required=False,
            )
            self.fields[f"change_{row}"] = SignedIntegerField(
                label=_("Médecins en plus (ou en moins, avec un signe -) n°%(n)s") % {"n": row + 1},
                min_value=-500,
                max_value=500,
                required=False,
            )

    def clean(self):
        data = super().clean()
        changes = {}
        for row in range(WHAT_IF_ROWS):
            typed = (data.get(f"commune_{row}") or "").strip()
            change = data.get(f"change_{row}")
            if not typed and not change:
                continue
            code = typed.upper()
            if code not in self.codes and typed:
                # The communes of the département the page shows: « Saint-Martin » is the
                # one there, not the first of France's many.
                found = [m for m in search_communes(typed, limit=50) if m.code in self.codes]
                same = (
                    [m for m in found if m.name.lower() == found[0].name.lower()] if found else []
                )
                if len(same) > 1:
                    self.add_error(
                        f"commune_{row}",
                        _("Plusieurs communes portent ce nom : donnez son code postal."),
                    )
                    continue
                code = found[0].code if found else ""
            if code not in self.codes:
                self.add_error(
                    f"commune_{row}",
                    _("Commune inconnue : vérifiez son nom, ou donnez son code postal."),
                )
                continue
            if not change:
                self.add_error(f"change_{row}", _("Combien de médecins en plus ou en moins ?"))
                continue
            changes[code] = changes.get(code, 0) + change
        if not changes and not self.errors:
            raise forms.ValidationError(_("Indiquez au moins une commune et un nombre."))
        data["changes"] = changes
        return data


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 120


class IndicatorsForm(Form):
    """Which territory and which months the dashboard shows. The address keeps them, so a
    view can be bookmarked and shared (nothing personal in it)."""

    territoire = forms.ChoiceField(label=_("Territoire"), required=False)
    code = forms.CharField(
        label=_("ou une commune (code INSEE) ou une intercommunalité (SIREN)"),
        required=False,
        max_length=9,
    )
    du = forms.RegexField(
        label=_("Du mois de"),
        regex=MONTH_PATTERN,
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Indiquez un mois sous la forme AAAA-MM.")},
    )
    au = forms.RegexField(
        label=_("au mois de (inclus)"),
        regex=MONTH_PATTERN,
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Indiquez un mois sous la forme AAAA-MM.")},
    )

    def __init__(self, *args, territories=(), departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [
            (_("Territoires"), list(territories)),
            (
                _("Départements"),
                [(f"dep-{code}", f"{code} — {name}") for code, name in departements],
            ),
        ]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and not (
            (len(code) == 5 and code[:2].isalnum() and code[2:].isdigit())
            or (len(code) == 9 and code.isdigit())
        ):
            raise forms.ValidationError(
                _("Un code INSEE a 5 caractères (85191), un SIREN d'intercommunalité 9 chiffres.")
            )
        return code

    def _month(self, name):
        value = self.cleaned_data[name]
        if value and not 2000 <= int(value[:4]) <= 2100:
            raise forms.ValidationError(_("Choisissez un mois entre 2000 et 2100."))
        return value

    def clean_du(self):
        return self._month("du")

    def clean_au(self):
        return self._month("au")

    def clean(self):
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if start and end and start > end:
            self.add_error("au", _("Le dernier mois vient après le premier."))
        elif start and end:
            months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:]) - int(start[5:]) + 1
            if months > MAX_MONTHS:
                self.add_error(
                    "au", _("Choisissez une période de %(n)s mois au plus.") % {"n": MAX_MONTHS}
                )
        return data


class CommentaryForm(Form):
    """The coordinators' words on each section of the annual report."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[section.key] = forms.CharField(
                label=section.title,
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
