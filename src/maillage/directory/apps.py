from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    label = "directory"
    verbose_name = _("Annuaire")

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule). The
        # home page's work dashboard (core.dashboard) gets this app's tiles.
        from maillage.core import dashboard
        from maillage.directory import dashboard as directory_dashboard

        dashboard.register(directory_dashboard.tiles)
