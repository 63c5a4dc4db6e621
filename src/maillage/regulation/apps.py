from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationConfig(AppConfig):
    name = "maillage.regulation"
    label = "regulation"
    verbose_name = _("Régulation des places")

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule). The
        # home page's work dashboard (core.dashboard) gets this app's tiles.
        from maillage.core import dashboard
        from maillage.regulation import dashboard as regulation_dashboard

        dashboard.register(regulation_dashboard.tiles)
