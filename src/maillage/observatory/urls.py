from django.urls import path

from maillage.observatory import views

app_name = "observatory"

urlpatterns = [
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("accessibilite/calcul/", views.accessibility_compute, name="accessibility_compute"),
]
