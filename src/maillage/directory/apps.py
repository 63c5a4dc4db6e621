from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    label = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        from maillage.core import dashboard
        from maillage.directory import dashboard as directory_dashboard

        dashboard.register(directory_dashboard.tiles)
