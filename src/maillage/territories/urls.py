from django.urls import path

from maillage.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("nouveau/", views.territory_create, name="create"),
    path("<uuid:public_id>/", views.territory_detail, name="detail"),
    path("<uuid:public_id>/ajouter/", views.territory_add, name="add"),
    path("<uuid:public_id>/retirer/<str:code>/", views.territory_remove, name="remove_commune"),
    path("<uuid:public_id>/supprimer/", views.territory_delete, name="delete"),
]
