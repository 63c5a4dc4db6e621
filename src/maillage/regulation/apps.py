from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "maillage.regulation"
    label = "regulation"
    verbose_name = "Régulation des places"

    def ready(self):
        from maillage.core import dashboard
        from maillage.regulation import dashboard as regulation_dashboard

        dashboard.register(regulation_dashboard.tiles)
