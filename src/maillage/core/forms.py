import unicodedata

from django import forms

from maillage.core.inputs import text_problem
from maillage.core.models import PlatformSettings


class CheckedInput:
    """Every Maillage form passes its text through the one input normalisation
    (core.inputs): a field that held a forbidden character — taken out of the request by
    core.middleware.InputMiddleware, or given here directly — gets a French error and the
    form is not valid, so nothing is recorded; accepted text is kept in NFC form."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        problems = dict(getattr(self.data, "input_problems", {}))
        given = self.data.lists() if hasattr(self.data, "lists") else self.data.items()
        for key, values in given:
            for value in values if isinstance(values, list | tuple) else [values]:
                problem = isinstance(value, str) and text_problem(value)
                if problem:
                    problems.setdefault(key, problem)
        for key, problem in problems.items():
            name = key.removeprefix(f"{self.prefix}-") if self.prefix else key
            message = f"{problem[0].upper()}{problem[1:]} : retirez-le et enregistrez à nouveau."
            self.add_error(name if name in self.fields else None, message)

    def _post_clean(self):
        # Before a ModelForm copies cleaned_data into its instance.
        for name, value in list(getattr(self, "cleaned_data", {}).items()):
            if isinstance(value, str) and not value.isascii():
                self.cleaned_data[name] = unicodedata.normalize("NFC", value)
        super()._post_clean()


class Form(CheckedInput, forms.Form):
    pass


class ModelForm(CheckedInput, forms.ModelForm):
    pass


class PlatformSettingsForm(ModelForm):
    class Meta:
        model = PlatformSettings
        fields = [
            "name",
            "competence_territory",
            "require_2fa_for_professionals",
            "orientation_expiry_days",
            "orientation_reminder_days",
            "complexity_threshold",
            "archive_after_days",
            "anonymise_after_days",
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class IdPrefixed:
    """A form shown on a page with other forms: its fields' ids carry a prefix, so that no
    two elements of the page share an id (and each label reaches its own field)."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)
