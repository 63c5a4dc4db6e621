from django.urls import path, register_converter

from maillage.territories import views


class InseeCodeConverter:
    """A commune's INSEE code: five characters, digits or the Corsican 2A/2B."""

    regex = "[0-9][0-9AB][0-9]{3}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(InseeCodeConverter, "insee")

app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("nouveau/", views.territory_create, name="create"),
    path("<uuid:public_id>/", views.territory_detail, name="detail"),
    path("<uuid:public_id>/ajouter/", views.territory_add, name="add"),
    path("<uuid:public_id>/retirer/<insee:code>/", views.territory_remove, name="remove_commune"),
    path("<uuid:public_id>/supprimer/", views.territory_delete, name="delete"),
]
