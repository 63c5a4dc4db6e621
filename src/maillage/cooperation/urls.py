from django.urls import path

from maillage.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path(
        "conventions/<uuid:public_id>/documents/",
        views.document_add,
        name="document_add",
    ),
    path(
        "conventions/<uuid:public_id>/documents/<uuid:document_id>/",
        views.document,
        name="document",
    ),
    path(
        "conventions/<uuid:public_id>/documents/<uuid:document_id>/retrait/",
        views.document_remove,
        name="document_remove",
    ),
    path("alertes/", views.alert_list, name="alerts"),
    path("alertes/nouvelle/", views.alert_new, name="alert_new"),
    path("alertes/<uuid:public_id>/", views.alert_detail, name="alert"),
    path("alertes/<uuid:public_id>/nouvelles/", views.alert_update, name="alert_update"),
    path("alertes/<uuid:public_id>/etat/", views.alert_move, name="alert_move"),
    path("alertes/<uuid:public_id>/lu/", views.alert_acknowledge, name="alert_acknowledge"),
    path("campagnes/nouvelle/", views.campaign_new, name="campaign_new"),
    path("campagnes/<uuid:public_id>/", views.campaign_detail, name="campaign"),
    path("campagnes/<uuid:public_id>/cloture/", views.campaign_close, name="campaign_close"),
    path(
        "campagnes/<uuid:public_id>/appels/<uuid:call_id>/",
        views.call_move,
        name="call_move",
    ),
    path("conventions/", views.convention_list, name="conventions"),
    path("conventions/nouvelle/", views.convention_new, name="convention_new"),
    path("conventions/<uuid:public_id>/", views.convention_detail, name="convention"),
    path("conventions/<uuid:public_id>/modifier/", views.convention_edit, name="convention_edit"),
    path("conventions/<uuid:public_id>/etat/", views.convention_move, name="convention_move"),
    path("conventions/<uuid:public_id>/parties/", views.party_add, name="party_add"),
    path(
        "conventions/<uuid:public_id>/parties/<uuid:party_id>/retrait/",
        views.party_leave,
        name="party_leave",
    ),
    path("conventions/<uuid:public_id>/obligations/", views.obligation_add, name="obligation_add"),
    path(
        "conventions/<uuid:public_id>/obligations/<uuid:obligation_id>/",
        views.obligation_move,
        name="obligation_move",
    ),
]
