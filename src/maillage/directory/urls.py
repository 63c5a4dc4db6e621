from django.urls import path

from maillage.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:public_id>/", views.service_detail, name="service"),
    path("services/<uuid:public_id>/fiche/", views.service_sheet, name="service_sheet"),
]
