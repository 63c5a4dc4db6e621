from django import forms

from maillage.core.forms import Form, ModelForm
from maillage.territories.models import Territory


class TerritoryForm(ModelForm):
    class Meta:
        model = Territory
        fields = ["name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PlaceChoiceForm(Form):
    kind = forms.ChoiceField(
        choices=[("commune", "commune"), ("epci", "EPCI"), ("departement", "département")]
    )
    code = forms.RegexField(regex=r"^[0-9AB]{2,9}$", max_length=9)
