from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What the audit trail records for this app, in the words the list of accesses to a
    record shows. Every name written to the trail is declared in an app's AuditAction
    (core.audit.declared; tests/core/test_audit_names.py)."""

    ACCESSIBILITY_COMPUTE = "accessibility.compute", _("a calculé l'accessibilité aux services")
    OBSERVATORY_READ = "observatory.read", _("a consulté l'observatoire")
    REPORT_PUBLISH = "report.publish", _("a publié un rapport de l'observatoire")
    REPORT_READ = "report.read", _("a consulté un rapport de l'observatoire")
    REPORT_SAVE = "report.save", _("a enregistré un rapport de l'observatoire")
    REPORT_WRITE = "report.write", _("a ouvert un rapport de l'observatoire pour l'écrire")
