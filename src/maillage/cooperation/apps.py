from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "maillage.cooperation"
    label = "cooperation"
    verbose_name = _("Coopération territoriale")

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule).
        from maillage.cooperation import dashboard as cooperation_dashboard
        from maillage.core import dashboard

        dashboard.register(cooperation_dashboard.tiles)
