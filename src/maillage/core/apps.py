from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "maillage.core"
    label = "core"
    verbose_name = _("Maillage")

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule).
        from maillage.core import dashboard

        dashboard.register(dashboard.notice_tiles)
