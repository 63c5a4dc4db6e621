from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Organisation, User
from maillage.core.forms import Form, ModelForm
from maillage.core.roles import Role


class LoginForm(Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpTokenForm(Form):
    token = forms.RegexField(
        label=_("Code à 6 chiffres de votre application d'authentification"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Saisissez les 6 chiffres affichés par l'application.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7}
        ),
    )


class OrganisationForm(ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "finess", "siret", "email", "phone"]


class InvitationForm(Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne invitée"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.fields["role"].choices = [
                (value, label) for value, label in Role.choices if value in allowed_roles
            ]


class AcceptInvitationForm(Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=200)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, pas uniquement des chiffres."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email="", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        if first:
            probe = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ApiTokenForm(Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("L'outil ou le script qui l'utilisera, pour le reconnaître plus tard."),
    )
