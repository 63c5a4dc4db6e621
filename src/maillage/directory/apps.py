from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    label = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule). The
        # home page's work dashboard (core.dashboard) gets this app's tiles.
        from maillage.core import dashboard
        from maillage.directory import dashboard as directory_dashboard

        dashboard.register(directory_dashboard.tiles)
