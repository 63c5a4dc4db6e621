from django.urls import path

from maillage.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("offres-de-sante/", views.health_taxonomy, name="health_taxonomy"),
    path("services/<uuid:public_id>/", views.service_detail, name="service"),
    path("services/<uuid:public_id>/fiche/", views.service_sheet, name="service_sheet"),
    path("services/<uuid:public_id>/envoyer/", views.sheet_send, name="sheet_send"),
    path("services/<uuid:public_id>/orienter/", views.orientation_new, name="orientation_new"),
    path("orientations/", views.orientation_list, name="orientation_list"),
    path(
        "orientations/statistiques/",
        views.orientation_statistics,
        name="orientation_statistics",
    ),
    path("orientations/<uuid:public_id>/", views.orientation_detail, name="orientation"),
    path(
        "orientations/<uuid:public_id>/decision/",
        views.orientation_move,
        name="orientation_move",
    ),
    path(
        "orientations/<uuid:public_id>/pieces/<uuid:attachment_id>/",
        views.orientation_attachment,
        name="orientation_attachment",
    ),
    path("mes-fiches/", views.my_entries, name="my_entries"),
    path(
        "mes-fiches/nouvelle-structure/<uuid:organisation_id>/",
        views.structure_new,
        name="structure_new",
    ),
    path("mes-fiches/structures/<uuid:public_id>/", views.structure_edit, name="structure_edit"),
    path(
        "mes-fiches/structures/<uuid:public_id>/nouveau-service/",
        views.service_new,
        name="service_new",
    ),
    path("mes-fiches/services/<uuid:public_id>/", views.service_edit, name="service_edit"),
    path(
        "mes-fiches/<str:kind>/<uuid:public_id>/<str:verb>/",
        views.entry_action,
        name="entry_action",
    ),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/doublons/", views.duplicates, name="duplicates"),
    path(
        "moderation/doublons/<uuid:first_id>/<uuid:second_id>/",
        views.duplicate_decide,
        name="duplicate_decide",
    ),
    path(
        "moderation/<str:kind>/<uuid:public_id>/",
        views.moderation_decide,
        name="moderation_decide",
    ),
    path("reponse/<str:token>/", views.orientation_answer, name="orientation_answer"),
    path(
        "reponse/<str:token>/pieces/<uuid:attachment_id>/",
        views.orientation_answer_attachment,
        name="orientation_answer_attachment",
    ),
]
