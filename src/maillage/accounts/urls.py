from django.contrib.auth import views as auth_views
from django.urls import path

from maillage.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("verification/", views.otp_verify, name="otp_verify"),
    path("double-authentification/", views.otp_setup, name="otp_setup"),
    path(
        "mot-de-passe/oubli/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("structures/", views.organisation_list, name="organisation_list"),
    path("structures/nouvelle/", views.organisation_create, name="organisation_create"),
    path("structures/<uuid:public_id>/", views.organisation_detail, name="organisation_detail"),
    path("roles/<uuid:public_id>/retirer/", views.membership_revoke, name="membership_revoke"),
    path(
        "invitations/<uuid:public_id>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("jetons-api/", views.api_tokens, name="api_tokens"),
    path("jetons-api/<uuid:public_id>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("invitation/", views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>/", views.invitation_open, name="invitation_open"),
]
