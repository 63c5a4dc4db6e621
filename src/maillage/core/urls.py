from django.urls import path

from maillage.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("role/", views.switch_role, name="switch_role"),
    path("plateforme/parametres/", views.platform_settings, name="platform_settings"),
    path("plateforme/journal/", views.audit_log, name="audit_log"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
