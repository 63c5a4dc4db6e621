from django import forms
from django.utils.translation import gettext_lazy as _

WHAT_IF_ROWS = 3


class WhatIfForm(forms.Form):
    """Up to three changes: practitioners added (positive) or removed (negative) at a
    commune, by its INSEE code."""

    def __init__(self, *args, codes=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = codes
        for row in range(WHAT_IF_ROWS):
            self.fields[f"commune_{row}"] = forms.CharField(
                label=_("Commune (code INSEE) n°%(n)s") % {"n": row + 1},
                max_length=5,
                required=False,
            )
            self.fields[f"change_{row}"] = forms.IntegerField(
                label=_("Médecins en plus (ou en moins, avec un signe −) n°%(n)s") % {"n": row + 1},
                min_value=-500,
                max_value=500,
                required=False,
            )

    def clean(self):
        data = super().clean()
        changes = {}
        for row in range(WHAT_IF_ROWS):
            code = (data.get(f"commune_{row}") or "").strip().upper()
            change = data.get(f"change_{row}")
            if not code and not change:
                continue
            if code not in self.codes:
                self.add_error(f"commune_{row}", _("Commune inconnue : donnez son code INSEE."))
                continue
            if not change:
                self.add_error(f"change_{row}", _("Combien de médecins en plus ou en moins ?"))
                continue
            changes[code] = changes.get(code, 0) + change
        if not changes and not self.errors:
            raise forms.ValidationError(_("Indiquez au moins une commune et un nombre."))
        data["changes"] = changes
        return data
