from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "maillage.pathways"
    label = "pathways"
    verbose_name = _("Parcours")

    def ready(self):
        # Imported in ready(): the app registry is loaded only now (Django's rule).
        from maillage.directory import hooks
        from maillage.pathways.fhir import export_command
        from maillage.pathways.queries import plan_orientations_seen_by

        # What the directory learns of pathways without importing them (directory.hooks):
        # the care circle reads the orientations its plan sent; one pathway exports as FHIR.
        hooks.register_orientation_reader(plan_orientations_seen_by)
        hooks.register_record_export("fhir-pathway", export_command)

        # The home page's work dashboard (core.dashboard), registered once the apps load.
        from maillage.core import dashboard
        from maillage.pathways import access
        from maillage.pathways import dashboard as pathways_dashboard

        dashboard.register(pathways_dashboard.tiles, has_team=access.can_triage)

        # A professional invited into a care circle joins it when she accepts (the accounts
        # app signals it without knowing of pathways).
        from maillage.accounts.signals import invitation_accepted
        from maillage.pathways.actions.circle import join_invited_circles

        invitation_accepted.connect(join_invited_circles, dispatch_uid="pathways-circle-join")
