from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maillage.core"
    label = "core"
    verbose_name = "Maillage"

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule).
        from maillage.core import dashboard

        dashboard.register(dashboard.notice_tiles)
