from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from maillage.api import api
from maillage.core.views import csp_report, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("csp-report", csp_report, name="csp_report"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("compte/", include("maillage.accounts.urls")),
    path("territoires/", include("maillage.territories.urls")),
    path("annuaire/", include("maillage.directory.urls")),
    path("parcours/", include("maillage.pathways.urls")),
    path("regulation/", include("maillage.regulation.urls")),
    path("observatoire/", include("maillage.observatory.urls")),
    path("cooperation/", include("maillage.cooperation.urls")),
    path("", include("maillage.core.urls")),
]

handler400 = "maillage.core.views.bad_request"
handler403 = "maillage.core.views.permission_denied"
handler404 = "maillage.core.views.page_not_found"
handler500 = "maillage.core.views.server_error"
