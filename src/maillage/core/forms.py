from django import forms

from maillage.core.models import PlatformSettings


class PlatformSettingsForm(forms.ModelForm):
    class Meta:
        model = PlatformSettings
        fields = [
            "name",
            "competence_territory",
            "require_2fa_for_professionals",
            "orientation_expiry_days",
            "orientation_reminder_days",
        ]
