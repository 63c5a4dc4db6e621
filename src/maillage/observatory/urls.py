from django.urls import path, register_converter

from maillage.observatory import views

app_name = "observatory"


class TableFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TableFormat, "tableformat")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tableaux/<slug:slug>.<tableformat:fmt>", views.table_download, name="table"),
    path("donnees-ouvertes/<slug:slug>.<tableformat:fmt>", views.table_download, name="open_data"),
    path("rapport/", views.report_index, name="reports"),
    path("rapport/<int:year>/", views.annual_report, name="report"),
    path("rapport/<int:year>/pdf/", views.annual_report_pdf, name="report_pdf"),
    path("rapport/<int:year>/commentaire/", views.report_commentary, name="report_commentary"),
    path("rapport/<int:year>/publier/", views.report_publish, name="report_publish"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("accessibilite/calcul/", views.accessibility_compute, name="accessibility_compute"),
]
